import ArgumentParser
import ClusterAdmin
import ClusterKit
import ClusterLoading
import JSONDocument
import RedisClient
import RedisCore

/// `rcadm import`: every key of a standalone node (or of another cluster) into the cluster.
struct ImportCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "import",
    abstract: "Move (or --copy) every key of a standalone node or another cluster into this cluster.",
    discussion: """
      Keys are SCANned in batches of --pipeline and sent with MIGRATE … KEYS to the master owning their \
      slot, one pipeline per batch; TTLs travel with the keys. A key that exists in the cluster with another \
      value stops the import unless --replace. Ctrl-C finishes the batch in flight and exits 3 with the \
      command that resumes from the source's SCAN cursor. The source's password: --from-pass, the --from \
      URL, or RCADM_FROM_AUTH.
      """)

  @Argument(
    help: ArgumentHelp("Any node of the target cluster.", valueName: "address"),
    completion: .custom(knownAddresses))
  var address: String

  @Option(
    help: "The source: host:port or redis://[user:password@]host:port (a standalone node or a cluster node).")
  var from: String

  @Option(help: "The source's database (a standalone source).")
  var fromDb = 0

  @Option(help: "The source's ACL user.")
  var fromUser: String?

  @Option(help: "The source's password (prefer the RCADM_FROM_AUTH environment variable).")
  var fromPass: String?

  @Option(help: "Resume from this SCAN cursor of the source (printed by an interrupted import).")
  var fromCursor: UInt64 = 0

  @Flag(help: "Leave the keys on the source (MIGRATE COPY).")
  var copy = false

  @OptionGroup var mover: MoverFlags
  @OptionGroup var mutation: MutationFlags
  @OptionGroup var output: OutputFlags
  @OptionGroup var connection: ConnectionFlags

  func validate() throws {
    guard fromDb >= 0 && fromDb <= 10_000 else {
      throw ValidationError("--from-db must be a database number from 0 (got \(fromDb))")
    }
  }

  func run() async throws {
    let reach = try await reach([address], connection, mutating: true)
    let sourceSpec = try parseSeed([from])
    var sourceOptions = reach.options
    sourceOptions.user = fromUser ?? sourceSpec.user
    sourceOptions.password = fromPass ?? sourceSpec.password ?? Terminal.env("RCADM_FROM_AUTH")
    if (fromPass != nil || sourceSpec.password != nil) && !connection.noAuthWarning {
      warnAboutPasswordOnCommandLine()
    }
    let sourceConnector: RedisConnector
    do {
      sourceConnector = try RedisConnector(options: sourceOptions)
    } catch let e as ConnectionError {
      throw RcadmError.usage(e.detail)
    }
    var migrate = mover.options(reach)
    migrate.copy = copy
    let seedWord = redactedSeed(address)
    let fromWord = redactedSeed(from)
    let flags =
      (fromDb != 0 ? " --from-db \(fromDb)" : "") + (copy ? " --copy" : "")
      + (mover.replace ? " --replace" : "")
    let printer = ImportProgressPrinter()
    defer { printer.finish() }
    let operation = KeyImport(
      loader: connection.loader(reach), seed: reach.seed, wait: connection.waitBound(default: .seconds(30)),
      source: ImportSource(seed: sourceSpec.address, connector: sourceConnector, database: fromDb),
      migrate: migrate, startCursor: fromCursor, progress: printer.report)
    let json = output.json
    let rerun = "rcadm import \(seedWord) --from \(fromWord)\(flags)"
    let result = try await runMutation(
      operation, mutation, command: "import", question: "Import these keys?",
      steps: NextStepTexts(seed: address, rerun: rerun, resumeImport: { "\(rerun) --from-cursor \($0)" })
    ) { plan in
      if !json || mutation.dryRun { printImportPlan(plan, json: json) }
    }
    switch result {
    case .dryRun:
      break
    case .nothingToDo:
      if json { emit(JSON.object([("keys_imported", .int(0))])) } else { print("The source has no keys.") }
    case .applied(let plan, let report, _):
      printer.finish()
      let rate = report.duration.seconds > 0 ? Int(Double(report.keysImported) / report.duration.seconds) : 0
      if !json {
        progress("Imported \(report.keysImported) keys in \(report.duration.shortText) (\(rate) keys/s)")
      }
      try await reportAfterChange(
        reach.at(plan.cluster.view.seed), json: json,
        extra: [("keys_imported", .int(report.keysImported)), ("seconds", .double(report.duration.seconds))])
    }
  }
}

func printImportPlan(_ plan: ImportPlan, json: Bool) {
  if json {
    emit(
      JSON.object([
        ("dry_run", .bool(true)),
        (
          "sources",
          .array(
            plan.sources.map { s in
              .object([
                ("address", .string(s.label)), ("keys", .int(s.keys)),
                ("used_memory", .optional(s.usedMemory)),
              ])
            })
        ),
        ("total_keys", .int(plan.totalKeys)),
        ("warnings", .array(plan.warnings.map(JSON.string))),
      ]))
    return
  }
  let masters = plan.cluster.view.masters.count
  print(Terminal.bold("Plan: import \(plan.totalKeys) keys into \(masters) masters"))
  for s in plan.sources {
    let memory = s.usedMemory.map { ", \($0 >> 20) MiB used" } ?? ""
    print("  \(s.label): \(s.keys) keys\(memory)")
  }
  for w in plan.warnings { Terminal.error(Terminal.warn("[WARN] ") + w) }
}
