import RESP
import RedisCore

/// One shard of a CLUSTER SHARDS reply: a master, its replicas and the slots they serve.
public struct ShardInfo: Hashable, Sendable {
  public var slots: [SlotRange]
  public var nodes: [ShardNode]

  public init(slots: [SlotRange], nodes: [ShardNode]) {
    self.slots = slots
    self.nodes = nodes
  }
}

/// One node of a CLUSTER SHARDS shard.
public struct ShardNode: Hashable, Sendable {
  public var id: String
  public var port: Int?
  public var tlsPort: Int?
  public var ip: String?
  /// The preferred endpoint (ip, hostname or `?`), per `cluster-preferred-endpoint-type`.
  public var endpoint: String?
  public var hostname: String?
  /// `master` or `replica`.
  public var role: String
  public var replicationOffset: Int?
  /// `online`, `failed` or `loading`.
  public var health: String?

  public init(
    id: String, port: Int? = nil, tlsPort: Int? = nil, ip: String? = nil, endpoint: String? = nil,
    hostname: String? = nil, role: String, replicationOffset: Int? = nil, health: String? = nil
  ) {
    self.id = id
    self.port = port
    self.tlsPort = tlsPort
    self.ip = ip
    self.endpoint = endpoint
    self.hostname = hostname
    self.role = role
    self.replicationOffset = replicationOffset
    self.health = health
  }
}

/// Parser for the CLUSTER SHARDS reply (Redis 7.0+), RESP2 flat arrays or RESP3 maps.
public enum ShardsParser {
  /// Parses the reply; an error reply or a malformed shard throws.
  public static func parse(_ reply: RESPValue) throws(ClusterParseError) -> [ShardInfo] {
    if let message = reply.errorMessage {
      throw failure("CLUSTER SHARDS failed: \(excerpt(message, limit: 200))")
    }
    guard let shards = reply.elements else {
      throw failure("CLUSTER SHARDS: expected an array of shards")
    }
    var result: [ShardInfo] = []
    for (index, shard) in shards.enumerated() {
      let at = "CLUSTER SHARDS shard \(index + 1)"
      guard shard.pairs != nil else {
        throw failure("\(at): expected a map")
      }
      guard let flat = shard["slots"]?.elements else {
        throw failure("\(at): missing 'slots'")
      }
      guard let nodes = shard["nodes"]?.elements else {
        throw failure("\(at): missing 'nodes'")
      }
      result.append(
        ShardInfo(slots: try slotRanges(flat, at: at), nodes: try shardNodes(nodes, at: at)))
    }
    return result
  }

  /// `start,end,start,end,…` (integers, or strings holding integers) as ranges.
  private static func slotRanges(_ flat: [RESPValue], at: String) throws(ClusterParseError)
    -> [SlotRange]
  {
    guard flat.count % 2 == 0 else {
      throw failure("\(at): odd number of slot bounds (\(flat.count))")
    }
    var ranges: [SlotRange] = []
    for i in stride(from: 0, to: flat.count, by: 2) {
      guard let lower = flat[i].int, let upper = flat[i + 1].int,
        lower >= 0, lower <= upper, upper < slotCount
      else {
        throw failure("\(at): bad slot range \(describe(flat[i]))-\(describe(flat[i + 1]))")
      }
      ranges.append(SlotRange(lower, upper))
    }
    return ranges
  }

  private static func shardNodes(_ nodes: [RESPValue], at: String) throws(ClusterParseError)
    -> [ShardNode]
  {
    var result: [ShardNode] = []
    for (index, node) in nodes.enumerated() {
      let place = "\(at), node \(index + 1)"
      guard node.pairs != nil else {
        throw failure("\(place): expected a map")
      }
      guard let id = node["id"]?.string, !id.isEmpty else {
        throw failure("\(place): missing 'id'")
      }
      guard let role = node["role"]?.string else {
        throw failure("\(place): missing 'role'")
      }
      result.append(
        ShardNode(
          id: id, port: node["port"]?.int, tlsPort: node["tls-port"]?.int, ip: node["ip"]?.string,
          endpoint: node["endpoint"]?.string, hostname: node["hostname"]?.string, role: role,
          replicationOffset: node["replication-offset"]?.int, health: node["health"]?.string))
    }
    return result
  }

  private static func failure(_ reason: String) -> ClusterParseError {
    ClusterParseError(line: nil, reason: reason)
  }

  /// A short rendering of a value for error messages: a number or an excerpt of a string, else
  /// what kind of value it is (never a dump of a whole tree).
  private static func describe(_ value: RESPValue) -> String {
    if let text = value.string { return excerpt(text) }
    if let number = value.int { return String(number) }
    switch value.unwrapped {
    case .null: return "(null)"
    case .array, .set, .push: return "(an array)"
    case .map: return "(a map)"
    case .error, .bulkError: return "(an error)"
    case .double: return "(a double)"
    case .boolean: return "(a boolean)"
    default: return "(a value)"
    }
  }
}
