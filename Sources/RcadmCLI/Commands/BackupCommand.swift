import ArgumentParser
import ClusterAdmin
import ClusterKit
import ClusterLoading
import JSONDocument
import Kubernetes
import LocalHost
import RedisCore
import Synchronization

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// `rcadm backup`: an RDB snapshot of every master, in parallel, plus a manifest and the topology.
struct BackupCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "backup",
    abstract: "Snapshot every master's data (RDB, over the replication protocol) into a directory.",
    discussion: """
      Every master streams its RDB in parallel, as to a new replica (no access to the nodes' disks is \
      needed): by default each node writes the snapshot to its own disk first and sends it at once, as for \
      redis-cli; a node that cannot write it is asked again for a diskless one (--diskless asks every node \
      for that). The directory gets one <node-id>.rdb per master, topology.json (every node's CLUSTER \
      NODES) and, last, manifest.json (each master's id, address, slots, key count, size, SHA-256 and \
      server version): a directory without a manifest is not a backup. Files are written under .part \
      names and renamed when complete; a failed or interrupted backup removes what it wrote. \
      'rcadm backup --verify DIR' checks sizes and checksums again; 'rcadm restore' loads a backup.
      """)

  @Argument(
    help: ArgumentHelp("Any node of the cluster.", valueName: "address"), completion: .custom(knownAddresses))
  var address: String?

  @Argument(help: ArgumentHelp("A new or empty directory.", valueName: "directory"), completion: .directory)
  var directory: String?

  @Option(help: ArgumentHelp("Check a backup's files against its manifest instead.", valueName: "directory"))
  var verify: String?

  @Flag(
    help:
      "Stream each snapshot from the node's fork, never written to its disk (waits the node's repl-diskless-sync-delay first, 5 s by default)."
  )
  var diskless = false

  @Option(help: "Seconds a node may send nothing while it prepares or streams its snapshot.")
  var snapshotTimeout: Double = 60

  @OptionGroup var output: OutputFlags
  @OptionGroup var connection: ConnectionFlags

  func validate() throws {
    if verify != nil {
      guard address == nil && directory == nil else {
        throw ValidationError("--verify takes the backup directory alone: rcadm backup --verify DIR")
      }
    } else if address == nil || directory == nil {
      throw ValidationError("give a node of the cluster and a directory: rcadm backup ADDRESS DIR")
    }
    guard snapshotTimeout > 0 && snapshotTimeout <= 86_400 else {
      throw ValidationError(
        "--snapshot-timeout must be above 0 and at most 86400 seconds (got \(snapshotTimeout))")
    }
  }

  func run() async throws {
    if let verify {
      try verifyBackup(verify)
      return
    }
    guard let address, let directory else { return }
    let reach = try await reach([address], connection)
    let printer = BackupProgressPrinter()
    let backup = ClusterBackup(
      loader: connection.loader(reach), seed: reach.seed, directory: directory,
      request: SnapshotRequest(
        acceptDiskless: diskless, silenceBound: .milliseconds(Int(snapshotTimeout * 1000))),
      progress: printer.report)
    let plan: BackupPlan
    do {
      plan = try await backup.plan()
    } catch let e as ValidationProblems {
      throw RcadmError.usage("backup: nothing was written: \(explain(e))")
    }
    printer.masters.store(plan.masters.count, ordering: .relaxed)
    if !output.json {
      print(Terminal.bold("Backing up \(plan.masters.count) masters into \(directory)"))
      for w in plan.warnings { Terminal.error(Terminal.warn("[WARN] ") + w) }
    }
    Interrupt.install()
    let result: BackupResult
    do {
      result = try await backup.run(plan, stop: processStop)
      await plan.cluster.closeAll()
    } catch is Interrupted {
      await plan.cluster.closeAll()
      printer.finish()
      throw RcadmError.interrupted("backup interrupted; the files it wrote were removed from \(directory)")
    } catch {
      await plan.cluster.closeAll()
      printer.finish()
      throw RcadmError.problems("backup failed: \(error); the files it wrote were removed from \(directory)")
    }
    printer.finish()
    let manifest = try writeManifest(result, plan: plan, into: directory, seed: redactedSeed(address))
    let bytes = result.snapshots.reduce(0) { $0 + $1.bytes }
    let keys = result.snapshots.reduce(0) { $0 + $1.keys }
    if output.json {
      emit(manifest)
    } else {
      for s in result.snapshots {
        print(
          "  \(s.address): \(s.keys) keys, \(BackupManifest.size(s.bytes)), \(s.diskless ? "diskless" : "from disk"), \(Duration.seconds(s.seconds).shortText)"
        )
      }
      print(
        Terminal.ok("[OK] ")
          + "Backed up \(keys) keys (\(BackupManifest.size(bytes))) from \(result.snapshots.count) masters in \(result.duration.shortText) into \(directory)"
      )
    }
  }

  /// topology.json, then manifest.json: each under a temporary name first, the manifest last.
  func writeManifest(_ result: BackupResult, plan: BackupPlan, into directory: String, seed: String) throws
    -> JSON
  {
    let topology = JSON.array(
      result.topology.map {
        .object([
          ("node_id", .string($0.id)), ("address", .string($0.address)), ("cluster_nodes", .string($0.nodes)),
        ])
      })
    let topologyText = topology.render() + "\n"
    try BackupManifest.write(topologyText, to: "\(directory)/\(BackupManifest.topologyFile)")
    var hash = SHA256()
    hash.update(Array(topologyText.utf8))
    let manifest = BackupManifest.render(
      result, seed: seed, nodes: plan.cluster.view.nodes.count, topologySHA256: hash.finalize())
    try BackupManifest.write(manifest.render() + "\n", to: "\(directory)/\(BackupManifest.file)")
    return manifest
  }

  func verifyBackup(_ directory: String) throws {
    let manifest = try BackupManifest.read(directory)
    var problems = ClusterBackup.verify(manifest.snapshots, in: directory)
    if let expected = manifest.topologySHA256 {
      let actual = LocalFiles.readFile("\(directory)/\(BackupManifest.topologyFile)").map { text in
        var h = SHA256()
        h.update(Array(text.utf8))
        return h.finalize()
      }
      if actual != expected {
        problems.append("\(BackupManifest.topologyFile) is missing or does not match its SHA-256")
      }
    }
    let bytes = manifest.snapshots.reduce(0) { $0 + $1.bytes }
    if output.json {
      emit(
        .object([
          ("ok", .bool(problems.isEmpty)), ("directory", .string(directory)),
          ("snapshots", .int(manifest.snapshots.count)), ("bytes", .int(bytes)),
          ("problems", .array(problems.map(JSON.string))),
        ]))
    }
    guard problems.isEmpty else {
      if !output.json { for p in problems { Terminal.error(Terminal.warn("[ERR] ") + p) } }
      throw RcadmError.problems("the backup in \(directory) is damaged (\(problems.count) problems)")
    }
    if !output.json {
      print(
        Terminal.ok("[OK] ")
          + "\(manifest.snapshots.count) snapshots (\(BackupManifest.size(bytes)), \(manifest.snapshots.reduce(0) { $0 + $1.keys }) keys) match the manifest of \(manifest.created)"
      )
    }
  }
}
