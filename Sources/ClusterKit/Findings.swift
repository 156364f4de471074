import RedisCore

/// One problem `check` found. Both the human and the JSON output print these.
public struct Finding: Hashable, Sendable, Codable {
  public enum Severity: String, Hashable, Sendable, Codable, Comparable {
    /// The cluster is broken or at risk now: exit 1.
    case error
    /// Worth fixing, not urgent: exit 0 unless --strict.
    case warning

    public static func < (a: Severity, b: Severity) -> Bool { a == .error && b == .warning }
  }

  public var severity: Severity
  /// A stable identifier for scripts, e.g. `slots_uncovered` (documented in README).
  public var code: String
  public var message: String
  /// Ids of the nodes concerned.
  public var nodes: [String]
  /// Slot ranges concerned, as "0-99,200".
  public var slots: String?

  public init(
    _ severity: Severity, _ code: String, _ message: String, nodes: [String] = [], slots: String? = nil
  ) {
    self.severity = severity
    self.code = code
    self.message = message
    self.nodes = nodes
    self.slots = slots
  }
}

/// What `check` should look for beyond the defaults.
public struct CheckOptions: Sendable {
  /// Masters with fewer replicas are an error; nil skips the count.
  public var minReplicas: Int?
  /// Keys found in slots a master does not own: slot → [(node id, key count)], from a scan.
  public var keysInUnownedSlots: [Int: [KeyHolder]]?
  /// The failure domain of a node (its host by default; Kubernetes passes the k8s node).
  public var domain: @Sendable (NodeReport) -> String?

  public init(
    minReplicas: Int? = nil, keysInUnownedSlots: [Int: [KeyHolder]]? = nil,
    domain: @escaping @Sendable (NodeReport) -> String? = { $0.address?.host }
  ) {
    self.minReplicas = minReplicas
    self.keysInUnownedSlots = keysInUnownedSlots
    self.domain = domain
  }
}

/// A node that holds keys in a slot.
public struct KeyHolder: Hashable, Sendable {
  public var nodeId: String
  public var keys: Int
  public init(nodeId: String, keys: Int) {
    self.nodeId = nodeId
    self.keys = keys
  }
}

/// Pure health rules over a `ClusterView`.
public enum HealthCheck {
  public static func findings(_ view: ClusterView, _ options: CheckOptions = CheckOptions()) -> [Finding] {
    var out: [Finding] = []
    out += nodeStates(view)
    out += clusterState(view)
    out += configAgreement(view)
    out += openSlots(view)
    out += coverage(view)
    out += replication(view, options)
    out += placement(view, options)
    out += epochs(view)
    out += servers(view)
    if let scan = options.keysInUnownedSlots { out += unownedKeys(view, scan) }
    return out.sorted { ($0.severity, $0.code) < ($1.severity, $1.code) }
  }

  /// Slots claimed by each master: its own claim when reachable, otherwise what its peers say.
  public static func owners(_ view: ClusterView) -> [String: SlotSet] {
    var result: [String: SlotSet] = [:]
    for m in view.masters where !m.entry.slots.isEmpty { result[m.id] = m.entry.slots }
    return result
  }

  static func describe(_ n: NodeReport) -> String {
    let role =
      n.isMaster
      ? (n.entry.slots.isEmpty ? "master without slots" : "master of \(n.entry.slots.count) slots")
      : "replica"
    return "\(n.label) (\(n.shortId), \(role))"
  }

  /// Nodes running different software (Redis beside Valkey, or two versions): normal during a
  /// rolling upgrade, worth knowing before a move, since servers differ in what they support.
  static func servers(_ view: ClusterView) -> [Finding] {
    let known = view.nodes.filter(\.isReachable).compactMap { n in n.server.map { (n, $0) } }
    let groups = Dictionary(grouping: known, by: \.1).sorted {
      ($0.value.count, $1.key.description) > ($1.value.count, $0.key.description)
    }
    guard groups.count > 1 else { return [] }
    let parts = groups.map { "\($0.key) on \($0.value.count) node(s)" }
    let minority = groups.dropFirst().flatMap { $0.value.map(\.0.id) }
    return [
      Finding(
        .warning, "mixed_servers", "nodes run different servers: \(parts.joined(separator: ", "))",
        nodes: minority.sorted())
    ]
  }

