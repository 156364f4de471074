import ClusterKit
import RESP
import RedisCore

/// Bounded waits for the nodes of a cluster to agree.
public enum Convergence {
  /// What one node says about the cluster, reduced to what must match everywhere.
  struct Snapshot: Equatable {
    var signature: String
    var id: String
    /// The master this node replicates, by its own account (nil for a master).
    var masterOf: String?
    var stateOK: Bool
    var knownNodes: Int
    /// Two masters with slots share a config epoch in this node's table (Redis resolves this by itself).
    var epochCollision: Bool
    /// This node's own config epoch, when it is a master with slots.
    var ownEpoch: Int?
  }

  /// Polls every 20 ms until every node reports the same slot owners, knows `expectedNodes` nodes,
  /// says cluster_state:ok, and (for ids in `replicaOf`) replicates the expected master by its own
  /// account. Other nodes learn roles by gossip later; slot agreement is what clients depend on.
  /// The timeout message names the nodes that differ.
  public static func waitUntilAgreed(
    _ sessions: [any NodeSession], expectedNodes: Int, replicaOf: [String: String] = [:],
    serving: Bool = true,
    deadline: ContinuousClock.Instant, timeout: Duration, stop: StopToken? = nil
  ) async throws {
    var last: [(NodeAddress, Result<Snapshot, ReadFailure>)] = []
    var active = sessions
    var lost: [String] = []
    while true {
      // CLUSTER INFO alone first: the full check cannot pass until every node knows every node
      // (and serves, when asked) and all count the same slots and masters; CLUSTER NODES of a big
      // cluster from every node is megabytes per poll, work that slows the very gossip awaited.
      if ContinuousClock.now <= deadline,
        await !mayAgree(active, expectedNodes: expectedNodes, serving: serving)
      {
        try stop?.checkpoint()
        try await Task.sleep(for: .milliseconds(20))
        continue
      }
      let snaps = await mapConcurrently(active, limit: 64) { s in (s.address, await snapshot(s)) }
      last = snaps
      // Sessions do not reconnect: a node whose connection failed will not answer before the
      // deadline. The others must still agree; the lost node is named once they do.
      let dead = Set(snaps.filter { if case .failure(let f) = $0.1 { f.permanent } else { false } }.map(\.0))
      if !dead.isEmpty {
        for (address, result) in snaps where dead.contains(address) {
          if case .failure(let f) = result { lost.append("\(address) stopped answering (\(f.reason))") }
        }
        active.removeAll { dead.contains($0.address) }
        if active.isEmpty { throw OperationError(lost.joined(separator: "; ")) }
        continue
      }
      let values = snaps.compactMap { try? $0.1.get() }
      // Masters' own epochs must differ too: tables can lag behind the masters themselves.
      let own = values.compactMap(\.ownEpoch)
      if values.count == active.count, let first = values.first, Set(own).count == own.count,
        values.allSatisfy({ snap in
          snap.signature == first.signature && (snap.stateOK || !serving) && snap.knownNodes == expectedNodes
            && !snap.epochCollision
            && replicaOf[snap.id].map { snap.masterOf == $0 } ?? true
        })
      {
        if lost.isEmpty { return }
        throw OperationError(
          "the other nodes agree, but " + lost.joined(separator: "; ")
            + "; it is unreachable now (restart it, or \(Remedy.removeNode))")
      }
      // A stop asked for meanwhile wins over the timeout: the user gets what to run next.
      try stop?.checkpoint()
      if ContinuousClock.now > deadline {
        throw OperationError(
          describe(
            last, expectedNodes: expectedNodes, replicaOf: replicaOf, serving: serving, timeout: timeout))
      }
      try await Task.sleep(for: .milliseconds(20))
    }
  }

  /// A necessary condition of agreement from CLUSTER INFO only. A node that cannot be read passes,
  /// so the full check (which names it, or drops a dead session) runs.
  static func mayAgree(_ sessions: [any NodeSession], expectedNodes: Int, serving: Bool) async -> Bool {
    let infos = await mapConcurrently(sessions, limit: 64) { s -> [String: String]? in
      (try? await s.text("CLUSTER", "INFO")).map(InfoParser.parse)
    }
    if infos.contains(where: { $0 == nil }) { return true }
    let read = infos.compactMap { $0 }
    let shape = { (i: [String: String]) in "\(i["cluster_slots_assigned"] ?? "")/\(i["cluster_size"] ?? "")" }
    return read.allSatisfy {
      Int($0["cluster_known_nodes"] ?? "") == expectedNodes && (!serving || $0["cluster_state"] == "ok")
        && shape($0) == shape(read[0])
    }
  }

