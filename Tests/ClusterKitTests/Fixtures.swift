import RedisCore

@testable import ClusterKit

/// Node ids of the fixture clusters. `m1` and `m2` share the prefix `e7d1` on purpose.
enum FixtureID {
  static let m1 = "e7d1fe0b2a6c4bd3a9f6c18e2b7d45a0c3e1f902"
  static let m2 = "e7d14a77c09b3e5f8d2a61b4c7e90f3a5d2b6c18"
  static let m3 = "3c9a0b5e7f214d68a1c3e5b7d9f0a2c4e6b8d0f1"
  static let r1 = "5b2e8c4a1d7f3e9b0c6a2d8f4e1b7c3a9d5f0e2b"
  static let r2 = "9f4c2a7e1b5d3f8c0a6e2b9d4f7c1a3e5b8d0c6f"
  static let r3 = "c04d7e2a9b1f5c8e3a6d0b4f7e2c9a1d5b8f3e06"
  /// A seventh node (a new replica, a master without slots…).
  static let n7 = "0a5f3c8e2d7b1a9f4c6e0d3b8a2f7c5e1d9b4a60"
  /// An id no fixture node has.
  static let stranger = "deadbeef00000000000000000000000000000000"
}

/// CLUSTER NODES texts of fixture clusters (without `myself`: `ClusterFixture` adds it per node).
enum Layout {
  /// A healthy cluster of 3 masters (M1 0-5460, M2 5461-10922, M3 10923-16383) and one replica
  /// each (R1 of M1, R2 of M2, R3 of M3). `hosts` gives the host of M1, M2, M3, R1, R2, R3 in that
  /// order; ports are 7001…7006 in the same order.
  static func sixNodes(hosts: [String] = Array(repeating: "127.0.0.1", count: 6)) -> String {
    precondition(hosts.count == 6)
    typealias ID = FixtureID
    return """
      \(ID.m1) \(hosts[0]):7001@17001 master - 0 1700000000000 1 connected 0-5460
      \(ID.m2) \(hosts[1]):7002@17002 master - 0 1700000000000 2 connected 5461-10922
      \(ID.m3) \(hosts[2]):7003@17003 master - 0 1700000000000 3 connected 10923-16383
      \(ID.r1) \(hosts[3]):7004@17004 slave \(ID.m1) 0 1700000000000 1 connected
      \(ID.r2) \(hosts[4]):7005@17005 slave \(ID.m2) 0 1700000000000 2 connected
      \(ID.r3) \(hosts[5]):7006@17006 slave \(ID.m3) 0 1700000000000 3 connected
      """
  }

  /// The same cluster with the master lines' slot fields replaced (`[m1, m2, m3]`), e.g.
  /// `["0-99 101-5460", "5461-10922", "10923-16383"]`.
  static func sixNodes(masterSlots: [String], epochs: [Int] = [1, 2, 3]) -> String {
    precondition(masterSlots.count == 3 && epochs.count == 3)
    typealias ID = FixtureID
    return """
      \(ID.m1) 127.0.0.1:7001@17001 master - 0 1700000000000 \(epochs[0]) connected \(masterSlots[0])
      \(ID.m2) 127.0.0.1:7002@17002 master - 0 1700000000000 \(epochs[1]) connected \(masterSlots[1])
      \(ID.m3) 127.0.0.1:7003@17003 master - 0 1700000000000 \(epochs[2]) connected \(masterSlots[2])
      \(ID.r1) 127.0.0.1:7004@17004 slave \(ID.m1) 0 1700000000000 \(epochs[0]) connected
      \(ID.r2) 127.0.0.1:7005@17005 slave \(ID.m2) 0 1700000000000 \(epochs[1]) connected
      \(ID.r3) 127.0.0.1:7006@17006 slave \(ID.m3) 0 1700000000000 \(epochs[2]) connected
      """
  }
}

/// Builds `ClusterView`s as the loader would after reading every node: each node's report holds
/// the shared CLUSTER NODES table (with its own line flagged `myself`), `cluster_state:ok` and, for
/// replicas, `master_link_status:up`. Mutators then break one thing at a time.
struct ClusterFixture {
  /// The shared table, without `myself` flags.
  private(set) var table: [ClusterNodeEntry]
  private(set) var reports: [String: NodeReport] = [:]

  init(_ text: String) {
    table = try! ClusterNodesParser.parse(text)
    for entry in table {
      var mine = entry
      mine.flags.insert(.myself)
      var report = NodeReport(id: entry.id, entry: mine, dialAddress: entry.address)
      report.table = table.map { $0.id == entry.id ? mine : $0 }
      report.clusterInfo = ["cluster_state": "ok", "cluster_slots_assigned": "16384"]
      report.info =
        entry.isReplica
        ? ["role": "slave", "master_link_status": "up", "master_sync_in_progress": "0"]
        : ["role": "master", "connected_slaves": "1"]
      report.keys = 0
      reports[entry.id] = report
    }
  }

  /// The view, with the first line's node as the seed.
  var view: ClusterView {
    ClusterView(seed: table[0].address!, nodes: Array(reports.values))
  }

  subscript(id: String) -> NodeReport {
    get { reports[id]! }
    set { reports[id] = newValue }
  }

  /// The node could not be read: its report keeps what the others say about it (the line of the
  /// first reachable node's table, as the loader does), and no table.
  mutating func makeUnreachable(_ id: String, reason: String) {
    let reporter = table.first { $0.id != id && reports[$0.id]?.isReachable == true }!.id
    let entry = reports[reporter]!.table.first { $0.id == id }!
    reports[id] = NodeReport(id: id, entry: entry, dialAddress: entry.address, unreachableReason: reason)
  }

  /// Removes node `id` from the cluster: no report, and no line in any table.
  mutating func remove(_ id: String) {
    reports[id] = nil
    table.removeAll { $0.id == id }
    for reporter in reports.keys { forget(id, in: reporter) }
  }

  /// Edits node `id`'s line in the tables of `reporters` (every node when nil), and its own report
  /// entry when it is one of them.
  mutating func edit(
    _ id: String, seenBy reporters: [String]? = nil, _ body: (inout ClusterNodeEntry) -> Void
  ) {
    for reporter in reporters ?? Array(reports.keys) {
      guard var report = reports[reporter], let i = report.table.firstIndex(where: { $0.id == id }) else {
        continue
      }
      body(&report.table[i])
      if reporter == id { report.entry = report.table[i] }
      reports[reporter] = report
    }
  }

  /// `reporter` no longer lists node `id` in its table.
  mutating func forget(_ id: String, in reporter: String) {
    reports[reporter]!.table.removeAll { $0.id == id }
  }
}

/// The announced address of a fixture node on 127.0.0.1.
func local(_ port: Int) -> NodeAddress { NodeAddress(host: "127.0.0.1", port: port) }
