import ClusterKit
import ClusterLoading
import RESP
import RedisCore
import Synchronization

/// The target of a restore already holds keys and overwriting was not allowed; nothing changed.
public struct RestoreTargetNotEmpty: Error, Sendable, CustomStringConvertible {
  public var keys: Int
  public var description: String {
    "the cluster already holds \(keys) keys; a restore would mix the backup with them, so nothing was changed"
  }
}

/// A restore decided: the backup's files checked, the target healthy and (unless overwriting)
/// empty.
public struct RestorePlan: Sendable {
  public var cluster: LiveCluster
  public var snapshots: [SnapshotRecord]
  /// Keys in the target before the restore.
  public var keysBefore: Int
  public var owners: [String?]
  public var totalKeys: Int { snapshots.reduce(0) { $0 + $1.keys } }
}

public struct RestoreReport: Sendable {
  /// Keys the local servers loaded from the files (keys whose TTL passed since the backup are
  /// not loaded).
  public var keysLoaded: Int
  public var keysImported: Int
  /// Keys in the cluster afterwards (DBSIZE of every master).
  public var keysAfter: Int
  /// Loaded keys that had a TTL (some may have expired before the end).
  public var keysWithTTL: Int
  public var duration: Duration
}

/// `restore`: loads a backup into a running cluster of any shape. Each RDB is loaded by a
/// throwaway local server (LocalServer), whose keys are then imported as `import` does (SCAN,
/// MIGRATE … KEYS to each key's owner, TTLs kept), so the target's masters and slot layout may
/// differ from the backed-up cluster's. At the end the cluster's key count is checked against
/// what the files held.
public struct BackupRestore: ClusterMutation {
  public var loader: ClusterLoader
  public var seed: NodeAddress
  public var wait: Duration
  public var directory: String
  public var snapshots: [SnapshotRecord]
  public var migrate: MigrateOptions
  /// Server executables to load the files with, tried in order.
  public var servers: [String]
  /// Connects to a local server with its password.
  public var localConnector: @Sendable (String) throws -> any NodeConnector
  public var progress: @Sendable (ImportProgress) -> Void

  public init(
    loader: ClusterLoader, seed: NodeAddress, wait: Duration, directory: String, snapshots: [SnapshotRecord],
    migrate: MigrateOptions, servers: [String],
    localConnector: @escaping @Sendable (String) throws -> any NodeConnector,
    progress: @escaping @Sendable (ImportProgress) -> Void
  ) {
    self.loader = loader
    self.seed = seed
    self.wait = wait
    self.directory = directory
    self.snapshots = snapshots
    self.migrate = migrate
    self.servers = servers
    self.localConnector = localConnector
    self.progress = progress
  }

  public func plan() async throws -> RestorePlan {
    let problems = ClusterBackup.verify(snapshots, in: directory)
    if !problems.isEmpty {
      throw ValidationProblems(problems + ["the backup in \(directory) is damaged; nothing was changed"])
    }
    let cluster = try await Readiness.loadHealthy(seed: seed, loader: loader, timeout: wait)
    return try await cluster.closingOnError { cluster in
      var before = 0
      for m in cluster.view.masters {
        guard let s = cluster.session(m.id), let n = try await s.pipeline([["DBSIZE"]])[0].int else {
          throw ValidationProblems(["cannot count the keys of \(m.label)"])
        }
        before += n
      }
      if before > 0 && !migrate.replace { throw RestoreTargetNotEmpty(keys: before) }
      return RestorePlan(
        cluster: cluster, snapshots: snapshots, keysBefore: before, owners: KeyImport.slotOwners(cluster.view)
      )
    }
  }

  public func hasWork(_ plan: RestorePlan) -> Bool { !plan.snapshots.isEmpty }

