import ClusterKit
import RESP
import RedisCore
import Synchronization
import Testing

@testable import ClusterAdmin

/// A node that answers from a script: every command it receives is logged, and `reply` decides
/// the answer (or throws, as a dead connection would).
final class ScriptedSession: NodeSession, Sendable {
  let address: NodeAddress
  let reply: @Sendable ([String]) throws -> RESPValue
  let log = Mutex<[[String]]>([])

  init(_ port: Int, reply: @escaping @Sendable ([String]) throws -> RESPValue) {
    self.address = NodeAddress(host: "127.0.0.1", port: port)
    self.reply = reply
  }

  func send(_ commands: [[[UInt8]]], timeout: Duration?) async throws -> [RESPValue] {
    try commands.map { c in
      let words = c.map { String(decoding: $0, as: UTF8.self) }
      log.withLock { $0.append(words) }
      return try reply(words)
    }
  }

  func close() async {}

  var commands: [[String]] { log.withLock { $0 } }
}

struct Dead: Error {}

/// The pipeline's rules: what counts as "nothing changed", what becomes a failure with a ledger.
@Suite struct MutationPipelineTests {
  /// A mutation whose apply records `steps` changes and then fails (or not).
  struct Toy: ClusterMutation {
    var steps: Int
    var failure: (any Error & Sendable)?
    var planFails = false

    func plan() async throws -> Int {
      if planFails { throw ValidationProblems(["bad input"]) }
      return steps
    }

    func apply(_ plan: Int, _ context: ApplyContext) async throws -> Int {
      for i in 0..<plan {
        context.ledger.record(
          Change(.slotsMoved, node: "a", peer: "b", slots: SlotSet(slots: [i * 2, i * 2 + 1]), keys: 10))
        try context.stop.checkpoint()
      }
      if let failure { throw failure }
      return plan
    }

    func close(_ plan: Int) async {}
  }

  func run(_ toy: Toy, dryRun: Bool = false, stop: StopToken = StopToken(), confirmed: Bool = true)
    async throws -> MutationResult<Int, Int>
  {
    try await MutationPipeline.run(
      toy, dryRun: dryRun, show: { _ in },
      confirm: { if !confirmed { throw ValidationProblems(["not confirmed"]) } }, stop: stop, log: { _ in })
  }

  @Test func anErrorBeforeAnyChangePassesThroughUnchanged() async throws {
    await #expect(throws: Dead.self) { try await run(Toy(steps: 0, failure: Dead())) }
    await #expect(throws: ValidationProblems.self) { try await run(Toy(steps: 3, planFails: true)) }
    await #expect(throws: ValidationProblems.self) { try await run(Toy(steps: 3), confirmed: false) }
  }

  @Test func anErrorAfterAChangeCarriesTheLedger() async throws {
    do {
      _ = try await run(Toy(steps: 3, failure: Dead()))
      Issue.record("no failure")
    } catch let f as MutationFailure {
      #expect(!f.interrupted)
      #expect(f.cause is Dead)
      #expect(f.changes.changes.count == 3)
      // Three batches between the same nodes read as one range.
      #expect(f.changes.summary.count == 1)
      #expect(f.changes.summary[0].sentence == "moved slots 0-5 (6) from a to b with 30 keys")
    }
  }

  @Test func aStopRequestIsAnInterruptionEvenBeforeAnyChange() async throws {
    let stop = StopToken()
    stop.request()
    do {
      _ = try await run(Toy(steps: 2), stop: stop)
      Issue.record("not interrupted")
    } catch let f as MutationFailure {
      #expect(f.interrupted)
      #expect(f.changes.isEmpty)
    }
  }

  @Test func dryRunAppliesNothing() async throws {
    guard case .dryRun(let plan) = try await run(Toy(steps: 2, failure: Dead()), dryRun: true) else {
      Issue.record("not a dry run")
      return
    }
    #expect(plan == 2)
  }

