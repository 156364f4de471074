import ClusterKit
import ClusterLoading
import RESP
import RedisCore

/// What add-node will do, decided before anything changes.
public struct AddNodePlan: Sendable {
  public var node: ProbedNode
  /// The master the new node will replicate; nil to join as an empty master.
  public var master: NodeReport?
  /// Whether functions are copied from the cluster (masters only, as redis-cli does).
  public var copyFunctions: Bool
}

/// `add-node`: join an empty node as a master (no slots) or as a replica.
public enum AddNode {
  /// Validates the new node and picks its master. `masterName` is an id, unique prefix or address.
  public static func plan(
    newNode: NodeAddress, cluster: LiveCluster, asReplica: Bool, masterName: String?,
    connector: any NodeConnector,
    domain: @escaping @Sendable (String?) -> String? = { $0 }
  ) async throws -> AddNodePlan {
    let probed: ProbedNode
    switch await NodeProbe.probe([newNode], connector: connector)[0] {
    case .success(let n): probed = n
    case .failure(let f): throw ValidationProblems(["\(f.address): \(f.reason)"])
    }
    var problems: [String] = []
    if let why = probed.notEmptyReason { problems.append("\(newNode): \(why)") }
    if cluster.view.node(id: probed.id) != nil {
      problems.append("\(newNode) is already a member of this cluster")
    }
    var master: NodeReport?
    if asReplica {
      if let masterName {
        switch cluster.view.resolve(masterName) {
        case .success(let m) where m.isMaster: master = m
        case .success(let m):
          problems.append("the master given, \(masterName): \(m.label) is a replica, not a master")
        case .failure(let e): problems.append("the master given: \(e)")
        }
      } else {
        master = pickMaster(cluster.view, newDomain: domain(probed.ip), domain: domain)
        if master == nil { problems.append("the cluster has no master with slots to replicate") }
      }
    }
    var copyFunctions = false
    if !asReplica, let seed = cluster.session(cluster.view.nodes.first(where: \.isReachable)?.id ?? "") {
      let dump = try await seed.pipeline([["FUNCTION", "LIST"]])[0]
      copyFunctions = !(dump.elements?.isEmpty ?? true)
      if copyFunctions && probed.hasFunctions {
        problems.append(
          "\(newNode) already contains functions; remove them (FUNCTION FLUSH) before adding it")
      }
    }
    if !problems.isEmpty {
      await probed.session.close()
      throw ValidationProblems(problems)
    }
    return AddNodePlan(node: probed, master: master, copyFunctions: copyFunctions)
  }

  /// The master with the fewest replicas, preferring one in another failure domain (host, or
  /// Kubernetes node) than the new node.
  static func pickMaster(
    _ view: ClusterView, newDomain: String?, domain: (String?) -> String? = { $0 }
  ) -> NodeReport? {
    view.masters.filter { !$0.entry.slots.isEmpty && $0.isReachable }.min { a, b in
      let ka = (view.replicas(of: a.id).count, domain(a.address?.host) == newDomain ? 1 : 0, a.label)
      let kb = (view.replicas(of: b.id).count, domain(b.address?.host) == newDomain ? 1 : 0, b.label)
      return ka < kb
    }
  }

