import ClusterKit
import ClusterLoading
import RedisCore
import Testing

@testable import ClusterAdmin

/// Failover's choice of replica and its refusals, decided from a view (no server): the replica
/// with the highest offset, another host on a tie, and the remedies a refusal carries.
@Suite struct FailoverPlanTests {
  static let ids = ["a", "b", "c", "d"].map { String(repeating: $0, count: 40) }

  /// A master (a) with two replicas (b on the master's host, c on another), and a second master (d).
  func cluster(
    offsets: (r: Int, s: Int), masterFlags: String = "master", linkUp: Bool = true
  ) throws -> LiveCluster {
    let (m, r, s, n) = (Self.ids[0], Self.ids[1], Self.ids[2], Self.ids[3])
    let text = """
      \(m) 10.0.0.1:7000@17000 \(masterFlags) - 0 0 1 connected 0-8191
      \(r) 10.0.0.1:7001@17001 slave \(m) 0 0 1 connected
      \(s) 10.0.0.2:7002@17002 slave \(m) 0 0 1 connected
      \(n) 10.0.0.3:7003@17003 master - 0 0 2 connected 8192-16383
      """
    let entries = try ClusterNodesParser.parse(text)
    let link = linkUp ? "up" : "down"
    let reports = entries.map { e -> NodeReport in
      var info: [String: String] = [:]
      if e.id == r { info = ["slave_repl_offset": String(offsets.r), "master_link_status": link] }
      if e.id == s { info = ["slave_repl_offset": String(offsets.s), "master_link_status": link] }
      if e.id == m { info = ["master_repl_offset": String(max(offsets.r, offsets.s))] }
      return NodeReport(id: e.id, entry: e, dialAddress: e.address, table: entries, info: info)
    }
    return LiveCluster(view: ClusterView(seed: entries[0].address!, nodes: reports), sessions: [:])
  }

  @Test func picksTheReplicaFurthestAheadThenOneOnAnotherHost() throws {
    let ahead = try Failover.plan(
      try cluster(offsets: (r: 900, s: 800)), master: "aaaa", replica: nil, mode: .coordinated)
    #expect(ahead.replica.id == Self.ids[1])
    #expect(ahead.bytesBehind == 0)
    let tie = try Failover.plan(
      try cluster(offsets: (r: 900, s: 900)), master: "aaaa", replica: nil, mode: .coordinated)
    #expect(tie.replica.id == Self.ids[2], "a tie goes to the replica off the master's host")
    let named = try Failover.plan(
      try cluster(offsets: (r: 1, s: 2)), master: nil, replica: "bbbb", mode: .force)
    #expect(named.replica.id == Self.ids[1] && named.mode == .force)
  }

  @Test func refusalsNameNoFlagAndCarryTheirRemedy() throws {
    let c = try cluster(offsets: (r: 1, s: 1))
    let notReplica = #expect(throws: ValidationProblems.self) {
      try Failover.plan(c, master: nil, replica: "dddd", mode: .coordinated)
    }
    #expect(notReplica?.description.contains("is a master; the replica to promote must be a replica") == true)
    #expect(notReplica.map { !$0.description.contains("--") } == true)

    let down = try cluster(offsets: (r: 1, s: 1), masterFlags: "master,fail")
    let refused = #expect(throws: ValidationProblems.self) {
      try Failover.plan(down, master: "aaaa", replica: nil, mode: .coordinated)
    }
    #expect(refused?.remedies == [.forceFailover])
    #expect(refused.map { !$0.description.contains("--") } == true)
    #expect(throws: Never.self) { try Failover.plan(down, master: "aaaa", replica: nil, mode: .force) }

    let unlinked = try cluster(offsets: (r: 1, s: 1), linkUp: false)
    let notLinked = #expect(throws: ReplicaNotLinked.self) {
      try Failover.plan(unlinked, master: "aaaa", replica: nil, mode: .coordinated)
    }
    #expect(notLinked?.remedies == [.forceFailover])
    #expect(throws: Never.self) { try Failover.plan(unlinked, master: "aaaa", replica: nil, mode: .takeover) }
  }
}
