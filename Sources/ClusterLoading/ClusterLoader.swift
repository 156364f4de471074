import ClusterKit
import RESP
import RedisCore

/// The seed could not be read, so nothing about the cluster can be said (exit code 2).
public struct SeedError: Error, Sendable, CustomStringConvertible {
  public var description: String
  public init(_ description: String) { self.description = description }
}

/// A loaded cluster: the view plus open sessions to every reachable node, keyed by node id.
public final class LiveCluster: Sendable {
  public let view: ClusterView
  public let sessions: [String: any NodeSession]

  public init(view: ClusterView, sessions: [String: any NodeSession]) {
    self.view = view
    self.sessions = sessions
  }

  public func session(_ id: String) -> (any NodeSession)? { sessions[id] }

  public func closeAll() async {
    await withTaskGroup(of: Void.self) { group in
      for s in sessions.values { group.addTask { await s.close() } }
    }
  }
}

/// Reads a cluster from a seed node and then from every node the nodes know of, in parallel.
public struct ClusterLoader: Sendable {
  public var connector: any NodeConnector
  /// How many nodes are read at once.
  public var concurrency: Int
  /// Maps a CLUSTER NODES entry to where rcadm can reach the node (Kubernetes overrides this).
  public var dialAddress: @Sendable (ClusterNodeEntry) -> NodeAddress?
  /// The INFO section read from every node; nil reads all of INFO (memory too, for `info`).
  public var infoSection: String?
  /// Slot sets shared by the nodes' tables (most list the same masters with the same slots).
  let slotSets = SlotSetCache()

  public init(
    connector: any NodeConnector, concurrency: Int = 64, infoSection: String? = "replication",
    dialAddress: @escaping @Sendable (ClusterNodeEntry) -> NodeAddress? = { $0.address }
  ) {
    self.connector = connector
    self.concurrency = concurrency
    self.infoSection = infoSection
    self.dialAddress = dialAddress
  }

  /// The commands read from every node, in one pipeline.
  var probe: [[String]] {
    [["CLUSTER", "NODES"], ["CLUSTER", "INFO"], ["INFO"] + (infoSection.map { [$0] } ?? []), ["DBSIZE"]]
  }

  public func load(seed: NodeAddress) async throws -> LiveCluster {
    let seedSession: any NodeSession
    let seedRead: NodeRead
    let seedReplies: [RESPValue]
    do {
      (seedSession, seedReplies) = try await connector.connect(to: seed, sending: commands(withShards: true))
    } catch {
      throw SeedError("cannot read the cluster from \(seed): \(error)")
    }
    do {
      seedRead = try decode(seedReplies, from: seed, withShards: true)
    } catch {
      await seedSession.close()
      throw SeedError(Self.seedFailure(error, seed: seed))
    }
    guard let seedSelf = seedRead.table.first(where: \.isMyself) else {
      await seedSession.close()
      throw SeedError("\(seed) returned CLUSTER NODES without a 'myself' line")
    }

    var reports: [String: NodeReport] = [:]
    var sessions: [String: any NodeSession] = [seedSelf.id: seedSession]
    reports[seedSelf.id] = seedRead.report(entry: seedSelf, dial: seed, server: seedSession.server)
    // Gossip knowledge: the freshest entry any node holds for each id.
    var known: [String: ClusterNodeEntry] = [:]
    func learn(_ table: [ClusterNodeEntry]) {
      // Handshake entries have temporary ids that no node answers to: not members yet.
      for e in table where !e.flags.contains(.handshake) && (known[e.id] == nil || e.isMyself) {
        known[e.id] = e
      }
    }
    learn(seedRead.table)

    // Read newly learned nodes in waves until no node reveals another.
    while true {
      let pending = known.keys.filter { reports[$0] == nil }.sorted().map { known[$0]! }
      if pending.isEmpty { break }
      let results = await mapConcurrently(pending, limit: concurrency) { [self] entry in
        await self.readPeer(entry)
      }
      for (entry, outcome) in zip(pending, results) {
        switch outcome {
        case .read(let session, let read, let dial):
          let mine = read.table.first(where: \.isMyself) ?? entry
          if mine.id != entry.id {
            // The address now belongs to another node (restart, reuse): keep both facts.
            await session.close()
            reports[entry.id] = .unreachable(
              entry, dial: dial, reason: "\(dial) is now node \(mine.id.prefix(8)), not \(entry.id.prefix(8))"
            )
            continue
          }
          sessions[entry.id] = session
          reports[entry.id] = read.report(entry: mine, dial: dial, server: session.server)
          learn(read.table)
        case .failed(let dial, let reason):
          reports[entry.id] = .unreachable(entry, dial: dial, reason: reason)
        }
      }
    }
    let view = ClusterView(seed: seed, nodes: Array(reports.values), shards: seedRead.shards)
    return LiveCluster(view: view, sessions: sessions)
  }

