import ClusterKit
import RESP
import RedisCore
import SlotPlanner

/// Nodes that cannot form a cluster, all listed at once; nothing was changed.
public struct ValidationProblems: Error, Sendable, CustomStringConvertible, SuggestsRemedies {
  public var problems: [String]
  public var remedies: [Remedy]
  public init(_ problems: [String], remedies: [Remedy] = []) {
    self.problems = problems
    self.remedies = remedies
  }
  public var description: String {
    problems.count == 1
      ? problems[0] : "\(problems.count) problems:\n" + problems.map { "  - \($0)" }.joined(separator: "\n")
  }
}

/// A step of an operation that failed after changes were made.
public struct OperationError: Error, Sendable, CustomStringConvertible, SuggestsRemedies {
  public var description: String
  public var remedies: [Remedy]
  public init(_ description: String, remedies: [Remedy] = []) {
    self.description = description
    self.remedies = remedies
  }
}

/// A validated create: every node probed and empty, and the plan computed.
public struct PreparedCreate: Sendable {
  public var plan: CreatePlan
  /// Probed nodes by the address the user gave.
  public var nodes: [NodeAddress: ProbedNode]

  public func node(_ p: PlannerNode) -> ProbedNode { nodes[p.address]! }

  public func closeAll() async {
    for n in nodes.values { await n.session.close() }
  }
}

/// `create`: validate all nodes, plan, then assign slots, epochs, MEET, REPLICATE, and wait.
public enum ClusterCreate {
  /// Probes every node and plans the cluster; throws `ValidationProblems` naming every bad node.
  public static func prepare(
    _ addresses: [NodeAddress], replicas: Int, connector: any NodeConnector,
    domain: @escaping @Sendable (ProbedNode) -> String = { $0.ip }
  ) async throws -> PreparedCreate {
    var problems: [String] = []
    var seen: [NodeAddress: Int] = [:]
    for a in addresses { seen[a, default: 0] += 1 }
    for (a, n) in seen.sorted(by: { $0.key < $1.key }) where n > 1 {
      problems.append("\(a) is listed \(n) times")
    }
    let unique = addresses.reduce(into: [NodeAddress]()) { if !$0.contains($1) { $0.append($1) } }
    let probed = await NodeProbe.probe(unique, connector: connector)
    var nodes: [NodeAddress: ProbedNode] = [:]
    for r in probed {
      switch r {
      case .success(let n):
        nodes[n.given] = n
        if let why = n.notEmptyReason { problems.append("\(n.given): \(why)") }
      case .failure(let f): problems.append("\(f.address): \(f.reason)")
      }
    }
    // Two spellings of one node (localhost:7000 and 127.0.0.1:7000) share an id.
    let byId = Dictionary(grouping: nodes.values.filter { !$0.id.isEmpty }, by: \.id)
    for (id, same) in byId.sorted(by: { $0.key < $1.key }) where same.count > 1 {
      problems.append(
        "\(same.map(\.given.description).sorted().joined(separator: " and ")) are the same node (id \(id.prefix(8)))"
      )
    }
    let plannerNodes = unique.compactMap { a in nodes[a].map { PlannerNode(address: a, domain: domain($0)) } }
    var plan: CreatePlan?
    do {
      plan = try CreatePlanner.plan(nodes: plannerNodes, replicas: replicas)
    } catch {
      problems.append(error.description)
    }
    let prepared = PreparedCreate(plan: plan ?? CreatePlan(masters: [], replicas: []), nodes: nodes)
    if !problems.isEmpty || plan == nil {
      await prepared.closeAll()
      throw ValidationProblems(problems)
    }
    return prepared
  }

