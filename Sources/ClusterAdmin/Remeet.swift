import ClusterKit
import RESP
import RedisCore

/// A node as it is now: its id, where it really is, and what it believes about the others.
public struct RemeetNode: Sendable {
  public var id: String
  /// The node's current in-cluster address (a pod's new IP).
  public var current: NodeAddress
  public var busPort: Int
  public var view: [ClusterNodeEntry]
  public var session: any NodeSession

  public init(
    id: String, current: NodeAddress, busPort: Int, view: [ClusterNodeEntry], session: any NodeSession
  ) {
    self.id = id
    self.current = current
    self.busPort = busPort
    self.view = view
    self.session = session
  }
}

/// `fix --remeet`: after nodes came back on new addresses (every pod restarted), tell each node
/// where the others are now, by node id, so the cluster heals without losing its configuration.
public enum Remeet {
  public struct Meet: Sendable, Hashable {
    /// Node id that sends CLUSTER MEET.
    public var from: String
    /// Node id that is met.
    public var to: String
    public var address: NodeAddress
    public var busPort: Int
  }

  /// Every (A, B) where A knows B's id but at a stale address, as failed, or without a link. A node
  /// never meets one it does not already know by id: that would merge clusters or bring back a node
  /// that was removed. Throws when the nodes are not one cluster (two ids alike, or separate groups).
  public static func plan(_ nodes: [RemeetNode]) throws(ValidationProblems) -> [Meet] {
    let ids = Dictionary(grouping: nodes, by: \.id)
    let twice = ids.filter { $0.value.count > 1 }.keys.sorted()
    if !twice.isEmpty {
      throw ValidationProblems(twice.map { "node id \($0.prefix(8)) answers at several addresses" })
    }
    // Nodes linked by knowing each other's ids must form one group.
    var group = Dictionary(uniqueKeysWithValues: nodes.map { ($0.id, $0.id) })
    func root(_ id: String) -> String {
      var r = id
      while let p = group[r], p != r { r = p }
      return r
    }
    for a in nodes {
      for e in a.view where e.id != a.id && ids[e.id] != nil { group[root(e.id)] = root(a.id) }
    }
    let groups = Dictionary(grouping: nodes, by: { root($0.id) })
    if groups.count > 1 {
      let described = groups.values.map { g in g.map(\.current.description).sorted().joined(separator: ", ") }
        .sorted()
      throw ValidationProblems([
        "the nodes form \(groups.count) separate clusters (\(described.map { "[\($0)]" }.joined(separator: " ")));"
          + " narrow the selector to one cluster"
      ])
    }
    var meets: [Meet] = []
    for a in nodes {
      let seen = Dictionary(a.view.map { ($0.id, $0) }, uniquingKeysWith: { x, _ in x })
      for b in nodes where b.id != a.id {
        guard let e = seen[b.id], !isHealthy(e, at: b.current) else { continue }
        meets.append(Meet(from: a.id, to: b.id, address: b.current, busPort: b.busPort))
      }
    }
    return meets
  }

  static func isHealthy(_ e: ClusterNodeEntry, at address: NodeAddress) -> Bool {
    e.address == address && e.linkConnected && e.flags.isDisjoint(with: [.fail, .pfail, .noaddr, .handshake])
  }