  static func nodeStates(_ view: ClusterView) -> [Finding] {
    var out: [Finding] = []
    // How many reachable nodes flag each id fail / fail?: one pass over every table.
    var failedBy: [String: Int] = [:]
    var pfailBy: [String: Int] = [:]
    for r in view.nodes where r.isReachable {
      for e in r.table {
        if e.flags.contains(.fail) { failedBy[e.id, default: 0] += 1 }
        if e.flags.contains(.pfail) { pfailBy[e.id, default: 0] += 1 }
      }
    }
    for n in view.nodes {
      let seenFailed = failedBy[n.id] ?? 0
      let seenPFail = pfailBy[n.id] ?? 0
      if let reason = n.unreachableReason {
        out.append(
          Finding(
            .error, "node_unreachable", "\(describe(n)) cannot be reached: \(reason)", nodes: [n.id],
            slots: n.entry.slots.isEmpty ? nil : n.entry.slots.rangesDescription))
      }
      if seenFailed > 0 {
        out.append(
          Finding(
            .error, "node_failed", "\(describe(n)) is flagged fail by \(seenFailed) node(s)",
            nodes: [n.id]))
      } else if seenPFail > 0 {
        out.append(
          Finding(
            .warning, "node_pfail",
            "\(describe(n)) is suspected failing (fail?) by \(seenPFail) node(s)", nodes: [n.id]))
      }
    }
    // Handshake entries carry temporary ids: the loader does not dial them, but they say a join is under way.
    for r in view.nodes where r.isReachable {
      for e in r.table where e.flags.contains(.handshake) {
        out.append(
          Finding(
            .warning, "node_handshake",
            "\(r.label) (\(r.shortId)) is still in handshake with \(e.address?.description ?? "an unknown address")",
            nodes: [r.id]))
      }
    }
    // Reachable nodes that some reachable peer does not know: the cluster has not fully joined.
    let reachable = view.nodes.filter(\.isReachable)
    let ids = Set(view.nodes.map(\.id))
    for r in reachable {
      let knows = Set(r.table.filter { !$0.flags.contains(.handshake) }.map(\.id))
      let missing = ids.subtracting(knows).sorted()
      if !missing.isEmpty {
        // Usually gossip still spreading a new node: worth a word, not an alarm.
        out.append(
          Finding(
            .warning, "node_unknown_to_peer",
            "\(r.label) (\(r.shortId)) does not know \(missing.count) node(s): \(missing.map { String($0.prefix(8)) }.joined(separator: ", "))",
            nodes: [r.id] + missing))
      }
    }
    return out
  }

  static func clusterState(_ view: ClusterView) -> [Finding] {
    let bad = view.nodes.filter { $0.isReachable && $0.clusterInfo["cluster_state"] != "ok" }
    guard !bad.isEmpty else { return [] }
    let list = bad.map { "\($0.label) (\($0.clusterInfo["cluster_state"] ?? "unknown"))" }.joined(
      separator: ", ")
    return [
      Finding(
        .error, "cluster_state_not_ok", "cluster_state is not ok on \(bad.count) node(s): \(list)",
        nodes: bad.map(\.id))
    ]
  }

  /// A slot owner as one node sees it, for comparing views.
  struct Owner: Hashable {
    var id: String
    var slots: SlotSet
  }

  /// redis-cli's signature: each node's view of which master owns which slots (compared as
  /// values: formatting 60 tables as text was a tenth of `check`'s CPU time).
  static func signature(_ table: [ClusterNodeEntry]) -> [Owner] {
    table.filter { $0.isMaster && !$0.slots.isEmpty }.map { Owner(id: $0.id, slots: $0.slots) }.sorted {
      $0.id < $1.id
    }
  }

  static func configAgreement(_ view: ClusterView) -> [Finding] {
    // Grouped by comparing with each group's signature, not by hashing: hashing every 2 KiB slot
    // bitmap of every table was most of the time `check` spent here (there is usually one group).
    var groups: [(signature: [Owner], members: [NodeReport])] = []
    for node in view.nodes where node.isReachable {
      let own = signature(node.table)
      if let i = groups.firstIndex(where: { $0.signature == own }) {
        groups[i].members.append(node)
      } else {
        groups.append((own, [node]))
      }
    }
    guard groups.count > 1 else { return [] }
    // Largest group first; ties broken by address so the output is the same on every run.
    let sorted = groups.map { $0.members.sorted { $0.label < $1.label } }
      .sorted { ($0.count, $1[0].label) > ($1.count, $0[0].label) }
    let minority = sorted.dropFirst().flatMap { $0 }
    let names = minority.map(\.label).joined(separator: ", ")
    return [
      Finding(
        .error, "config_disagreement",
        "nodes don't agree about the slot configuration: \(groups.count) different views; \(names) differ from the other \(sorted[0].count) node(s)",
        nodes: minority.map(\.id))
    ]
  }

  /// One finding per node, direction and peer, naming slot ranges: a reshard stopped mid-batch
  /// reads "slots 4961-5024 are migrating …", not 64 clauses.
  static func openSlots(_ view: ClusterView) -> [Finding] {
    var out: [Finding] = []
    for n in view.nodes {
      for (states, verb, preposition) in [
        (n.entry.migrating, "migrating", "to"), (n.entry.importing, "importing", "from"),
      ] {
        let byPeer = Dictionary(grouping: states, by: \.value)
        for (peer, entries) in byPeer.sorted(by: { $0.value.map(\.key).min()! < $1.value.map(\.key).min()! })
        {
          let slots = SlotSet(slots: entries.map(\.key))
          let what =
            slots.count == 1 ? "slot \(slots.rangesDescription) is" : "slots \(slots.rangesDescription) are"
          out.append(
            Finding(
              .error, "open_slot",
              "\(what) \(verb) on \(n.label) (\(n.shortId)) \(preposition) \(peer.prefix(8))",
              nodes: [n.id, peer], slots: slots.rangesDescription))
        }
      }
    }
    return out
  }

