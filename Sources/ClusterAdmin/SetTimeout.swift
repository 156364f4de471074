import ClusterKit
import ClusterLoading
import RESP
import RedisCore

/// `set-timeout`: CONFIG SET cluster-node-timeout and CONFIG REWRITE on every node, through the
/// mutation pipeline (plan: the nodes and their current value; apply: every node in parallel).
public struct SetTimeout: ClusterMutation {
  public struct NodeOutcome: Sendable {
    public var node: NodeReport
    /// Nil when both commands succeeded.
    public var failure: String?
  }

  public struct Plan: Sendable {
    public var cluster: LiveCluster
    public var milliseconds: Int
  }

  public var load: @Sendable () async throws -> LiveCluster
  public var milliseconds: Int

  public init(load: @escaping @Sendable () async throws -> LiveCluster, milliseconds: Int) {
    self.load = load
    self.milliseconds = milliseconds
  }

  public func plan() async throws -> Plan { Plan(cluster: try await load(), milliseconds: milliseconds) }

  /// Every node gets both commands; a node that fails is reported, the others still change.
  public func apply(_ plan: Plan, _ context: ApplyContext) async throws -> [NodeOutcome] {
    let cluster = plan.cluster
    let value = String(milliseconds)
    return await mapConcurrently(cluster.view.nodes, limit: 64) { node in
      guard let s = cluster.session(node.id) else {
        return NodeOutcome(node: node, failure: "unreachable: \(node.unreachableReason ?? "not connected")")
      }
      let set = Change(.configSet, node: node.label, detail: "cluster-node-timeout \(value)")
      let replies: [RESPValue]
      do {
        replies = try await context.ledger.send(
          [["CONFIG", "SET", "cluster-node-timeout", value], ["CONFIG", "REWRITE"]], to: s, changing: set)
      } catch {
        return NodeOutcome(node: node, failure: "no reply: \(error)")
      }
      if let m = replies[0].errorMessage {
        return NodeOutcome(node: node, failure: "CONFIG SET failed: \(m)")
      }
      context.ledger.record(set)
      if let m = replies[1].errorMessage {
        return NodeOutcome(
          node: node, failure: "set, but CONFIG REWRITE failed (the change is lost on restart): \(m)")
      }
      return NodeOutcome(node: node, failure: nil)
    }
  }

  public func nextSteps(_ plan: Plan, _ ledger: ChangeLedger, interrupted: Bool) -> [NextStep] { [.rerun] }

  public func close(_ plan: Plan) async { await plan.cluster.closeAll() }
}
