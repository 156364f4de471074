import ClusterKit
import ClusterLoading
import LocalHost
import RESP
import RedisCore
import Synchronization

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// One master's snapshot in a backup, as the manifest lists it.
public struct SnapshotRecord: Sendable, Equatable {
  public var nodeId: String
  public var address: String
  public var slots: String
  /// The file's name inside the backup directory.
  public var file: String
  public var bytes: Int
  public var sha256: String
  /// Keys in the snapshot, from the RDB's own database-size record (the count at the fork);
  /// DBSIZE just before the snapshot when the RDB has none.
  public var keys: Int
  public var rdbVersion: Int?
  public var server: ServerIdentity?
  public var diskless: Bool
  public var seconds: Double

  public init(
    nodeId: String, address: String, slots: String, file: String, bytes: Int, sha256: String, keys: Int,
    rdbVersion: Int?, server: ServerIdentity?, diskless: Bool, seconds: Double
  ) {
    self.nodeId = nodeId
    self.address = address
    self.slots = slots
    self.file = file
    self.bytes = bytes
    self.sha256 = sha256
    self.keys = keys
    self.rdbVersion = rdbVersion
    self.server = server
    self.diskless = diskless
    self.seconds = seconds
  }
}

/// A backup decided: the masters to snapshot (every slot is served by one that answers).
public struct BackupPlan: Sendable {
  public var cluster: LiveCluster
  public var masters: [NodeReport]
  /// Findings of the cluster's health check worth saying before the backup (open slots, say).
  public var warnings: [String]
}

/// Bytes received so far, per master, for a progress line.
public struct BackupProgress: Sendable {
  public var node: String
  public var bytes: Int
  public var finished: Bool
}

/// What a finished backup wrote: the snapshots and every node's CLUSTER NODES.
public struct BackupResult: Sendable {
  public var snapshots: [SnapshotRecord]
  /// (node id, address, CLUSTER NODES text) of every reachable node.
  public var topology: [(id: String, address: String, nodes: String)]
  public var duration: Duration
}

/// `backup`: an RDB snapshot of every master, taken in parallel over the replication protocol (as
/// a replica's first SYNC), into `<directory>/<node id>.rdb`. Each file is written under a
/// `.part` name, checked and renamed only once complete; on any failure or stop every file this
/// run wrote is removed, so a directory never holds a partial backup under final names. The
/// manifest (written by the caller from the result, last) is what marks a backup complete.
public struct ClusterBackup: Sendable {
  public var loader: ClusterLoader
  public var seed: NodeAddress
  public var directory: String
  public var request: SnapshotRequest
  public var progress: @Sendable (BackupProgress) -> Void

  public init(
    loader: ClusterLoader, seed: NodeAddress, directory: String, request: SnapshotRequest,
    progress: @escaping @Sendable (BackupProgress) -> Void
  ) {
    self.loader = loader
    self.seed = seed
    self.directory = directory
    self.request = request
    self.progress = progress
  }

  /// Loads the cluster and checks the directory; throws `ValidationProblems` (nothing written).
  public func plan() async throws -> BackupPlan {
    var problems: [String] = []
    var info = stat()
    if stat(directory, &info) == 0 {
      if (info.st_mode & S_IFMT) != S_IFDIR {
        problems.append("\(directory) exists and is not a directory")
      } else if !LocalFiles.list(directory).isEmpty {
        problems.append("\(directory) is not empty: back up into a new or empty directory")
      }
    }
    if !problems.isEmpty { throw ValidationProblems(problems) }
    let cluster = try await loader.load(seed: seed)
    let view = cluster.view
    let masters = view.masters.filter { !$0.entry.slots.isEmpty && !$0.entry.flags.contains(.fail) }
    var served = SlotSet()
    for m in masters { served = served.union(m.entry.slots) }
    let unserved = served.complement
    if !unserved.isEmpty {
      problems.append(
        "slots \(unserved.ranges.map(\.description).joined(separator: ",")) are served by no master: a backup would miss their keys"
      )
    }
    for m in masters where !m.isReachable || cluster.session(m.id) == nil {
      problems.append("master \(m.label) cannot be reached: \(m.unreachableReason ?? "no session")")
    }
    if !problems.isEmpty {
      await cluster.closeAll()
      throw ValidationProblems(problems, remedies: [.check])
    }
    let warnings = HealthCheck.findings(view).map(\.message)
    return BackupPlan(cluster: cluster, masters: masters, warnings: warnings)
  }

