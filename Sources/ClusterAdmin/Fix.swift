import ClusterKit
import ClusterLoading
import RESP
import RedisCore

/// One slot `fix` will repair, and how.
public struct SlotRepair: Sendable {
  public var slot: Int
  /// The master that owns the slot afterwards.
  public var owner: String
  /// Why the slot needs repair, as a sentence.
  public var problem: String
  /// Other masters holding keys in the slot, which move to the owner.
  public var keyHolders: [KeyHolder]
}

/// `fix`: repair open slots, uncovered slots and slots with several owners, moving keys, never dropping them.
public enum Fix {
  /// Finds the slots to repair and decides each one's owner. Reads key counts from every reachable master.
  public static func plan(_ cluster: LiveCluster, searchAllSlots: Bool, allowUnreachable: Bool) async throws
    -> [SlotRepair]
  {
    let view = cluster.view
    let masters = view.masters.filter(\.isReachable)
    guard !masters.isEmpty else {
      throw ValidationProblems(["no master of the cluster can be reached, so there is nothing to repair with"]
      )
    }
    // Only masters that still own slots matter: a failed-over master's data lives on in its replica.
    let unreachable = view.masters.filter { !$0.isReachable && !$0.entry.slots.isEmpty }
    if !unreachable.isEmpty && !allowUnreachable {
      throw ValidationProblems(
        unreachable.map {
          "\($0.label) (\($0.shortId)) is unreachable and may hold keys of the slots to fix: bring it back, or see below"
        }, remedies: [.removeNode, .allowUnreachableMasters])
    }
    var claims: [Int: [String]] = [:]
    var open = Set<Int>()
    for m in masters {
      for s in m.entry.slots { claims[s, default: []].append(m.id) }
      open.formUnion(m.entry.migrating.keys)
      open.formUnion(m.entry.importing.keys)
    }
    var problems: [Int: String] = [:]
    let failed = failedIds(view)
    for m in unreachable {
      if failed.contains(m.id) || m.entry.flags.contains(.fail) {
        // A failed master whose slots no replica took over: give them to a live master, moving
        // whatever keys the live nodes hold (a promoted replica, an importing target).
        for s in m.entry.slots where claims[s] == nil { problems[s] = "owned by failed master \(m.label)" }
      } else {
        // Merely unreachable from here: its slots count as covered, its keys are out of reach, not lost.
        for s in m.entry.slots where claims[s] == nil { claims[s] = [m.id] }
      }
    }
    for s in open { problems[s] = "open (migrating/importing)" }
    // Slots whose owner differs between nodes' tables (say a dead master still listed as owner
    // by some nodes while its promoted replica claims the slot) get one owner for everyone.
    let tables = view.nodes.filter(\.isReachable).map(\.table)
    if let reference = tables.first.map(ownerBySlot) {
      for table in tables.dropFirst() {
        for (s, id) in ownerBySlot(table).enumerated() where id != reference[s] && problems[s] == nil {
          problems[s] = "nodes disagree on its owner"
        }
      }
    }
    for s in 0..<slotCount where claims[s] == nil && problems[s] == nil { problems[s] = "no owner" }
    for (s, ids) in claims where ids.count > 1 {
      problems[s] = problems[s] ?? "claimed by \(ids.count) masters"
    }
    if searchAllSlots {
      for (s, holders) in await KeyScan.keysInUnownedSlots(cluster) where problems[s] == nil {
        problems[s] = "keys on \(holders.count) master(s) that do not own it"
      }
    }
    let slots = problems.keys.sorted()
    if slots.isEmpty { return [] }
    // Key counts of every problem slot on every reachable master, one pipeline per master. A count
    // that cannot be read is never taken for "no keys": the slot could be pointed away from them.
    let counts = await mapConcurrently(masters, limit: 32) { m -> Result<[Int], ValidationProblems> in
      let fail = { (why: String) in
        Result<[Int], ValidationProblems>.failure(
          ValidationProblems(["cannot count the keys of the slots to repair on \(m.label): \(why)"]))
      }
      guard let s = cluster.session(m.id) else { return fail("not connected") }
      let replies: [RESPValue]
      do {
        replies = try await s.pipeline(slots.map { ["CLUSTER", "COUNTKEYSINSLOT", String($0)] })
      } catch {
        return fail("\(error)")
      }
      var out: [Int] = []
      for (slot, reply) in zip(slots, replies) {
        guard let n = reply.int else {
          return fail("COUNTKEYSINSLOT \(slot) answered \(reply.errorMessage ?? "with no number")")
        }
        out.append(n)
      }
      return .success(out)
    }
    let problemsReading = counts.compactMap { r -> String? in
      if case .failure(let e) = r { return e.description }
      return nil
    }
    if !problemsReading.isEmpty { throw ValidationProblems(problemsReading) }
    let keyCounts = counts.compactMap { try? $0.get() }
    var repairs: [SlotRepair] = []
    let slotLoad = Dictionary(uniqueKeysWithValues: masters.map { ($0.id, $0.entry.slots.count) })
    for (i, slot) in slots.enumerated() {
      let holders = zip(masters, keyCounts).map { KeyHolder(nodeId: $0.id, keys: $1[i]) }.filter {
        $0.keys > 0
      }
      let owner = chooseOwner(
        slot, masters: masters, claims: claims[slot] ?? [], holders: holders, slotLoad: slotLoad)
      repairs.append(
        SlotRepair(
          slot: slot, owner: owner, problem: problems[slot]!,
          keyHolders: holders.filter { $0.nodeId != owner }))
    }
    return repairs
  }