  /// MEETs every member, waits until all know the node, then REPLICATE and wait for the link.
  public static func apply(
    _ plan: AddNodePlan, cluster: LiveCluster, timeout: Duration, context: ApplyContext
  ) async throws {
    let clock = ContinuousClock()
    let start = clock.now
    let deadline = start + timeout
    let node = plan.node
    let log = context.log
    let name = node.clusterAddress.description
    if plan.copyFunctions, let seed = cluster.sessions.values.first {
      let dump = try await seed.send([[Array("FUNCTION".utf8), Array("DUMP".utf8)]], timeout: nil)[0]
      guard let payload = dump.bytes else { throw OperationError("FUNCTION DUMP returned no payload") }
      let reply = try await node.session.send(
        [[Array("FUNCTION".utf8), Array("RESTORE".utf8), payload]], timeout: nil)[0]
      if let m = reply.errorMessage { throw OperationError("FUNCTION RESTORE on \(node.given) failed: \(m)") }
      context.ledger.record(Change(.functionsCopied, node: name))
      log("Copied the cluster's functions to \(node.given)")
    }
    try context.stop.checkpoint()
    let members = cluster.view.nodes.filter { !$0.entry.flags.contains(.noaddr) && $0.address != nil }
    let meets = members.map { m in
      [
        "CLUSTER", "MEET", m.address!.host, String(m.address!.port),
        String(m.entry.busPort ?? m.address!.port + 10000),
      ]
    }
    let met = Change(.met, node: name, peer: "\(members.count) nodes")
    let replies = try await context.ledger.send(meets, to: node.session, changing: met)
    try checkMeetReplies(
      replies, from: node.given, recordedAs: name, to: members.map(\.label), ledger: context.ledger)
    log("Joining \(node.clusterAddress) to \(members.count) nodes")
    try await waitUntilKnown(
      node, by: Array(cluster.sessions.values), deadline: deadline, timeout: timeout, stop: context.stop)
    log("Every node knows \(node.clusterAddress) after \((clock.now - start).shortText)")
    let everyone = Array(cluster.sessions.values) + [node.session]
    guard let master = plan.master else {
      // A new master serves once it has the slot map and Redis's rejoin delay has passed.
      try await Convergence.waitUntilAgreed(
        everyone, expectedNodes: everyone.count, deadline: deadline, timeout: timeout, stop: context.stop)
      log("cluster_state is ok on every node after \((clock.now - start).shortText)")
      return
    }
    // The new node must know the master before it can replicate it; the join wait above ensures that.
    let replicated = Change(.replicated, node: name, peer: master.label)
    let command = ["CLUSTER", "REPLICATE", master.id]
    let reply = try await context.ledger.send([command], to: node.session, changing: replicated)[0]
    if let message = reply.errorMessage { throw ServerError(message, node: node.given, command: command) }
    context.ledger.record(replicated)
    try await Convergence.waitUntilSynced(
      [node.session], deadline: deadline, timeout: timeout, stop: context.stop)
    try await Convergence.waitUntilAgreed(
      everyone, expectedNodes: everyone.count, replicaOf: [node.id: master.id], deadline: deadline,
      timeout: timeout, stop: context.stop)
    log("\(node.given) replicates \(master.label) (link up) after \((clock.now - start).shortText)")
  }

  /// Polls until every given session lists `node` as a member (not in handshake).
  static func waitUntilKnown(
    _ node: ProbedNode, by sessions: [any NodeSession], deadline: ContinuousClock.Instant, timeout: Duration,
    stop: StopToken
  ) async throws {
    while true {
      let missing = await mapConcurrently(sessions, limit: 64) { s -> String? in
        do {
          let table = try ClusterNodesParser.parse(try await s.text("CLUSTER", "NODES"))
          return table.contains { $0.id == node.id && !$0.flags.contains(.handshake) }
            ? nil : s.address.description
        } catch let e as ConnectionError {
          return "!\(s.address) stopped answering: \(e)"
        } catch {
          return "\(s.address) (\(error))"
        }
      }.compactMap { $0 }
      if missing.isEmpty { return }
      if let dead = missing.first(where: { $0.hasPrefix("!") }) {
        throw OperationError(
          "\(dead.dropFirst()) while rcadm waited for the nodes to learn of \(node.clusterAddress)")
      }
      // A stop asked for meanwhile wins over the timeout: the user gets what to run next.
      try stop.checkpoint()
      if ContinuousClock.now > deadline {
        throw OperationError(
          "\(missing.joined(separator: ", ")) did not learn of \(node.clusterAddress) within \(timeout.shortText); check that its cluster bus port \(node.busPort) is reachable"
        )
      }
      try await Task.sleep(for: .milliseconds(20))
    }
  }
}

/// `add-node` through the mutation pipeline.
public struct AddNodeMutation: ClusterMutation {
  public var load: @Sendable () async throws -> LiveCluster
  public var decide: @Sendable (LiveCluster) async throws -> AddNodePlan
  public var wait: Duration

  public init(
    load: @escaping @Sendable () async throws -> LiveCluster,
    decide: @escaping @Sendable (LiveCluster) async throws -> AddNodePlan, wait: Duration
  ) {
    self.load = load
    self.decide = decide
    self.wait = wait
  }

  public struct Plan: Sendable {
    public var cluster: LiveCluster
    public var add: AddNodePlan
  }

  public func plan() async throws -> Plan {
    try await load().closingOnError { Plan(cluster: $0, add: try await decide($0)) }
  }

  public func apply(_ plan: Plan, _ context: ApplyContext) async throws {
    try await AddNode.apply(plan.add, cluster: plan.cluster, timeout: wait, context: context)
  }

  /// A half-joined node is removed with del-node (then add-node can run again).
  public func nextSteps(_ plan: Plan, _ ledger: ChangeLedger, interrupted: Bool) -> [NextStep] {
    [.removeNode(plan.add.node.id), .check]
  }

  public func close(_ plan: Plan) async {
    await plan.add.node.session.close()
    await plan.cluster.closeAll()
  }
}