  @Test func leftOpenIsWhatWasOpenedAndNotMovedOrClosed() {
    let ledger = ChangeLedger()
    ledger.record(
      Change(.slotsOpened, node: "t", peer: "s", slots: SlotSet(slots: 0..<64), detail: "importing"))
    ledger.record(
      Change(.slotsOpened, node: "s", peer: "t", slots: SlotSet(slots: 0..<64), detail: "migrating"))
    ledger.record(Change(.slotsMoved, node: "s", peer: "t", slots: SlotSet(slots: 0..<32)))
    ledger.record(Change(.slotsClosed, node: "t", slots: SlotSet(slots: 32..<40)))
    let open = ledger.leftOpen.map { "\($0.node):\($0.slots.rangesDescription)" }
    #expect(open == ["t:40-63", "s:32-63"])
  }

  @Test func aSecondStopRequestIsReported() {
    let stop = StopToken()
    #expect(!stop.request())
    #expect(stop.request())
    #expect(throws: Interrupted.self) { try stop.checkpoint() }
  }
}

/// KeyMigrator never takes an error reply for a value and never loops without progress.
@Suite struct KeyMigratorTests {
  static let target = NodeAddress(host: "127.0.0.1", port: 7001)

  /// A source whose slot 5 holds `keys`; MIGRATE answers `migrate`, DUMP/EXISTS as given.
  static func source(
    keys: [String], migrate: @escaping @Sendable () -> RESPValue, dump: RESPValue = .bulkString([1]),
    exists: RESPValue = .integer(1)
  ) -> ScriptedSession {
    ScriptedSession(7000) { c in
      switch c[0] {
      case "CLUSTER": return .array(keys.map { .bulkString(Array($0.utf8)) })
      case "MEMORY": return .integer(100)
      case "MIGRATE": return migrate()
      case "EXISTS": return exists
      case "DUMP": return dump
      default: return .simpleString("OK")
      }
    }
  }

  @Test func dumpErrorsOnBothSidesAreNotTheSameValue() async throws {
    let source = Self.source(
      keys: ["k"], migrate: { .error("BUSYKEY Target key name already exists.") },
      dump: .error("NOPERM this user has no permissions to run the 'dump' command"))
    let target = ScriptedSession(7001) { c in
      c[0] == "ASKING"
        ? .simpleString("OK") : .error("NOPERM this user has no permissions to run the 'dump' command")
    }
    let migrator = KeyMigrator(options: MigrateOptions())
    await #expect(throws: OperationError.self) {
      _ = try await migrator.drain([5], from: source, to: Self.target, targetSession: target)
    }
    #expect(!source.commands.contains { $0.contains("REPLACE") }, "overwrote without comparing")
  }

  @Test func anExistsErrorStopsInsteadOfCountingKeysAsMoved() async throws {
    let source = Self.source(
      keys: ["k"], migrate: { .error("BUSYKEY Target key name already exists.") },
      exists: .error("NOPERM no permissions to run 'exists'"))
    let target = ScriptedSession(7001) { _ in .simpleString("OK") }
    let migrator = KeyMigrator(options: MigrateOptions())
    await #expect(throws: OperationError.self) {
      _ = try await migrator.drain([5], from: source, to: Self.target, targetSession: target)
    }
  }

  @Test func keysThatNeverLeaveStopTheDrain() async throws {
    // MIGRATE says OK, yet the same key is listed again and again.
    let source = Self.source(keys: ["stuck"], migrate: { .simpleString("OK") })
    let target = ScriptedSession(7001) { _ in .simpleString("OK") }
    let migrator = KeyMigrator(options: MigrateOptions())
    await #expect(throws: OperationError.self) {
      _ = try await migrator.drain([5], from: source, to: Self.target, targetSession: target)
    }
    #expect(source.commands.filter { $0[0] == "MIGRATE" }.count <= 4)
  }

  @Test func aTargetThatIsDownIsRetriedThenNamed() async throws {
    let refusals = Atomic<Int>(0)
    let moved = Atomic<Bool>(false)
    let source = ScriptedSession(7000) { c in
      switch c[0] {
      case "CLUSTER":
        return moved.load(ordering: .relaxed) ? .array([]) : .array([.bulkString(Array("k".utf8))])
      case "MEMORY": return .integer(100)
      case "MIGRATE":
        // Down for three rounds, then the key moves.
        if refusals.add(1, ordering: .relaxed).newValue <= 3 {
          return .error("ERR Target instance replied with error: CLUSTERDOWN The cluster is down")
        }
        moved.store(true, ordering: .relaxed)
        return .simpleString("OK")
      default: return .simpleString("OK")
      }
    }
    let target = ScriptedSession(7001) { _ in .simpleString("OK") }
    let migrator = KeyMigrator(options: MigrateOptions())
    #expect(try await migrator.drain([5], from: source, to: Self.target, targetSession: target) == 1)

    var bounded = MigrateOptions()
    bounded.transientBound = .milliseconds(200)
    let alwaysDown = Self.source(
      keys: ["k"],
      migrate: { .error("ERR Target instance replied with error: CLUSTERDOWN The cluster is down") })
    do {
      _ = try await KeyMigrator(options: bounded).drain(
        [5], from: alwaysDown, to: Self.target, targetSession: target)
      Issue.record("no error")
    } catch let e as OperationError {
      #expect(e.description.contains("CLUSTERDOWN"))
    }
  }
}