  /// The master each slot belongs to in one node's table.
  static func ownerBySlot(_ table: [ClusterNodeEntry]) -> [String?] {
    var owners = [String?](repeating: nil, count: slotCount)
    for e in table where e.isMaster { for s in e.slots { owners[s] = e.id } }
    return owners
  }

  /// A half-done migration completes forward; otherwise the claimant, or the master with most keys,
  /// or an importer, or the master with the fewest slots keeps the slot.
  static func chooseOwner(
    _ slot: Int, masters: [NodeReport], claims: [String], holders: [KeyHolder], slotLoad: [String: Int]
  ) -> String {
    let byId = Dictionary(uniqueKeysWithValues: masters.map { ($0.id, $0) })
    if claims.count == 1, let owner = byId[claims[0]], let dest = owner.entry.migrating[slot],
      byId[dest]?.entry.importing[slot] == owner.id
    {
      return dest
    }
    let keysOf = Dictionary(uniqueKeysWithValues: holders.map { ($0.nodeId, $0.keys) })
    if claims.count == 1 { return claims[0] }
    if claims.count > 1 { return claims.max { (keysOf[$0] ?? 0, $1) < (keysOf[$1] ?? 0, $0) }! }
    if let most = holders.max(by: { ($0.keys, $1.nodeId) < ($1.keys, $0.nodeId) }) { return most.nodeId }
    if let importer = masters.first(where: { $0.entry.importing[slot] != nil }) { return importer.id }
    // `masters` is never empty here: plan refuses a cluster without a reachable master.
    return masters.min { (slotLoad[$0.id] ?? 0, $0.id) < (slotLoad[$1.id] ?? 0, $1.id) }?.id ?? claims.first
      ?? ""
  }

