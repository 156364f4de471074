import ArgumentParser
import ClusterKit
import ClusterLoading
import JSONDocument
import RedisClient
import RedisCore

/// Human text for slot sets: "0-5460 (5461 slots)".
func slotSummary(_ slots: SlotSet) -> String {
  slots.isEmpty ? "no slots" : "\(slots.rangesDescription) (\(slots.count) slots)"
}

extension NodeReport {
  var roleName: String { isMaster ? "master" : isReplica ? "replica" : "unknown" }

  /// The node as JSON, with the fields README documents.
  var json: JSON {
    .object([
      ("id", .string(id)),
      ("address", .optional(address?.description)),
      ("hostname", .optional(entry.hostname)),
      ("role", .string(roleName)),
      ("master_id", .optional(entry.masterId)),
      ("flags", .array(entry.flags.names.map(JSON.string))),
      ("slots", .string(entry.slots.isEmpty ? "" : entry.slots.rangesDescription)),
      ("slot_count", .int(entry.slots.count)),
      ("keys", .optional(keys)),
      ("config_epoch", .int(entry.configEpoch)),
      ("reachable", .bool(isReachable)),
      ("error", .optional(unreachableReason)),
      ("server", .optional(server?.name)),
      ("server_version", .optional(server?.version)),
    ])
  }
}

extension Finding {
  var json: JSON {
    .object([
      ("severity", .string(severity.rawValue)),
      ("code", .string(code)),
      ("message", .string(message)),
      ("nodes", .array(nodes.map(JSON.string))),
      ("slots", .optional(slots)),
    ])
  }
}

/// A plan line as text, or as a JSON document when --json.
func printOrJSON(_ json: Bool, text: String, json fields: [(String, JSON)]) {
  if json {
    emit(JSON.object([("dry_run", .bool(true))] + fields))
  } else {
    print(Terminal.bold(text))
  }
}

/// After a change: load the cluster again and print the same report as `check`; exit 1 on errors.
/// Errors that clear by themselves shortly after a fault ended: a node that just saw a master come
/// back keeps cluster_state fail for Redis's rejoin delay (up to min(cluster-node-timeout, 5 s)), a
/// node that answers again is still flagged fail until its peers hear from it, a replica resyncs.
/// When those are the only errors, the report reads again for up to 10 s.
func reportAfterChange(_ reach: Reach, json: Bool, extra: [(String, JSON)] = []) async throws {
  let settleBy = ContinuousClock.now + .seconds(10)
  var cluster = try await loadCluster(reach)
  var findings = HealthCheck.findings(cluster.view, CheckOptions())
  func settling(_ f: Finding, _ view: ClusterView) -> Bool {
    switch f.code {
    case "cluster_state_not_ok", "replica_link_down": return true
    case "node_failed": return f.nodes.allSatisfy { view.node(id: $0)?.isReachable == true }
    default: return false
    }
  }
  while ContinuousClock.now < settleBy,
    case let errors = findings.filter({ $0.severity == .error }), !errors.isEmpty,
    errors.allSatisfy({ settling($0, cluster.view) })
  {
    await cluster.closeAll()
    try await Task.sleep(for: .milliseconds(200))
    cluster = try await loadCluster(reach)
    findings = HealthCheck.findings(cluster.view, CheckOptions())
  }
  await cluster.closeAll()
  let code: Int32 = findings.contains { $0.severity == .error } ? 1 : 0
  if json {
    guard case .object(let fields) = CheckReport.json(cluster.view, findings, exitCode: code) else { return }
    emit(JSON.object(extra + [("check", .object(fields))]))
  } else {
    print("")
    print(CheckReport.text(cluster.view, findings, searchedOwners: false))
  }
  if code != 0 {
    let seed = redactedSeed(reach.seed.description)
    // A dead node that owns nothing any more is removed, not fixed.
    let gone = cluster.view.nodes.filter { !$0.isReachable && $0.entry.slots.isEmpty }.map(\.shortId)
    let remove = gone.map { "'rcadm del-node \(seed) \($0)' (or restart it)" }.joined(separator: ", ")
    Terminal.error(
      "rcadm: the cluster has the problems above; "
        + (gone.isEmpty ? "" : "remove what is gone with \(remove); ")
        + "run 'rcadm check \(seed)' once the nodes settle, or 'rcadm fix \(seed)' for open or uncovered slots"
    )
    throw ExitCode(code)
  }
}