/// BUSYKEY on a source that only imports the slot (fix draining a stray holder) or that already
/// moved some keys (a migrating source answers ASK for those).
@Suite struct BusyKeyTests {
  @Test func asksBeforeReadingAnImportingSourceAndTakesAskAsGone() async throws {
    let target = NodeAddress(host: "127.0.0.1", port: 7001)
    let moved = Atomic<Bool>(false)
    let asked = Atomic<Bool>(false)
    let source = ScriptedSession(7000) { c in
      defer { asked.store(c[0] == "ASKING", ordering: .relaxed) }
      switch c[0] {
      case "CLUSTER":
        return moved.load(ordering: .relaxed)
          ? .array([]) : .array([.bulkString(Array("here".utf8)), .bulkString(Array("gone".utf8))])
      case "MEMORY": return .integer(100)
      case "MIGRATE":
        if c.contains("REPLACE") { moved.store(true, ordering: .relaxed); return .simpleString("OK") }
        return .error("BUSYKEY Target key name already exists.")
      case "EXISTS", "DUMP":
        // Importing: without ASKING the node redirects; the moved-away key answers ASK.
        guard asked.load(ordering: .relaxed) else { return .error("MOVED 5 127.0.0.1:7001") }
        if c[1] == "gone" { return .error("ASK 5 127.0.0.1:7001") }
        return c[0] == "EXISTS" ? .integer(1) : .bulkString([9])
      default: return .simpleString("OK")
      }
    }
    let targetSession = ScriptedSession(7001) { c in c[0] == "ASKING" ? .simpleString("OK") : .bulkString([9])
    }
    let keys = try await KeyMigrator(options: MigrateOptions()).drain(
      [5], from: source, to: target, targetSession: targetSession)
    #expect(keys == 2)
    // Only the key still on the source was sent again, identical on both sides.
    let replace = source.commands.filter { $0[0] == "MIGRATE" && $0.contains("REPLACE") }
    #expect(replace.count == 1 && replace[0].last == "here")
  }
}

/// Equal values may DUMP differently (a set serialises in its hash table's order): compared by
/// content, they move; a real difference still stops the move.
@Suite struct SameContentTests {
  static func node(_ port: Int, members: [String], dump: [UInt8]) -> ScriptedSession {
    ScriptedSession(port) { c in
      switch c[0] {
      case "TYPE": return .simpleString("set")
      case "SMEMBERS": return .set(members.map { .bulkString(Array($0.utf8)) })
      case "DUMP": return .bulkString(dump)
      default: return .simpleString("OK")
      }
    }
  }

  @Test func aSetInAnotherOrderIsTheSameValue() async throws {
    let a = Self.node(7000, members: ["x", "y", "z"], dump: [1])
    let b = Self.node(7001, members: ["z", "x", "y"], dump: [2])
    let c = Self.node(7002, members: ["z", "x"], dump: [3])
    let key = [Array("s".utf8)]
    #expect(try await KeyMigrator.sameContent(key, a, b) == [true])
    #expect(try await KeyMigrator.sameContent(key, a, c) == [false])
  }
}
