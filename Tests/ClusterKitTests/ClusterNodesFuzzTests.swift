import ClusterKit
import RedisCore
import TestSupport
import Testing

/// Builds random CLUSTER NODES tables and prints them the many ways Redis and Valkey do (old
/// format without a bus port, hostnames and aux fields, IPv6, `slave` or `replica`, CRLF, blank
/// lines, open slots).
struct NodesTableGenerator {
  var rng: SplitMix64

  init(seed: UInt64) {
    rng = SplitMix64(seed: seed)
  }

  private mutating func chance(_ p: Double) -> Bool { Double.random(in: 0..<1, using: &rng) < p }

  mutating func table() -> [ClusterNodeEntry] {
    let count = Int.random(in: 1...8, using: &rng)
    let ids = (0..<count).map { _ in nodeID() }
    return ids.map { entry(id: $0, peers: ids) }
  }

  mutating func nodeID() -> String {
    if chance(0.9) {
      return String((0..<40).map { _ in "0123456789abcdef".randomElement(using: &rng)! })
    }
    // The parser does not check ids: anything without whitespace (other than `-`) is one.
    return ["n1", "node-é", "x,y", "a@b:c", "[id]", "中文", "--"].randomElement(using: &rng)!
      + String(Int.random(in: 0...99, using: &rng))
  }

  mutating func entry(id: String, peers: [String]) -> ClusterNodeEntry {
    var entry = ClusterNodeEntry(id: id)
    let master = chance(0.5)
    entry.flags = master ? .master : .replica
    let extras: [NodeFlags] = [.myself, .pfail, .fail, .handshake, .noaddr, .nofailover]
    for flag in extras where chance(0.12) { entry.flags.insert(flag) }
    if !entry.flags.contains(.noaddr) && chance(0.95) {
      entry.address = NodeAddress(host: host(), port: Int.random(in: 1...65535, using: &rng))
    }
    entry.busPort = chance(0.85) ? Int.random(in: 1...65535, using: &rng) : nil
    if chance(0.3) {
      entry.hostname = ["redis-0.redis.ns.svc.cluster.local", "node-b.example", "h", "nœud-3"]
        .randomElement(using: &rng)!
    }
    if chance(0.3) {
      for _ in 0..<Int.random(in: 1...3, using: &rng) {
        let key = ["shard-id", "tls-port", "nodename", "x"].randomElement(using: &rng)!
        entry.aux[key] = ["", "0", "30102", "4b2c5f0e3a1d", "a=b"].randomElement(using: &rng)!
      }
    }
    if !master && chance(0.9) { entry.masterId = peers.randomElement(using: &rng)! }
    entry.pingSent = number()
    entry.pongReceived = number()
    entry.configEpoch = number()
    entry.linkConnected = chance(0.8)
    if master {
      for _ in 0..<Int.random(in: 0...6, using: &rng) {
        let lower = Int.random(in: 0..<slotCount, using: &rng)
        let upper = chance(0.3) ? lower : Int.random(in: lower..<min(slotCount, lower + 3000), using: &rng)
        entry.slots.insert(SlotRange(lower, upper))
      }
      for _ in 0..<Int.random(in: 0...2, using: &rng) {
        let slot = Int.random(in: 0..<slotCount, using: &rng)
        let peer = peers.randomElement(using: &rng)!
        if chance(0.5) { entry.migrating[slot] = peer } else { entry.importing[slot] = peer }
      }
    }
    return entry
  }

  private mutating func host() -> String {
    switch Int.random(in: 0..<4, using: &rng) {
    case 0: return "127.0.0.1"
    case 1: return (0..<4).map { _ in String(Int.random(in: 0...255, using: &rng)) }.joined(separator: ".")
    case 2: return ["::1", "2001:db8::a", "fe80::1%eth0", "::ffff:10.0.0.1"].randomElement(using: &rng)!
    default: return ["redis-0.redis-headless", "node-b.example", "[odd]", "x]"].randomElement(using: &rng)!
    }
  }

  private mutating func number() -> Int {
    switch Int.random(in: 0..<4, using: &rng) {
    case 0: return 0
    case 1: return Int.random(in: 0...20, using: &rng)
    case 2: return Int.random(in: 1_700_000_000_000...1_800_000_000_000, using: &rng)
    default: return [Int.max, Int.min, -1].randomElement(using: &rng)!
    }
  }

