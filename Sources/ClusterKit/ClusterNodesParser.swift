/// A cluster reply (CLUSTER NODES, CLUSTER SHARDS) that does not have the expected shape.
public struct ClusterParseError: Error, Hashable, Sendable, CustomStringConvertible {
  /// 1-based line of a CLUSTER NODES reply, nil for replies that are not line based.
  public var line: Int?
  public var reason: String

  public init(line: Int?, reason: String) {
    self.line = line
    self.reason = reason
  }

  public var description: String {
    line.map { "line \($0): \(reason)" } ?? reason
  }
}

/// Text from a reply, fit to quote in an error message: control characters escaped (`\u{1B}`)
/// and cut after `limit` characters, so a corrupt or hostile reply can neither garble the
/// terminal nor turn the message into a megabyte.
func excerpt(_ text: some StringProtocol, limit: Int = 64) -> String {
  var out = ""
  var length = 0
  for scalar in text.unicodeScalars {
    if length >= limit { return out + "…" }
    if scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) {
      let escape = "\\u{\(String(scalar.value, radix: 16, uppercase: true))}"
      out += escape
      length += escape.count
    } else {
      out.unicodeScalars.append(scalar)
      length += 1
    }
  }
  return out
}

/// The flags column of CLUSTER NODES.
public struct NodeFlags: OptionSet, Hashable, Sendable, Codable {
  public let rawValue: Int
  public init(rawValue: Int) { self.rawValue = rawValue }

  public static let myself = NodeFlags(rawValue: 1 << 0)
  public static let master = NodeFlags(rawValue: 1 << 1)
  /// Written `slave` (all versions) or `replica`.
  public static let replica = NodeFlags(rawValue: 1 << 2)
  /// Written `fail?`: this node suspects the other is down.
  public static let pfail = NodeFlags(rawValue: 1 << 3)
  public static let fail = NodeFlags(rawValue: 1 << 4)
  public static let handshake = NodeFlags(rawValue: 1 << 5)
  public static let noaddr = NodeFlags(rawValue: 1 << 6)
  public static let nofailover = NodeFlags(rawValue: 1 << 7)
  public static let noflags = NodeFlags(rawValue: 1 << 8)

  /// Flag names in display order, with the Redis spelling of each.
  private static let known: [(NodeFlags, String)] = [
    (.myself, "myself"), (.master, "master"), (.replica, "replica"), (.pfail, "fail?"),
    (.fail, "fail"), (.handshake, "handshake"), (.noaddr, "noaddr"), (.nofailover, "nofailover"),
    (.noflags, "noflags"),
  ]

  /// Parses a comma-separated flags field such as `myself,master`; unknown flags are ignored.
  public init(parsing text: some StringProtocol) {
    self.init()
    let text = String(text)[...]
    for bytes in text.utf8.split(separator: UInt8(ascii: ",")) {
      let word = Substring(bytes)
      if word == "slave" {
        insert(.replica)
      } else if let flag = Self.known.first(where: { $0.1 == word }) {
        insert(flag.0)
      }
    }
  }

  /// The flags as Redis spells them (`fail?` for pfail, `replica` for slave), for display.
  public var names: [String] {
    Self.known.filter { contains($0.0) }.map(\.1)
  }
}

/// One line of a CLUSTER NODES reply.
public struct ClusterNodeEntry: Hashable, Sendable {
  public var id: String
  /// Client address; nil when unknown (`:0@0`, `noaddr`, empty ip).
  public var address: NodeAddress?
  /// Cluster bus port; nil in the old format without `@cport` or when 0.
  public var busPort: Int?
  /// The announced hostname (`ip:port@cport,hostname`); nil when absent or empty.
  public var hostname: String?
  /// Auxiliary `key=value` fields after the hostname (`shard-id`, `tls-port`, `nodename`, …).
  public var aux: [String: String]
  public var flags: NodeFlags
  /// The master's id for a replica; nil for `-`.
  public var masterId: String?
  public var pingSent: Int
  public var pongReceived: Int
  public var configEpoch: Int
  public var linkConnected: Bool
  public var slots: SlotSet
  /// Slots this node is migrating away: slot → destination node id (`[slot->-id]`).
  public var migrating: [Int: String]
  /// Slots this node is importing: slot → source node id (`[slot-<-id]`).
  public var importing: [Int: String]

  public init(
    id: String, address: NodeAddress? = nil, busPort: Int? = nil, hostname: String? = nil,
    aux: [String: String] = [:], flags: NodeFlags = [], masterId: String? = nil, pingSent: Int = 0,
    pongReceived: Int = 0, configEpoch: Int = 0, linkConnected: Bool = true, slots: SlotSet = SlotSet(),
    migrating: [Int: String] = [:], importing: [Int: String] = [:]
  ) {
    self.id = id
    self.address = address
    self.busPort = busPort
    self.hostname = hostname
    self.aux = aux
    self.flags = flags
    self.masterId = masterId
    self.pingSent = pingSent
    self.pongReceived = pongReceived
    self.configEpoch = configEpoch
    self.linkConnected = linkConnected
    self.slots = slots
    self.migrating = migrating
    self.importing = importing
  }

  public var isMaster: Bool { flags.contains(.master) }
  public var isReplica: Bool { flags.contains(.replica) }
  public var isMyself: Bool { flags.contains(.myself) }
}

