import ArgumentParser
import ClusterAdmin
import ClusterKit
import RedisCore
import SlotPlanner

/// `rcadm reshard`: move N slots (and their keys) from some masters to one.
struct ReshardCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "reshard",
    abstract: "Move slots and their keys from some masters to another, in pipelined batches.",
    discussion: """
      Sources give slots in proportion to what they hold, highest slots first. Ctrl-C finishes the slots \
      in flight and exits 3 with the command to resume.
      """)

  @Argument(
    help: ArgumentHelp("Any node of the cluster.", valueName: "address"), completion: .custom(knownAddresses))
  var address: String

  @Option(help: "Source masters: comma-separated ids, unique id prefixes or addresses, or 'all'.")
  var from: String?

  @Option(help: "Target master: id, unique id prefix or address.")
  var to: String?

  @Option(help: "How many slots to move.")
  var slots: Int?

  @OptionGroup var mover: MoverFlags
  @OptionGroup var mutation: MutationFlags
  @OptionGroup var output: OutputFlags
  @OptionGroup var connection: ConnectionFlags

  func run() async throws {
    let count =
      try slots ?? Int(askIfMissing(nil, flag: "--slots", question: "How many slots do you want to move?"))
      ?? -1
    guard count >= 1 && count <= slotCount else {
      throw RcadmError.usage("--slots must be between 1 and 16384 (got \(count))")
    }
    let toName = try askIfMissing(
      to, flag: "--to", question: "Which master receives the slots (id or address)?")
    let fromNames = try askIfMissing(
      from, flag: "--from", question: "Which masters give slots (ids or addresses, comma-separated, or all)?")
    let reach = try await reach([address], connection, mutating: true)
    let seedWord = redactedSeed(address)
    let migration = SlotMigration(
      loader: connection.loader(reach), seed: reach.seed, wait: connection.waitBound(default: .seconds(30)),
      migrate: mover.options(reach),
      request: { view in
        let target = try resolveMaster(reach.nodeName(toName), in: view, flag: "--to")
        let sources =
          fromNames.lowercased() == "all"
          ? view.masters.filter { $0.id != target.id && !$0.entry.slots.isEmpty }
          : try fromNames.split(separator: ",").map {
            try resolveMaster(reach.nodeName(String($0)), in: view, flag: "--from")
          }
        if sources.contains(where: { $0.id == target.id }) {
          throw RcadmError.usage("--to \(toName) is also among the --from masters")
        }
        return .reshard(sources: sources.map(\.id), target: target.id, count: count)
      }, progress: MoveProgressPrinter().report)
    try await runSlotMigration(
      migration, reach, mutation, output,
      steps: NextStepTexts(
        seed: address, rerun: "rcadm reshard \(seedWord) --from \(fromNames) --to \(toName) --slots \(count)",
        resume: { "rcadm reshard \(seedWord) --from \(fromNames) --to \(toName) --slots \($0)" }),
      command: "reshard", title: { "Plan: move \($0.moves.count) slots" })
  }
}
