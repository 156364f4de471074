import ClusterAdmin
import ClusterKit
import RESP
import Testing

/// Three scripted masters that answer the loader's probe, for Fix decisions without servers.
struct ScriptedCluster: NodeConnector {
  let sessions: [NodeAddress: ScriptedSession]

  /// Masters on ports 7000-7002 owning thirds; slot 100 half-migrated from the first to the
  /// second. `countKeys(port, slot)` answers COUNTKEYSINSLOT.
  init(countKeys: @escaping @Sendable (Int, Int) -> RESPValue) {
    let ids = ["a", "b", "c"].map { String(repeating: $0, count: 40) }
    let ranges = ["0-5460 [100->-\(ids[1])]", "5461-10922 [100-<-\(ids[0])]", "10923-16383"]
    var sessions: [NodeAddress: ScriptedSession] = [:]
    for me in 0..<3 {
      let port = 7000 + me
      let table = (0..<3).map { i in
        "\(ids[i]) 127.0.0.1:\(7000 + i)@\(17000 + i) \(i == me ? "myself," : "")master - 0 0 \(i + 1) connected \(ranges[i])"
      }.joined(separator: "\n")
      sessions[NodeAddress(host: "127.0.0.1", port: port)] = ScriptedSession(port) { c in
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
}
