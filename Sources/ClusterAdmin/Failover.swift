import ClusterKit
import ClusterLoading
import RESP
import RedisCore

/// How CLUSTER FAILOVER runs on the replica.
public enum FailoverMode: String, Sendable, CaseIterable {
  /// Coordinated with the master: no writes are lost.
  case coordinated
  /// No handshake with the master (it may be down); a majority of masters must still vote.
  case force
  /// No election at all: the replica takes over on its own authority.
  case takeover
}

/// The replica chosen to take over and why.
public struct FailoverPlan: Sendable {
  public var replica: NodeReport
  public var master: NodeReport
  public var mode: FailoverMode
  /// Bytes of replication stream the replica is behind its master, when both offsets are known.
  public var bytesBehind: Int?
  public var linkUp: Bool
}

/// `failover`: promote a replica and wait until every reachable node agrees.
public enum Failover {
  /// Picks the replica: the given one, or the master's replica with the highest offset
  /// (preferring one on another host than the master when offsets tie).
  public static func plan(
    _ cluster: LiveCluster, master: String?, replica: String?, mode: FailoverMode,
    domain: (String?) -> String? = { $0 }
  ) throws -> FailoverPlan {
    let view = cluster.view
    func resolve(_ name: String) throws -> NodeReport {
      switch view.resolve(name) {
      case .success(let n): return n
      case .failure(let e): throw ValidationProblems([e.description])
      }
    }
    let chosen: NodeReport
    if let replica {
      chosen = try resolve(replica)
      guard chosen.isReplica else {
        throw ValidationProblems(["\(chosen.label) is a master; the replica to promote must be a replica"])
      }
    } else {
      let m = try resolve(master ?? "")
      guard m.isMaster else {
        throw ValidationProblems([
          "\(m.label) is a replica; the master to fail over must be a master (or name it as the replica to promote)"
        ])
      }
      let candidates = view.replicas(of: m.id).filter(\.isReachable)
      guard
        let best = candidates.max(by: { a, b in
          (offset(a), domain(a.address?.host) != domain(m.address?.host) ? 1 : 0) < (
            offset(b), domain(b.address?.host) != domain(m.address?.host) ? 1 : 0
          )
        })
      else {
        throw ValidationProblems(["\(m.label) has no reachable replica to fail over to"])
      }
      chosen = best
    }
    guard chosen.isReachable else {
      throw ValidationProblems(["\(chosen.label) cannot be reached: \(chosen.unreachableReason ?? "")"])
    }
    guard let masterId = chosen.entry.masterId, let m = view.node(id: masterId) else {
      throw ValidationProblems(["\(chosen.label) replicates a node the cluster does not know"])
    }
    let linkUp = chosen.info["master_link_status"] == "up"
    let masterDown = !m.isReachable || m.entry.flags.contains(.fail) || m.entry.flags.contains(.pfail)
    if masterDown && mode == .coordinated {
      throw ValidationProblems(
        [
          "\(m.label) is \(m.isReachable ? "flagged failing" : "unreachable (\(m.unreachableReason ?? ""))"), and a coordinated failover needs the master to answer"
        ], remedies: [.forceFailover])
    }
    if !linkUp && mode == .coordinated {
      throw ReplicaNotLinked(problems: [
        "\(chosen.label)'s replication link to \(m.label) is down, so a coordinated failover cannot sync with the master"
      ])
    }
    let masterOffset = Int(m.info["master_repl_offset"] ?? "")
    let behind = masterOffset.map { max(0, $0 - offset(chosen)) }
    return FailoverPlan(
      replica: chosen, master: m, mode: mode, bytesBehind: m.isReachable ? behind : nil, linkUp: linkUp)
  }

  static func offset(_ r: NodeReport) -> Int {
    Int(r.info["slave_repl_offset"] ?? r.info["master_repl_offset"] ?? "") ?? 0
  }

