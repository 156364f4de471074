import ArgumentParser
import ClusterAdmin
import ClusterKit

/// `rcadm fix`: repair open, uncovered and multiply-owned slots without losing keys.
struct FixCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "fix",
    abstract: "Repair open slots, uncovered slots and slots with several owners, moving keys to one owner.",
    discussion: """
      A half-finished migration is completed towards its target. --yes works without a terminal (unlike \
      redis-cli's fix). Running fix on a healthy cluster changes nothing.
      """)

  @Argument(
    help: ArgumentHelp("Any node of the cluster.", valueName: "address"), completion: .custom(knownAddresses))
  var address: String

  @Flag(
    help: "Also scan every slot of every master for keys it does not own (16384 pipelined counts per master)."
  )
  var searchMultipleOwners = false

  @Flag(help: "Repair even while some masters are unreachable (their keys cannot be considered).")
  var fixWithUnreachableMasters = false

  @OptionGroup var mover: MoverFlags
  @OptionGroup var mutation: MutationFlags
  @OptionGroup var output: OutputFlags
  @OptionGroup var connection: ConnectionFlags

  func run() async throws {
    let seed = try parseSeed([address])
    let cluster = try await loadCluster([address], connection)
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
      return try await reportAfterChange(
        seed: seed.address, connection: connection, json: output.json, extra: [("repaired", .int(0))])
    }
    if !output.json || mutation.dryRun { printPlan(repairs, cluster.view) }
    if mutation.dryRun { return await cluster.closeAll() }
    do {
      try confirm("Repair these slots?", mutation)
      Interrupt.catchDuringMoves()
      _ = try await Fix.apply(
        repairs, cluster: cluster, migrate: try mover.options(connection), log: progress)
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
    try await reportAfterChange(
      seed: seed.address, connection: connection, json: output.json,
      extra: [("repaired", .int(repairs.count))])
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
