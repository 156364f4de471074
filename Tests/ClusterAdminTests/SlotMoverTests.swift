import ClusterKit
import RESP
import RedisCore
import Synchronization
import Testing

@testable import ClusterAdmin

/// Keys of three scripted masters, moved by MIGRATE, and every command in the order the nodes
/// received it: enough to check the mover's ordering while its turns overlap the drains.
final class KeyWorld: Sendable {
  struct State {
    /// port → slot → keys held.
    var keys: [Int: [Int: Set<String>]] = [:]
    var events: [(port: Int, command: [String])] = []
  }
  let state = Mutex(State())

  /// Three keys `k<slot>-<i>` in each of `slots`, on 7000.
  init(slots: Range<Int>) {
    state.withLock { s in
      for slot in slots { s.keys[7000, default: [:]][slot] = Set((0..<3).map { "k\(slot)-\($0)" }) }
    }
  }

  static func slot(of key: String) -> Int { Int(key.dropFirst().prefix { $0 != "-" }) ?? -1 }

  /// Answers the commands a move sends; nil leaves the rest to the script.
  func answer(_ port: Int, _ c: [String]) -> RESPValue? {
    state.withLock { s in
      s.events.append((port, c))
      switch (c[0], c.count > 1 ? c[1] : "") {
      case ("CLUSTER", "GETKEYSINSLOT"):
        let keys = s.keys[port]?[Int(c[2]) ?? -1] ?? []
        return .array(keys.sorted().prefix(Int(c[3]) ?? 0).map { .bulkString(Array($0.utf8)) })
      case ("MEMORY", _): return .integer(100)
      case ("MIGRATE", _):
        let to = Int(c[2]) ?? -1
        for key in c[(c.firstIndex(of: "KEYS") ?? c.count)...].dropFirst() {
          let slot = Self.slot(of: key)
          s.keys[port]?[slot]?.remove(key)
          s.keys[to, default: [:]][slot, default: []].insert(key)
        }
        return .simpleString("OK")
      default: return nil
      }
    }
  }

  /// Where in the event log `port` first received a command satisfying `match`.
  func first(_ port: Int, _ match: ([String]) -> Bool) -> Int? {
    state.withLock { $0.events.firstIndex { $0.port == port && match($0.command) } }
  }

  func last(_ port: Int, _ match: ([String]) -> Bool) -> Int? {
    state.withLock { $0.events.lastIndex { $0.port == port && match($0.command) } }
  }

  func keyCount(_ port: Int) -> Int {
    state.withLock { $0.keys[port]?.values.reduce(0) { $0 + $1.count } ?? 0 }
  }

  static func setSlot(_ slot: Int, _ state: String) -> ([String]) -> Bool {
    { $0.count > 3 && $0[1] == "SETSLOT" && $0[2] == String(slot) && $0[3] == state }
  }

  static func migrate(_ slot: Int) -> ([String]) -> Bool {
    { $0[0] == "MIGRATE" && $0.contains { $0.hasPrefix("k\(slot)-") } }
  }
}

/// The mover's order per slot, with the next batch opened while the current one drains.
@Suite struct SlotMoverTests {
  static let a = String(repeating: "a", count: 40)
  static let b = String(repeating: "b", count: 40)

  static func move(_ world: KeyWorld, slots: Range<Int>, ledger: ChangeLedger) async throws -> MoveReport {
    let cluster = try await ScriptedCluster(
      countKeys: { _, _ in .integer(0) }, answer: { port, c in world.answer(port, c) }
    ).load()
    return try await SlotMover(
      cluster: cluster, migrate: MigrateOptions(), ledger: ledger, stop: StopToken(), slotsPerBatch: 64
    ).move([(source: a, target: b, slots: Array(slots))], progress: { _ in })
  }

  @Test func everySlotOpensOnTheTargetFirstAndClosesThereFirst() async throws {
    let world = KeyWorld(slots: 0..<150)
    let ledger = ChangeLedger()
    let report = try await Self.move(world, slots: 0..<150, ledger: ledger)
    #expect(report.slotsMoved == 150 && report.keysMoved == 450 && !report.stoppedEarly)
    #expect(world.keyCount(7000) == 0 && world.keyCount(7001) == 450)
    #expect(ledger.leftOpen.isEmpty)
    for slot in 0..<150 {
      let importing = world.first(7001, KeyWorld.setSlot(slot, "IMPORTING"))
      let migrating = world.first(7000, KeyWorld.setSlot(slot, "MIGRATING"))
      let firstMigrate = world.first(7000, KeyWorld.migrate(slot))
      let lastMigrate = world.last(7000, KeyWorld.migrate(slot))
      let nodeOnTarget = world.first(7001, KeyWorld.setSlot(slot, "NODE"))
      let nodeOnSource = world.first(7000, KeyWorld.setSlot(slot, "NODE"))
      let nodeOnOther = world.first(7002, KeyWorld.setSlot(slot, "NODE"))
      let order = [importing, migrating, firstMigrate, lastMigrate, nodeOnTarget, nodeOnSource]
      #expect(!order.contains(nil), "slot \(slot): a step is missing")
      let steps = order.compactMap { $0 }
      #expect(steps == steps.sorted(), "slot \(slot): out of order \(steps)")
      #expect(nodeOnOther.map { $0 > nodeOnTarget ?? .max } == true, "slot \(slot): told before the target")
    }
  }

  /// A batch that cannot open (while the one before it drains) does not leave that one half-moved:
  /// it is handed over on both nodes, the error names the refusal, the ledger holds what stays open.
  @Test func aRefusedImportingStillClosesTheDrainedBatchOnTheSource() async throws {
    let world = KeyWorld(slots: 0..<150)
    let refusing = ScriptedCluster(
      countKeys: { _, _ in .integer(0) },
      answer: { port, c in
        if port == 7001, KeyWorld.setSlot(70, "IMPORTING")(c) {
          _ = world.answer(port, c)
          return .error("ERR I'm not the owner of hash slot 70")
        }
        return world.answer(port, c)
      })
    let ledger = ChangeLedger()
    let mover = SlotMover(
      cluster: try await refusing.load(), migrate: MigrateOptions(), ledger: ledger, stop: StopToken(),
      slotsPerBatch: 64)
    do {
      _ = try await mover.move([(source: Self.a, target: Self.b, slots: Array(0..<150))], progress: { _ in })
      Issue.record("the refused IMPORTING went unnoticed")
    } catch let e as OperationError {
      #expect(e.description.contains("SETSLOT 70 IMPORTING"))
    }
    for slot in 0..<64 {
      #expect(world.first(7000, KeyWorld.setSlot(slot, "NODE")) != nil, "slot \(slot) left migrating")
    }
    #expect(world.first(7000, KeyWorld.setSlot(64, "MIGRATING")) == nil)
    #expect(world.keyCount(7000) + world.keyCount(7001) == 450)
    let open = ledger.leftOpen.map { "\($0.node) \($0.slots.rangesDescription)" }
    #expect(open == ["127.0.0.1:7001 64-69,71-127"])
  }
}