  /// The table as CLUSTER NODES text, in a random but faithful spelling: parsing it gives back
  /// exactly `entries`. Works for any parsed entry, not only generated ones.
  mutating func render(_ entries: [ClusterNodeEntry]) -> String {
    let newline = chance(0.3) ? "\r\n" : "\n"
    var text = ""
    for entry in entries {
      if chance(0.1) { text += [" ", "\t", "\r", ""].randomElement(using: &rng)! + newline }
      text += line(entry) + newline
    }
    // Without the final line end (the last Character is the whole "\r\n").
    if !text.isEmpty && chance(0.5) { text.removeLast() }
    return text
  }

  private mutating func line(_ entry: ClusterNodeEntry) -> String {
    var fields = [entry.id, addressField(entry), flagsField(entry.flags), entry.masterId ?? "-"]
    fields += [entry.pingSent, entry.pongReceived, entry.configEpoch].map { String($0) }
    fields.append(entry.linkConnected ? "connected" : "disconnected")
    var slotFields: [String] = []
    for range in entry.slots.ranges {
      // Redis prints maximal ranges; a split range or `n-n` must read the same.
      if range.count > 1 && chance(0.2) {
        let cut = Int.random(in: range.lower..<range.upper, using: &rng)
        slotFields += ["\(range.lower)-\(cut)", "\(cut + 1)-\(range.upper)"]
      } else if range.count == 1 && chance(0.2) {
        slotFields.append("\(range.lower)-\(range.lower)")
      } else {
        slotFields.append(range.description)
      }
    }
    slotFields += entry.migrating.map { "[\($0.key)->-\($0.value)]" }
    slotFields += entry.importing.map { "[\($0.key)-<-\($0.value)]" }
    fields += slotFields.shuffled(using: &rng)
    var line = ""
    for (i, field) in fields.enumerated() {
      if i > 0 { line += chance(0.9) ? " " : ["  ", "\t", " \t "].randomElement(using: &rng)! }
      line += field
    }
    return chance(0.1) ? line + " " : line
  }

  private mutating func flagsField(_ flags: NodeFlags) -> String {
    if flags.isEmpty { return ["-", "future-flag"].randomElement(using: &rng)! }
    var names = flags.names.map { $0 == "replica" && chance(0.7) ? "slave" : $0 }
    if chance(0.1) { names.insert("future-flag", at: Int.random(in: 0...names.count, using: &rng)) }
    return names.joined(separator: ",")
  }

  private mutating func addressField(_ entry: ClusterNodeEntry) -> String {
    var field: String
    if let address = entry.address, !entry.flags.contains(.noaddr) {
      var host = address.host
      // The parser strips one pair of bracket bytes, so a host that looks bracketed must get another.
      let mustBracket = host.utf8.first == UInt8(ascii: "[") && host.utf8.last == UInt8(ascii: "]")
      if mustBracket || (host.contains(":") && host.unicodeScalars.first?.isASCII == true && chance(0.2)) {
        host = "[\(host)]"
      }
      field = "\(host):\(address.port)"
    } else {
      // No usable address: an empty host or port 0.
      field = [":0", "10.0.0.9:0", ":7000"].randomElement(using: &rng)!
    }
    if let busPort = entry.busPort {
      field += "@\(busPort)"
    } else if chance(0.5) {
      field += "@0"
    }
    var extras: [String] = entry.aux.map { "\($0.key)=\($0.value)" }.shuffled(using: &rng)
    if let hostname = entry.hostname {
      extras.insert(hostname, at: 0)
    } else if !extras.isEmpty ? chance(0.5) : chance(0.1) {
      // An empty hostname slot (Redis 7 prints one when aux fields follow).
      extras.insert("", at: 0)
    }
    for extra in extras { field += ",\(extra)" }
    return field
  }
}

/// Lines of a CLUSTER NODES text as the parser numbers them (split at LF only).
private func lineTexts(_ bytes: [UInt8]) -> [ArraySlice<UInt8>] {
  bytes.split(separator: 10, omittingEmptySubsequences: false)
}

private func isBlank(_ line: ArraySlice<UInt8>) -> Bool {
  line.allSatisfy { $0 == 32 || $0 == 9 || $0 == 13 }
}

@Suite struct ClusterNodesFuzzTests {
  /// A generated table printed in any of the accepted spellings parses back to exactly itself.
  @Test func generatedTablesParseBackExactly() throws {
    var generator = NodesTableGenerator(seed: 11)
    for _ in 0..<FuzzBudget.rounds(400) {
      let table = generator.table()
      let text = generator.render(table)
      let same = try ClusterNodesParser.parse(text) == table
      #expect(same, "\(text.debugDescription)")
      if !same { return }
    }
  }