  /// Repairs in two passes. First coverage: every slot that some reachable node sees served by
  /// no live master (a dead master's, a half-moved batch's) is claimed by its chosen owner with a
  /// new epoch, because a cluster with
  /// uncovered slots is down and its nodes refuse MIGRATE with CLUSTERDOWN. Then slot by slot —
  /// those without keys to move first — clear stale states, make the owner claim the slot if it
  /// does not yet (with a new epoch so its claim wins), move every other master's keys to it,
  /// then point every master at it. Every step that took effect is recorded; a stop request is
  /// honoured between slots.
  public static func apply(
    _ repairs: [SlotRepair], cluster: LiveCluster, migrate: MigrateOptions, context: ApplyContext
  ) async throws -> Int {
    var claimed = Set<Int>()
    let uncovered = uncoveredSomewhere(cluster.view)
    // Not where a live master owning the slot still holds keys: a newer claim would make it drop them.
    let view = cluster.view
    for repair in repairs
    where uncovered.contains(repair.slot)
      && !repair.keyHolders.contains(where: {
        view.node(id: $0.nodeId)?.entry.slots.contains(repair.slot) == true
      })
    {
      try context.stop.checkpoint()
      try await claim(repair, cluster: cluster, ledger: context.ledger)
      claimed.insert(repair.slot)
    }
    try await tellOwners(repairs.filter { claimed.contains($0.slot) }, cluster: cluster)
    let ordered = repairs.filter(\.keyHolders.isEmpty) + repairs.filter { !$0.keyHolders.isEmpty }
    let migrator = KeyMigrator(options: migrate)
    var keysMoved = 0
    for repair in ordered {
      try context.stop.checkpoint()
      keysMoved += try await repairSlot(
        repair, claimed: claimed.contains(repair.slot), cluster: cluster, migrator: migrator,
        ledger: context.ledger)
    }
    try await confirmOwners(repairs, cluster: cluster, context: context)
    context.log("Repaired \(repairs.count) slot(s), moved \(keysMoved) key(s)")
    return keysMoved
  }

  /// Reads every chosen owner's own table once more and claims again any repaired slot it does
  /// not list: many owners bumping their epochs without consensus at once can collide, and a
  /// claim can lose (seen: one slot of 392 left with no owner). Bounded to three rounds.
  static func confirmOwners(_ repairs: [SlotRepair], cluster: LiveCluster, context: ApplyContext) async throws
  {
    let masters = cluster.view.masters.filter(\.isReachable)
    for _ in 0..<3 {
      // Each live master's own claim; a slot some other master claims for itself is left alone
      // (claiming it again could make that master drop keys it holds).
      var own: [String: SlotSet] = [:]
      for m in masters {
        guard let s = cluster.session(m.id),
          let me = try? ClusterNodesParser.parse(try await s.text("CLUSTER", "NODES")).first(
            where: \.isMyself)
        else { continue }
        own[m.id] = me.slots
      }
      let lost = repairs.filter { r in
        own[r.owner].map { !$0.contains(r.slot) } == true
          && !own.contains { $0.key != r.owner && $0.value.contains(r.slot) }
      }
      if lost.isEmpty { return }
      context.log("Claiming \(lost.count) slot(s) again that their owner does not list yet")
      for repair in lost { try await claim(repair, cluster: cluster, ledger: context.ledger) }
      try await tellOwners(lost, cluster: cluster)
      try await Task.sleep(for: .milliseconds(200))
    }
  }

  /// Slots that some reachable node's table gives to no live master (nobody, a failed or an
  /// unreachable node): while any node sees one, that node reports the cluster down. The view's
  /// merged entries are not enough: a promoted replica may claim a slot in its own line while
  /// every other node still gives it to the dead master.
  static func uncoveredSomewhere(_ view: ClusterView) -> SlotSet {
    let live = Set(view.masters.filter(\.isReachable).map(\.id))
    var uncovered = SlotSet()
    for node in view.nodes where node.isReachable {
      let covered = node.table.filter { $0.isMaster && live.contains($0.id) && !$0.flags.contains(.fail) }
        .reduce(SlotSet()) { $0.union($1.slots) }
      uncovered = uncovered.union(covered.complement)
    }
    return uncovered
  }

  /// Every other live master that does not serve a claimed slot itself gets the new owner written
  /// into its table (SETSLOT NODE; allowed even while it holds keys of the slot, since it does not
  /// serve it). Gossip cannot do this for a node that is importing the slot, and a node whose
  /// table leaves a slot unowned reports the cluster down and refuses MIGRATE.
  static func tellOwners(_ repairs: [SlotRepair], cluster: LiveCluster) async throws {
    guard !repairs.isEmpty else { return }
    let masters = cluster.view.masters.filter(\.isReachable)
    await withTaskGroup(of: Void.self) { group in
      for m in masters {
        let commands = repairs.filter { $0.owner != m.id && !m.entry.slots.contains($0.slot) }.map {
          ["CLUSTER", "SETSLOT", String($0.slot), "NODE", $0.owner]
        }
        guard !commands.isEmpty, let s = cluster.session(m.id) else { continue }
        group.addTask { _ = try? await s.pipeline(commands) }
      }
    }
  }