  public func run(_ plan: BackupPlan, stop: StopToken) async throws -> BackupResult {
    let clock = ContinuousClock()
    let start = clock.now
    guard LocalFiles.makeDirectory(directory) else {
      throw OperationError("cannot create the directory \(directory): \(String(cString: strerror(errno)))")
    }
    let written = WrittenFiles()
    do {
      let topology = try await readTopology(plan.cluster)
      // A stop ends the transfers at once: their connections close and their files are removed.
      let snapshots = try await stop.racing {
        try await withThrowingTaskGroup(of: SnapshotRecord.self) { group in
          for m in plan.masters {
            group.addTask { try await snapshot(m, plan.cluster, written) }
          }
          var records: [SnapshotRecord] = []
          for try await record in group { records.append(record) }
          return records
        }
      }
      let order = Dictionary(uniqueKeysWithValues: plan.masters.enumerated().map { ($1.id, $0) })
      return BackupResult(
        snapshots: snapshots.sorted { order[$0.nodeId]! < order[$1.nodeId]! }, topology: topology,
        duration: clock.now - start)
    } catch {
      for path in written.paths.withLock({ $0 }) { unlink(path) }
      throw error
    }
  }

  func readTopology(_ cluster: LiveCluster) async throws -> [(id: String, address: String, nodes: String)] {
    var out: [(id: String, address: String, nodes: String)] = []
    for n in cluster.view.nodes {
      guard let s = cluster.session(n.id) else { continue }
      let reply = try await s.pipeline([["CLUSTER", "NODES"]])[0]
      out.append((n.id, n.label, reply.string ?? ""))
    }
    return out
  }

  /// One master: a fresh connection (the stream uses it up), DBSIZE as the fallback key count, the
  /// snapshot into `<id>.rdb.part`, then checks and the rename.
  func snapshot(_ master: NodeReport, _ cluster: LiveCluster, _ written: WrittenFiles) async throws
    -> SnapshotRecord
  {
    let clock = ContinuousClock()
    let start = clock.now
    let final = "\(directory)/\(master.id).rdb"
    let part = final + ".part"
    guard let dial = master.dialAddress ?? master.address else {
      throw OperationError("master \(master.shortId) has no address")
    }
    written.paths.withLock { $0.append(part) }
    let label = master.label
    let progress = self.progress
    var server = master.server
    var dbsize: Int?
    // A node that cannot write its snapshot to disk closes the link before sending a byte: it is
    // asked once more for a diskless one, which needs no disk.
    var attempts = [request]
    if !request.acceptDiskless {
      attempts.append(SnapshotRequest(acceptDiskless: true, silenceBound: request.silenceBound))
    }
    var outcome: (SnapshotTransfer, FileSink)?
    for (i, attempt) in attempts.enumerated() where outcome == nil {
      let session = try await loader.connector.connect(to: dial)
      guard let stream = session as? any SnapshotStreaming else {
        await session.close()
        throw OperationError("the connection to \(master.label) cannot carry a replication snapshot")
      }
      server = session.server ?? server
      dbsize = try await session.pipeline([["DBSIZE"]])[0].int
      let sink = try FileSink(path: part)
      sink.onAppend = { progress(BackupProgress(node: label, bytes: $0, finished: false)) }
      do {
        let transfer = try await stream.streamSnapshot(attempt, into: sink)
        try sink.finish()
        outcome = (transfer, sink)
      } catch let e as ConnectionError where e.kind == .closed && sink.received == 0 && i + 1 < attempts.count
      {
        sink.abandon()
      } catch {
        sink.abandon()
        if let e = error as? ServerError,
          e.message.contains("NOPERM") || e.message.contains("unknown command")
        {
          throw OperationError(
            "\(master.label) refused to send a snapshot (\(e.message)): the user needs the SYNC and REPLCONF commands"
          )
        }
        throw error
      }
    }
    guard let (transfer, sink) = outcome else { throw OperationError("\(master.label) sent no snapshot") }
    let summary = RDBSummary.read(path: part)
    guard let summary, summary.isRDB else {
      throw OperationError("\(master.label) sent \(transfer.bytes) bytes that do not start like an RDB file")
    }
    written.paths.withLock { $0.append(final) }
    guard rename(part, final) == 0 else {
      throw OperationError("cannot rename \(part): \(String(cString: strerror(errno)))")
    }
    written.paths.withLock { $0.removeAll { $0 == part } }
    progress(BackupProgress(node: label, bytes: transfer.bytes, finished: true))
    return SnapshotRecord(
      nodeId: master.id, address: master.label,
      slots: master.entry.slots.ranges.map(\.description).joined(separator: ","), file: "\(master.id).rdb",
      bytes: transfer.bytes, sha256: sink.digest(), keys: summary.keys ?? dbsize ?? 0,
      rdbVersion: summary.version, server: server, diskless: transfer.diskless,
      seconds: (clock.now - start).seconds)
  }

