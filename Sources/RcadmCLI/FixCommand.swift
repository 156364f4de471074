import ArgumentParser
import ClusterAdmin
import ClusterKit
import Kubernetes

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
    let cluster = try await loadCluster(reach)
    let repairs: [SlotRepair]
    do {
      repairs = try await Fix.plan(
        cluster, searchAllSlots: searchMultipleOwners, allowUnreachable: fixWithUnreachableMasters)
    } catch let e as ValidationProblems {
      await cluster.closeAll()
      throw RcadmError.usage("not fixing, nothing was changed: \(e)")
    }
    if repairs.isEmpty {
      await cluster.closeAll()
      if !output.json { print("No slot needs repair.") }
      return try await reportAfterChange(reach, json: output.json, extra: [("repaired", .int(0))])
    }
    if !output.json || mutation.dryRun { printPlan(repairs, cluster.view) }
    if mutation.dryRun { return await cluster.closeAll() }
    do {
      try confirm("Repair these slots?", mutation)
      Interrupt.catchDuringMoves()
      _ = try await Fix.apply(
        repairs, cluster: cluster, migrate: try mover.options(connection, reach), log: progress)
      try await Convergence.waitUntilAgreed(
        cluster.view.nodes.filter(\.isReachable).compactMap { cluster.session($0.id) },
        expectedNodes: cluster.view.nodes.count, serving: false,
        deadline: .now + connection.waitBound(default: .seconds(30)),
        timeout: connection.waitBound(default: .seconds(30)))
    } catch let e as OperationError {
      await cluster.closeAll()
      throw RcadmError.problems(
        "fix stopped: \(e.description). Run rcadm fix again once the cause is addressed.")
    } catch {
      await cluster.closeAll()
      throw error
    }
    await cluster.closeAll()
    try await reportAfterChange(reach, json: output.json, extra: [("repaired", .int(repairs.count))])
  }

  /// Reads every pod at its current address and MEETs whatever the others have wrong.
  func runRemeet(_ reach: Reach) async throws {
    guard let kube = reach.kube else {
      throw RcadmError.usage(
        "--remeet needs a k8s:// address (or --kube-selector): it learns the nodes' new addresses from the pods"
      )
    }
    var nodes: [RemeetNode] = []
    var alone: [String] = []
    func closeAll() async { for n in nodes { await n.session.close() } }
    for pod in kube.usable {
      let address = kube.clusterAddress(of: pod)
      do {
        let session = try await kube.session(to: pod)
        let view = (try? ClusterNodesParser.parse(try await session.text("CLUSTER", "NODES"))) ?? []
        guard let me = view.first(where: \.isMyself), view.count > 1 else {
          alone.append(pod.name)
          await session.close()
          continue
        }
        nodes.append(
          RemeetNode(
            id: me.id, current: address, busPort: me.busPort ?? address.port + 10000, view: view,
            session: session))
      } catch {
        await closeAll()
        throw RcadmError.usage("cannot read pod \(pod.name), nothing was changed: \(error)")
      }
    }
    for name in alone {
      Terminal.error(
        "Pod \(name) knows no other node (lost nodes.conf?); not touched: add it with rcadm add-node")
    }
    let meets: [Remeet.Meet]
    do {
      meets = try Remeet.plan(nodes)
    } catch {
      await closeAll()
      throw RcadmError.usage("not re-meeting, nothing was changed: \(error)")
    }
    if !output.json || mutation.dryRun { printRemeetPlan(meets, kube) }
    if mutation.dryRun || meets.isEmpty {
      await closeAll()
      if meets.isEmpty && !mutation.dryRun {
        try await reportAfterChange(reach, json: output.json, extra: [("met", .int(0))])
      }
      return
    }
    do {
      try confirm("Send these MEETs?", mutation)
    } catch {
      await closeAll()
      throw error
    }
    do {
      try await Remeet.apply(
        meets, nodes: nodes, timeout: connection.waitBound(default: .seconds(60)), log: progress)
    } catch {
      // Some MEETs may have been sent: not a "nothing was changed" error.
      await closeAll()
      throw RcadmError.problems("remeet did not complete: \(error). Run it again, or check with rcadm check.")
    }
    await closeAll()
    try await reportAfterChange(reach, json: output.json, extra: [("met", .int(meets.count))])
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

  func printPlan(_ repairs: [SlotRepair], _ view: ClusterView) {
    if output.json {
      print(
        JSON.object([
          ("dry_run", .bool(true)),
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
        ]).render())
      return
    }
    print(Terminal.bold("Plan: repair \(repairs.count) slot(s)"))
    for r in repairs.prefix(50) {
      let owner = view.node(id: r.owner)?.label ?? r.owner
      let moves = r.keyHolders.map {
        "\($0.keys) key(s) from \(view.node(id: $0.nodeId)?.label ?? $0.nodeId)"
      }
      print(
        "  slot \(r.slot): \(r.problem) -> owner \(owner)"
          + (moves.isEmpty ? "" : "; move " + moves.joined(separator: ", ")))
    }
    if repairs.count > 50 { print("  … and \(repairs.count - 50) more") }
  }
}
