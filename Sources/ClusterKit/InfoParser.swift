import RedisCore

/// One `slaveN:` line of INFO replication: a replica as its master sees it.
public struct ReplicaLine: Hashable, Sendable {
  public var ip: String
  public var port: Int
  /// `online`, `wait_bgsave`, `send_bulk`, …; empty when the field is missing.
  public var state: String
  /// Replication offset acknowledged by the replica; 0 when missing.
  public var offset: Int
  /// Seconds since the last acknowledgement; 0 when missing.
  public var lag: Int

  public init(ip: String, port: Int, state: String, offset: Int, lag: Int) {
    self.ip = ip
    self.port = port
    self.state = state
    self.offset = offset
    self.lag = lag
  }
}

/// Parser for the `key:value` text of INFO and CLUSTER INFO.
public enum InfoParser {
  /// The `key:value` lines as a dictionary; `# Section` headers and blank lines are skipped.
  public static func parse(_ text: String) -> [String: String] {
    var result: [String: String] = [:]
    // Byte-wise: Character-wise splitting was a large share of `check`'s CPU time.
    for line in text.utf8.split(whereSeparator: { $0 == 10 || $0 == 13 }) {
      if line.first == UInt8(ascii: "#") { continue }
      // Values may contain colons (IPv6 addresses, paths), so split at the first one only.
      guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else { continue }
      result[String(Substring(line[..<colon]))] = String(Substring(line[line.index(after: colon)...]))
    }
    return result
  }

  /// Total `keys=` over all `dbN:keys=…,expires=…` entries of INFO keyspace; negative counts are
  /// ignored and the sum saturates at `Int.max` (a corrupt reply must not trap on overflow).
  public static func keyspaceKeys(_ info: [String: String]) -> Int {
    var total = 0
    for (key, value) in info where indexedKey(key, prefix: "db") != nil {
      guard let keys = Int(fields(value)["keys"] ?? ""), keys > 0 else { continue }
      total = keys > Int.max - total ? Int.max : total + keys
    }
    return total
  }

  /// The replicas listed by INFO replication (`slaveN:ip=…,port=…,state=…,offset=…,lag=…`),
  /// ordered by N; entries without a valid ip and port are skipped.
  public static func replicas(_ info: [String: String]) -> [ReplicaLine] {
    var numbered: [(n: Int, key: String, line: ReplicaLine)] = []
    for (key, value) in info {
      guard let n = indexedKey(key, prefix: "slave") else { continue }
      let f = fields(value)
      guard let ip = f["ip"], !ip.isEmpty, let port = f["port"].flatMap({ Int($0) }),
        (0...65535).contains(port)
      else { continue }
      let line = ReplicaLine(
        ip: ip, port: port, state: f["state"] ?? "",
        offset: f["offset"].flatMap { Int($0) } ?? 0, lag: f["lag"].flatMap { Int($0) } ?? 0)
      numbered.append((n, key, line))
    }
    // Ties (`slave1` and `slave01`) are broken by the key, not by the dictionary's order.
    return numbered.sorted { ($0.n, $0.key) < ($1.n, $1.key) }.map(\.line)
  }

  /// N for keys of the form `<prefix>N`, else nil.
  private static func indexedKey(_ key: String, prefix: String) -> Int? {
    guard key.hasPrefix(prefix) else { return nil }
    let digits = key.dropFirst(prefix.count)
    guard !digits.isEmpty, digits.allSatisfy({ $0 >= "0" && $0 <= "9" }) else { return nil }
    return Int(digits)
  }

  /// `a=1,b=2` as a dictionary.
  private static func fields(_ value: String) -> [String: String] {
    var result: [String: String] = [:]
    for part in value.split(separator: ",") {
      guard let equals = part.firstIndex(of: "=") else { continue }
      result[String(part[..<equals])] = String(part[part.index(after: equals)...])
    }
    return result
  }
}
