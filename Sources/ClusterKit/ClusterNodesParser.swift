import RedisCore
import Synchronization

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
  private static let known: [(NodeFlags, StaticString)] = [
    (.myself, "myself"), (.master, "master"), (.replica, "replica"), (.pfail, "fail?"),
    (.fail, "fail"), (.handshake, "handshake"), (.noaddr, "noaddr"), (.nofailover, "nofailover"),
    (.noflags, "noflags"),
  ]

  /// Parses a comma-separated flags field such as `myself,master`; unknown flags are ignored.
  public init(parsing text: some StringProtocol) {
    var text = String(text)
    self = text.withUTF8 { Self(bytes: ReplyBytes(base: $0), 0..<$0.count) }
  }

  init(bytes: ReplyBytes, _ field: Range<Int>) {
    self.init()
    var start = field.lowerBound
    while start <= field.upperBound {
      let end = bytes.firstIndex(of: UInt8(ascii: ","), in: start..<field.upperBound) ?? field.upperBound
      let word = start..<end
      if bytes.equals(word, "slave") {
        insert(.replica)
      } else if let flag = Self.known.first(where: { bytes.equals(word, $0.1) }) {
        insert(flag.0)
      }
      start = end + 1
    }
  }

  /// The flags as Redis spells them (`fail?` for pfail, `replica` for slave), for display.
  public var names: [String] {
    Self.known.filter { contains($0.0) }.map { $0.1.description }
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

/// The UTF-8 bytes of a reply with the few operations the line parsers need. Parsing works on
/// byte offsets and makes a `String` only of what an entry keeps: splitting into `Substring`s and
/// converting numbers through them was most of `check`'s CPU time on a 60-node cluster.
struct ReplyBytes {
  let base: UnsafeBufferPointer<UInt8>

  func string(_ range: Range<Int>) -> String {
    String(decoding: UnsafeBufferPointer(rebasing: base[range]), as: UTF8.self)
  }

  func equals(_ range: Range<Int>, _ word: StaticString) -> Bool {
    guard range.count == word.utf8CodeUnitCount else { return false }
    let expected = UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount)
    return base[range].elementsEqual(expected)
  }

  func hasPrefix(_ range: Range<Int>, _ word: StaticString) -> Bool {
    range.count >= word.utf8CodeUnitCount
      && equals(range.lowerBound..<range.lowerBound + word.utf8CodeUnitCount, word)
  }

  func firstIndex(of byte: UInt8, in range: Range<Int>) -> Int? {
    var i = range.lowerBound
    while i < range.upperBound {
      if base[i] == byte { return i }
      i += 1
    }
    return nil
  }

  func lastIndex(of byte: UInt8, in range: Range<Int>) -> Int? {
    var i = range.upperBound
    while i > range.lowerBound {
      i -= 1
      if base[i] == byte { return i }
    }
    return nil
  }

  /// What `Int(String)` reads: an optional sign and at least one ASCII digit, nil on overflow.
  func int(_ range: Range<Int>) -> Int? {
    var i = range.lowerBound
    var negative = false
    if i < range.upperBound && (base[i] == UInt8(ascii: "+") || base[i] == UInt8(ascii: "-")) {
      negative = base[i] == UInt8(ascii: "-")
      i += 1
    }
    guard i < range.upperBound else { return nil }
    var value = 0
    while i < range.upperBound {
      let digit = Int(base[i]) &- 48
      guard digit >= 0 && digit <= 9 else { return nil }
      let (times10, o1) = value.multipliedReportingOverflow(by: 10)
      let (next, o2) =
        negative ? times10.subtractingReportingOverflow(digit) : times10.addingReportingOverflow(digit)
      guard !o1 && !o2 else { return nil }
      value = next
      i += 1
    }
    return value
  }

  /// A field quoted in an error message.
  func excerpt(_ range: Range<Int>) -> String { ClusterKit.excerpt(string(range)) }
}

/// Slot sets built from the same slot fields, shared by the tables of one cluster read: each of
/// 60 nodes lists the same 30 masters, and a 2 KiB bitmap per listing was a large share of the
/// memory and time of a 60-node check. Shared sets also compare equal at once (same storage).
public final class SlotSetCache: Sendable {
  private let sets = Mutex<[String: SlotSet]>([:])

  public init() {}