  static func coverage(_ view: ClusterView) -> [Finding] {
    // Bitmap operations, not per-slot loops: this runs on every check of every cluster size.
    let owned = owners(view).sorted(by: { $0.key < $1.key })
    var covered = SlotSet()
    var claimedTwice = SlotSet()
    for (_, slots) in owned {
      claimedTwice = claimedTwice.union(covered.intersection(slots))
      covered = covered.union(slots)
    }
    var out: [Finding] = []
    let missing = covered.complement
    if !missing.isEmpty {
      out.append(
        Finding(
          .error, "slots_uncovered",
          "\(missing.count) of 16384 slots have no owner: \(missing.rangesDescription)",
          slots: missing.rangesDescription))
    }
    if !claimedTwice.isEmpty {
      let ids = owned.filter { !$0.value.intersection(claimedTwice).isEmpty }.map(\.key)
      out.append(
        Finding(
          .error, "slot_multiple_claims",
          "\(claimedTwice.count) slot(s) are claimed by more than one master: \(claimedTwice.rangesDescription)",
          nodes: ids, slots: claimedTwice.rangesDescription))
    }
    return out
  }

  static func replication(_ view: ClusterView, _ options: CheckOptions) -> [Finding] {
    var out: [Finding] = []
    for r in view.replicas {
      guard let masterId = r.entry.masterId, let master = view.node(id: masterId) else {
        out.append(
          Finding(
            .error, "replica_of_unknown_master", "\(describe(r)) replicates a node the cluster does not know",
            nodes: [r.id]))
        continue
      }
      if r.isReachable, r.info["master_link_status"] == "down" {
        // Never linked (down_since -1), loading an RDB, or down for a few seconds (a master that
        // just became a replica, say): a (re)connection under way, not yet a broken link.
        let downFor = Int(r.info["master_link_down_since_seconds"] ?? "") ?? Int.max
        let syncing = r.info["master_sync_in_progress"] == "1" || downFor < 10
        if syncing {
          out.append(
            Finding(
              .warning, "replica_syncing",
              "\(describe(r)) is still (re)connecting to or syncing from \(master.label)",
              nodes: [r.id, master.id])
          )
        } else {
          out.append(
            Finding(
              .error, "replica_link_down",
              "\(describe(r)) has its replication link to \(master.label) down for \(r.info["master_link_down_since_seconds"] ?? "?") s",
              nodes: [r.id, master.id]))
        }
      }
    }
    if let want = options.minReplicas {
      for m in view.masters where !m.entry.slots.isEmpty {
        let have = view.replicas(of: m.id).filter { !$0.entry.flags.contains(.fail) }.count
        if have < want {
          out.append(
            Finding(
              .error, "too_few_replicas", "\(describe(m)) has \(have) working replica(s); \(want) wanted",
              nodes: [m.id]))
        }
      }
    }
    return out
  }

  static func placement(_ view: ClusterView, _ options: CheckOptions) -> [Finding] {
    // On a single host (a sandbox) co-location is unavoidable and not worth a word.
    let domains = Set(view.nodes.compactMap { options.domain($0) })
    guard domains.count > 1 else { return [] }
    var out: [Finding] = []
    for r in view.replicas {
      guard let mid = r.entry.masterId, let m = view.node(id: mid), let d = options.domain(r),
        d == options.domain(m)
      else { continue }
      out.append(
        Finding(
          .warning, "replica_same_host_as_master",
          "\(describe(r)) runs on the same host (\(d)) as its master \(m.label) (\(m.shortId)); one host failure loses both",
          nodes: [r.id, m.id]))
    }
    return out
  }

  static func epochs(_ view: ClusterView) -> [Finding] {
    let masters = view.masters.filter { !$0.entry.slots.isEmpty }
    let groups = Dictionary(grouping: masters, by: { $0.entry.configEpoch }).filter { $0.value.count > 1 }
    return groups.keys.sorted().map { epoch in
      let ms = groups[epoch]!
      return Finding(
        .error, "config_epoch_collision",
        "\(ms.count) masters share config epoch \(epoch): \(ms.map(\.label).joined(separator: ", "))",
        nodes: ms.map(\.id))
    }
  }

  static func unownedKeys(_ view: ClusterView, _ scan: [Int: [KeyHolder]]) -> [Finding] {
    scan.keys.sorted().map { slot in
      let holders = scan[slot]!
      let text = holders.map { h in "\(view.node(id: h.nodeId)?.label ?? h.nodeId) (\(h.keys) keys)" }.joined(
        separator: ", ")
      return Finding(
        .error, "keys_in_unowned_slot", "slot \(slot) has keys on node(s) that do not own it: \(text)",
        nodes: holders.map(\.nodeId), slots: "\(slot)")
    }
  }
}
