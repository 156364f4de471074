import ArgumentParser
import ClusterKit
import ClusterLoading
import JSONDocument
import RedisCore

/// `rcadm check`: every finding of redis-cli's check plus what it misses; exit 0/1/2.
struct CheckCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "check",
    abstract: "Check a cluster's health: slots, agreement, open slots, failed nodes, replicas.",
    discussion:
      "Exit 0 when healthy, 1 when errors were found (or warnings with --strict), 2 when the cluster could not be evaluated."
  )

  @Argument(
    help: ArgumentHelp(
      "Any node of the cluster: host:port, [ipv6]:port, 'host port', a redis:// URL, or k8s://[CONTEXT/]NAMESPACE/SELECTOR.",
      valueName: "address"),
    completion: .custom(knownAddresses))
  var address: [String] = []

  @Option(help: "Report masters with fewer than this many working replicas as errors.")
  var replicas: Int?

  @Flag(help: "Also look for keys stored in slots a master does not own (one pipelined scan per master).")
  var searchMultipleOwners = false

  @Flag(help: "Exit 1 on warnings too.")
  var strict = false

  @OptionGroup var output: OutputFlags
  @OptionGroup var connection: ConnectionFlags

  func validate() throws {
    try requireAddress(address, connection)
    if let replicas, replicas < 0 { throw ValidationError("--replicas must be 0 or more (got \(replicas))") }
  }

  func run() async throws {
    let cluster = try await loadCluster(address, connection)
    var options = CheckOptions(minReplicas: replicas)
    if searchMultipleOwners { options.keysInUnownedSlots = await KeyScan.keysInUnownedSlots(cluster) }
    let findings = HealthCheck.findings(cluster.view, options)
    let errors = findings.filter { $0.severity == .error }.count
    let warnings = findings.count - errors
    let code: Int32 = errors > 0 || (strict && warnings > 0) ? 1 : 0
    // No closeAll: rcadm exits next and the kernel closes the sockets (closing 60 sessions one
    // by one was a twentieth of a 60-node check).
    if output.json {
      emit(CheckReport.json(cluster.view, findings, exitCode: code))
    } else {
      print(CheckReport.text(cluster.view, findings, searchedOwners: searchMultipleOwners))
    }
    if code != 0 { throw ExitCode(code) }
  }
}

/// Renders a check for people and for scripts.
enum CheckReport {
  static func json(_ view: ClusterView, _ findings: [Finding], exitCode: Int32) -> JSON {
    let covered = HealthCheck.owners(view).values.reduce(SlotSet()) { $0.union($1) }
    return .object([
      ("seed", .string(view.seed.description)),
      ("healthy", .bool(!findings.contains { $0.severity == .error })),
      ("exit_code", .int(Int(exitCode))),
      (
        "summary",
        .object([
          ("nodes", .int(view.nodes.count)),
          ("masters", .int(view.masters.count)),
          ("replicas", .int(view.replicas.count)),
          ("unreachable", .int(view.nodes.filter { !$0.isReachable }.count)),
          ("slots_covered", .int(covered.count)),
          ("keys", .int(view.masters.compactMap(\.keys).reduce(0, +))),
          ("errors", .int(findings.filter { $0.severity == .error }.count)),
          ("warnings", .int(findings.filter { $0.severity == .warning }.count)),
        ])
      ),
      ("nodes", .array(view.nodes.map(\.json))),
      ("findings", .array(findings.map(\.json))),
    ])
  }

  static func text(_ view: ClusterView, _ findings: [Finding], searchedOwners: Bool) -> String {
    var lines: [String] = []
    let keys = view.masters.compactMap(\.keys).reduce(0, +)
    lines.append(
      Terminal.bold(
        "Cluster at \(view.seed): \(view.masters.count) masters, \(view.replicas.count) replicas, \(keys) keys"
      ))
    for n in view.nodes {
      lines.append(nodeLine(n, view))
    }
    lines.append("")
    let codes = Set(findings.map(\.code))
    func ok(_ text: String, unless bad: [String]) {
      if codes.isDisjoint(with: bad) { lines.append(Terminal.ok("[OK]") + " " + text) }
    }
    ok("All nodes agree about the slot configuration.", unless: ["config_disagreement"])
    ok("No open slots.", unless: ["open_slot"])
    ok("All 16384 slots covered.", unless: ["slots_uncovered", "slot_multiple_claims"])
    ok(
      "All nodes reachable and none flagged failing.",
      unless: ["node_unreachable", "node_failed", "node_pfail", "node_unknown_to_peer", "node_handshake"])
    ok("cluster_state is ok on every node.", unless: ["cluster_state_not_ok"])
    ok(
      "Replication links are up.",
      unless: ["replica_link_down", "replica_of_unknown_master", "too_few_replicas"])
    if searchedOwners { ok("No keys in slots their node does not own.", unless: ["keys_in_unowned_slot"]) }
    for f in findings {
      let tag = f.severity == .error ? Terminal.err("[ERR]") : Terminal.warn("[WARN]")
      lines.append("\(tag) \(f.message)")
    }
    let errors = findings.filter { $0.severity == .error }.count
    let warnings = findings.count - errors
    lines.append("")
    if errors == 0 && warnings == 0 {
      lines.append(Terminal.ok("Cluster is healthy."))
    } else {
      lines.append((errors > 0 ? Terminal.err : Terminal.warn)("\(errors) error(s), \(warnings) warning(s)."))
    }
    return lines.joined(separator: "\n")
  }

  static func nodeLine(_ n: NodeReport, _ view: ClusterView) -> String {
    let tag = n.isMaster ? "M" : "S"
    var parts = ["\(tag): \(n.id) \(n.label)"]
    if let h = n.entry.hostname { parts.append("(\(h))") }
    if n.isMaster {
      parts.append("slots \(slotSummary(n.entry.slots))")
      parts.append("\(view.replicas(of: n.id).count) replica(s)")
    } else if let m = n.entry.masterId {
      parts.append("replicates \(m.prefix(8))")
    }
    if let k = n.keys, n.isMaster { parts.append("\(k) keys") }
    if let server = n.server { parts.append(server.description) }
    let problems = n.entry.flags.intersection([.fail, .pfail, .handshake, .noaddr]).names
    if !problems.isEmpty { parts.append(Terminal.err("[" + problems.joined(separator: ",") + "]")) }
    if !n.isReachable { parts.append(Terminal.err("[unreachable]")) }
    return parts.joined(separator: "  ")
  }
}