  /// Polls every 50 ms until every replica says its link to the master is up and no sync is in
  /// progress, so a coordinated failover (or a chained command) can follow at once.
  public static func waitUntilSynced(
    _ replicas: [any NodeSession], deadline: ContinuousClock.Instant, timeout: Duration,
    stop: StopToken? = nil
  ) async throws {
    while true {
      let waiting = await mapConcurrently(replicas, limit: 64) { s -> String? in
        do {
          let info = InfoParser.parse(try await s.text("INFO", "replication"))
          if info["master_link_status"] != "up" { return "\(s.address) has its replication link down" }
          if info["master_sync_in_progress"] == "1" { return "\(s.address) is still syncing" }
          return nil
        } catch let e as ConnectionError {
          return "!\(s.address) stopped answering: \(e)"
        } catch {
          return "\(s.address) did not answer INFO: \(error)"
        }
      }.compactMap { $0 }
      if let dead = waiting.first(where: { $0.hasPrefix("!") }) {
        throw OperationError("a replica \(dead.dropFirst()) while rcadm waited for it to sync")
      }
      if waiting.isEmpty { return }
      // A stop asked for meanwhile wins over the timeout: the user gets what to run next.
      try stop?.checkpoint()
      if ContinuousClock.now > deadline {
        throw OperationError(
          "the replicas did not finish syncing within \(timeout.shortText): \(waiting.prefix(10).joined(separator: "; "))"
        )
      }
      try await Task.sleep(for: .milliseconds(50))
    }
  }

  /// Why a node could not be read, kept so a timeout names the real cause.
  struct ReadFailure: Error {
    var reason: String
    /// The connection failed (closed, timed out): sessions do not reconnect, so it stays failed.
    var permanent = false
  }

  static func snapshot(_ s: any NodeSession) async -> Result<Snapshot, ReadFailure> {
    let replies: [RESPValue]
    do {
      replies = try await s.pipeline([["CLUSTER", "NODES"], ["CLUSTER", "INFO"]])
    } catch {
      return .failure(ReadFailure(reason: "\(error)", permanent: error is ConnectionError))
    }
    guard let text = replies[0].string, let table = try? ClusterNodesParser.parse(text),
      let info = replies[1].string
    else {
      return .failure(
        ReadFailure(
          reason:
            "\(s.address) answered CLUSTER NODES/INFO with \(replies.compactMap(\.errorMessage).first ?? "something unreadable")"
        ))
    }
    let clusterInfo = InfoParser.parse(info)
    let me = table.first(where: \.isMyself)
    let signature = table.filter { $0.isMaster && !$0.slots.isEmpty }.map {
      "\($0.id):\($0.slots.rangesDescription)"
    }
    .sorted().joined(separator: "|")
    let epochs = table.filter { $0.isMaster && !$0.slots.isEmpty }.map(\.configEpoch)
    return .success(
      Snapshot(
        signature: signature, id: me?.id ?? "", masterOf: me?.isReplica == true ? me?.masterId : nil,
        stateOK: clusterInfo["cluster_state"] == "ok",
        knownNodes: Int(clusterInfo["cluster_known_nodes"] ?? "") ?? 0,
        epochCollision: Set(epochs).count != epochs.count,
        ownEpoch: me.flatMap { $0.isMaster && !$0.slots.isEmpty ? $0.configEpoch : nil }))
  }

  static func describe(
    _ snaps: [(NodeAddress, Result<Snapshot, ReadFailure>)], expectedNodes: Int, replicaOf: [String: String],
    serving: Bool,
    timeout: Duration
  ) -> String {
    var reasons: [String] = []
    let values = snaps.compactMap { try? $0.1.get() }
    let common = Dictionary(grouping: values, by: \.signature).max { $0.value.count < $1.value.count }?.key
    for (address, result) in snaps {
      let snap: Snapshot
      switch result {
      case .success(let s): snap = s
      case .failure(let f):
        reasons.append("\(address) could not be read (\(f.reason))")
        continue
      }
      if serving && !snap.stateOK { reasons.append("\(address) reports cluster_state fail") }
      if snap.knownNodes != expectedNodes {
        reasons.append("\(address) knows \(snap.knownNodes) of \(expectedNodes) nodes")
      }
      if snap.signature != common { reasons.append("\(address) sees different slot owners") }
      if snap.epochCollision { reasons.append("\(address) still sees masters sharing a config epoch") }
      if let expected = replicaOf[snap.id], snap.masterOf != expected {
        reasons.append("\(address) is not yet a replica of \(expected.prefix(8))")
      }
    }
    return "the nodes did not agree within \(timeout.shortText): "
      + reasons.prefix(10).joined(separator: "; ")
  }
}