  /// Runs CLUSTER FAILOVER on the replica and waits until it is master everywhere reachable.
  public static func apply(
    _ plan: FailoverPlan, cluster: LiveCluster, timeout: Duration, context: ApplyContext
  ) async throws -> Duration {
    let clock = ContinuousClock()
    let start = clock.now
    guard let session = cluster.session(plan.replica.id) else {
      throw OperationError("not connected to \(plan.replica.label)")
    }
    var command = ["CLUSTER", "FAILOVER"]
    if plan.mode != .coordinated { command.append(plan.mode.rawValue.uppercased()) }
    let started = Change(.failoverStarted, node: plan.replica.label, peer: plan.master.label)
    let reply = try await context.ledger.send([command], to: session, changing: started)[0]
    if let message = reply.errorMessage {
      throw ValidationProblems(["\(plan.replica.label) refused the failover: \(message)"])
    }
    context.ledger.record(started)
    context.log("Sent \(command.joined(separator: " ")) to \(plan.replica.label)")
    let newId = plan.replica.id
    let slots = plan.master.entry.slots
    let peers = cluster.view.nodes.filter(\.isReachable)
    while true {
      let waiting = await mapConcurrently(peers, limit: 64) { node -> String? in
        guard let s = cluster.session(node.id) else { return "\(node.label) (not connected)" }
        do {
          let table = try ClusterNodesParser.parse(try await s.text("CLUSTER", "NODES"))
          guard let me = table.first(where: { $0.id == newId }) else {
            return "\(node.label) (does not list it)"
          }
          return me.isMaster && me.slots == slots ? nil : node.label
        } catch let e as ConnectionError {
          return "!\(node.label) stopped answering: \(e)"
        } catch {
          return "\(node.label) (\(error))"
        }
      }.compactMap { $0 }
      if waiting.isEmpty { break }
      if let dead = waiting.first(where: { $0.hasPrefix("!") }) {
        throw OperationError("\(dead.dropFirst()) while rcadm waited for \(plan.replica.label) to take over")
      }
      if clock.now > start + timeout {
        throw OperationError(
          "\(plan.replica.label) did not become master everywhere within \(timeout.shortText): \(waiting.joined(separator: ", ")) still see the old layout"
        )
      }
      try context.stop.checkpoint()
      try await Task.sleep(for: .milliseconds(20))
    }
    try await Convergence.waitUntilAgreed(
      peers.compactMap { cluster.session($0.id) }, expectedNodes: cluster.view.nodes.count,
      deadline: start + timeout, timeout: timeout, stop: context.stop)
    return clock.now - start
  }
}

/// A coordinated failover needs the replica's link to its master up; it may only be syncing
/// (a replica that just joined), so the caller may wait for it.
public struct ReplicaNotLinked: Error, Sendable, CustomStringConvertible, SuggestsRemedies {
  public var problems: [String]
  public var remedies: [Remedy] { [.forceFailover] }
  public var description: String { problems.joined(separator: "; ") }
}

/// `failover` through the mutation pipeline. Planning waits, bounded, for a replica whose link is
/// still coming up (a create or add-node just before), as add-node and reshard wait for a settling
/// cluster.
public struct FailoverMutation: ClusterMutation {
  public var load: @Sendable () async throws -> LiveCluster
  public var decide: @Sendable (LiveCluster) throws -> FailoverPlan
  public var wait: Duration

  public init(
    load: @escaping @Sendable () async throws -> LiveCluster,
    decide: @escaping @Sendable (LiveCluster) throws -> FailoverPlan, wait: Duration
  ) {
    self.load = load
    self.decide = decide
    self.wait = wait
  }

  public struct Plan: Sendable {
    public var cluster: LiveCluster
    public var failover: FailoverPlan
  }

  public func plan() async throws -> Plan {
    let deadline = ContinuousClock.now + wait
    while true {
      do {
        return try await load().closingOnError { Plan(cluster: $0, failover: try decide($0)) }
      } catch let e as ReplicaNotLinked {
        if ContinuousClock.now > deadline {
          throw ValidationProblems(e.problems.map { "\($0) (waited \(wait.shortText) for the link)" })
        }
        try await Task.sleep(for: .milliseconds(100))
      }
    }
  }

  public func apply(_ plan: Plan, _ context: ApplyContext) async throws -> Duration {
    try await Failover.apply(plan.failover, cluster: plan.cluster, timeout: wait, context: context)
  }

  /// Once the failover was sent, fix settles whatever it left (a promoted replica that died is
  /// taken over by the replica holding the data); otherwise look at the cluster.
  public func nextSteps(_ plan: Plan, _ ledger: ChangeLedger, interrupted: Bool) -> [NextStep] {
    ledger.changes.contains { $0.kind == .failoverStarted } ? [.fix] : [.check]
  }

  public func close(_ plan: Plan) async { await plan.cluster.closeAll() }
}