/// Parser for the text reply of CLUSTER NODES (also the lines of nodes.conf).
public enum ClusterNodesParser {
  /// Parses every non-blank line; LF or CRLF line ends.
  public static func parse(_ text: String) throws(ClusterParseError) -> [ClusterNodeEntry] {
    var entries: [ClusterNodeEntry] = []
    // Split on UTF-8 bytes: Character-wise splitting dominated `check` on large clusters.
    let lines = text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
    for (index, line) in lines.enumerated() {
      let fields = line.split(whereSeparator: { $0 == 32 || $0 == 9 || $0 == 13 }).map { Substring($0) }
      if fields.isEmpty { continue }
      do throws(LineError) {
        entries.append(try parseLine(fields))
      } catch {
        throw ClusterParseError(line: index + 1, reason: error.reason)
      }
    }
    return entries
  }

  /// A failure within a line; the caller adds the line number.
  private struct LineError: Error {
    var reason: String
  }

  private static func parseLine(_ fields: [Substring]) throws(LineError) -> ClusterNodeEntry {
    guard fields.count >= 8 else {
      throw LineError(reason: "expected at least 8 fields, found \(fields.count)")
    }
    var entry = ClusterNodeEntry(id: String(fields[0]))
    entry.flags = NodeFlags(parsing: fields[2])
    try parseAddress(fields[1], into: &entry)
    entry.masterId = fields[3] == "-" ? nil : String(fields[3])
    entry.pingSent = try number(fields[4], "ping-sent")
    entry.pongReceived = try number(fields[5], "pong-recv")
    entry.configEpoch = try number(fields[6], "config-epoch")
    switch fields[7] {
    case "connected": entry.linkConnected = true
    case "disconnected": entry.linkConnected = false
    default: throw LineError(reason: "bad link-state '\(excerpt(fields[7]))'")
    }
    for field in fields.dropFirst(8) {
      try parseSlotField(field, into: &entry)
    }
    return entry
  }

  private static func number(_ field: Substring, _ name: String) throws(LineError) -> Int {
    guard let value = Int(field) else {
      throw LineError(reason: "bad \(name) '\(excerpt(field))'")
    }
    return value
  }

  /// `ip:port@cport[,hostname[,key=value…]]`, or the old `ip:port`; IPv6 is not bracketed.
  private static func parseAddress(_ field: Substring, into entry: inout ClusterNodeEntry)
    throws(LineError)
  {
    // UTF-8 byte searches: Character-wise ones showed up in profiles of `check`.
    let parts = field.utf8.split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false).map {
      Substring($0)
    }
    var extras = parts.dropFirst()
    // The hostname always comes first (empty when there is none but aux fields follow);
    // a hostname cannot contain '=', so a leading key=value is taken as an aux field.
    if let first = extras.first, !first.utf8.contains(UInt8(ascii: "=")) {
      entry.hostname = first.isEmpty ? nil : String(first)
      extras = extras.dropFirst()
    }
    for extra in extras where !extra.isEmpty {
      if let equals = extra.utf8.firstIndex(of: UInt8(ascii: "=")) {
        entry.aux[String(extra[..<equals])] = String(extra[extra.index(after: equals)...])
      } else {
        entry.aux[String(extra)] = ""
      }
    }

    var hostPort = parts[0]
    if let at = hostPort.utf8.firstIndex(of: UInt8(ascii: "@")) {
      let bus = hostPort[hostPort.index(after: at)...]
      guard let busPort = Int(bus), busPort >= 0, busPort <= 65535 else {
        throw LineError(reason: "bad bus port in address '\(excerpt(field))'")
      }
      entry.busPort = busPort == 0 ? nil : busPort
      hostPort = hostPort[..<at]
    }
    // The port follows the last colon, so "::1:7000" is host ::1, port 7000.
    guard let colon = hostPort.utf8.lastIndex(of: UInt8(ascii: ":")),
      let port = Int(hostPort[hostPort.index(after: colon)...]), port >= 0, port <= 65535
    else {
      throw LineError(reason: "bad address '\(excerpt(field))'")
    }
    var host = hostPort[..<colon]
    if host.first == "[" && host.last == "]" {
      host = host.dropFirst().dropLast()
    }
    if !host.isEmpty && port != 0 && !entry.flags.contains(.noaddr) {
      entry.address = NodeAddress(host: String(host), port: port)
    }
  }

  /// `0-5460`, `5461`, `[5461->-id]` (migrating) or `[5461-<-id]` (importing).
  private static func parseSlotField(_ field: Substring, into entry: inout ClusterNodeEntry)
    throws(LineError)
  {
    if field.first == "[" {
      guard field.last == "]", field.count > 2 else {
        throw LineError(reason: "bad open-slot entry '\(excerpt(field))'")
      }
      let inner = field.dropFirst().dropLast()
      let digits = inner.prefix(while: { $0 >= "0" && $0 <= "9" })
      let rest = inner[digits.endIndex...]
      let peer = String(rest.dropFirst(3))
      guard let slot = Int(digits), slot < slotCount, !peer.isEmpty else {
        throw LineError(reason: "bad open-slot entry '\(excerpt(field))'")
      }
      if rest.hasPrefix("->-") {
        entry.migrating[slot] = peer
      } else if rest.hasPrefix("-<-") {
        entry.importing[slot] = peer
      } else {
        throw LineError(reason: "bad open-slot entry '\(excerpt(field))'")
      }
      return
    }
    let bounds = field.split(separator: "-", omittingEmptySubsequences: false)
    guard bounds.count <= 2,
      let lower = Int(bounds[0]), let upper = Int(bounds[bounds.count - 1]),
      lower >= 0, lower <= upper, upper < slotCount
    else {
      throw LineError(reason: "bad slot entry '\(excerpt(field))'")
    }
    entry.slots.insert(SlotRange(lower, upper))
  }
}
