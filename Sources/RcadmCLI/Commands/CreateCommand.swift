import ArgumentParser
import ClusterAdmin
import ClusterKit
import JSONDocument
import Kubernetes
import RedisCore
import SlotPlanner

/// `rcadm create`: validate every node, plan with anti-affinity, then form the cluster.
struct CreateCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "create",
    abstract:
      "Form a cluster from empty nodes: balanced slots, replicas placed away from their masters' hosts.",
    discussion: """
      Every node must be reachable, cluster-enabled and empty. The plan is printed and confirmed \
      (--yes to skip); --dry-run only prints it. Waits are bounded by --timeout (default 60 s for the join).
      """)

  @Argument(
    help: ArgumentHelp("The nodes: host:port, [ipv6]:port or redis:// URLs.", valueName: "address"),
    completion: .custom(knownAddresses))
  var addresses: [String]

  @Option(help: "Replicas per master.")
  var replicas = 0

  @Flag(
    help:
      "Return once every node agrees on the configuration, before cluster_state is ok (Redis holds new masters back for min(cluster-node-timeout, 5 s))."
  )
  var noWait = false

  @OptionGroup var mutation: MutationFlags
  @OptionGroup var output: OutputFlags
  @OptionGroup var connection: ConnectionFlags

  func validate() throws {
    guard replicas >= 0 else { throw ValidationError("--replicas must be 0 or more (got \(replicas))") }
    guard !addresses.isEmpty || connection.kube.kubeSelector != nil else {
      throw ValidationError("give the nodes to join, e.g. 127.0.0.1:7000 127.0.0.1:7001 127.0.0.1:7002")
    }
  }

  func run() async throws {
    let nodes: [NodeAddress]
    let reach: Reach
    if let target = try connection.kube.target(for: addresses.first) {
      // Every usable pod of the target joins; placement spreads over Kubernetes nodes and zones.
      guard addresses.count <= 1 else {
        throw RcadmError.usage(
          "give one k8s:// address for create (it selects all the pods), not \(addresses.count)")
      }
      let kube = try await openKube(target, connection, placement: true, mutating: true)
      nodes = kube.usable.map(kube.clusterAddress(of:))
      reach = Reach(kube: kube, seed: nodes[0])
    } else {
      let specs: [NodeSpec]
      do {
        specs = try NodeSpec.parseList(addresses)
      } catch {
        throw RcadmError.usage(error.description)
      }
      nodes = specs.map(\.address)
      reach = try Reach(seed: specs[0], options: try connection.options(for: specs[0]))
    }
    let json = output.json
    let create = CreateMutation(
      prepare: { [replicas] in
        do {
          return try await ClusterCreate.prepare(
            nodes, replicas: replicas, connector: reach.connector,
            domain: { reach.domain(ofHost: $0.given.host) ?? $0.ip })
        } catch let problems as ValidationProblems {
          throw RcadmError.usage("cannot create the cluster, nothing was changed: \(explain(problems))")
        }
      }, wait: connection.waitBound(default: .seconds(60)), waitServing: !noWait)
    let result = try await runMutation(
      create, mutation, command: "create", question: "Create this cluster?",
      steps: NextStepTexts(seed: addresses.first ?? "", rerun: "rcadm create")
    ) { plan in
      if !json || mutation.dryRun { printPlan(plan) }
    }
    guard case .applied(let prepared, _, _) = result else { return }
    if noWait {
      let note =
        "Every node agrees; the cluster serves once cluster_state is ok on all nodes (rcadm check tells)."
      if json {
        emit(JSON.object([("plan", planJSON(prepared)), ("serving", .bool(false)), ("note", .string(note))]))
      } else {
        print(note)
      }
      return
    }
    try await reportAfterChange(
      reach.at(prepared.plan.masters[0].node.address), json: json, extra: [("plan", planJSON(prepared))])
  }

  func printPlan(_ p: PreparedCreate) {
    if output.json {
      emit(JSON.object([("dry_run", .bool(true)), ("plan", planJSON(p))]))
      return
    }
    print(Terminal.bold("Plan: \(p.plan.masters.count) masters, \(p.plan.replicas.count) replicas"))
    for (i, m) in p.plan.masters.enumerated() {
      let node = p.node(m.node)
      print("M: \(node.id) \(m.node.address)  slots \(m.slots) (\(m.slots.count))  host \(m.node.domain)")
      for r in p.plan.replicas where r.masterIndex == i {
        print("   S: \(p.node(r.node).id) \(r.node.address)  host \(r.node.domain)")
      }
    }
    let s = p.plan.score
    if s.isPerfect {
      print(
        Terminal.ok("[OK]") + " Every replica is on another host than its master, and masters are spread.")
    } else {
      if s.replicasWithMasterDomain > 0 {
        print(
          Terminal.warn("[WARN]")
            + " \(s.replicasWithMasterDomain) replica(s) share a host with their master: too few hosts to avoid it."
        )
      }
      if s.mastersSharingDomain > 0 {
        print(
          Terminal.warn("[WARN]") + " \(s.mastersSharingDomain) master(s) share a host with another master.")
      }
      if s.replicaSiblingsSharingDomain > 0 {
        print(
          Terminal.warn("[WARN]")
            + " \(s.replicaSiblingsSharingDomain) replica(s) share a host with a sibling replica.")
      }
    }
  }

  func planJSON(_ p: PreparedCreate) -> JSON {
    .object([
      (
        "masters",
        .array(
          p.plan.masters.map { m in
            .object([
              ("address", .string(m.node.address.description)), ("id", .string(p.node(m.node).id)),
              ("slots", .string(m.slots.description)), ("host", .string(m.node.domain)),
            ])
          })
      ),
      (
        "replicas",
        .array(
          p.plan.replicas.map { r in
            .object([
              ("address", .string(r.node.address.description)), ("id", .string(p.node(r.node).id)),
              ("master_id", .string(p.node(p.plan.masters[r.masterIndex].node).id)),
              ("host", .string(r.node.domain)),
            ])
          })
      ),
      (
        "score",
        .object([
          ("replicas_with_master_host", .int(p.plan.score.replicasWithMasterDomain)),
          ("masters_sharing_host", .int(p.plan.score.mastersSharingDomain)),
          ("replica_siblings_sharing_host", .int(p.plan.score.replicaSiblingsSharingDomain)),
        ])
      ),
    ])
  }
}