  /// Applies a prepared plan. Every wait is bounded by `timeout` and names what did not happen.
  /// With `waitServing`, also waits for cluster_state:ok everywhere and for every replica to have
  /// finished its first sync (so a failover can follow at once): Redis holds a master that just got
  /// slots back for min(cluster-node-timeout, 5 s), so that part is the server's, not rcadm's.
  public static func apply(
    _ p: PreparedCreate, timeout: Duration, waitServing: Bool = true, context: ApplyContext
  ) async throws {
    let clock = ContinuousClock()
    let start = clock.now
    let log = context.log
    let ledger = context.ledger
    let masters = p.plan.masters.map { p.node($0.node) }
    let all = masters + p.plan.replicas.map { p.node($0.node) }

    log("Assigning slots to \(masters.count) masters")
    try await forEach(zip(masters, p.plan.masters).map { ($0, $1.slots) }) { node, range in
      let assigned = Change(
        .slotsAssigned, node: node.given.description, slots: SlotSet([SlotRange(range.lower, range.upper)]))
      let reply = try await ledger.send(
        [["CLUSTER", "ADDSLOTSRANGE", String(range.lower), String(range.upper)]], to: node.session,
        changing: assigned)[0]
      if let message = reply.errorMessage {
        // Redis 6 has no ADDSLOTSRANGE: list the slots instead.
        guard message.lowercased().contains("unknown subcommand") else {
          throw OperationError("assigning slots \(range) to \(node.given) failed: \(message)")
        }
        let listed = try await ledger.send(
          [["CLUSTER", "ADDSLOTS"] + (range.lower...range.upper).map(String.init)], to: node.session,
          changing: assigned)[0]
        if let message = listed.errorMessage {
          throw OperationError("assigning slots \(range) to \(node.given) failed: \(message)")
        }
      }
      ledger.record(assigned)
    }
    try context.stop.checkpoint()

    // Distinct epochs settle slot ownership at once instead of through collision handling.
    try await forEach(Array(all.enumerated())) { i, node in
      let epochSet = Change(.configEpochSet, node: node.given.description, detail: String(i + 1))
      let reply = try await ledger.send(
        [["CLUSTER", "SET-CONFIG-EPOCH", String(i + 1)]], to: node.session, changing: epochSet)[0]
      if let message = reply.errorMessage {
        throw OperationError("setting config epoch \(i + 1) on \(node.given) failed: \(message)")
      }
      ledger.record(epochSet)
    }
    try context.stop.checkpoint()

    // Every node meets every other directly: handshakes then finish in a cron tick or two instead
    // of waiting for gossip to spread through one seed (N² tiny commands, pipelined per node).
    // One MEET per pair of nodes: A meeting B makes B complete the handshake itself, and A then
    // learns B's slots from B's first ping. With the masters last, every replica learns every
    // master's slots that way, and each master those of the masters after it; a second round, in
    // which each master meets the masters after it, teaches them the rest (a MEET from a known
    // node carries its slots). Every node messaging every other (2·N² handshakes) saturated
    // 60-150 local servers on two cores and could leave replicas unlinked.
    log("Joining \(all.count) nodes")
    let deadline = start + timeout
    let joinOrder = p.plan.replicas.map { p.node($0.node) } + masters
    try await meet(joinOrder, ledger: ledger, deadline: deadline, stop: context.stop)
    try await waitForJoin(all, deadline: deadline, timeout: timeout, stop: context.stop)
    log("All nodes joined after \((clock.now - start).shortText)")
    try await meet(masters, ledger: nil, deadline: deadline, stop: context.stop)
    try context.stop.checkpoint()

    try await forEach(p.plan.replicas) { r in
      let node = p.node(r.node)
      let master = p.node(p.plan.masters[r.masterIndex].node)
      let replicated = Change(.replicated, node: node.given.description, peer: master.given.description)
      let command = ["CLUSTER", "REPLICATE", master.id]
      let reply = try await ledger.send([command], to: node.session, changing: replicated)[0]
      if let message = reply.errorMessage { throw ServerError(message, node: node.given, command: command) }
      ledger.record(replicated)
    }
    try context.stop.checkpoint()
    let replicaOf = Dictionary(
      uniqueKeysWithValues: p.plan.replicas.map {
        (p.node($0.node).id, p.node(p.plan.masters[$0.masterIndex].node).id)
      })
    try await Convergence.waitUntilAgreed(
      all.map(\.session), expectedNodes: all.count, replicaOf: replicaOf, serving: false,
      deadline: start + timeout, timeout: timeout, stop: context.stop)
    log("Every node agrees on the configuration after \((clock.now - start).shortText)")
    guard waitServing else { return }
    try await Convergence.waitUntilAgreed(
      all.map(\.session), expectedNodes: all.count, replicaOf: replicaOf, deadline: start + timeout,
      timeout: timeout, stop: context.stop)
    log("cluster_state is ok on every node after \((clock.now - start).shortText)")
    let replicas = p.plan.replicas.map { p.node($0.node).session }
    if !replicas.isEmpty {
      try await Convergence.waitUntilSynced(
        replicas, deadline: start + timeout, timeout: timeout, stop: context.stop)
      log("Every replica is linked and synced after \((clock.now - start).shortText)")
    }
  }