  /// The owner takes the slot: DELSLOTS + ADDSLOTS (which also clears an importing state) in one
  /// transaction, once its config epoch is above every other master's.
  static func claim(_ repair: SlotRepair, cluster: LiveCluster, ledger: ChangeLedger) async throws {
    let slot = String(repair.slot)
    let one = SlotSet(slots: [repair.slot])
    guard let owner = cluster.session(repair.owner), let ownerNode = cluster.view.node(id: repair.owner)
    else {
      throw OperationError("not connected to \(repair.owner.prefix(8))")
    }
    try await raiseEpochAboveOthers(repair.owner, cluster: cluster, ledger: ledger)
    let commands = [["MULTI"], ["CLUSTER", "DELSLOTS", slot], ["CLUSTER", "ADDSLOTS", slot], ["EXEC"]]
    let replies: [RESPValue]
    do {
      replies = try await owner.pipeline(commands)
    } catch {
      ledger.record(Change(.slotsClaimed, node: ownerNode.label, slots: one, certain: false))
      throw error
    }
    if let results = replies.last?.elements, results.count == 2, let m = results[1].errorMessage {
      throw OperationError("making \(ownerNode.label) the owner of slot \(slot) failed: \(m)")
    }
    ledger.record(Change(.slotsClaimed, node: ownerNode.label, slots: one))
  }

  /// Makes `owner`'s config epoch greater than every other live master's own epoch before it claims
  /// a slot. BUMPEPOCH only looks at the owner's own view, which can lag behind a master that just
  /// bumped (claims do not broadcast): a claim with a lower epoch than the previous owner's is
  /// overruled by the first node that still lists that owner (an UPDATE message), and the owner
  /// then deletes the keys it just received. Bounded: 5 s for gossip to carry the epochs over.
  /// A node's own config epoch, from CLUSTER INFO.
  @Sendable static func epoch(_ s: any NodeSession) async -> Int? {
    (try? await s.text("CLUSTER", "INFO")).flatMap { Int(InfoParser.parse($0)["cluster_my_epoch"] ?? "") }
  }

  static func raiseEpochAboveOthers(_ owner: String, cluster: LiveCluster, ledger: ChangeLedger) async throws
  {
    let masters = cluster.view.masters.filter(\.isReachable)
    guard let session = cluster.session(owner), let ownerNode = cluster.view.node(id: owner) else {
      throw OperationError("not connected to \(owner.prefix(8))")
    }
    let deadline = ContinuousClock.now + .seconds(5)
    while true {
      let others =
        await mapConcurrently(masters.filter { $0.id != owner }, limit: 32) { m -> Int in
          guard let s = cluster.session(m.id) else { return 0 }
          return await epoch(s) ?? 0
        }.max() ?? 0
      guard let mine = await epoch(session) else {
        throw OperationError("\(ownerNode.label) did not answer CLUSTER INFO before claiming a slot")
      }
      if mine > others { return }
      let reply = try await ledger.send(
        [["CLUSTER", "BUMPEPOCH"]], to: session,
        changing: Change(.configEpochSet, node: ownerNode.label, detail: "bumped"))[0]
      if reply.errorMessage == nil, let now = await epoch(session), now > mine {
        ledger.record(Change(.configEpochSet, node: ownerNode.label, detail: String(now)))
        if now > others { return }
      }
      if ContinuousClock.now > deadline {
        throw OperationError(
          "\(ownerNode.label) could not get a config epoch above the other masters' (\(others)) within 5 s, so it did not claim the slot (claiming with a lower epoch can make it drop the slot's keys)"
        )
      }
      // Its view is behind: gossip carries the other masters' epochs to it within a ping or two.
      try await Task.sleep(for: .milliseconds(100))
    }
  }

