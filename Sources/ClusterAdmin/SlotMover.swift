import ClusterKit
import RESP
import Synchronization

/// Progress of a move, reported after every batch of slots.
public struct MoveProgress: Sendable {
  public var slotsDone: Int
  public var slotsTotal: Int
  public var keysMoved: Int
}

/// The result of a move: what was done, and whether it stopped early on request.
public struct MoveReport: Sendable {
  public var slotsMoved: Int
  public var keysMoved: Int
  public var stoppedEarly: Bool
  public var duration: Duration
}

/// Moves slots between masters: per slot IMPORTING on the target, MIGRATING on the source, all
/// keys, then NODE on the target, the source and every other master. Slots go in batches whose
/// SETSLOTs are pipelined, and disjoint source→target pairs run concurrently.
public struct SlotMover: Sendable {
  public var cluster: LiveCluster
  public var migrate: MigrateOptions
  /// Slots opened at once per pair.
  public var slotsPerBatch: Int
  /// Source→target pairs moved at the same time (pairs sharing a node are never concurrent).
  public var pairConcurrency: Int
  /// Every SETSLOT that took effect is recorded here.
  public var ledger: ChangeLedger
  /// Checked between batches: the slots in flight finish, then the mover stops.
  public var stop: StopToken

  public init(
    cluster: LiveCluster, migrate: MigrateOptions, ledger: ChangeLedger, stop: StopToken,
    slotsPerBatch: Int = 64, pairConcurrency: Int = 8
  ) {
    self.cluster = cluster
    self.migrate = migrate
    self.ledger = ledger
    self.stop = stop
    self.slotsPerBatch = slotsPerBatch
    self.pairConcurrency = pairConcurrency
  }

  public typealias Pair = (source: String, target: String, slots: [Int])

  public func move(_ pairs: [Pair], progress: @escaping @Sendable (MoveProgress) -> Void) async throws
    -> MoveReport
  {
    let clock = ContinuousClock()
    let start = clock.now
    let total = pairs.reduce(0) { $0 + $1.slots.count }
    let counter = ProgressCounter()
    // Waves of pairs with no node in common, so a node never serves two moves at once.
    var remaining = pairs
    var stopped = false
    while !remaining.isEmpty && !stopped {
      var busy = Set<String>()
      var wave: [Pair] = []
      var later: [Pair] = []
      for p in remaining {
        if wave.count < pairConcurrency && !busy.contains(p.source) && !busy.contains(p.target) {
          wave.append(p)
          busy.formUnion([p.source, p.target])
        } else {
          later.append(p)
        }
      }
      remaining = later
      let results = try await withThrowingTaskGroup(of: Bool.self) { group in
        for pair in wave {
          group.addTask {
            try await self.movePair(pair) { slots, keys in
              let now = counter.state.withLock { c -> MoveProgress in
                c.slots += slots
                c.keys += keys
                return MoveProgress(slotsDone: c.slots, slotsTotal: total, keysMoved: c.keys)
              }
              progress(now)
            }
          }
        }
        var all: [Bool] = []
        for try await r in group { all.append(r) }
        return all
      }
      stopped = results.contains(false)
    }
    let done = counter.state.withLock { $0 }
    return MoveReport(
      slotsMoved: done.slots, keysMoved: done.keys, stoppedEarly: stopped || done.slots < total,
      duration: clock.now - start)
  }

  /// Moves one pair's slots batch by batch; returns false when stopped by request.
  func movePair(_ pair: Pair, done: @Sendable (Int, Int) -> Void) async throws -> Bool {
    let view = cluster.view
    guard let source = cluster.session(pair.source), let target = cluster.session(pair.target),
      let targetNode = view.node(id: pair.target), let targetAddress = targetNode.address
    else {
      throw OperationError("not connected to both \(pair.source.prefix(8)) and \(pair.target.prefix(8))")
    }
    let others = view.masters.filter { $0.id != pair.source && $0.id != pair.target }.compactMap {
      cluster.session($0.id)
    }
    let migrator = KeyMigrator(options: migrate)
    let sourceName = view.node(id: pair.source)?.label ?? source.address.description
    let targetName = targetNode.label
    for start in stride(from: 0, to: pair.slots.count, by: slotsPerBatch) {
      if stop.isRequested { return false }
      let batch = Array(pair.slots[start..<min(start + slotsPerBatch, pair.slots.count)])
      try await setSlots(
        target, batch, "IMPORTING", pair.source, what: "IMPORTING",
        changing: Change(.slotsOpened, node: targetName, peer: sourceName, detail: "importing"))
      try await setSlots(
        source, batch, "MIGRATING", pair.target, what: "MIGRATING",
        changing: Change(.slotsOpened, node: sourceName, peer: targetName, detail: "migrating"))
      let keys = try await migrator.drain(batch, from: source, to: targetAddress, targetSession: target)
      // Target first: if it crashed after the source let go, the slot would have no owner. Sent
      // without a reply, the move is recorded as of unknown outcome (the target may own the slots
      // once it answers again).
      let moved = Change(
        .slotsMoved, node: sourceName, peer: targetName, slots: SlotSet(slots: batch), keys: keys)
      try await setSlots(
        target, batch, "NODE", pair.target, what: "NODE on the target", changing: moved, record: false)
      ledger.record(moved)
      let finish = batch.map { ["CLUSTER", "SETSLOT", String($0), "NODE", pair.target] }
      do {
        for reply in try await source.pipeline(finish) {
          // A source that just gave away its last slot may already have turned into a replica.
          if let m = reply.errorMessage, !m.contains("only with masters"), !m.contains("NOREPLICAS"),
            !m.contains("UNBLOCKED")
          {
            throw OperationError("SETSLOT NODE on the source \(source.address) failed: \(m)")
          }
        }
      } catch {
        // The target owns the slots; the source may still say MIGRATING until fix closes it.
        ledger.record(
          Change(
            .slotsOpened, node: sourceName, peer: targetName, slots: SlotSet(slots: batch),
            detail: "migrating"))
        throw error
      }
      // Other masters learn by gossip anyway; telling them now saves redirects.
      await withTaskGroup(of: Void.self) { group in
        for o in others { group.addTask { _ = try? await o.pipeline(finish) } }
      }
      done(batch.count, keys)
    }
    return true
  }

  /// One SETSLOT per slot of `batch`, pipelined. With `record`, the slots that answered OK are
  /// recorded as `changing`; when no reply came, all of them are, as of unknown outcome.
  func setSlots(
    _ session: any NodeSession, _ batch: [Int], _ state: String, _ peer: String, what: String,
    changing: Change, record: Bool = true
  ) async throws {
    var change = changing
    change.slots = SlotSet(slots: batch)
    let commands = batch.map { ["CLUSTER", "SETSLOT", String($0), state, peer] }
    let replies = try await ledger.send(commands, to: session, changing: change)
    let ok = zip(batch, replies).filter { $0.1.errorMessage == nil }.map(\.0)
    if record && !ok.isEmpty {
      change.slots = SlotSet(slots: ok)
      ledger.record(change)
    }
    if let (slot, reply) = zip(batch, replies).first(where: { $0.1.errorMessage != nil }) {
      throw OperationError(
        "SETSLOT \(slot) \(what) on \(session.address) failed: \(reply.errorMessage ?? "")")
    }
  }
}

/// Slots and keys moved so far, shared by the concurrent pairs.
final class ProgressCounter: Sendable {
  let state = Mutex((slots: 0, keys: 0))
}
