import ClusterKit
import ClusterLoading
import RESP
import RedisCore
import Synchronization

/// Where `import` reads keys: one standalone node (any database) or every master of another cluster.
public struct ImportSource: Sendable {
  public var seed: NodeAddress
  /// Connects with the source's own credentials.
  public var connector: any NodeConnector
  public var database: Int

  public init(seed: NodeAddress, connector: any NodeConnector, database: Int = 0) {
    self.seed = seed
    self.connector = connector
    self.database = database
  }
}

/// One node keys are read from, with what the plan learned about it.
public struct ImportSourceNode: Sendable {
  public var session: any NodeSession
  public var label: String
  /// Keys in the source database when planned.
  public var keys: Int
  public var usedMemory: Int?
}

/// An import, decided: the target cluster (healthy), the source nodes, and capacity notes.
public struct ImportPlan: Sendable {
  public var cluster: LiveCluster
  public var sources: [ImportSourceNode]
  /// The source is a cluster: MIGRATE groups keys by slot (a cluster node refuses keys of several slots).
  public var sourceIsCluster: Bool
  /// Sentences about capacity (the target's maxmemory against the source's data), shown with the plan.
  public var warnings: [String]
  /// The owning master's id by slot (the target checked healthy: every slot is served).
  public var owners: [String?]
  public var totalKeys: Int { sources.reduce(0) { $0 + $1.keys } }
}

public struct ImportProgress: Sendable {
  public var keysDone: Int
  public var keysTotal: Int
}

public struct ImportReport: Sendable {
  public var keysImported: Int
  public var duration: Duration
}

/// `import`: every key of a source into the cluster, through the mutation pipeline. Keys are
/// SCANned in batches and sent with MIGRATE … KEYS to the master owning their slot (TTLs travel
/// with them), one pipeline per batch; `copy` leaves the source intact, and a key that exists on
/// the target with another value stops the import unless `replace` (the mover's BUSYKEY rule).
/// A stop finishes the batch in flight; the SCAN cursor after it is where a rerun resumes.
public struct KeyImport: ClusterMutation {
  public var loader: ClusterLoader
  public var seed: NodeAddress
  public var wait: Duration
  public var source: ImportSource
  /// MIGRATE options towards the target (credentials, copy, replace, keys per batch).
  public var migrate: MigrateOptions
  /// SCAN cursor to start from (a standalone source only): where an interrupted import stopped.
  public var startCursor: UInt64
  public var progress: @Sendable (ImportProgress) -> Void
  /// The cursor after the last batch that finished, for the resume step.
  let position = ImportPosition()

  public init(
    loader: ClusterLoader, seed: NodeAddress, wait: Duration, source: ImportSource, migrate: MigrateOptions,
    startCursor: UInt64 = 0, progress: @escaping @Sendable (ImportProgress) -> Void
  ) {
    self.loader = loader
    self.seed = seed
    self.wait = wait
    self.source = source
    self.migrate = migrate
    self.startCursor = startCursor
    self.progress = progress
  }

  public func plan() async throws -> ImportPlan {
    let cluster = try await Readiness.loadHealthy(seed: seed, loader: loader, timeout: wait)
    return try await cluster.closingOnError { cluster in
      let first: any NodeSession
      let firstReplies: [RESPValue]
      do {
        (first, firstReplies) = try await source.connector.connect(
          to: source.seed, sending: [["INFO", "cluster"]])
      } catch {
        throw ValidationProblems(["cannot read the source \(source.seed): \(error)"])
      }
      let isCluster = InfoParser.parse(firstReplies[0].string ?? "")["cluster_enabled"] == "1"
      if cluster.view.nodes.contains(where: { $0.address == source.seed || $0.dialAddress == source.seed }) {
        await first.close()
        throw ValidationProblems([
          "the source \(source.seed) is a node of the target cluster; nothing was changed"
        ])
      }
      var sessions: [(any NodeSession, String)] = []
      if isCluster {
        await first.close()
        guard source.database == 0 else {
          throw ValidationProblems(["the source \(source.seed) is a cluster node: it has database 0 only"])
        }
        guard startCursor == 0 else {
          throw ValidationProblems(
            [
              "a source cluster is imported from the start (its masters scan separately); rerun without a cursor"
            ])
        }
        let sourceCluster = try await ClusterLoader(connector: source.connector).load(seed: source.seed)
        let ids = Set(cluster.view.nodes.map(\.id))
        if sourceCluster.view.nodes.contains(where: { ids.contains($0.id) }) {
          await sourceCluster.closeAll()
          throw ValidationProblems([
            "the source \(source.seed) belongs to the target cluster; nothing was changed"
          ])
        }
        for m in sourceCluster.view.masters where !m.entry.slots.isEmpty {
          guard let s = sourceCluster.session(m.id) else {
            await sourceCluster.closeAll()
            throw ValidationProblems([
              "the source cluster's master \(m.label) cannot be reached: \(m.unreachableReason ?? "")"
            ])
          }
          sessions.append((s, m.label))
        }
        for r in sourceCluster.view.nodes where !r.isMaster || r.entry.slots.isEmpty {
          await sourceCluster.session(r.id)?.close()
        }
      } else {
        sessions = [(first, source.seed.description)]
      }
      var nodes: [ImportSourceNode] = []
      for (session, label) in sessions {
        let replies = try await session.pipeline([
          ["SELECT", String(source.database)], ["DBSIZE"], ["INFO", "memory"],
        ])
        if let m = replies[0].errorMessage {
          for (s, _) in sessions { await s.close() }
          throw ValidationProblems(["the source \(label) cannot select database \(source.database): \(m)"])
        }
        nodes.append(
          ImportSourceNode(
            session: session, label: label, keys: replies[1].int ?? 0,
            usedMemory: Int(InfoParser.parse(replies[2].string ?? "")["used_memory"] ?? "")))
      }
      return ImportPlan(
        cluster: cluster, sources: nodes, sourceIsCluster: isCluster,
        warnings: try await capacityWarnings(cluster, nodes), owners: Self.slotOwners(cluster.view))
    }
  }

