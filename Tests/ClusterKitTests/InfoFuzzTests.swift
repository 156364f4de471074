import ClusterKit
import RedisCore
import TestSupport
import Testing

/// Builds random INFO replies: sections, `dbN:keys=…` keyspace lines, `slaveN:ip=…` replica lines,
/// values with colons, CRLF or LF.
struct InfoGenerator {
  var rng: SplitMix64

  init(seed: UInt64) {
    rng = SplitMix64(seed: seed)
  }

  private mutating func chance(_ p: Double) -> Bool { Double.random(in: 0..<1, using: &rng) < p }

  struct Reply {
    var fields: [String: String] = [:]
    var keys = 0
    var replicas: [ReplicaLine] = []
  }

  mutating func reply() -> Reply {
    var reply = Reply()
    for _ in 0..<Int.random(in: 0...8, using: &rng) {
      let key = ["role", "redis_version", "master_host", "executable", "cluster_state", "x", "used_memory"]
        .randomElement(using: &rng)!
      reply.fields[key] = ["master", "7.2.4", "::1", "/usr/bin/redis-server", "", "a:b:c", "é 😀", "#1"]
        .randomElement(using: &rng)!
    }
    for db in (0..<16).shuffled(using: &rng).prefix(Int.random(in: 0...3, using: &rng)) {
      let keys = Int.random(in: 0...1_000_000_000, using: &rng)
      reply.fields["db\(db)"] = "keys=\(keys),expires=\(Int.random(in: 0...keys, using: &rng)),avg_ttl=0"
      reply.keys += keys
    }
    for n in (0..<12).shuffled(using: &rng).prefix(Int.random(in: 0...3, using: &rng)).sorted() {
      let line = ReplicaLine(
        ip: ["10.0.0.\(n)", "::1", "redis-\(n).svc"].randomElement(using: &rng)!,
        port: Int.random(in: 1...65535, using: &rng),
        state: ["online", "wait_bgsave", "send_bulk"].randomElement(using: &rng)!,
        offset: Int.random(in: 0...Int(Int32.max), using: &rng), lag: Int.random(in: 0...5, using: &rng))
      reply.fields["slave\(n)"] =
        "ip=\(line.ip),port=\(line.port),state=\(line.state),offset=\(line.offset),lag=\(line.lag)"
      reply.replicas.append(line)
    }
    return reply
  }

  /// `fields` as INFO text, in a random order with section headers and blank lines.
  mutating func render(_ fields: [String: String]) -> String {
    let newline = chance(0.7) ? "\r\n" : "\n"
    var text = ""
    for (key, value) in fields.shuffled(using: &rng) {
      if chance(0.2) { text += ["# Server", "# Keyspace", "", "#"].randomElement(using: &rng)! + newline }
      text += "\(key):\(value)\(newline)"
    }
    return text
  }
}

@Suite struct InfoFuzzTests {
  /// Generated replies parse back to their fields, key count and replicas.
  @Test func generatedRepliesParseBackExactly() {
    var generator = InfoGenerator(seed: 31)
    for _ in 0..<FuzzBudget.rounds(1000) {
      let reply = generator.reply()
      let info = InfoParser.parse(generator.render(reply.fields))
      let ok =
        info == reply.fields && InfoParser.keyspaceKeys(info) == reply.keys
        && InfoParser.replicas(info) == reply.replicas
      #expect(ok, "\(reply.fields)")
      if !ok { return }
    }
  }

  /// Mutated replies never trap, give only well-formed keys and values (which print and parse
  /// back the same), a key count that is not negative, and replicas with a valid address in
  /// slave-number order.
  @Test(arguments: 0..<2)
  func mutatedReplies(shard: Int) {
    var generator = InfoGenerator(seed: 500 + UInt64(shard))
    var rng = SplitMix64(seed: 600 + UInt64(shard))
    var mutator = ByteMutator(
      tokens: [
        ":", ",", "=", "\r\n", "\n", "\r", "#", "db", "slave", "keys=", "port=", "ip=", "db0:keys=",
        "\r\nslave01:ip=10.9.9.9,port=7000\r\n", "\r\ndb00:keys=9223372036854775807\r\n",
      ]
      .map { Array($0.utf8) })
    for _ in 0..<FuzzBudget.rounds(2000) {
      var bytes = Array(generator.render(generator.reply().fields).utf8)
      mutator.mutate(&bytes, using: &rng)
      let text = String(decoding: bytes, as: UTF8.self)
      let info = InfoParser.parse(text)
      var violation: String?
      let lineBreaks: Set<UInt8> = [10, 13]
      for (key, value) in info {
        if key.utf8.contains(UInt8(ascii: ":")) || key.utf8.first == UInt8(ascii: "#")
          || key.utf8.contains(where: lineBreaks.contains) || value.utf8.contains(where: lineBreaks.contains)
        {
          violation = "malformed field \(key.debugDescription): \(value.debugDescription)"
        }
      }
      if InfoParser.parse(generator.render(info)) != info { violation = "fields did not print back the same" }
      if InfoParser.keyspaceKeys(info) < 0 { violation = "negative key count" }
      let replicas = InfoParser.replicas(info)
      if replicas.contains(where: { $0.ip.isEmpty || !(0...65535).contains($0.port) }) {
        violation = "replica without a valid address"
      }
      // The same fields in a dictionary of another capacity iterate in another order.
      var copy: [String: String] = [:]
      copy.reserveCapacity(info.count * 4 + 7)
      for (key, value) in info.reversed() { copy[key] = value }
      if InfoParser.replicas(copy) != replicas { violation = "replica order depends on the dictionary" }
      if let violation {
        Issue.record("\(violation): \(text.debugDescription)")
        return
      }
    }
  }
}
