import ArgumentParser
import ClusterAdmin
import ClusterKit
import Kubernetes
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
      throw RcadmError.usage("backup: nothing was written: \(e)")
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
      let actual = LocalProcess.readFile("\(directory)/\(BackupManifest.topologyFile)").map { text in
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

/// The manifest's format: written by `backup`, read by `backup --verify` and `restore`.
enum BackupManifest {
  static let file = "manifest.json"
  static let topologyFile = "topology.json"
  static let format = "rcadm-backup"

  struct Contents {
    var created: String
    var snapshots: [SnapshotRecord]
    var topologySHA256: String?
  }

  static func render(_ result: BackupResult, seed: String, nodes: Int, topologySHA256: String) -> JSON {
    .object([
      ("format", .string(format)),
      ("format_version", .int(1)),
      ("created", .string(utcTimestamp())),
      ("rcadm_version", .string(Rcadm.version)),
      ("seed", .string(seed)),
      ("nodes", .int(nodes)),
      ("seconds", .double(result.duration.seconds)),
      ("total_keys", .int(result.snapshots.reduce(0) { $0 + $1.keys })),
      ("total_bytes", .int(result.snapshots.reduce(0) { $0 + $1.bytes })),
      ("topology", .object([("file", .string(topologyFile)), ("sha256", .string(topologySHA256))])),
      (
        "snapshots",
        .array(
          result.snapshots.map { s in
            .object([
              ("node_id", .string(s.nodeId)), ("address", .string(s.address)), ("slots", .string(s.slots)),
              ("file", .string(s.file)), ("bytes", .int(s.bytes)), ("sha256", .string(s.sha256)),
              ("keys", .int(s.keys)), ("rdb_version", .optional(s.rdbVersion)),
              ("server", .optional(s.server?.name)), ("server_version", .optional(s.server?.version)),
              ("transfer", .string(s.diskless ? "diskless" : "disk")), ("seconds", .double(s.seconds)),
            ])
          })
      ),
    ])
  }

  /// Reads and checks `<directory>/manifest.json`; every problem is a usage error (exit 2).
  static func read(_ directory: String) throws -> Contents {
    guard let text = LocalProcess.readFile("\(directory)/\(file)") else {
      throw RcadmError.usage(
        "\(directory) has no \(file): it is not a complete rcadm backup (an interrupted or failed backup leaves none)"
      )
    }
    let doc: JSONValue
    do {
      doc = try JSONValue.parse(text)
    } catch {
      throw RcadmError.usage("\(directory)/\(file): \(error)")
    }
    guard doc["format"]?.string == format, let list = doc["snapshots"]?.array else {
      throw RcadmError.usage("\(directory)/\(file) is not an rcadm backup manifest")
    }
    var snapshots: [SnapshotRecord] = []
    for (i, s) in list.enumerated() {
      guard let id = s["node_id"]?.string, let file = s["file"]?.string, let bytes = s["bytes"]?.int,
        let sha = s["sha256"]?.string, let keys = s["keys"]?.int,
        !file.contains("/"), !file.hasPrefix(".")
      else {
        throw RcadmError.usage(
          "\(directory)/\(file): snapshot \(i + 1) lacks node_id, file, bytes, sha256 or keys")
      }
      let server = s["server"]?.string.flatMap { name in
        s["server_version"]?.string.map { ServerIdentity(name: name, version: $0) }
      }
      snapshots.append(
        SnapshotRecord(
          nodeId: id, address: s["address"]?.string ?? "", slots: s["slots"]?.string ?? "", file: file,
          bytes: bytes, sha256: sha, keys: keys, rdbVersion: s["rdb_version"]?.int, server: server,
          diskless: s["transfer"]?.string == "diskless", seconds: s["seconds"]?.double ?? 0))
    }
    return Contents(
      created: doc["created"]?.string ?? "an unknown time", snapshots: snapshots,
      topologySHA256: doc.path("topology", "sha256")?.string)
  }

  /// Writes under `<path>.part`, flushes, then renames: the final name only ever holds a whole file.
  static func write(_ text: String, to path: String) throws {
    let part = path + ".part"
    guard LocalProcess.writeFile(part, text), rename(part, path) == 0 else {
      unlink(part)
      throw RcadmError.problems("cannot write \(path): \(String(cString: strerror(errno)))")
    }
  }

  /// "2026-12-06T01:02:03Z".
  static func utcTimestamp() -> String {
    var now = time(nil)
    var parts = tm()
    gmtime_r(&now, &parts)
    func two(_ v: Int32) -> String { v < 10 ? "0\(v)" : "\(v)" }
    return
      "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))Z"
  }

  static func size(_ bytes: Int) -> String {
    if bytes >= 1 << 30 { return String(format1(Double(bytes) / Double(1 << 30))) + " GiB" }
    if bytes >= 1 << 20 { return String(format1(Double(bytes) / Double(1 << 20))) + " MiB" }
    if bytes >= 1 << 10 { return String(format1(Double(bytes) / Double(1 << 10))) + " KiB" }
    return "\(bytes) B"
  }

  static func format1(_ v: Double) -> String { String((v * 10).rounded() / 10) }
}

/// Bytes received per master and the rate, on one progress line.
final class BackupProgressPrinter: Sendable {
  let line = ProgressLine()
  let received = Mutex<[String: (bytes: Int, done: Bool)]>([:])
  /// Masters in the backup, once planned.
  let masters = Atomic<Int>(0)

  func finish() { line.finish() }

  func report(_ p: BackupProgress) {
    let (total, done) = received.withLock { all in
      all[p.node] = (p.bytes, p.finished)
      return (all.values.reduce(0) { $0 + $1.bytes }, all.values.filter(\.done).count)
    }
    let count = masters.load(ordering: .relaxed)
    guard let elapsed = line.due(final: false) else { return }
    let rate = elapsed > 0 ? Double(total) / elapsed : 0
    line.show(
      "snapshots \(done)/\(count) done, \(BackupManifest.size(total)) received, \(BackupManifest.size(Int(rate)))/s",
      final: false)
  }
}