  /// Sends the MEETs, waits until every node sees every other at its current address with a live
  /// link and cluster_state ok, then re-points replicas that still replicate from an old address.
  public static func apply(
    _ meets: [Meet], nodes: [RemeetNode], timeout: Duration, context: ApplyContext
  ) async throws {
    let log = context.log
    let byID = Dictionary(nodes.map { ($0.id, $0) }, uniquingKeysWith: { x, _ in x })
    let grouped = Dictionary(grouping: meets, by: \.from)
    log("Sending \(meets.count) CLUSTER MEET to \(grouped.count) nodes")
    for (from, list) in grouped {
      guard let node = byID[from] else { continue }
      let met = Change(
        .met, node: node.current.description, peer: "\(list.count) nodes at their new addresses")
      let replies = try await context.ledger.send(
        list.map { ["CLUSTER", "MEET", $0.address.host, String($0.address.port), String($0.busPort)] },
        to: node.session, changing: met)
      context.ledger.record(met)
      if let bad = replies.first(where: { $0.errorMessage != nil }) {
        throw OperationError("CLUSTER MEET from \(node.current) failed: \(bad.errorMessage ?? "")")
      }
    }
    let clock = ContinuousClock()
    let deadline = clock.now + timeout
    var pending: [String] = []
    while true {
      pending = []
      for node in nodes {
        guard let text = try? await node.session.text("CLUSTER", "NODES"),
          let view = try? ClusterNodesParser.parse(text)
        else {
          pending.append("\(node.current) did not answer CLUSTER NODES")
          continue
        }
        let seen = Dictionary(view.map { ($0.id, $0) }, uniquingKeysWith: { x, _ in x })
        for other in nodes where other.id != node.id {
          if let e = seen[other.id], isHealthy(e, at: other.current) { continue }
          pending.append("\(node.current) does not yet see \(other.id.prefix(8)) at \(other.current)")
        }
        if let info = try? await node.session.text("CLUSTER", "INFO"),
          InfoParser.parse(info)["cluster_state"] != "ok"
        {
          pending.append("\(node.current) reports cluster_state not ok")
        }
      }
      if pending.isEmpty { break }
      try context.stop.checkpoint()
      guard clock.now < deadline else {
        throw OperationError(
          "the cluster did not heal within \(timeout.shortText): " + pending.prefix(4).joined(separator: "; ")
            + (pending.count > 4 ? " and \(pending.count - 4) more" : ""))
      }
      try await Task.sleep(for: .milliseconds(200))
    }
    // Replicas normally follow their master's new address themselves; re-issue REPLICATE where not.
    for node in nodes {
      guard let text = try? await node.session.text("CLUSTER", "NODES"),
        let me = (try? ClusterNodesParser.parse(text))?.first(where: \.isMyself), me.isReplica,
        let masterID = me.masterId, let master = byID[masterID],
        let info = try? await node.session.text("INFO", "replication")
      else { continue }
      let fields = InfoParser.parse(info)
      if fields["master_host"] != master.current.host || fields["master_port"] != String(master.current.port)
      {
        log("Re-pointing replica \(node.current) at its master \(master.current)")
        try await node.session.call("CLUSTER", "REPLICATE", masterID)
        context.ledger.record(
          Change(.replicated, node: node.current.description, peer: master.current.description))
      }
    }
  }
}

/// A node to survey for `fix --remeet`: where it is now and how to open a session to it.
public struct RemeetMember: Sendable {
  public var name: String
  public var address: NodeAddress
  public var connect: @Sendable () async throws -> any NodeSession

  public init(
    name: String, address: NodeAddress, connect: @escaping @Sendable () async throws -> any NodeSession
  ) {
    self.name = name
    self.address = address
    self.connect = connect
  }
}

/// `fix --remeet` through the mutation pipeline: survey every member at its current address,
/// plan the MEETs, send them, wait until the cluster heals.
public struct RemeetMutation: ClusterMutation {
  public struct Plan: Sendable {
    public var nodes: [RemeetNode]
    public var meets: [Remeet.Meet]
    /// Members that know no other node (lost nodes.conf): left alone.
    public var alone: [String]
  }

  public var members: [RemeetMember]
  public var wait: Duration

  public init(members: [RemeetMember], wait: Duration) {
    self.members = members
    self.wait = wait
  }

  public func plan() async throws -> Plan {
    var nodes: [RemeetNode] = []
    var alone: [String] = []
    func closeAll() async { for n in nodes { await n.session.close() } }
    for member in members {
      do {
        let session = try await member.connect()
        let view = (try? ClusterNodesParser.parse(try await session.text("CLUSTER", "NODES"))) ?? []
        guard let me = view.first(where: \.isMyself), view.count > 1 else {
          alone.append(member.name)
          await session.close()
          continue
        }
        nodes.append(
          RemeetNode(
            id: me.id, current: member.address, busPort: me.busPort ?? member.address.port + 10000,
            view: view,
            session: session))
      } catch {
        await closeAll()
        throw ValidationProblems(["cannot read \(member.name): \(error)"])
      }
    }
    do {
      return Plan(nodes: nodes, meets: try Remeet.plan(nodes), alone: alone)
    } catch {
      await closeAll()
      throw error
    }
  }

  public func hasWork(_ plan: Plan) -> Bool { !plan.meets.isEmpty }

  public func apply(_ plan: Plan, _ context: ApplyContext) async throws {
    try await Remeet.apply(plan.meets, nodes: plan.nodes, timeout: wait, context: context)
  }

  /// MEETs are idempotent: running it again picks up where it stopped.
  public func nextSteps(_ plan: Plan, _ ledger: ChangeLedger, interrupted: Bool) -> [NextStep] { [.rerun] }

  public func close(_ plan: Plan) async { for n in plan.nodes { await n.session.close() } }
}
