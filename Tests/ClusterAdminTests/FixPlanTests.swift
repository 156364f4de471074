import ClusterKit
import ClusterLoading
import RESP
import RedisCore
import Synchronization
import Testing

@testable import ClusterAdmin

/// Three scripted masters that answer the loader's probe, for Fix decisions without servers.
struct ScriptedCluster: NodeConnector {
  let sessions: [NodeAddress: ScriptedSession]

  /// Masters on ports 7000-7002 owning thirds; slot 100 half-migrated from the first to the
  /// second. `countKeys(port, slot)` answers COUNTKEYSINSLOT; `answer(port, command)`, when it
  /// returns a value, answers before the script.
  init(
    countKeys: @escaping @Sendable (Int, Int) -> RESPValue,
    answer: @escaping @Sendable (Int, [String]) -> RESPValue? = { _, _ in nil }
  ) {
    let ids = ["a", "b", "c"].map { String(repeating: $0, count: 40) }
    let ranges = ["0-5460 [100->-\(ids[1])]", "5461-10922 [100-<-\(ids[0])]", "10923-16383"]
    var sessions: [NodeAddress: ScriptedSession] = [:]
    for me in 0..<3 {
      let port = 7000 + me
      let table = (0..<3).map { i in
        "\(ids[i]) 127.0.0.1:\(7000 + i)@\(17000 + i) \(i == me ? "myself," : "")master - 0 0 \(i + 1) connected \(ranges[i])"
      }.joined(separator: "\n")
      sessions[NodeAddress(host: "127.0.0.1", port: port)] = ScriptedSession(port) { c in
        if let value = answer(port, c) { return value }
        switch (c[0], c.count > 1 ? c[1] : "") {
        case ("CLUSTER", "NODES"): return .bulkString(Array(table.utf8))
        case ("CLUSTER", "INFO"):
          return .bulkString(Array("cluster_state:ok\r\ncluster_known_nodes:3\r\n".utf8))
        case ("CLUSTER", "SHARDS"): return .error("ERR unknown subcommand")
        case ("CLUSTER", "COUNTKEYSINSLOT"): return countKeys(port, Int(c[2]) ?? -1)
        case ("INFO", _): return .bulkString(Array("# Replication\r\nrole:master\r\n".utf8))
        case ("DBSIZE", _): return .integer(10)
        default: return .simpleString("OK")
        }
      }
    }
    self.sessions = sessions
  }

  func connect(to address: NodeAddress) async throws -> any NodeSession {
    guard let s = sessions[address] else { throw Dead() }
    return s
  }

  func load() async throws -> LiveCluster {
    try await ClusterLoader(connector: self).load(seed: NodeAddress(host: "127.0.0.1", port: 7000))
  }
}

@Suite struct FixPlanTests {
  @Test func aHalfMovedSlotCompletesTowardsItsTarget() async throws {
    let cluster = try await ScriptedCluster { port, _ in .integer(port == 7002 ? 0 : 3) }.load()
    let repairs = try await Fix.plan(cluster, searchAllSlots: false, allowUnreachable: false)
    #expect(repairs.map(\.slot) == [100])
    #expect(repairs[0].owner == String(repeating: "b", count: 40))
    #expect(repairs[0].keyHolders.map(\.nodeId) == [String(repeating: "a", count: 40)])
  }

  /// A count that cannot be read is not "no keys": the slot could be pointed away from them.
  @Test func aKeyCountThatFailsStopsThePlan() async throws {
    let cluster = try await ScriptedCluster { port, _ in
      port == 7000
        ? .error("NOPERM this user has no permissions to run the 'cluster|countkeysinslot' command")
        : .integer(0)
    }.load()
    do {
      _ = try await Fix.plan(cluster, searchAllSlots: false, allowUnreachable: false)
      Issue.record("planned without knowing where the keys are")
    } catch let e as ValidationProblems {
      #expect(e.description.contains("cannot count the keys"))
      #expect(e.description.contains("NOPERM"))
    }
  }

  /// The owner of a repaired slot claims it only once its config epoch is above every other
  /// master's, as the masters themselves report it: its own view may lag behind a master that
  /// just bumped, and a claim with a lower epoch makes it drop the keys it received.
  @Test func aClaimWaitsUntilTheOwnersEpochIsTheHighest() async throws {
    // Master b (7001, the owner of slot 100) sees epoch 2; master c already has 9. b's first
    // BUMPEPOCH reaches only 4 (its view is behind), the second 10.
    let bumps = Mutex(0)
    let cluster = try await ScriptedCluster(
      countKeys: { port, _ in .integer(port == 7002 ? 0 : 3) },
      answer: { port, c in
        func info(_ epoch: Int) -> RESPValue { .bulkString(Array("cluster_my_epoch:\(epoch)\r\n".utf8)) }
        switch (port, c.joined(separator: " ")) {
        case (7001, "CLUSTER BUMPEPOCH"):
          bumps.withLock { $0 += 1 }
          return .simpleString("BUMPED")
        case (7001, "CLUSTER INFO"): return info([2, 4, 10][min(bumps.withLock { $0 }, 2)])
        case (7002, "CLUSTER INFO"): return info(9)
        case (7000, "CLUSTER INFO"): return info(1)
        default: return nil
        }
      }
    ).load()
    let repairs = try await Fix.plan(cluster, searchAllSlots: false, allowUnreachable: false)
    let ledger = ChangeLedger()
    try await Fix.raiseEpochAboveOthers(repairs[0].owner, cluster: cluster, ledger: ledger)
    #expect(bumps.withLock { $0 } == 2)
  }
}
