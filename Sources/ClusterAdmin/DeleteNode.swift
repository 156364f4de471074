import ClusterKit
import ClusterLoading
import RESP
import RedisCore

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
      throw ValidationProblems(
        [
          "\(victim.label) (\(victim.shortId)) owns \(victim.entry.slots.count) slot(s) (\(victim.entry.slots.rangesDescription)); move them to other masters first"
        ],
        remedies: [
          .moveSlotsAway(seed: view.seed.description, node: victim.shortId, slots: victim.entry.slots.count)
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
    _ plan: DeleteNodePlan, cluster: LiveCluster, timeout: Duration, context: ApplyContext
  ) async throws {
    let clock = ContinuousClock()
    let start = clock.now
    let ledger = context.ledger
    for (replica, master) in plan.moves {
      guard let s = cluster.session(replica.id) else { continue }
      try await s.call("CLUSTER", "REPLICATE", master.id)
      ledger.record(Change(.replicated, node: replica.label, peer: master.label))
      context.log("\(replica.label) now replicates \(master.label)")
    }
    try context.stop.checkpoint()
    let victimId = plan.victim.id
    let failures = await mapConcurrently(plan.forgetters, limit: 64) { node -> String? in
      guard let s = cluster.session(node.id) else { return "\(node.label): not connected" }
      let forgot = Change(.forgotten, node: node.label, peer: plan.victim.label)
      let reply: RESPValue
      do {
        reply = try await ledger.send([["CLUSTER", "FORGET", victimId]], to: s, changing: forgot)[0]
      } catch {
        return "\(node.label): \(error)"
      }
      guard let message = reply.errorMessage else {
        ledger.record(forgot)
        return nil
      }
      // A node that already forgot it is fine.
      return message.contains("Unknown node") ? nil : "\(node.label): \(message)"
    }.compactMap { $0 }
    if !failures.isEmpty { throw OperationError("FORGET failed on \(failures.joined(separator: "; "))") }
    context.log(
      "\(plan.forgetters.count) node(s) forgot \(plan.victim.label) in \((clock.now - start).shortText)")
    if plan.victim.isReachable, let s = cluster.session(victimId) {
      if (try? await s.pipeline([["CLUSTER", "RESET", "SOFT"]])[0].errorMessage) == .some(nil) {
        ledger.record(Change(.reset, node: plan.victim.label))
        context.log("Reset \(plan.victim.label) (CLUSTER RESET SOFT)")
      }
    }
    let deadline = start + timeout
    while true {
      let still = await mapConcurrently(plan.forgetters, limit: 64) { node -> String? in
        guard let s = cluster.session(node.id) else { return "\(node.label) (not connected)" }
        do {
          return try await s.text("CLUSTER", "NODES").contains(victimId) ? node.label : nil
        } catch {
          return "\(node.label) (\(error))"
        }
      }.compactMap { $0 }
      if still.isEmpty { break }
      if clock.now > deadline {
        throw OperationError(
          "\(still.joined(separator: ", ")) still list \(plan.victim.label) after \(timeout.shortText)")
      }
      try context.stop.checkpoint()
      try await Task.sleep(for: .milliseconds(20))
    }
    let remaining = plan.forgetters.compactMap { cluster.session($0.id) }
    try await Convergence.waitUntilAgreed(
      remaining, expectedNodes: cluster.view.nodes.count - 1, deadline: deadline, timeout: timeout,
      stop: context.stop)
  }
}

/// `del-node` through the mutation pipeline.
public struct DeleteNodeMutation: ClusterMutation {
  public var load: @Sendable () async throws -> LiveCluster
  public var node: String
  public var wait: Duration

  public init(load: @escaping @Sendable () async throws -> LiveCluster, node: String, wait: Duration) {
    self.load = load
    self.node = node
    self.wait = wait
  }

  public struct Plan: Sendable {
    public var cluster: LiveCluster
    public var delete: DeleteNodePlan
  }

  public func plan() async throws -> Plan {
    try await load().closingOnError { Plan(cluster: $0, delete: try DeleteNode.plan($0, node: node)) }
  }

  public func apply(_ plan: Plan, _ context: ApplyContext) async throws {
    try await DeleteNode.apply(plan.delete, cluster: plan.cluster, timeout: wait, context: context)
  }

  /// FORGET is idempotent: running del-node again finishes the job.
  public func nextSteps(_ plan: Plan, _ ledger: ChangeLedger, interrupted: Bool) -> [NextStep] { [.rerun] }

  public func close(_ plan: Plan) async { await plan.cluster.closeAll() }
}