  public func apply(_ plan: RestorePlan, _ context: ApplyContext) async throws -> RestoreReport {
    let clock = ContinuousClock()
    let start = clock.now
    let total = plan.totalKeys
    let done = Mutex(0)
    // The files load and import side by side: each local server runs its MIGRATEs on its own, so
    // several sources keep the target masters busy where one would leave them waiting.
    let report: @Sendable (Int) -> Void = { moved in
      let sum = done.withLock {
        $0 += moved
        return $0
      }
      progress(ImportProgress(keysDone: sum, keysTotal: total))
    }
    let counts = try await withThrowingTaskGroup(of: (loaded: Int, volatile: Int, imported: Int).self) {
      group in
      var counts: [(loaded: Int, volatile: Int, imported: Int)] = []
      for (i, snapshot) in plan.snapshots.enumerated() {
        if i >= Self.parallelFiles, let c = try await group.next() { counts.append(c) }
        group.addTask { try await restore(snapshot, plan, context, moved: report) }
      }
      while let c = try await group.next() { counts.append(c) }
      return counts
    }
    let loaded = counts.reduce(0) { $0 + $1.loaded }
    let volatile = counts.reduce(0) { $0 + $1.volatile }
    let imported = counts.reduce(0) { $0 + $1.imported }
    var after = 0
    for m in plan.cluster.view.masters {
      guard let s = plan.cluster.session(m.id) else { continue }
      after += try await s.pipeline([["DBSIZE"]])[0].int ?? 0
    }
    // Into an empty cluster every loaded key must be there, less keys whose TTL ran out meanwhile;
    // with overwriting allowed, the cluster's own keys may coincide with the backup's, so only the
    // upper bound holds.
    let expected = plan.keysBefore + loaded
    let lowest = plan.keysBefore == 0 ? expected - volatile : 0
    if after > expected || after < lowest {
      throw OperationError(
        "the cluster holds \(after) keys after the restore; \(expected) were expected (\(plan.keysBefore) before, \(loaded) loaded from the backup, \(volatile) of them with a TTL)"
      )
    }
    return RestoreReport(
      keysLoaded: loaded, keysImported: imported, keysAfter: after, keysWithTTL: volatile,
      duration: clock.now - start)
  }

  /// Files loaded and imported at once.
  static let parallelFiles = 3

  /// One file: a local server loads it, its keys are imported, the server is stopped (also when
  /// the import fails or is cancelled). `moved` is told how many keys each batch moved.
  func restore(
    _ snapshot: SnapshotRecord, _ plan: RestorePlan, _ context: ApplyContext,
    moved: @escaping @Sendable (Int) -> Void
  ) async throws -> (loaded: Int, volatile: Int, imported: Int) {
    try context.stop.checkpoint()
    let path = "\(directory)/\(snapshot.file)"
    // Loading reads the file at some tens of MB/s at worst; the bound grows with its size.
    let bound = Duration.seconds(30) + .seconds(Double(snapshot.bytes) / 20e6)
    let (server, session) = try await LocalServer.start(
      loading: path, binaries: servers, timeout: bound, connector: localConnector)
    do {
      let replies = try await session.pipeline([["DBSIZE"], ["INFO", "keyspace"]])
      let keys = replies[0].int ?? 0
      let source = ImportSourceNode(
        session: session, label: "\(snapshot.file) (backup of \(snapshot.address))", keys: keys)
      let reported = Mutex(0)
      let importer = KeyImport(
        loader: loader, seed: seed, wait: wait,
        source: ImportSource(seed: server.address, connector: try localConnector(server.password)),
        migrate: migrate,
        progress: { p in
          let step = reported.withLock { last in
            defer { last = p.keysDone }
            return p.keysDone - last
          }
          moved(step)
        })
      let report = try await importer.apply(
        ImportPlan(
          cluster: plan.cluster, sources: [source], sourceIsCluster: false, warnings: [], owners: plan.owners),
        context)
      await session.close()
      server.stop()
      return (keys, Self.keysWithTTL(replies[1].string ?? ""), report.keysImported)
    } catch {
      await session.close()
      server.stop()
      throw error
    }
  }

  /// `expires=` of db0 in INFO keyspace.
  static func keysWithTTL(_ info: String) -> Int {
    guard let db0 = InfoParser.parse(info)["db0"] else { return 0 }
    for field in db0.split(separator: ",") where field.hasPrefix("expires=") {
      return Int(field.dropFirst(8)) ?? 0
    }
    return 0
  }

  public func nextSteps(_ plan: RestorePlan, _ ledger: ChangeLedger, interrupted: Bool) -> [NextStep] {
    // Keys restored so far are identical to the backup's: a rerun with overwriting allowed goes on.
    [.rerun]
  }

  public func close(_ plan: RestorePlan) async {
    await plan.cluster.closeAll()
  }
}