  func lookup(_ fields: String) -> SlotSet? { sets.withLock { $0[fields] } }
  func store(_ fields: String, _ slots: SlotSet) { sets.withLock { $0[fields] = slots } }
}

/// Parser for the text reply of CLUSTER NODES (also the lines of nodes.conf).
public enum ClusterNodesParser {
  /// Parses every non-blank line; LF or CRLF line ends. Lines whose slot fields were parsed
  /// before into `sharing` reuse that slot set.
  public static func parse(_ text: String, sharing cache: SlotSetCache? = nil) throws(ClusterParseError)
    -> [ClusterNodeEntry]
  {
    var text = text
    // A Result: withUTF8 passes on untyped errors only.
    return try text.withUTF8 { parse(ReplyBytes(base: $0), cache) }.get()
  }

  static func parse(_ bytes: ReplyBytes, _ cache: SlotSetCache?) -> Result<
    [ClusterNodeEntry], ClusterParseError
  > {
    var entries: [ClusterNodeEntry] = []
    var fields: [Range<Int>] = []
    fields.reserveCapacity(16)
    let count = bytes.base.count
    var lineNumber = 0
    var start = 0
    while start <= count {
      lineNumber += 1
      let end = bytes.firstIndex(of: UInt8(ascii: "\n"), in: start..<count) ?? count
      fields.removeAll(keepingCapacity: true)
      var i = start
      while i < end {
        while i < end && isSeparator(bytes.base[i]) { i += 1 }
        let fieldStart = i
        while i < end && !isSeparator(bytes.base[i]) { i += 1 }
        if i > fieldStart { fields.append(fieldStart..<i) }
      }
      if !fields.isEmpty {
        do throws(LineError) {
          entries.append(try parseLine(bytes, fields, cache))
        } catch {
          return .failure(ClusterParseError(line: lineNumber, reason: error.reason))
        }
      }
      start = end + 1
    }
    return .success(entries)
  }

  private static func isSeparator(_ byte: UInt8) -> Bool { byte == 32 || byte == 9 || byte == 13 }

  /// A failure within a line; the caller adds the line number.
  private struct LineError: Error {
    var reason: String
  }

  private static func parseLine(_ bytes: ReplyBytes, _ fields: [Range<Int>], _ cache: SlotSetCache?)
    throws(LineError) -> ClusterNodeEntry
  {
    guard fields.count >= 8 else {
      throw LineError(reason: "expected at least 8 fields, found \(fields.count)")
    }
    var entry = ClusterNodeEntry(id: bytes.string(fields[0]))
    entry.flags = NodeFlags(bytes: bytes, fields[2])
    try parseAddress(bytes, fields[1], into: &entry)
    entry.masterId = bytes.equals(fields[3], "-") ? nil : bytes.string(fields[3])
    entry.pingSent = try number(bytes, fields[4], "ping-sent")
    entry.pongReceived = try number(bytes, fields[5], "pong-recv")
    entry.configEpoch = try number(bytes, fields[6], "config-epoch")
    if bytes.equals(fields[7], "connected") {
      entry.linkConnected = true
    } else if bytes.equals(fields[7], "disconnected") {
      entry.linkConnected = false
    } else {
      throw LineError(reason: "bad link-state '\(bytes.excerpt(fields[7]))'")
    }
    guard fields.count > 8 else { return entry }
    // The same text always gives the same slot set: a cached one stands for the ranges.
    let key = cache == nil ? nil : bytes.string(fields[8].lowerBound..<fields[fields.count - 1].upperBound)
    let cached = key.flatMap { cache?.lookup($0) }
    for field in fields.dropFirst(8) where cached == nil || bytes.base[field.lowerBound] == UInt8(ascii: "[")
    {
      try parseSlotField(bytes, field, into: &entry)
    }
    if let cached {
      entry.slots = cached
    } else if let key {
      cache?.store(key, entry.slots)
    }
    return entry
  }

  private static func number(_ bytes: ReplyBytes, _ field: Range<Int>, _ name: String) throws(LineError)
    -> Int
  {
    guard let value = bytes.int(field) else {
      throw LineError(reason: "bad \(name) '\(bytes.excerpt(field))'")
    }
    return value
  }