  enum PeerOutcome: Sendable {
    case read(any NodeSession, NodeRead, NodeAddress)
    case failed(NodeAddress?, String)
  }

  private func readPeer(_ entry: ClusterNodeEntry) async -> PeerOutcome {
    if entry.flags.contains(.noaddr) { return .failed(nil, "the cluster knows no address for it (noaddr)") }
    guard let dial = dialAddress(entry) else { return .failed(nil, "the cluster knows no address for it") }
    let session: any NodeSession
    let replies: [RESPValue]
    do {
      (session, replies) = try await connector.connect(to: dial, sending: commands(withShards: false))
    } catch {
      return .failed(dial, String(describing: error))
    }
    do {
      return .read(session, try decode(replies, from: session.address, withShards: false), dial)
    } catch {
      await session.close()
      return .failed(dial, String(describing: error))
    }
  }

  /// Everything read from one node in a single pipeline.
  struct NodeRead: Sendable {
    var table: [ClusterNodeEntry]
    var clusterInfo: [String: String]
    var info: [String: String]
    var keys: Int?
    var shards: [ShardInfo]?

    func report(entry: ClusterNodeEntry, dial: NodeAddress, server: ServerIdentity?) -> NodeReport {
      var r = NodeReport(id: entry.id, entry: entry, dialAddress: dial)
      r.table = table
      r.clusterInfo = clusterInfo
      r.info = info
      r.keys = keys
      r.server = server ?? ServerIdentity(info: info)
      return r
    }
  }

  /// The probe, and CLUSTER SHARDS after it for the seed.
  func commands(withShards: Bool) -> [[String]] {
    withShards ? probe + [["CLUSTER", "SHARDS"]] : probe
  }

  /// Reads the replies to `commands(withShards:)`.
  func decode(_ replies: [RESPValue], from node: NodeAddress, withShards: Bool) throws -> NodeRead {
    let commands = commands(withShards: withShards)
    for (reply, command) in zip(replies.prefix(4), commands) {
      if let message = reply.errorMessage {
        throw ServerError(message, node: node, command: command)
      }
    }
    guard let nodesText = replies[0].string, let clusterInfoText = replies[1].string,
      let infoText = replies[2].string
    else {
      throw ServerError("unexpected reply types", node: node, command: ["CLUSTER", "NODES"])
    }
    let table: [ClusterNodeEntry]
    do {
      table = try ClusterNodesParser.parse(nodesText, sharing: slotSets)
    } catch {
      throw ServerError(
        "unreadable CLUSTER NODES reply: \(error)", node: node, command: ["CLUSTER", "NODES"])
    }
    let shards = withShards && !replies[4].isError ? try? ShardsParser.parse(replies[4]) : nil
    return NodeRead(
      table: table, clusterInfo: InfoParser.parse(clusterInfoText), info: InfoParser.parse(infoText),
      keys: replies[3].int, shards: shards)
  }

  static func seedFailure(_ error: any Error, seed: NodeAddress) -> String {
    if let e = error as? ServerError {
      if e.message.contains("cluster support disabled") {
        return
          "\(seed) is not a cluster node (cluster-enabled is no): point rcadm at a node started with cluster-enabled yes"
      }
      if e.code == "NOPERM" {
        return
          "\(seed): the user lacks permission for \(e.command.joined(separator: " ")) (\(e.message)); rcadm needs CLUSTER, INFO and DBSIZE"
      }
      return "cannot read the cluster from \(seed): \(e)"
    }
    return "cannot read the cluster from \(seed): \(error)"
  }
}

extension NodeReport {
  static func unreachable(_ entry: ClusterNodeEntry, dial: NodeAddress?, reason: String) -> NodeReport {
    NodeReport(id: entry.id, entry: entry, dialAddress: dial, unreachableReason: reason)
  }
}