  /// Each node sends CLUSTER MEET to every node after it in `order` (pipelined per node, nodes in
  /// parallel). A slow node (a loaded machine, a slow fsync of nodes.conf) is waited for until
  /// `deadline`, not only the single-reply bound, but a stop ends the wait at once (a stopped or
  /// frozen node would otherwise hold Ctrl-C until the deadline).
  static func meet(
    _ order: [ProbedNode], ledger: ChangeLedger?, deadline: ContinuousClock.Instant, stop: StopToken
  ) async throws {
    try await forEach(Array(order.enumerated())) { i, node in
      let others = Array(order[(i + 1)...])
      guard !others.isEmpty else { return }
      let meets = others.map { ["CLUSTER", "MEET", $0.ip, String($0.given.port), String($0.busPort)] }
      let replies: [RESPValue]
      do {
        replies = try await stop.racing {
          try await node.session.pipeline(meets, timeout: max(deadline - .now, .seconds(1)))
        }
      } catch {
        ledger?.record(
          Change(.met, node: node.given.description, peer: "\(others.count) nodes", certain: false))
        throw error
      }
      try checkMeetReplies(
        replies, from: node.given, to: others.map(\.clusterAddress.description), ledger: ledger)
    }
  }

  /// Polls every 20 ms until each node knows every other and none is in handshake. CLUSTER INFO's
  /// node count is read first: CLUSTER NODES of 150 nodes from 150 nodes is 3 MB per poll, work
  /// that competes with the handshakes for the same cores.
  static func waitForJoin(
    _ nodes: [ProbedNode], deadline: ContinuousClock.Instant, timeout: Duration, stop: StopToken
  ) async throws {
    let ids = Set(nodes.map(\.id))
    while true {
      let counts = await mapConcurrently(nodes, limit: 64) { node -> Int in
        guard let text = try? await node.session.text("CLUSTER", "INFO") else { return 0 }
        return Int(InfoParser.parse(text)["cluster_known_nodes"] ?? "") ?? 0
      }
      if counts.contains(where: { $0 < nodes.count }) && ContinuousClock.now <= deadline {
        try stop.checkpoint()
        try await Task.sleep(for: .milliseconds(20))
        continue
      }
      let views = await mapConcurrently(nodes, limit: 64) { node -> [ClusterNodeEntry] in
        guard let text = try? await node.session.text("CLUSTER", "NODES") else { return [] }
        return (try? ClusterNodesParser.parse(text)) ?? []
      }
      var missing: [(ProbedNode, ProbedNode)] = []
      for (node, view) in zip(nodes, views) {
        let joined = Set(
          view.filter { !$0.flags.contains(.handshake) && !$0.flags.contains(.noaddr) }.map(\.id))
        for other in nodes where other.id != node.id && !joined.contains(other.id) {
          missing.append((node, other))
        }
      }
      if missing.isEmpty && views.allSatisfy({ Set($0.map(\.id)).isSuperset(of: ids) }) { return }
      // A stop asked for meanwhile wins over the timeout: the user gets what to run next.
      try stop.checkpoint()
      if ContinuousClock.now > deadline {
        let lines = missing.prefix(10).map { a, b in
          "\(a.clusterAddress) has not connected to \(b.clusterAddress) (bus port \(b.busPort))"
        }
        throw OperationError(
          "the nodes did not all join within \(timeout.shortText): \(lines.joined(separator: "; "))\(missing.count > 10 ? "; …" : ""). Check that every node can reach the others' cluster bus ports."
        )
      }
      try await Task.sleep(for: .milliseconds(20))
    }
  }

  /// Runs `body` for every item concurrently; the first error wins.
  static func forEach<T: Sendable>(_ items: [T], _ body: @escaping @Sendable (T) async throws -> Void)
    async throws
  {
    try await withThrowingTaskGroup(of: Void.self) { group in
      for item in items { group.addTask { try await body(item) } }
      try await group.waitForAll()
    }
  }
}

/// `create` through the mutation pipeline: probe and plan, then form the cluster and wait.
public struct CreateMutation: ClusterMutation {
  public var prepare: @Sendable () async throws -> PreparedCreate
  public var wait: Duration
  public var waitServing: Bool

  public init(
    prepare: @escaping @Sendable () async throws -> PreparedCreate, wait: Duration, waitServing: Bool
  ) {
    self.prepare = prepare
    self.wait = wait
    self.waitServing = waitServing
  }

  public func plan() async throws -> PreparedCreate { try await prepare() }

  public func apply(_ plan: PreparedCreate, _ context: ApplyContext) async throws {
    try await ClusterCreate.apply(plan, timeout: wait, waitServing: waitServing, context: context)
  }

  /// A half-formed cluster is not repaired by fix: its nodes are reset and created again.
  public func nextSteps(_ plan: PreparedCreate, _ ledger: ChangeLedger, interrupted: Bool) -> [NextStep] {
    [.check]
  }

  public func close(_ plan: PreparedCreate) async { await plan.closeAll() }
}
