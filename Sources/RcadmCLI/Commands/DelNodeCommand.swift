import ArgumentParser
import ClusterAdmin
import ClusterKit
import ClusterLoading
import JSONDocument
import RedisCore

/// `rcadm del-node ADDR NODE`: remove a node, even a failed or unreachable one.
struct DelNodeCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "del-node",
    abstract: "Remove a node without slots from the cluster, even if it has failed or cannot be reached.",
    discussion: """
      NODE is a node id, a unique id prefix or an address. Its replicas move to the master with the fewest \
      replicas; every reachable node FORGETs it at once; a reachable removed node gets CLUSTER RESET SOFT.
      """)

  @Argument(
    help: ArgumentHelp("Any node of the cluster.", valueName: "address"), completion: .custom(knownAddresses))
  var address: String

  @Argument(help: ArgumentHelp("The node to remove: id, unique id prefix or address.", valueName: "node"))
  var node: String

  @OptionGroup var mutation: MutationFlags
  @OptionGroup var output: OutputFlags
  @OptionGroup var connection: ConnectionFlags

  func run() async throws {
    let reach = try await reach([address], connection, mutating: true)
    let seed = reach.seed
    let json = output.json
    let delete = DeleteNodeMutation(
      load: { try await loadCluster(reach) }, node: reach.nodeName(node),
      wait: connection.waitBound(default: .seconds(30)))
    let result = try await runMutation(
      delete, mutation, command: "del-node", question: "Remove this node?",
      steps: NextStepTexts(seed: address, rerun: "rcadm del-node \(redactedSeed(address)) \(node)")
    ) { p in
      let plan = p.delete
      let state = plan.victim.isReachable ? "" : " (unreachable: \(plan.victim.unreachableReason ?? ""))"
      var text =
        "Plan: remove \(plan.victim.label) (\(plan.victim.id))\(state); \(plan.forgetters.count) node(s) will forget it"
      for (r, m) in plan.moves { text += "\n  \(r.label) will replicate \(m.label) instead" }
      if !json || mutation.dryRun {
        printOrJSON(
          json, text: text,
          json: [
            ("remove", .string(plan.victim.id)), ("forgetters", .int(plan.forgetters.count)),
            (
              "moves",
              .array(
                plan.moves.map { .object([("replica", .string($0.replica.id)), ("to", .string($0.to.id))]) })
            ),
          ])
      }
    }
    guard case .applied(let p, _, _) = result else { return }
    let plan = p.delete
    // Report from a node that stays in the cluster.
    let reportSeed =
      plan.victim.id == p.cluster.view.nodes.first(where: { $0.dialAddress == seed })?.id
      ? plan.forgetters[0].dialAddress ?? seed : seed
    try await reportAfterChange(
      reach.at(reportSeed), json: json, extra: [("removed", .string(plan.victim.id))])
  }
}