  static func repairSlot(
    _ repair: SlotRepair, claimed: Bool, cluster: LiveCluster, migrator: KeyMigrator, ledger: ChangeLedger
  ) async throws -> Int {
    let masters = cluster.view.masters.filter(\.isReachable)
    let slot = String(repair.slot)
    let one = SlotSet(slots: [repair.slot])
    guard let owner = cluster.session(repair.owner), let ownerNode = cluster.view.node(id: repair.owner),
      let ownerAddress = ownerNode.address
    else { throw OperationError("not connected to \(repair.owner.prefix(8))") }
    /// Sends one command that changes the cluster: recorded when it succeeded, recorded as
    /// uncertain when no reply came; an error reply throws with `what`.
    func change(_ session: any NodeSession, _ command: [String], _ record: Change, _ what: String)
      async throws
    {
      let reply = try await ledger.send([command], to: session, changing: record)[0]
      if let m = reply.errorMessage { throw OperationError("\(what) failed: \(m)") }
      ledger.record(record)
    }
    let holders = Set(repair.keyHolders.map(\.nodeId))
    // Masters without keys in the slot lose any migrating/importing state now (the owner's own
    // importing state was already cleared if it claimed the slot in the first pass).
    for m in masters
    where !holders.contains(m.id) && !(claimed && m.id == repair.owner)
      && (m.entry.migrating[repair.slot] != nil || m.entry.importing[repair.slot] != nil)
    {
      guard let s = cluster.session(m.id) else { continue }
      try await change(
        s, ["CLUSTER", "SETSLOT", slot, "STABLE"], Change(.slotsClosed, node: m.label, slots: one),
        "closing slot \(slot) on \(m.label)")
    }
    let claimsIt = claimed || ownerNode.entry.slots.contains(repair.slot)
    let othersClaim = masters.contains { $0.id != repair.owner && $0.entry.slots.contains(repair.slot) }
    // A live master that owns the slot and still holds keys in it deletes them the moment it learns
    // of a newer claim (Redis drops the keys of a slot it loses). With such a holder the keys move
    // first, through the owner's importing state as in a move, and the owner claims afterwards.
    let owningHolders = Set(
      repair.keyHolders.map(\.nodeId).filter {
        cluster.view.node(id: $0)?.entry.slots.contains(repair.slot) == true
      })
    let mustClaim = !claimsIt || othersClaim
    if mustClaim && owningHolders.isEmpty {
      try await claim(repair, cluster: cluster, ledger: ledger)
    }
    var keysMoved = 0
    var drained: [(NodeReport, any NodeSession, Int)] = []
    for holder in repair.keyHolders {
      guard let h = cluster.session(holder.nodeId), let hNode = cluster.view.node(id: holder.nodeId) else {
        continue
      }
      let holderClaims = owningHolders.contains(holder.nodeId)
      if holderClaims && !claimsIt {
        try await change(
          owner, ["CLUSTER", "SETSLOT", slot, "IMPORTING", holder.nodeId],
          Change(.slotsOpened, node: ownerNode.label, peer: hNode.label, slots: one, detail: "importing"),
          "opening slot \(slot) on \(ownerNode.label) to take its keys")
      }
      // MIGRATE only runs on a node where the slot is open.
      let opening =
        holderClaims
        ? ["CLUSTER", "SETSLOT", slot, "MIGRATING", repair.owner]
        : ["CLUSTER", "SETSLOT", slot, "IMPORTING", repair.owner]
      if hNode.entry.migrating[repair.slot] != nil || hNode.entry.importing[repair.slot] != nil {
        try await change(
          h, ["CLUSTER", "SETSLOT", slot, "STABLE"], Change(.slotsClosed, node: hNode.label, slots: one),
          "closing slot \(slot) on \(hNode.label)")
      }
      if !holderClaims {
        // MIGRATE refuses a slot its node's table leaves unowned ("Hash slot not served").
        _ = try await h.pipeline([["CLUSTER", "SETSLOT", slot, "NODE", repair.owner]])
      }
      try await change(
        h, opening,
        Change(
          .slotsOpened, node: hNode.label, peer: ownerNode.label, slots: one, detail: "to move its keys"),
        "opening slot \(slot) on \(hNode.label) to move its keys")
      let keys = try await migrator.drain([repair.slot], from: h, to: ownerAddress, targetSession: owner)
      keysMoved += keys
      if holderClaims {
        drained.append((hNode, h, keys))
      } else {
        try await change(
          h, ["CLUSTER", "SETSLOT", slot, "STABLE"],
          Change(.slotsMoved, node: hNode.label, peer: ownerNode.label, slots: one, keys: keys),
          "closing slot \(slot) on \(hNode.label)")
      }
    }
    if mustClaim && !owningHolders.isEmpty {
      try await claim(repair, cluster: cluster, ledger: ledger)
    }
    // Holders that owned the slot are empty now: they hand it over without losing anything.
    for (hNode, h, keys) in drained {
      try await change(
        h, ["CLUSTER", "SETSLOT", slot, "NODE", repair.owner],
        Change(.slotsMoved, node: hNode.label, peer: ownerNode.label, slots: one, keys: keys),
        "handing slot \(slot) from \(hNode.label) to \(ownerNode.label)")
    }
    try await change(
      owner, ["CLUSTER", "SETSLOT", slot, "STABLE"], Change(.slotsClosed, node: ownerNode.label, slots: one),
      "closing slot \(slot) on \(ownerNode.label)")
    await withTaskGroup(of: Void.self) { group in
      for m in masters where m.id != repair.owner {
        group.addTask {
          _ = try? await cluster.session(m.id)?.pipeline([["CLUSTER", "SETSLOT", slot, "NODE", repair.owner]])
        }
      }
    }
    return keysMoved
  }
}

