import ArgumentParser
import ClusterAdmin
import ClusterKit
import ClusterLoading
import JSONDocument
import LocalHost
import RedisClient
import RedisCore

/// `rcadm restore`: a backup into a running cluster of any shape.
struct RestoreCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "restore",
    abstract: "Load a backup (from 'rcadm backup') into a running cluster of any shape.",
    discussion: """
      The backup's files are checked against its manifest first. Each RDB is loaded by a throwaway local \
      redis-server (or valkey-server: the first that reads the file's format) on 127.0.0.1 with a random \
      password, and its keys are imported as 'rcadm import' does: MIGRATE … KEYS to each key's owner, TTLs \
      kept. So the cluster may have other masters and another slot layout than the one backed up; its nodes \
      must be reachable from this machine at their cluster addresses. A cluster that holds keys is refused \
      unless --replace (keys of the backup then overwrite keys of the same name). At the end the cluster's \
      key count is checked against what the files held.
      """)

  @Argument(help: ArgumentHelp("The backup directory.", valueName: "directory"), completion: .directory)
  var directory: String

  @Argument(
    help: ArgumentHelp("Any node of the target cluster.", valueName: "address"),
    completion: .custom(knownAddresses))
  var address: String

  @Option(
    name: .customLong("server"),
    help: ArgumentHelp(
      "A redis-server or valkey-server to load the files with (repeatable; default: redis-server, then valkey-server, from PATH).",
      valueName: "path"))
  var servers: [String] = []

  @OptionGroup var mover: MoverFlags
  @OptionGroup var mutation: MutationFlags
  @OptionGroup var output: OutputFlags
  @OptionGroup var connection: ConnectionFlags

  func run() async throws {
    let manifest = try BackupManifest.read(directory)
    let binaries = try serverBinaries()
    let reach = try await reach([address], connection, mutating: true)
    let printer = ImportProgressPrinter()
    defer { printer.finish() }
    let operation = BackupRestore(
      loader: connection.loader(reach), seed: reach.seed, wait: connection.waitBound(default: .seconds(30)),
      directory: directory, snapshots: manifest.snapshots, migrate: mover.options(reach), servers: binaries,
      localConnector: { password in try RedisConnector(options: ConnectionOptions(password: password)) },
      progress: printer.report)
    let json = output.json
    let rerun = "rcadm restore \(directory) \(redactedSeed(address)) --replace"
    let result: MutationResult<RestorePlan, RestoreReport>
    do {
      result = try await runMutation(
        operation, mutation, command: "restore", question: "Restore this backup?",
        steps: NextStepTexts(seed: address, rerun: rerun)
      ) { plan in
        if !json || mutation.dryRun { printRestorePlan(plan, created: manifest.created, json: json) }
      }
    } catch let e as RestoreTargetNotEmpty {
      throw RcadmError.usage(
        "restore: \(e.description): restore into an empty cluster, or pass --replace to let the backup's keys overwrite keys of the same name"
      )
    }
    switch result {
    case .dryRun:
      break
    case .nothingToDo:
      if json {
        emit(JSON.object([("keys_restored", .int(0))]))
      } else {
        print("The backup has no snapshots.")
      }
    case .applied(let plan, let report, _):
      printer.finish()
      if !json {
        let expired =
          report.keysLoaded < plan.totalKeys
          ? " (\(plan.totalKeys - report.keysLoaded) keys had expired since the backup)" : ""
        progress(
          "Restored \(report.keysImported) keys from \(plan.snapshots.count) snapshots in \(report.duration.shortText); the cluster holds \(report.keysAfter) keys\(expired)"
        )
      }
      try await reportAfterChange(
        reach.at(plan.cluster.view.seed), json: json,
        extra: [
          ("keys_in_backup", .int(plan.totalKeys)), ("keys_loaded", .int(report.keysLoaded)),
          ("keys_restored", .int(report.keysImported)), ("keys_in_cluster", .int(report.keysAfter)),
          ("seconds", .double(report.duration.seconds)),
        ])
    }
  }

  /// The servers to try, checked before anything else happens.
  func serverBinaries() throws -> [String] {
    if !servers.isEmpty {
      return try servers.map { name in
        guard let path = Processes.find(name) else {
          throw RcadmError.usage("--server \(name): no executable there")
        }
        return path
      }
    }
    let found = ["redis-server", "valkey-server"].compactMap(Processes.find)
    guard !found.isEmpty else {
      throw RcadmError.usage(
        "restore loads each RDB with a local redis-server or valkey-server, and neither is on PATH: install one (Debian: apt-get install redis-server) or pass --server PATH"
      )
    }
    return found
  }
}

func printRestorePlan(_ plan: RestorePlan, created: String, json: Bool) {
  if json {
    emit(
      JSON.object([
        ("dry_run", .bool(true)),
        (
          "snapshots",
          .array(
            plan.snapshots.map { s in
              .object([
                ("file", .string(s.file)), ("address", .string(s.address)), ("keys", .int(s.keys)),
                ("bytes", .int(s.bytes)),
              ])
            })
        ),
        ("total_keys", .int(plan.totalKeys)),
        ("keys_in_cluster", .int(plan.keysBefore)),
      ]))
    return
  }
  let bytes = plan.snapshots.reduce(0) { $0 + $1.bytes }
  print(
    Terminal.bold(
      "Plan: restore \(plan.totalKeys) keys (\(BackupManifest.size(bytes))) backed up \(created) into \(plan.cluster.view.masters.count) masters"
    ))
  for s in plan.snapshots {
    print(
      "  \(s.file): \(s.keys) keys, \(BackupManifest.size(s.bytes)), from \(s.address) (slots \(s.slots))")
  }
  if plan.keysBefore > 0 {
    Terminal.error(
      Terminal.warn("[WARN] ")
        + "the cluster holds \(plan.keysBefore) keys; the backup's keys overwrite keys of the same name")
  }
}
