import RedisCore

/// What rcadm knows about one node after loading the cluster.
public struct NodeReport: Sendable {
  public var id: String
  /// The node's own CLUSTER NODES line when reachable; otherwise what the other nodes say about it.
  public var entry: ClusterNodeEntry
  /// Where rcadm reached (or tried to reach) the node; nil when the cluster gives it no address.
  public var dialAddress: NodeAddress?
  /// Why the node could not be read; nil when it was.
  public var unreachableReason: String?
  /// The node's whole CLUSTER NODES table (its view of the cluster).
  public var table: [ClusterNodeEntry] = []
  public var clusterInfo: [String: String] = [:]
  public var info: [String: String] = [:]
  public var keys: Int?
  /// The software the node runs (HELLO, or INFO server); nil when unknown.
  public var server: ServerIdentity?

  public var isReachable: Bool { unreachableReason == nil }
  public var isMaster: Bool { entry.isMaster }
  public var isReplica: Bool { entry.isReplica }
  /// Announced address, as the cluster's nodes use it.
  public var address: NodeAddress? { entry.address }
  /// "127.0.0.1:7000" or "(no address)" for messages.
  public var label: String { address?.description ?? dialAddress?.description ?? "(no address)" }
  /// First 8 characters of the id, as people read them.
  public var shortId: String { String(id.prefix(8)) }

  public init(
    id: String, entry: ClusterNodeEntry, dialAddress: NodeAddress?, unreachableReason: String? = nil,
    table: [ClusterNodeEntry] = [], clusterInfo: [String: String] = [:], info: [String: String] = [:],
    keys: Int? = nil
  ) {
    self.id = id
    self.entry = entry
    self.dialAddress = dialAddress
    self.unreachableReason = unreachableReason
    self.table = table
    self.clusterInfo = clusterInfo
    self.info = info
    self.keys = keys
  }
}

/// A snapshot of a whole cluster, read from every node that could be reached.
public struct ClusterView: Sendable {
  public var seed: NodeAddress
  /// Masters first (ordered by their first slot, then address), then replicas (by address).
  public var nodes: [NodeReport]
  /// CLUSTER SHARDS from the seed (Redis/Valkey ≥ 7.0), when available.
  public var shards: [ShardInfo]?

  public init(seed: NodeAddress, nodes: [NodeReport], shards: [ShardInfo]? = nil) {
    self.seed = seed
    self.shards = shards
    self.nodes = nodes.sorted(by: ClusterView.displayOrder)
  }

  static func displayOrder(_ a: NodeReport, _ b: NodeReport) -> Bool {
    if a.isMaster != b.isMaster { return a.isMaster }
    let fa = a.entry.slots.first ?? Int.max
    let fb = b.entry.slots.first ?? Int.max
    if fa != fb { return fa < fb }
    switch (a.address ?? a.dialAddress, b.address ?? b.dialAddress) {
    case (let x?, let y?) where x != y: return x < y
    case (nil, _?): return false
    case (_?, nil): return true
    default: return a.id < b.id
    }
  }

  /// A node's health as the seed's CLUSTER SHARDS reports it (`online`, `loading`, `failed`);
  /// nil on servers without CLUSTER SHARDS (before 7.0).
  public func health(of id: String) -> String? {
    shards?.lazy.flatMap(\.nodes).first { $0.id == id }?.health
  }

  public var masters: [NodeReport] { nodes.filter(\.isMaster) }
  public var replicas: [NodeReport] { nodes.filter(\.isReplica) }

  public func node(id: String) -> NodeReport? { nodes.first { $0.id == id } }

  public func replicas(of masterId: String) -> [NodeReport] {
    nodes.filter { $0.isReplica && $0.entry.masterId == masterId }
  }

  /// Finds a node by full id, unique id prefix (at least 4 characters), or address.
  public func resolve(_ name: String) -> Result<NodeReport, LookupError> {
    let lower = name.lowercased()
    if let exact = nodes.first(where: { $0.id == lower }) { return .success(exact) }
    if let address = try? NodeAddress.parse(name) {
      let hits = nodes.filter { $0.address == address || $0.dialAddress == address }
      if hits.count == 1 { return .success(hits[0]) }
    }
    guard lower.count >= 4, lower.allSatisfy(\.isHexDigit) else { return .failure(.notFound(name)) }
    let hits = nodes.filter { $0.id.hasPrefix(lower) }
    switch hits.count {
    case 0: return .failure(.notFound(name))
    case 1: return .success(hits[0])
    default: return .failure(.ambiguous(name, hits.map(\.id)))
    }
  }
}

/// Why a node name did not resolve to exactly one node.
public enum LookupError: Error, Hashable, Sendable, CustomStringConvertible {
  case notFound(String)
  case ambiguous(String, [String])

  public var description: String {
    switch self {
    case .notFound(let n):
      return "no node matches '\(n)': give a node id, a unique id prefix (4+ characters) or host:port"
    case .ambiguous(let n, let ids):
      return
        "'\(n)' matches \(ids.count) nodes (\(ids.map { String($0.prefix(12)) }.joined(separator: ", "))): give more of the id"
    }
  }
}