/// `fix` through the mutation pipeline: load (any state), plan the repairs, apply, wait for agreement.
/// A failed master whose slots no live master took over, and the replica that holds its data.
public struct Takeover: Sendable {
  public var replica: NodeReport
  public var master: NodeReport
}

extension Fix {
  /// Nodes flagged FAIL in any reachable node's table (the merged view may still say PFAIL).
  static func failedIds(_ view: ClusterView) -> Set<String> {
    Set(view.nodes.filter(\.isReachable).flatMap { $0.table.filter { $0.flags.contains(.fail) }.map(\.id) })
  }

  /// Failed masters (flagged FAIL) that still own slots nobody else serves while a reachable
  /// replica of theirs holds the data (Redis refuses to fail over a replica whose link is too
  /// old, e.g. an old master that just became the replica of a node that then died). Giving such
  /// slots to another master would make that replica resync from it and drop every key.
  public static func takeovers(_ view: ClusterView) -> [Takeover] {
    let failed = failedIds(view)
    let served = view.masters.filter(\.isReachable).reduce(SlotSet()) { $0.union($1.entry.slots) }
    return view.masters.compactMap { m -> Takeover? in
      guard !m.isReachable, failed.contains(m.id) || m.entry.flags.contains(.fail),
        !m.entry.slots.subtracting(served).isEmpty
      else { return nil }
      return view.replicas(of: m.id).filter(\.isReachable).max { Failover.offset($0) < Failover.offset($1) }
        .map {
          Takeover(replica: $0, master: m)
        }
    }
  }

