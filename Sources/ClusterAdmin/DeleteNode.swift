import ClusterKit
import RESP

/// What del-node will do, decided before anything changes.
public struct DeleteNodePlan: Sendable {
  public var victim: NodeReport
  /// Replicas of the victim and the master each will follow instead.
  public var moves: [(replica: NodeReport, to: NodeReport)]
  /// Reachable nodes that will be told to FORGET the victim.
  public var forgetters: [NodeReport]
}

/// `del-node`: remove a node, reachable or not, from every member's table.
public enum DeleteNode {
  public static func plan(_ cluster: LiveCluster, node name: String) throws -> DeleteNodePlan {
    let view = cluster.view
    let victim: NodeReport
    switch view.resolve(name) {
    case .success(let n): victim = n
    case .failure(let e): throw ValidationProblems([e.description])
    }
    if victim.isMaster && !victim.entry.slots.isEmpty {
      throw ValidationProblems([
        "\(victim.label) (\(victim.shortId)) owns \(victim.entry.slots.count) slot(s) (\(victim.entry.slots.rangesDescription)); move them to other masters first, e.g. rcadm reshard \(view.seed) --from \(victim.shortId) --to <master> --slots \(victim.entry.slots.count)"
      ])
    }
    let others = view.nodes.filter { $0.id != victim.id }
    if others.filter(\.isReachable).isEmpty {
      throw ValidationProblems(["no other reachable node would remain to forget \(victim.label)"])
    }
    var counts = Dictionary(
      uniqueKeysWithValues: view.masters.filter { $0.id != victim.id && !$0.entry.slots.isEmpty }.map {
        ($0.id, view.replicas(of: $0.id).count)
      })
    var moves: [(NodeReport, NodeReport)] = []
    for r in view.replicas(of: victim.id) where r.isReachable {
      // The master with the fewest replicas, never the node being removed.
      guard
        let target = counts.min(by: { ($0.value, $0.key) < ($1.value, $1.key) }).flatMap({
          view.node(id: $0.key)
        })
      else {
        throw ValidationProblems([
          "\(r.label) replicates \(victim.label) but no other master with slots exists to take it"
        ])
      }
      counts[target.id, default: 0] += 1
      moves.append((r, target))
    }
    return DeleteNodePlan(victim: victim, moves: moves, forgetters: others.filter(\.isReachable))
  }

  /// Re-points replicas, then FORGETs on every reachable node at once (well inside the 60 s
  /// blacklist that stops gossip from re-adding it), resets the victim, and waits until no
  /// reachable node lists it.
  public static func apply(
    _ plan: DeleteNodePlan, cluster: LiveCluster, timeout: Duration, log: @Sendable (String) -> Void
  ) async throws {
    let clock = ContinuousClock()
    let start = clock.now
    for (replica, master) in plan.moves {
      guard let s = cluster.session(replica.id) else { continue }
      try await s.call("CLUSTER", "REPLICATE", master.id)
      log("\(replica.label) now replicates \(master.label)")
    }
    let victimId = plan.victim.id
    let failures = await mapConcurrently(plan.forgetters, limit: 64) { node -> String? in
      guard let s = cluster.session(node.id) else { return "\(node.label): not connected" }
      let reply = try? await s.pipeline([["CLUSTER", "FORGET", victimId]])[0]
      guard let message = reply?.errorMessage else { return reply == nil ? "\(node.label): no reply" : nil }
      // A node that already forgot it is fine.
      return message.contains("Unknown node") ? nil : "\(node.label): \(message)"
    }.compactMap { $0 }
    if !failures.isEmpty { throw OperationError("FORGET failed on \(failures.joined(separator: "; "))") }
    log("\(plan.forgetters.count) node(s) forgot \(plan.victim.label) in \((clock.now - start).shortText)")
    if plan.victim.isReachable, let s = cluster.session(victimId) {
      _ = try? await s.pipeline([["CLUSTER", "RESET", "SOFT"]])
      log("Reset \(plan.victim.label) (CLUSTER RESET SOFT)")
    }
    let deadline = start + timeout
    while true {
      let still = await mapConcurrently(plan.forgetters, limit: 64) { node -> String? in
        guard let s = cluster.session(node.id), let text = try? await s.text("CLUSTER", "NODES") else {
          return nil
        }
        return text.contains(victimId) ? node.label : nil
      }.compactMap { $0 }
      if still.isEmpty { break }
      if clock.now > deadline {
        throw OperationError(
          "\(still.joined(separator: ", ")) still list \(plan.victim.label) after \(timeout.shortText)")
      }
      try await Task.sleep(for: .milliseconds(20))
    }
    let remaining = plan.forgetters.compactMap { cluster.session($0.id) }
    try await Convergence.waitUntilAgreed(
      remaining, expectedNodes: cluster.view.nodes.count - 1, deadline: deadline, timeout: timeout)
  }
}
