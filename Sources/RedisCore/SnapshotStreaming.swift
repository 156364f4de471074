/// Receives a node's RDB snapshot as it arrives: in order, on the connection's I/O thread, never
/// concurrently. A thrown error ends the transfer with that error.
public protocol SnapshotSink: AnyObject, Sendable {
  func append(_ bytes: UnsafeRawBufferPointer) throws
}

/// How a snapshot is asked for.
public struct SnapshotRequest: Sendable {
  /// Declare the replica capability for diskless transfer (`capa eof`): a node configured with
  /// `repl-diskless-sync yes` (the default since Redis 7.0) then streams the RDB straight from its
  /// fork, but only after its `repl-diskless-sync-delay` (5 s by default). Without it the node
  /// writes the RDB to its own disk first and sends it at once, as `redis-cli --rdb` asks.
  public var acceptDiskless: Bool
  /// The longest silence tolerated while the node prepares or sends the snapshot (it sends a
  /// newline every second while it forks, so silence means a dead link or a stuck node).
  public var silenceBound: Duration

  public init(acceptDiskless: Bool = false, silenceBound: Duration = .seconds(60)) {
    self.acceptDiskless = acceptDiskless
    self.silenceBound = silenceBound
  }
}

/// What a finished snapshot transfer was.
public struct SnapshotTransfer: Sendable, Equatable {
  public var bytes: Int
  /// Streamed from the fork with an end mark (diskless), or announced with its length (from disk).
  public var diskless: Bool

  public init(bytes: Int, diskless: Bool) {
    self.bytes = bytes
    self.diskless = diskless
  }
}

/// A session that can hand its byte stream over to a replication snapshot, as a replica's first
/// SYNC does (`REPLCONF rdb-only 1`, then SYNC). The session is used up by it and closed after.
public protocol SnapshotStreaming: NodeSession {
  func streamSnapshot(_ request: SnapshotRequest, into sink: any SnapshotSink) async throws
    -> SnapshotTransfer
}