  /// CLUSTER FAILOVER TAKEOVER on each replica, then waits (bounded) until each says it is a
  /// master with slots.
  static func promote(_ takeovers: [Takeover], cluster: LiveCluster, wait: Duration, context: ApplyContext)
    async throws
  {
    let deadline = ContinuousClock.now + wait
    for t in takeovers {
      guard let s = cluster.session(t.replica.id) else {
        throw OperationError("not connected to \(t.replica.label)")
      }
      let started = Change(.failoverStarted, node: t.replica.label, peer: t.master.label)
      let reply = try await context.ledger.send(
        [["CLUSTER", "FAILOVER", "TAKEOVER"]], to: s, changing: started)[0]
      if let m = reply.errorMessage {
        throw OperationError("\(t.replica.label) refused to take over from \(t.master.label): \(m)")
      }
      context.ledger.record(started)
      context.log("\(t.replica.label) takes over the slots of failed master \(t.master.label)")
    }
    for t in takeovers {
      while true {
        let me = try? ClusterNodesParser.parse(
          try await cluster.session(t.replica.id)?.text("CLUSTER", "NODES") ?? ""
        ).first(where: \.isMyself)
        if let me, me.isMaster, !me.slots.isEmpty { break }
        if ContinuousClock.now > deadline {
          throw OperationError("\(t.replica.label) did not become master within \(wait.shortText)")
        }
        try context.stop.checkpoint()
        try await Task.sleep(for: .milliseconds(50))
      }
    }
  }
}

public struct FixRepair: ClusterMutation {
  public struct Plan: Sendable {
    public var cluster: LiveCluster
    public var repairs: [SlotRepair]
    /// Replicas to promote first; the repairs are then planned again on the promoted cluster.
    public var takeovers: [Takeover] = []
  }

  public var load: @Sendable () async throws -> LiveCluster
  public var searchAllSlots: Bool
  public var allowUnreachable: Bool
  public var migrate: MigrateOptions
  public var wait: Duration

  public init(
    load: @escaping @Sendable () async throws -> LiveCluster, searchAllSlots: Bool, allowUnreachable: Bool,
    migrate: MigrateOptions, wait: Duration
  ) {
    self.load = load
    self.searchAllSlots = searchAllSlots
    self.allowUnreachable = allowUnreachable
    self.migrate = migrate
    self.wait = wait
  }

  public func plan() async throws -> Plan {
    let cluster = try await load()
    let takeovers = Fix.takeovers(cluster.view)
    if !takeovers.isEmpty { return Plan(cluster: cluster, repairs: [], takeovers: takeovers) }
    return try await cluster.closingOnError {
      Plan(
        cluster: $0,
        repairs: try await Fix.plan($0, searchAllSlots: searchAllSlots, allowUnreachable: allowUnreachable))
    }
  }

  public func hasWork(_ plan: Plan) -> Bool { !plan.repairs.isEmpty || !plan.takeovers.isEmpty }

  public func apply(_ plan: Plan, _ context: ApplyContext) async throws -> Int {
    guard !plan.takeovers.isEmpty else {
      return try await Fix.apply(plan.repairs, cluster: plan.cluster, migrate: migrate, context: context)
    }
    try await Fix.promote(plan.takeovers, cluster: plan.cluster, wait: wait, context: context)
    // The promoted replicas own the slots now: whatever else is wrong is planned afresh.
    let promoted = try await load()
    do {
      let repairs = try await Fix.plan(
        promoted, searchAllSlots: searchAllSlots, allowUnreachable: allowUnreachable)
      let keys = try await Fix.apply(repairs, cluster: promoted, migrate: migrate, context: context)
      try await Self.agree(promoted, wait: wait)
      await promoted.closeAll()
      return keys
    } catch {
      await promoted.closeAll()
      throw error
    }
  }

  public func converge(_ plan: Plan, _ outcome: Int, _ context: ApplyContext) async throws {
    if plan.takeovers.isEmpty { try await Self.agree(plan.cluster, wait: wait) }
  }

  static func agree(_ cluster: LiveCluster, wait: Duration) async throws {
    try await Convergence.waitUntilAgreed(
      cluster.view.nodes.filter(\.isReachable).compactMap { cluster.session($0.id) },
      expectedNodes: cluster.view.nodes.count, serving: false, deadline: .now + wait, timeout: wait)
  }

  public func nextSteps(_ plan: Plan, _ ledger: ChangeLedger, interrupted: Bool) -> [NextStep] {
    [allowUnreachable ? .fixWithUnreachableMasters : .fix]
  }

  public func close(_ plan: Plan) async { await plan.cluster.closeAll() }
}