  /// `ip:port@cport[,hostname[,key=value…]]`, or the old `ip:port`; IPv6 is not bracketed.
  private static func parseAddress(
    _ bytes: ReplyBytes, _ field: Range<Int>, into entry: inout ClusterNodeEntry
  ) throws(LineError) {
    let comma = bytes.firstIndex(of: UInt8(ascii: ","), in: field) ?? field.upperBound
    if comma < field.upperBound {
      // The hostname always comes first (empty when there is none but aux fields follow);
      // a hostname cannot contain '=', so a leading key=value is taken as an aux field.
      var start = comma + 1
      var first = true
      while start <= field.upperBound {
        let end = bytes.firstIndex(of: UInt8(ascii: ","), in: start..<field.upperBound) ?? field.upperBound
        let part = start..<end
        let equals = bytes.firstIndex(of: UInt8(ascii: "="), in: part)
        if first && equals == nil {
          entry.hostname = part.isEmpty ? nil : bytes.string(part)
        } else if let equals {
          entry.aux[bytes.string(start..<equals)] = bytes.string(equals + 1..<end)
        } else if !part.isEmpty {
          entry.aux[bytes.string(part)] = ""
        }
        first = false
        start = end + 1
      }
    }

    var hostPort = field.lowerBound..<comma
    if let at = bytes.firstIndex(of: UInt8(ascii: "@"), in: hostPort) {
      guard let busPort = bytes.int(at + 1..<hostPort.upperBound), busPort >= 0, busPort <= 65535 else {
        throw LineError(reason: "bad bus port in address '\(bytes.excerpt(field))'")
      }
      entry.busPort = busPort == 0 ? nil : busPort
      hostPort = hostPort.lowerBound..<at
    }
    // The port follows the last colon, so "::1:7000" is host ::1, port 7000.
    guard let colon = bytes.lastIndex(of: UInt8(ascii: ":"), in: hostPort),
      let port = bytes.int(colon + 1..<hostPort.upperBound), port >= 0, port <= 65535
    else {
      throw LineError(reason: "bad address '\(bytes.excerpt(field))'")
    }
    var host = hostPort.lowerBound..<colon
    if host.count >= 2 && bytes.base[host.lowerBound] == UInt8(ascii: "[")
      && bytes.base[host.upperBound - 1] == UInt8(ascii: "]")
    {
      host = host.lowerBound + 1..<host.upperBound - 1
    }
    if !host.isEmpty && port != 0 && !entry.flags.contains(.noaddr) {
      entry.address = NodeAddress(host: bytes.string(host), port: port)
    }
  }

  /// `0-5460`, `5461`, `[5461->-id]` (migrating) or `[5461-<-id]` (importing).
  private static func parseSlotField(
    _ bytes: ReplyBytes, _ field: Range<Int>, into entry: inout ClusterNodeEntry
  ) throws(LineError) {
    if bytes.base[field.lowerBound] == UInt8(ascii: "[") {
      let bad = LineError(reason: "bad open-slot entry '\(bytes.excerpt(field))'")
      guard field.count > 2, bytes.base[field.upperBound - 1] == UInt8(ascii: "]") else { throw bad }
      let inner = field.lowerBound + 1..<field.upperBound - 1
      var digitsEnd = inner.lowerBound
      while digitsEnd < inner.upperBound && (48...57).contains(bytes.base[digitsEnd]) { digitsEnd += 1 }
      let rest = digitsEnd..<inner.upperBound
      let peer = min(rest.lowerBound + 3, rest.upperBound)..<rest.upperBound
      guard let slot = bytes.int(inner.lowerBound..<digitsEnd), slot < slotCount, !peer.isEmpty else {
        throw bad
      }
      if bytes.hasPrefix(rest, "->-") {
        entry.migrating[slot] = bytes.string(peer)
      } else if bytes.hasPrefix(rest, "-<-") {
        entry.importing[slot] = bytes.string(peer)
      } else {
        throw bad
      }
      return
    }
    let dash = bytes.firstIndex(of: UInt8(ascii: "-"), in: field)
    let lowerText = field.lowerBound..<(dash ?? field.upperBound)
    let upperText = dash.map { $0 + 1..<field.upperBound } ?? field
    guard upperText.isEmpty || bytes.firstIndex(of: UInt8(ascii: "-"), in: upperText) == nil,
      let lower = bytes.int(lowerText), let upper = bytes.int(upperText),
      lower >= 0, lower <= upper, upper < slotCount
    else {
      throw LineError(reason: "bad slot entry '\(bytes.excerpt(field))'")
    }
    entry.slots.insert(SlotRange(lower, upper))
  }
}