  /// The owning master's id by slot (nil for a slot no master serves).
  static func slotOwners(_ view: ClusterView) -> [String?] {
    var owners = [String?](repeating: nil, count: slotCount)
    for m in view.masters { for slot in m.entry.slots { owners[slot] = m.id } }
    return owners
  }

  /// The source's used memory against the room the target masters' maxmemory leaves.
  func capacityWarnings(_ cluster: LiveCluster, _ sources: [ImportSourceNode]) async throws -> [String] {
    var room = 0
    for m in cluster.view.masters {
      guard let s = cluster.session(m.id) else { continue }
      let info = InfoParser.parse(try await s.pipeline([["INFO", "memory"]])[0].string ?? "")
      let max = Int(info["maxmemory"] ?? "") ?? 0
      if max == 0 { return [] }  // a master without a limit has room enough
      room += Swift.max(0, max - (Int(info["used_memory"] ?? "") ?? 0))
    }
    let needed = sources.compactMap(\.usedMemory).reduce(0, +)
    guard needed > room else { return [] }
    return [
      "the source uses \(needed >> 20) MiB while the target masters' maxmemory leaves \(room >> 20) MiB: writes may be refused (OOM) or evict keys part way"
    ]
  }

  public func hasWork(_ plan: ImportPlan) -> Bool { plan.totalKeys > 0 }

  public func apply(_ plan: ImportPlan, _ context: ApplyContext) async throws -> ImportReport {
    let clock = ContinuousClock()
    let start = clock.now
    let migrator = KeyMigrator(options: migrate)
    var imported = 0
    let total = plan.totalKeys
    for node in plan.sources {
      var cursor = plan.sourceIsCluster ? 0 : startCursor
      let scan = { (cursor: UInt64) -> [[UInt8]] in
        ["SCAN", String(cursor), "COUNT", String(migrate.keysPerBatch)].map { Array($0.utf8) }
      }
      var listed = try Self.scanned(try await node.session.send([scan(cursor)], timeout: nil)[0], node)
      while true {
        if context.stop.isRequested { throw Interrupted() }
        // The next SCAN rides behind this batch's MIGRATEs: the source never waits for us in between.
        let (moved, following) = try await send(
          listed.keys, from: node, plan, migrator, context.ledger,
          then: listed.next == 0 ? nil : scan(listed.next))
        imported += moved
        cursor = listed.next
        if !plan.sourceIsCluster { position.cursor.withLock { $0 = cursor } }
        progress(ImportProgress(keysDone: min(total, imported), keysTotal: total))
        guard cursor != 0, let following else { break }
        listed = try Self.scanned(following, node)
      }
    }
    return ImportReport(keysImported: imported, duration: clock.now - start)
  }

  /// A SCAN reply's keys and next cursor.
  static func scanned(_ reply: RESPValue, _ node: ImportSourceNode) throws -> (keys: [[UInt8]], next: UInt64)
  {
    guard let parts = reply.elements, parts.count == 2, let next = parts[0].string.flatMap(UInt64.init),
      let keys = parts[1].elements?.compactMap(\.bytes)
    else {
      throw OperationError(
        "SCAN on the source \(node.label) failed: \(reply.errorMessage ?? "unexpected reply")")
    }
    return (keys, next)
  }