  /// Mutated tables (flipped bytes, truncation, inserted separators, huge numbers, invalid UTF-8,
  /// repeated chunks) either parse to entries that keep every invariant, or throw an error that
  /// names the first bad line in one short sentence.
  @Test(arguments: 0..<2)
  func mutatedTables(shard: Int) throws {
    var generator = NodesTableGenerator(seed: 100 + UInt64(shard))
    var rng = SplitMix64(seed: 200 + UInt64(shard))
    var mutator = ByteMutator(
      tokens: [
        " ", "\t", "\r\n", "\n", ",", "@", ":", "-", "=", "[", "]", "->-", "-<-", "master", "slave",
        "connected", "noaddr", "myself", "::1", "@0",
      ].map { Array($0.utf8) })
    var outcomes = (parsed: 0, failed: 0)
    for _ in 0..<FuzzBudget.rounds(1000) {
      var bytes = Array(generator.render(generator.table()).utf8)
      mutator.mutate(&bytes, using: &rng)
      // Replies reach the parser as Swift strings: invalid UTF-8 is already repaired.
      let text = String(decoding: bytes, as: UTF8.self)
      let lines = lineTexts(Array(text.utf8))
      var violation: String?
      do {
        let entries = try ClusterNodesParser.parse(text)
        outcomes.parsed += 1
        violation = Self.violation(in: entries, lines: lines, generator: &generator)
      } catch {
        outcomes.failed += 1
        violation = Self.violation(in: error, lines: lines)
      }
      if let violation {
        Issue.record("\(violation): \(text.debugDescription)")
        return
      }
    }
    #expect(outcomes.parsed > 100 && outcomes.failed > 100)
  }

  /// Plain checks (not `#expect` per round, which would dominate a debug run).
  private static func violation(
    in entries: [ClusterNodeEntry], lines: [ArraySlice<UInt8>], generator: inout NodesTableGenerator
  ) -> String? {
    if entries.count != lines.filter({ !isBlank($0) }).count { return "not one entry per non-blank line" }
    let separators: Set<UInt8> = [32, 9, 13, 10]
    for entry in entries {
      if entry.id.isEmpty || entry.id.utf8.contains(where: separators.contains) { return "bad id" }
      if entry.masterId == "-" || entry.masterId?.isEmpty == true { return "bad master id" }
      if let address = entry.address {
        if !(1...65535).contains(address.port) || address.host.isEmpty { return "bad address" }
        if entry.flags.contains(.noaddr) { return "noaddr node with an address" }
      }
      if let busPort = entry.busPort, !(1...65535).contains(busPort) { return "bad bus port" }
      if entry.hostname?.isEmpty == true || entry.hostname?.contains("=") == true { return "bad hostname" }
      let open = Array(entry.migrating.keys) + Array(entry.importing.keys)
      if open.contains(where: { !(0..<slotCount).contains($0) }) { return "open slot out of range" }
      if (Array(entry.migrating.values) + Array(entry.importing.values)).contains(where: \.isEmpty) {
        return "open slot without a peer"
      }
    }
    // Whatever was accepted prints and parses back to the same entries.
    let again = generator.render(entries)
    guard let reparsed = try? ClusterNodesParser.parse(again), reparsed == entries else {
      return "re-printed entries did not parse back the same (\(again.debugDescription))"
    }
    return nil
  }

  private static func violation(in error: ClusterParseError, lines: [ArraySlice<UInt8>]) -> String? {
    guard let number = error.line, (1...lines.count).contains(number) else { return "bad line number" }
    if !isSentence(error.reason) { return "not a one-line sentence: \(error.reason.debugDescription)" }
    // The error is about that line alone, and every line before it is fine.
    let alone = String(decoding: lines[number - 1], as: UTF8.self)
    do {
      _ = try ClusterNodesParser.parse(alone)
      return "line \(number) parses alone"
    } catch let other {
      if other != ClusterParseError(line: 1, reason: error.reason) {
        return "line \(number) alone fails differently"
      }
    }
    let before = String(decoding: Array(lines[..<(number - 1)].joined(separator: [10])), as: UTF8.self)
    if (try? ClusterNodesParser.parse(before)) == nil { return "a line before line \(number) fails" }
    return nil
  }
}
