import ClusterKit
import RESP

/// `set-timeout`: CONFIG SET cluster-node-timeout and CONFIG REWRITE on every node.
public enum SetTimeout {
  public struct Outcome: Sendable {
    public var node: NodeReport
    /// Nil when both commands succeeded.
    public var failure: String?
  }

  public static func apply(_ cluster: LiveCluster, milliseconds: Int) async -> [Outcome] {
    await mapConcurrently(cluster.view.nodes, limit: 64) { node in
      guard let s = cluster.session(node.id) else {
        return Outcome(node: node, failure: "unreachable: \(node.unreachableReason ?? "not connected")")
      }
      guard
        let replies = try? await s.pipeline([
          ["CONFIG", "SET", "cluster-node-timeout", String(milliseconds)], ["CONFIG", "REWRITE"],
        ])
      else { return Outcome(node: node, failure: "no reply") }
      if let m = replies[0].errorMessage { return Outcome(node: node, failure: "CONFIG SET failed: \(m)") }
      if let m = replies[1].errorMessage {
        return Outcome(
          node: node, failure: "set, but CONFIG REWRITE failed (the change is lost on restart): \(m)")
      }
      return Outcome(node: node, failure: nil)
    }
  }
}
