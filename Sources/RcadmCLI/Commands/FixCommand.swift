import ArgumentParser
import ClusterAdmin
import ClusterKit
import ClusterLoading
import JSONDocument
import Kubernetes
import RedisCore

/// `rcadm fix`: repair open, uncovered and multiply-owned slots without losing keys.
struct FixCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "fix",
    abstract: "Repair open slots, uncovered slots and slots with several owners, moving keys to one owner.",
    discussion: """
      A half-finished migration is completed towards its target. --yes works without a terminal (unlike \
      redis-cli's fix). Running fix on a healthy cluster changes nothing. With a k8s:// address, --remeet \
      heals a cluster whose pods all restarted on new IPs: every node is told where the others are now, \
      by node id.
      """)

  @Argument(
    help: ArgumentHelp("Any node of the cluster.", valueName: "address"), completion: .custom(knownAddresses))
  var address: String

  @Flag(
    help: "Also scan every slot of every master for keys it does not own (16384 pipelined counts per master)."
  )
  var searchMultipleOwners = false

  @Flag(
    help: "Kubernetes: MEET every pod's current IP by node id, so nodes that restarted on new IPs rejoin.")
  var remeet = false

  @Flag(help: "Repair even while some masters are unreachable (their keys cannot be considered).")
  var fixWithUnreachableMasters = false

  @OptionGroup var mover: MoverFlags
  @OptionGroup var mutation: MutationFlags
  @OptionGroup var output: OutputFlags
  @OptionGroup var connection: ConnectionFlags

  func run() async throws {
    let reach = try await reach([address], connection, mutating: true)
    if remeet { return try await runRemeet(reach) }
    let wait = connection.waitBound(default: .seconds(30))
    let repair = FixRepair(
      load: { try await loadCluster(reach) }, searchAllSlots: searchMultipleOwners,
      allowUnreachable: fixWithUnreachableMasters, migrate: mover.options(reach), wait: wait)
    let rerun =
      "rcadm fix \(redactedSeed(address))"
      + (fixWithUnreachableMasters ? " --fix-with-unreachable-masters" : "")
    let json = output.json
    let result = try await runMutation(
      repair, mutation, command: "fix", question: "Repair these slots?",
      steps: NextStepTexts(seed: address, rerun: rerun)
    ) { plan in
      if (!json || mutation.dryRun) && (!plan.repairs.isEmpty || !plan.takeovers.isEmpty) {
        printPlan(plan.repairs, plan.takeovers, plan.cluster.view)
      }
    }
    switch result {
    case .dryRun(let plan) where !plan.repairs.isEmpty || !plan.takeovers.isEmpty: return
    case .dryRun, .nothingToDo:
      if !json { print("No slot needs repair.") }
      try await reportAfterChange(reach, json: json, extra: [("repaired", .int(0))])
    case .applied(let plan, _, _):
      try await reportAfterChange(
        reach, json: json,
        extra: [("repaired", .int(plan.repairs.count)), ("promoted", .int(plan.takeovers.count))])
    }
  }

  /// Reads every pod at its current address and MEETs whatever the others have wrong.
  func runRemeet(_ reach: Reach) async throws {
    guard let kube = reach.kube else {
      throw RcadmError.usage(
        "--remeet needs a k8s:// address (or --kube-selector): it learns the nodes' new addresses from the pods"
      )
    }
    let members = kube.usable.map { pod in
      RemeetMember(name: "pod \(pod.name)", address: kube.clusterAddress(of: pod)) {
        try await kube.session(to: pod)
      }
    }
    let json = output.json
    let result = try await runMutation(
      RemeetMutation(members: members, wait: connection.waitBound(default: .seconds(60))), mutation,
      command: "fix --remeet", question: "Send these MEETs?",
      steps: NextStepTexts(seed: address, rerun: "rcadm fix \(redactedSeed(address)) --remeet")
    ) { plan in
      for name in plan.alone {
        Terminal.error(
          "\(name) knows no other node (lost nodes.conf?); not touched: add it with rcadm add-node")
      }
      if !json || mutation.dryRun { printRemeetPlan(plan.meets, kube) }
    }
    switch result {
    case .dryRun: return
    case .nothingToDo: try await reportAfterChange(reach, json: json, extra: [("met", .int(0))])
    case .applied(let plan, _, _):
      try await reportAfterChange(reach, json: json, extra: [("met", .int(plan.meets.count))])
    }
  }

  func printRemeetPlan(_ meets: [Remeet.Meet], _ kube: KubeCluster) {
    let text =
      meets.isEmpty
      ? "Every node sees every other at its current address."
      : "Plan: \(meets.count) CLUSTER MEET across \(Set(meets.map(\.from)).count) nodes:\n"
        + Dictionary(grouping: meets, by: \.to).sorted { $0.key < $1.key }.map { id, list in
          let pod = kube.directory.pod(nodeID: id)?.name ?? String(id.prefix(8))
          return "  \(pod) (\(id.prefix(8))) is now at \(list[0].address); \(list.count) node(s) will meet it"
        }.joined(separator: "\n")
    printOrJSON(
      output.json, text: text,
      json: [
        (
          "meets",
          .array(
            meets.map {
              .object([
                ("from", .string($0.from)), ("to", .string($0.to)),
                ("address", .string($0.address.description)),
              ])
            })
        )
      ])
  }

  func printPlan(_ repairs: [SlotRepair], _ takeovers: [Takeover], _ view: ClusterView) {
    if output.json {
      emit(
        JSON.object([
          ("dry_run", .bool(true)),
          (
            "takeovers",
            .array(
              takeovers.map {
                .object([("replica", .string($0.replica.id)), ("failed_master", .string($0.master.id))])
              })
          ),
          (
            "repairs",
            .array(
              repairs.map { r in
                .object([
                  ("slot", .int(r.slot)), ("owner", .string(r.owner)), ("problem", .string(r.problem)),
                  (
                    "moves_keys_from",
                    .array(
                      r.keyHolders.map { .object([("id", .string($0.nodeId)), ("keys", .int($0.keys))]) })
                  ),
                ])
              })
          ),
        ]))
      return
    }
    for t in takeovers {
      print(
        Terminal.bold(
          "Plan: \(t.replica.label) (\(t.replica.shortId)) takes over the slots of failed master \(t.master.label) (\(t.master.shortId)) with CLUSTER FAILOVER TAKEOVER: it holds their keys; other repairs are planned after it"
        ))
    }
    if repairs.isEmpty { return }
    print(Terminal.bold("Plan: repair \(repairs.count) slot(s)"))
    // Slots with the same problem, owner and key holders read as one line of ranges.
    var groups: [(key: String, slots: [Int], keys: [String: Int], repair: SlotRepair)] = []
    for r in repairs {
      let key = "\(r.problem)|\(r.owner)|\(r.keyHolders.map(\.nodeId).sorted())"
      if let last = groups.indices.last, groups[last].key == key {
        groups[last].slots.append(r.slot)
        for h in r.keyHolders { groups[last].keys[h.nodeId, default: 0] += h.keys }
      } else {
        groups.append((key, [r.slot], Dictionary(r.keyHolders.map { ($0.nodeId, $0.keys) }) { $0 + $1 }, r))
      }
    }
    for g in groups.prefix(50) {
      let owner = view.node(id: g.repair.owner)?.label ?? g.repair.owner
      let moves = g.keys.sorted { $0.key < $1.key }.map {
        "\($0.value) key(s) from \(view.node(id: $0.key)?.label ?? $0.key)"
      }
      let slots = SlotSet(slots: g.slots)
      let what =
        g.slots.count == 1 ? "slot \(g.slots[0])" : "slots \(slots.rangesDescription) (\(g.slots.count))"
      print(
        "  \(what): \(g.repair.problem) -> owner \(owner)"
          + (moves.isEmpty ? "" : "; move " + moves.joined(separator: ", ")))
    }
    if groups.count > 50 { print("  … and \(groups.count - 50) more groups") }
  }
}