  /// Recomputes every snapshot's size and SHA-256; returns one sentence per mismatch or missing file.
  public static func verify(_ snapshots: [SnapshotRecord], in directory: String) -> [String] {
    var problems: [String] = []
    for s in snapshots {
      let path = "\(directory)/\(s.file)"
      guard let (bytes, digest) = FileDigest.of(path) else {
        problems.append("\(s.file) (\(s.address)) is missing or unreadable")
        continue
      }
      if bytes != s.bytes {
        problems.append("\(s.file) (\(s.address)) has \(bytes) bytes; the manifest says \(s.bytes)")
      } else if digest != s.sha256 {
        problems.append("\(s.file) (\(s.address)) does not match its SHA-256 in the manifest")
      }
    }
    return problems
  }
}

/// The files a backup run has created so far, removed when it fails.
final class WrittenFiles: Sendable {
  let paths = Mutex<[String]>([])
}

/// Writes a snapshot to a file as it arrives and hashes it on the way.
final class FileSink: SnapshotSink {
  let path: String
  private let fd: Int32
  private let state = Mutex<(hash: SHA256, bytes: Int)>((SHA256(), 0))
  private let report = Mutex<(@Sendable (Int) -> Void)?>(nil)

  /// Called with the bytes received so far after each write.
  var onAppend: (@Sendable (Int) -> Void)? {
    get { report.withLock { $0 } }
    set { report.withLock { $0 = newValue } }
  }

  init(path: String) throws {
    self.path = path
    fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
    guard fd >= 0 else { throw OperationError("cannot create \(path): \(String(cString: strerror(errno)))") }
  }

  func append(_ bytes: UnsafeRawBufferPointer) throws {
    var offset = 0
    while offset < bytes.count {
      let n = write(fd, bytes.baseAddress! + offset, bytes.count - offset)
      if n < 0 && errno == EINTR { continue }
      guard n > 0 else { throw OperationError("cannot write \(path): \(String(cString: strerror(errno)))") }
      offset += n
    }
    let total = state.withLock {
      $0.hash.update(bytes)
      $0.bytes += bytes.count
      return $0.bytes
    }
    onAppend?(total)
  }

  /// Flushes the file to disk and closes it.
  func finish() throws {
    defer { close(fd) }
    guard fsync(fd) == 0 else {
      throw OperationError("cannot write \(path): \(String(cString: strerror(errno)))")
    }
  }

  func abandon() {
    close(fd)
    unlink(path)
  }

  func digest() -> String { state.withLock { $0.hash.finalize() } }

  var received: Int { state.withLock { $0.bytes } }
}

/// Size and SHA-256 of a file, read in 1 MiB blocks.
enum FileDigest {
  static func of(_ path: String) -> (Int, String)? {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    var hash = SHA256()
    var total = 0
    var buffer = [UInt8](repeating: 0, count: 1 << 20)
    while true {
      let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
      if n < 0 && errno == EINTR { continue }
      if n < 0 { return nil }
      if n == 0 { break }
      buffer.withUnsafeBytes { hash.update(UnsafeRawBufferPointer(rebasing: $0[..<n])) }
      total += n
    }
    return (total, hash.finalize())
  }
}
