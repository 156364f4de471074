import ClusterKit
import ClusterLoading
import RESP
import RedisCore
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
  ///
  /// While batch k drains, one turn closes batch k-1 and opens batch k+1: one write to the target
  /// (NODE of k-1, IMPORTING of k+1), then one to the source (NODE of k-1, MIGRATING of k+1 and its
  /// first listing), then NODE of k-1 to the other masters. Each node saves its config once per
  /// batch rather than twice, and the source finds the next batch's MIGRATEs ready as soon as the
  /// current ones end. The order that loses no key holds for every slot: IMPORTING on the target
  /// before MIGRATING on the source, NODE only once the slot is empty, NODE on the target before
  /// NODE on the source.
  func movePair(_ pair: Pair, done: @Sendable (Int, Int) -> Void) async throws -> Bool {
    let view = cluster.view
    guard let source = cluster.session(pair.source), let target = cluster.session(pair.target),
      let targetNode = view.node(id: pair.target), let targetAddress = targetNode.address
    else {
      throw OperationError("not connected to both \(pair.source.prefix(8)) and \(pair.target.prefix(8))")
    }
    let turns = PairTurns(
      pair: pair, source: source, target: target,
      others: view.masters.filter { $0.id != pair.source && $0.id != pair.target }.compactMap {
        cluster.session($0.id)
      },
      sourceName: view.node(id: pair.source)?.label ?? source.address.description,
      targetName: targetNode.label, migrator: KeyMigrator(options: migrate), ledger: ledger)
    let batches = stride(from: 0, to: pair.slots.count, by: slotsPerBatch).map {
      Array(pair.slots[$0..<min($0 + slotsPerBatch, pair.slots.count)])
    }
    guard let first = batches.first, !stop.isRequested else { return batches.isEmpty }
    var prepared = try await turns.run(closing: nil, opening: first)
    var draining: [Int]? = first
    var opened = 1
    // Emptied on the source, still owned by it.
    var drained: (slots: [Int], keys: Int)?
    while draining != nil || drained != nil {
      let next = draining != nil && opened < batches.count && !stop.isRequested ? batches[opened] : nil
      let closing = drained
      async let turn = turns.run(closing: closing, opening: next)
      var keys = 0
      var drainFailure: (any Error)?
      if let draining {
        do {
          keys = try await turns.migrator.drain(
            draining, from: source, to: targetAddress, targetSession: target, prepared: prepared)
        } catch {
          drainFailure = error
        }
      }
      // Both halves end before either error goes on, so the ledger holds everything they did.
      let nextPrepared: [KeyMigrator.KeyBatch]
      do {
        nextPrepared = try await turn
      } catch {
        // A batch that drained is handed over before the error goes on, leaving fix less to do.
        if drainFailure == nil, let draining {
          _ = try? await turns.run(closing: (draining, keys), opening: nil)
        }
        throw drainFailure ?? error
      }
      if let drainFailure { throw drainFailure }
      if let drained { done(drained.slots.count, drained.keys) }
      if next != nil { opened += 1 }
      drained = draining.map { ($0, keys) }
      draining = next
      prepared = nextPrepared
    }
    return opened == batches.count
  }
}

/// One pair's turns: the SETSLOT writes that close one batch and open the next.
struct PairTurns: Sendable {
  var pair: SlotMover.Pair
  var source: any NodeSession
  var target: any NodeSession
  var others: [any NodeSession]
  var sourceName: String
  var targetName: String
  var migrator: KeyMigrator
  var ledger: ChangeLedger

