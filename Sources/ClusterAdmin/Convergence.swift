import ClusterKit
import RESP

/// Bounded waits for the nodes of a cluster to agree.
public enum Convergence {
  /// What one node says about the cluster, reduced to what must match everywhere.
  struct Snapshot: Equatable {
    var signature: String
    var roles: String
    var stateOK: Bool
    var knownNodes: Int
  }

  /// Polls every 20 ms until every node reports the same slot owners and roles, knows
  /// `expectedNodes` nodes, and says cluster_state:ok; the timeout message names the nodes that differ.
  public static func waitUntilAgreed(
    _ sessions: [any NodeSession], expectedNodes: Int, deadline: ContinuousClock.Instant, timeout: Duration
  ) async throws {
    var last: [(NodeAddress, Snapshot?)] = []
    while true {
      let snaps = await mapConcurrently(sessions, limit: 64) { s in (s.address, await snapshot(s)) }
      last = snaps
      let values = snaps.compactMap(\.1)
      if values.count == sessions.count, let first = values.first,
        values.allSatisfy({ $0.signature == first.signature && $0.roles == first.roles && $0.stateOK && $0.knownNodes == expectedNodes })
      {
        return
      }
      if ContinuousClock.now > deadline { throw OperationError(describe(last, expectedNodes: expectedNodes, timeout: timeout)) }
      try await Task.sleep(for: .milliseconds(20))
    }
  }

  static func snapshot(_ s: any NodeSession) async -> Snapshot? {
    guard let replies = try? await s.pipeline([["CLUSTER", "NODES"], ["CLUSTER", "INFO"]]),
      let text = replies[0].string, let table = try? ClusterNodesParser.parse(text), let info = replies[1].string
    else { return nil }
    let clusterInfo = InfoParser.parse(info)
    let roles = table.map { "\($0.id):\($0.isMaster ? "m" : "s"):\($0.masterId ?? "-")" }.sorted().joined(separator: ",")
    let signature = table.filter { $0.isMaster && !$0.slots.isEmpty }.map { "\($0.id):\($0.slots.rangesDescription)" }
      .sorted().joined(separator: "|")
    return Snapshot(
      signature: signature, roles: roles, stateOK: clusterInfo["cluster_state"] == "ok",
      knownNodes: Int(clusterInfo["cluster_known_nodes"] ?? "") ?? 0)
  }

  static func describe(_ snaps: [(NodeAddress, Snapshot?)], expectedNodes: Int, timeout: Duration) -> String {
    var reasons: [String] = []
    let values = snaps.compactMap(\.1)
    let common = Dictionary(grouping: values, by: { $0.signature + "#" + $0.roles }).max { $0.value.count < $1.value.count }?.key
    for (address, snap) in snaps {
      guard let snap else {
        reasons.append("\(address) did not answer")
        continue
      }
      if !snap.stateOK { reasons.append("\(address) reports cluster_state fail") }
      if snap.knownNodes != expectedNodes { reasons.append("\(address) knows \(snap.knownNodes) of \(expectedNodes) nodes") }
      if snap.signature + "#" + snap.roles != common { reasons.append("\(address) sees a different slot or role layout") }
    }
    return "the nodes did not agree within \(timeout.shortText): " + reasons.prefix(10).joined(separator: "; ")
  }
}
