import ArgumentParser
import ClusterAdmin
import ClusterKit
import SlotPlanner

/// `rcadm rebalance`: even out slots across masters by weight with the fewest moves.
struct RebalanceCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "rebalance",
    abstract:
      "Balance slots across masters by weight, moving as few slots as possible; independent pairs run at once.",
    discussion: """
      --weight NODE=W (repeatable) gives a master W shares; weight 0 empties it. Masters without slots take \
      part only with --use-empty-masters. --threshold 0 means exact balance (redis-cli treats 0 as 'never').
      """)

  @Argument(
    help: ArgumentHelp("Any node of the cluster.", valueName: "address"), completion: .custom(knownAddresses))
  var address: String

  @Option(
    name: .customLong("weight"), help: "NODE=WEIGHT, NODE an id, unique id prefix or address (repeatable).")
  var weights: [String] = []

  @Flag(help: "Give slots to masters that have none.")
  var useEmptyMasters = false

  @Option(help: "Rebalance only when some master is more than this percent away from its share.")
  var threshold: Double = 2

  @Flag(help: "Print the plan without moving anything (same as --dry-run).")
  var simulate = false

  @OptionGroup var mover: MoverFlags
  @OptionGroup var mutation: MutationFlags
  @OptionGroup var output: OutputFlags
  @OptionGroup var connection: ConnectionFlags

  func validate() throws {
    guard threshold >= 0 && threshold.isFinite else {
      throw ValidationError("--threshold must be 0 or more (got \(threshold))")
    }
  }

  func run() async throws {
    let reach = try await reach([address], connection, mutating: true)
    let cluster = try await loadHealthyCluster(
      reach.seed, connector: reach.connector, timeout: connection.waitBound(default: .seconds(30)))
    let plan: RebalancePlan
    do {
      var weightOf: [String: Double] = [:]
      for w in weights {
        let parts = w.split(separator: "=", maxSplits: 1).map(String.init)
        guard parts.count == 2, let value = Double(parts[1]), value.isFinite, value >= 0 else {
          throw RcadmError.usage(
            "--weight \(w): write NODE=WEIGHT with a number of 0 or more, e.g. --weight 3f2a=2")
        }
        weightOf[try resolveMaster(parts[0], in: cluster.view, flag: "--weight").id] = value
      }
      do {
        plan = try RebalancePlanner.plan(
          masters: cluster.view.masters.map { MasterSlots($0, weight: weightOf[$0.id] ?? 1) },
          useEmptyMasters: useEmptyMasters, thresholdPercent: threshold)
      } catch {
        throw RcadmError.usage("cannot plan the rebalance: \(error)")
      }
    } catch {
      await cluster.closeAll()
      throw error
    }
    if !plan.needed {
      await cluster.closeAll()
      if output.json {
        print(JSON.object([("needed", .bool(false)), ("threshold", .double(threshold))]).render())
      } else {
        print("No rebalancing needed: every master is within \(threshold)% of its share.")
      }
      return
    }
    var flags = mutation
    flags.dryRun = flags.dryRun || simulate
    let runner = SlotMoveRunner(
      cluster: cluster, reach: reach, seedWord: address, connection: connection, mover: mover,
      mutation: flags,
      json: output.json,
      resumeHint: "rcadm rebalance \(address) (it plans again from the current layout)")
    try await runner.run(
      plan.moves, title: "Plan: move \(plan.moves.count) slots to balance \(plan.expected.count) masters")
  }
}
