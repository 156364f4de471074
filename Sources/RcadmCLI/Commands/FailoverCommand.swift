import ArgumentParser
import ClusterAdmin
import ClusterKit
import ClusterLoading
import JSONDocument
import RedisCore

extension FailoverMode: ExpressibleByArgument {}

/// `rcadm failover`: promote a replica and wait until the cluster agrees.
struct FailoverCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "failover",
    abstract: "Promote a replica to master (CLUSTER FAILOVER) and wait until every reachable node agrees.",
    discussion: """
      With --master, the master's replica with the highest replication offset is chosen. A replica whose \
      replication link is down is refused unless --force or --takeover.
      """)

  @Argument(
    help: ArgumentHelp("Any node of the cluster.", valueName: "address"), completion: .custom(knownAddresses))
  var address: String

  @Option(help: "Fail over this master (id, unique id prefix or address) to its best replica.")
  var master: String?

  @Option(help: "Promote this replica (id, unique id prefix or address).")
  var replica: String?

  @Flag(help: "CLUSTER FAILOVER FORCE: do not wait for the master (use when it is down).")
  var force = false

  @Flag(help: "CLUSTER FAILOVER TAKEOVER: no election; the replica takes over on its own.")
  var takeover = false

  @OptionGroup var mutation: MutationFlags
  @OptionGroup var output: OutputFlags
  @OptionGroup var connection: ConnectionFlags

  func validate() throws {
    if (master == nil) == (replica == nil) {
      throw ValidationError("give exactly one of --master or --replica")
    }
    if force && takeover { throw ValidationError("--force and --takeover exclude each other") }
  }

  func run() async throws {
    let reach = try await reach([address], connection, placement: true, mutating: true)
    let mode: FailoverMode = takeover ? .takeover : force ? .force : .coordinated
    let json = output.json
    let failover = FailoverMutation(
      load: { try await loadCluster(reach) },
      decide: { [master, replica] cluster in
        try Failover.plan(
          cluster, master: master.map(reach.nodeName), replica: replica.map(reach.nodeName), mode: mode,
          domain: { reach.domain(ofHost: $0) })
      }, wait: connection.waitBound(default: .seconds(60)))
    let result: MutationResult<FailoverMutation.Plan, Duration>
    do {
      result = try await runMutation(
        failover, mutation, command: "failover", question: "Fail over?",
        steps: NextStepTexts(seed: address, rerun: "rcadm failover \(redactedSeed(address))")
      ) { p in
        let plan = p.failover
        let lag = plan.bytesBehind.map { "\($0) bytes behind" } ?? "lag unknown (master unreachable)"
        if !json || mutation.dryRun {
          printOrJSON(
            json,
            text:
              "Plan: \(plan.replica.label) (\(plan.replica.shortId)) takes over from \(plan.master.label) (\(plan.master.shortId)), \(mode.rawValue); replica is \(lag)",
            json: [
              ("replica", .string(plan.replica.id)), ("master", .string(plan.master.id)),
              ("mode", .string(mode.rawValue)),
              ("bytes_behind", .optional(plan.bytesBehind)),
            ])
        }
      }
    } catch RcadmError.usage(let m) where m.hasPrefix("failover: nothing was changed: ") {
      throw RcadmError.usage("cannot fail over, nothing was changed: " + m.dropFirst(31))
    }
    guard case .applied(let p, let took, _) = result else { return }
    if !json {
      print("\(p.failover.replica.label) is master; every reachable node agreed after \(took.shortText).")
    }
    try await reportAfterChange(
      reach.at(p.failover.replica.dialAddress ?? p.cluster.view.seed), json: json,
      extra: [("new_master", .string(p.failover.replica.id)), ("seconds", .double(took.seconds))])
  }
}