  /// MIGRATEs one SCAN batch to the masters owning its keys: one MIGRATE per owner (per slot
  /// for a cluster source), all in one pipeline, with `then` (the next SCAN) behind them.
  /// Returns the keys moved and the reply to `then`.
  func send(
    _ keys: [[UInt8]], from node: ImportSourceNode, _ plan: ImportPlan, _ migrator: KeyMigrator,
    _ ledger: ChangeLedger, then: [[UInt8]]?
  ) async throws -> (Int, RESPValue?) {
    let view = plan.cluster.view
    var groups: [String: [[UInt8]]] = [:]
    var order: [String] = []
    for key in keys {
      let slot = HashSlot.slot(for: key)
      guard let owner = plan.owners[slot] else {
        throw OperationError(
          "key \(String(decoding: key, as: UTF8.self)) hashes to slot \(slot), which no master of the target serves; nothing of it was sent"
        )
      }
      let group = plan.sourceIsCluster ? "\(owner) \(slot)" : owner
      if groups[group] == nil { order.append(group) }
      groups[group, default: []].append(key)
    }
    var batches: [(owner: NodeReport, address: NodeAddress, keys: [[UInt8]])] = []
    for g in order {
      let id = String(g.prefix { $0 != " " })
      guard let owner = view.node(id: id), let address = owner.address else {
        throw OperationError(
          "the target master \(id.prefix(8)) has no address; nothing of this batch was sent")
      }
      batches.append((owner, address, groups[g]!))
    }
    let commands = batches.map {
      migrator.migrateCommand(to: $0.address, keys: $0.keys, replace: migrate.replace)
    }
    let replies: [RESPValue]
    do {
      replies = try await node.session.send(
        commands + (then.map { [$0] } ?? []), timeout: migrate.timeout + .seconds(5))
    } catch {
      for b in batches {
        ledger.record(
          Change(.keysImported, node: b.owner.label, peer: node.label, keys: b.keys.count, certain: false))
      }
      throw error
    }
    // Every MIGRATE that succeeded is recorded before any failure is handled: the pipeline ran
    // them all, so a refusal of one must not hide the keys the others moved.
    var moved = 0
    var refused: [(batch: (owner: NodeReport, address: NodeAddress, keys: [[UInt8]]), message: String)] = []
    for (batch, reply) in zip(batches, replies) {
      if let message = reply.errorMessage {
        refused.append((batch, message))
      } else if reply.string != "NOKEY" {
        ledger.record(
          Change(.keysImported, node: batch.owner.label, peer: node.label, keys: batch.keys.count))
        moved += batch.keys.count
      }
    }
    for (batch, message) in refused {
      do {
        guard message.contains("BUSYKEY"), let target = plan.cluster.session(batch.owner.id) else {
          throw Self.migrateFailure(message, batch.owner, node)
        }
        // Keys identical on both sides are overwritten with themselves; different ones stop the import.
        let count = try await migrator.resolveBusyKeys(
          HashSlot.slot(for: batch.keys[0]), batch.keys, source: node.session, target: batch.address,
          targetSession: target)
        ledger.record(Change(.keysImported, node: batch.owner.label, peer: node.label, keys: count))
        moved += count
      } catch {
        // A refused MIGRATE … KEYS may have moved the keys before the one refused; not when the
        // target cannot read the source's format at all (every key carries the same version).
        if !message.contains("payload version") {
          ledger.record(
            Change(
              .keysImported, node: batch.owner.label, peer: node.label, keys: batch.keys.count, certain: false
            ))
        }
        throw error
      }
    }
    return (moved, then == nil ? nil : replies.last)
  }

  static func migrateFailure(_ message: String, _ owner: NodeReport, _ node: ImportSourceNode)
    -> OperationError
  {
    if message.contains("MOVED") || message.contains("ASK") {
      return OperationError(
        "the target's slots moved during the import (\(message)); rerun the import to go on with the keys left"
      )
    }
    if message.contains("payload version") {
      return OperationError(
        "\(owner.label) cannot read the keys of \(node.label) (\(message)): its server reads an older RDB format than the source's writes; use a target server at least as new as the source's"
      )
    }
    return OperationError("MIGRATE from \(node.label) to \(owner.label) failed: \(message)")
  }

  public func nextSteps(_ plan: ImportPlan, _ ledger: ChangeLedger, interrupted: Bool) -> [NextStep] {
    if !plan.sourceIsCluster, let cursor = position.cursor.withLock({ $0 }), cursor != 0 {
      return [.resumeImport(cursor: cursor)]
    }
    return [.rerun]
  }

  public func close(_ plan: ImportPlan) async {
    for s in plan.sources { await s.session.close() }
    await plan.cluster.closeAll()
  }
}

/// The SCAN cursor after the last finished batch, shared with the resume step.
final class ImportPosition: Sendable {
  let cursor = Mutex<UInt64?>(nil)
}
