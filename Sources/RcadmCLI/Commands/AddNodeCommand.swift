import ArgumentParser
import ClusterAdmin
import ClusterKit
import JSONDocument
import RedisCore

/// `rcadm add-node NEW EXISTING`: join an empty node as a master or a replica.
struct AddNodeCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "add-node",
    abstract: "Add an empty node to a cluster, as a master without slots or as a replica.",
    discussion: """
      The cluster must check clean first (rcadm waits, bounded by --timeout, for nodes still agreeing after \
      an earlier change). A replica goes to --master, or to the master with the fewest replicas, preferring \
      one on another host.
      """)

  @Argument(
    help: ArgumentHelp("The empty node to add (host:port).", valueName: "new"),
    completion: .custom(knownAddresses))
  var newNode: String

  @Argument(
    help: ArgumentHelp("Any node of the cluster.", valueName: "existing"), completion: .custom(knownAddresses)
  )
  var existing: String

  @Flag(help: "Join as a replica.")
  var replica = false

  @Option(help: "The master to replicate (id, unique id prefix or address); implies --replica.")
  var master: String?

  @OptionGroup var mutation: MutationFlags
  @OptionGroup var output: OutputFlags
  @OptionGroup var connection: ConnectionFlags

  func run() async throws {
    let reach = try await reach([existing], connection, placement: true, mutating: true)
    // In Kubernetes mode the new node is a pod of the same target, by name or in-cluster address.
    let newSpec = try parseSeed([reach.nodeName(newNode)])
    let connector = reach.connector
    let wait = connection.waitBound(default: .seconds(30))
    let asReplica = replica || master != nil
    let add = AddNodeMutation(
      load: {
        try await Readiness.loadHealthy(seed: reach.seed, loader: connection.loader(reach), timeout: wait)
      },
      decide: { [master] cluster in
        do {
          return try await AddNode.plan(
            newNode: newSpec.address, cluster: cluster, asReplica: asReplica, masterName: master,
            connector: connector, domain: { reach.domain(ofHost: $0) })
        } catch let e as ValidationProblems {
          throw RcadmError.usage("cannot add \(newSpec.address), nothing was changed: \(explain(e))")
        }
      }, wait: wait)
    let json = output.json
    let result = try await runMutation(
      add, mutation, command: "add-node", question: "Add this node?",
      steps: NextStepTexts(seed: existing, rerun: "rcadm add-node \(newNode) \(redactedSeed(existing))")
    ) { p in
      let plan = p.add
      let role = plan.master.map { "replica of \($0.label) (\($0.shortId))" } ?? "master without slots"
      if !json || mutation.dryRun {
        printOrJSON(
          json,
          text: "Plan: add \(plan.node.clusterAddress) (\(plan.node.id)) as \(role)"
            + (plan.copyFunctions ? ", copying functions" : ""),
          json: [
            ("new_node", .string(plan.node.clusterAddress.description)), ("id", .string(plan.node.id)),
            ("master_id", .optional(plan.master?.id)),
          ])
      }
    }
    guard case .applied(let p, _, _) = result else { return }
    try await reportAfterChange(
      reach, json: json,
      extra: [
        ("added", .string(p.add.node.clusterAddress.description)), ("master_id", .optional(p.add.master?.id)),
      ])
  }
}