  /// Closes `closing` (drained: NODE on the target, the source, the other masters) and opens
  /// `opening` (IMPORTING, MIGRATING); returns `opening`'s keys, listed and sized, for its drain. Every
  /// SETSLOT that took effect, or may have, is in the ledger before this returns or throws.
  func run(closing: (slots: [Int], keys: Int)?, opening next: [Int]?) async throws -> [KeyMigrator.KeyBatch] {
    let finishing = closing?.slots ?? []
    var opening = next ?? []
    let finish = setSlot(finishing, "NODE", pair.target)
    let moved = Change(
      .slotsMoved, node: sourceName, peer: targetName, slots: SlotSet(slots: finishing),
      keys: closing?.keys ?? 0)
    let importing = Change(
      .slotsOpened, node: targetName, peer: sourceName, slots: SlotSet(slots: opening), detail: "importing")
    var migrating = Change(
      .slotsOpened, node: sourceName, peer: targetName, slots: SlotSet(slots: opening), detail: "migrating")
    // Still migrating on the source: what the ledger says when the source's NODE went unanswered.
    let stillMigrating = Change(
      .slotsOpened, node: sourceName, peer: targetName, slots: SlotSet(slots: finishing), detail: "migrating")

    // Target first: if it crashed after the source let go, the slot would have no owner. Sent
    // without a reply, the move is recorded as of unknown outcome (the target may own the slots
    // once it answers again).
    let onTarget = try await ledger.send(
      finish + setSlot(opening, "IMPORTING", pair.source), to: target,
      changing: (finishing.isEmpty ? [] : [moved]) + (opening.isEmpty ? [] : [importing]))
    record(onTarget.dropFirst(finish.count), opening, as: importing)
    if let (slot, reply) = zip(finishing, onTarget).first(where: { $0.1.errorMessage != nil }) {
      throw OperationError(
        "SETSLOT \(slot) NODE on the target \(target.address) failed: \(reply.errorMessage ?? "")")
    }
    if !finishing.isEmpty { ledger.record(moved) }
    // The target took the drained batch: the source must let it go even if the next batch cannot open.
    let importFailure = firstFailure(onTarget.dropFirst(finish.count), opening, on: target, "IMPORTING")
    if importFailure != nil { opening = [] }
    migrating.slots = SlotSet(slots: opening)

    let onSource = try await ledger.send(
      finish + setSlot(opening, "MIGRATING", pair.target) + migrator.listing(opening), to: source,
      changing: (finishing.isEmpty ? [] : [stillMigrating]) + (opening.isEmpty ? [] : [migrating]))
    let migratingReplies = onSource.dropFirst(finish.count).prefix(opening.count)
    record(migratingReplies, opening, as: migrating)
    for reply in onSource.prefix(finish.count) {
      // A source that just gave away its last slot may already have turned into a replica.
      if let m = reply.errorMessage, !m.contains("only with masters"), !m.contains("NOREPLICAS"),
        !m.contains("UNBLOCKED")
      {
        // The target owns the slots; the source may still say MIGRATING until fix closes it.
        ledger.record(stillMigrating)
        throw OperationError("SETSLOT NODE on the source \(source.address) failed: \(m)")
      }
    }
    if let failure = importFailure ?? firstFailure(migratingReplies, opening, on: source, "MIGRATING") {
      throw failure
    }
    // Other masters learn by gossip anyway; telling them now saves redirects.
    async let told: Void = Self.tell(others, finish)
    // Sized here, its MEMORY USAGE queued behind the current batch's MIGRATEs, the next batch's
    // first MIGRATEs are ready the moment those end.
    let prepared: Result<[KeyMigrator.KeyBatch], any Error>
    do {
      prepared = .success(
        try await migrator.batches(opening, listing: Array(onSource.suffix(opening.count)), on: source))
    } catch {
      prepared = .failure(error)
    }
    // Awaited either way: leaving it to be cancelled would close the other masters' connections.
    await told
    return try prepared.get()
  }

  func setSlot(_ slots: [Int], _ state: String, _ peer: String) -> [[String]] {
    slots.map { ["CLUSTER", "SETSLOT", String($0), state, peer] }
  }

  /// Sends `commands` to every session in parallel, ignoring the outcome.
  static func tell(_ sessions: [any NodeSession], _ commands: [[String]]) async {
    guard !commands.isEmpty else { return }
    await withTaskGroup(of: Void.self) { group in
      for s in sessions { group.addTask { _ = try? await s.pipeline(commands) } }
    }
  }

  /// Records the slots whose SETSLOT answered OK as `change`.
  func record(_ replies: ArraySlice<RESPValue>, _ slots: [Int], as change: Change) {
    let ok = zip(slots, replies).filter { $0.1.errorMessage == nil }.map(\.0)
    guard !ok.isEmpty else { return }
    var c = change
    c.slots = SlotSet(slots: ok)
    ledger.record(c)
  }

  /// The error for the first SETSLOT that answered one.
  func firstFailure(
    _ replies: ArraySlice<RESPValue>, _ slots: [Int], on session: any NodeSession, _ state: String
  ) -> OperationError? {
    zip(slots, replies).first { $0.1.errorMessage != nil }.map { slot, reply in
      OperationError("SETSLOT \(slot) \(state) on \(session.address) failed: \(reply.errorMessage ?? "")")
    }
  }
}

/// Slots and keys moved so far, shared by the concurrent pairs.
final class ProgressCounter: Sendable {
  let state = Mutex((slots: 0, keys: 0))
}
