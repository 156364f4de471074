import ArgumentParser
import ClusterAdmin
import ClusterKit
import JSONDocument
import RedisCore
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
    let weights = self.weights
    let migration = SlotMigration(
      loader: connection.loader(reach), seed: reach.seed, wait: connection.waitBound(default: .seconds(30)),
      migrate: mover.options(reach),
      request: { [useEmptyMasters, threshold] view in
        var weightOf: [String: Double] = [:]
        for w in weights {
          let parts = w.split(separator: "=", maxSplits: 1).map(String.init)
          guard parts.count == 2, let value = Double(parts[1]), value.isFinite, value >= 0 else {
            throw RcadmError.usage(
              "--weight \(w): write NODE=WEIGHT with a number of 0 or more, e.g. --weight 3f2a=2")
          }
          weightOf[try resolveMaster(reach.nodeName(parts[0]), in: view, flag: "--weight").id] = value
        }
        return .rebalance(weights: weightOf, useEmptyMasters: useEmptyMasters, thresholdPercent: threshold)
      }, progress: MoveProgressPrinter().report)
    var flags = mutation
    flags.dryRun = flags.dryRun || simulate
    let rerun = "rcadm rebalance \(redactedSeed(address)) (it plans again from the current layout)"
    try await runSlotMigration(
      migration, reach, flags, output, steps: NextStepTexts(seed: address, rerun: rerun),
      command: "rebalance",
      title: {
        "Plan: move \($0.moves.count) slots to balance \(Set($0.moves.map(\.target)).count) master(s)"
      },
      nothingToDo: "No rebalancing needed: every master is within \(threshold)% of its share.",
      nothingToDoJSON: [("needed", .bool(false)), ("threshold", .double(threshold))])
  }
}
