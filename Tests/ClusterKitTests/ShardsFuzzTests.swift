import ClusterKit
import RESP
import RedisCore
import TestSupport
import Testing

/// Builds random CLUSTER SHARDS replies: RESP3 maps or RESP2 flat arrays, integers sent as
/// integers or as strings, fields in any order, unknown fields, attribute wrappers.
struct ShardsGenerator {
  var rng: SplitMix64

  init(seed: UInt64) {
    rng = SplitMix64(seed: seed)
  }

  private mutating func chance(_ p: Double) -> Bool { Double.random(in: 0..<1, using: &rng) < p }

  mutating func shards() -> [ShardInfo] {
    (0..<Int.random(in: 0...5, using: &rng)).map { _ in
      let slots = (0..<Int.random(in: 0...4, using: &rng)).map { _ in
        let lower = Int.random(in: 0..<slotCount, using: &rng)
        return SlotRange(lower, chance(0.3) ? lower : Int.random(in: lower..<slotCount, using: &rng))
      }
      let nodes = (0..<Int.random(in: 0...3, using: &rng)).map { i in node(master: i == 0) }
      return ShardInfo(slots: slots, nodes: nodes)
    }
  }

  private mutating func node(master: Bool) -> ShardNode {
    func maybe<T>(_ value: T, _ rng: inout SplitMix64) -> T? { Bool.random(using: &rng) ? value : nil }
    return ShardNode(
      id: String((0..<40).map { _ in "0123456789abcdef".randomElement(using: &rng)! }),
      port: maybe(Int.random(in: 1...65535, using: &rng), &rng),
      tlsPort: maybe(Int.random(in: 1...65535, using: &rng), &rng),
      ip: maybe(["127.0.0.1", "::1", "10.1.2.3", ""].randomElement(using: &rng)!, &rng),
      endpoint: maybe(["127.0.0.1", "node-c.example", "?"].randomElement(using: &rng)!, &rng),
      hostname: maybe(["node-c.example", "", "nœud"].randomElement(using: &rng)!, &rng),
      role: master ? "master" : "replica",
      replicationOffset: maybe([0, 14, Int(Int64.max)].randomElement(using: &rng)!, &rng),
      health: maybe(["online", "failed", "loading"].randomElement(using: &rng)!, &rng))
  }

  /// The reply Redis would send for `shards`, in one of its spellings.
  mutating func reply(_ shards: [ShardInfo], resp3: Bool) -> RESPValue {
    .array(
      shards.map { shard in
        var pairs: [(String, RESPValue)] = [
          ("slots", .array(shard.slots.flatMap { [integer($0.lower), integer($0.upper)] })),
          ("nodes", .array(shard.nodes.map { nodeValue($0, resp3: resp3) })),
        ]
        if chance(0.2) { pairs.append(("future-field", .array([.integer(1)]))) }
        return object(pairs.shuffled(using: &rng), resp3: resp3)
      })
  }

  private mutating func nodeValue(_ node: ShardNode, resp3: Bool) -> RESPValue {
    var pairs: [(String, RESPValue)] = [("id", string(node.id)), ("role", string(node.role))]
    let ints: [(String, Int?)] = [
      ("port", node.port), ("tls-port", node.tlsPort), ("replication-offset", node.replicationOffset),
    ]
    for case (let key, let value?) in ints { pairs.append((key, integer(value))) }
    let strings: [(String, String?)] = [
      ("ip", node.ip), ("endpoint", node.endpoint), ("hostname", node.hostname), ("health", node.health),
    ]
    for case (let key, let value?) in strings { pairs.append((key, string(value))) }
    return object(pairs.shuffled(using: &rng), resp3: resp3)
  }

  private mutating func object(_ pairs: [(String, RESPValue)], resp3: Bool) -> RESPValue {
    let value: RESPValue =
      resp3
      ? .map(pairs.map { RESPPair(string($0.0), $0.1) })
      : .array(pairs.flatMap { [string($0.0), $0.1] })
    return chance(0.05)
      ? .attributed(attributes: [RESPPair(string("ttl"), .integer(3))], value: value) : value
  }

  private mutating func integer(_ n: Int) -> RESPValue {
    switch Int.random(in: 0..<4, using: &rng) {
    case 0: return .bulkString(Array(String(n).utf8))
    case 1: return .simpleString(String(n))
    default: return .integer(Int64(n))
    }
  }

  private mutating func string(_ text: String) -> RESPValue {
    switch Int.random(in: 0..<5, using: &rng) {
    case 0: return .simpleString(text)
    case 1: return .verbatimString(format: "txt", text: Array(text.utf8))
    default: return .bulkString(Array(text.utf8))
    }
  }

  /// A random edit somewhere in the tree: a value replaced by a hostile one, an element removed or
  /// repeated, a value wrapped deep in arrays or attributes.
  mutating func mutate(_ value: RESPValue, depth: Int = 0) -> RESPValue {
    let children = value.elements ?? value.pairs.map { $0.flatMap { [$0.key, $0.value] } }
    if let children, !children.isEmpty, depth < 6, chance(0.75) {
      var edited = children
      let i = Int.random(in: 0..<edited.count, using: &rng)
      switch Int.random(in: 0..<6, using: &rng) {
      case 0: edited.remove(at: i)
      case 1: edited.insert(edited[i], at: i)
      default: edited[i] = mutate(edited[i], depth: depth + 1)
      }
      if case .map = value.unwrapped, edited.count % 2 == 0 {
        return .map(stride(from: 0, to: edited.count, by: 2).map { RESPPair(edited[$0], edited[$0 + 1]) })
      }
      return .array(edited)
    }
    return hostile(value)
  }

  private mutating func hostile(_ value: RESPValue) -> RESPValue {
    switch Int.random(in: 0..<12, using: &rng) {
    case 0: return .integer([Int64.max, Int64.min, -1, 16384, 16383, 0].randomElement(using: &rng)!)
    case 1:
      let texts = ["99999999999999999999", "-0", "+5", " 5", "", "5-10", "abc", "1e3"]
      return .bulkString(Array(texts.randomElement(using: &rng)!.utf8))
    case 2: return .bulkString([0xFF, 0xC3, 0x0D, 0x0A, 0x00])
    case 3: return .null
    case 4: return .error("ERR \(String(repeating: "x", count: Int.random(in: 0...300, using: &rng)))")
    case 5: return .double([.nan, .infinity, 5.0, -0.0].randomElement(using: &rng)!)
    case 6: return .bigNumber("123456789012345678901234567890")
    case 7: return .boolean(chance(0.5))
    case 8:
      var deep = value
      for _ in 0..<Int.random(in: 1...40, using: &rng) { deep = .array([deep]) }
      return deep
    case 9: return .attributed(attributes: [], value: value)
    case 10: return .map([])
    default:
      return .bulkString(Array(String(repeating: "7", count: Int.random(in: 1...2000, using: &rng)).utf8))
    }
  }
}

/// The same reply with every shard and node map sent as a RESP2 flat array: the parser must not
/// care which protocol the connection speaks.
private func resp2Spelling(_ reply: RESPValue) -> RESPValue {
  func flat(_ value: RESPValue, nodes: Bool) -> RESPValue {
    guard case .map(let pairs) = value.unwrapped else { return value }
    return .array(
      pairs.flatMap { pair -> [RESPValue] in
        guard nodes, pair.key.string == "nodes", let list = pair.value.elements else {
          return [pair.key, pair.value]
        }
        return [pair.key, .array(list.map { flat($0, nodes: false) })]
      })
  }
  guard case .array(let shards) = reply.unwrapped else { return reply }
  return .array(shards.map { flat($0, nodes: true) })
}

@Suite struct ShardsFuzzTests {
  /// A generated reply, as a tree and after a trip over the wire, parses back to its shards.
  @Test func generatedRepliesParseBackExactly() throws {
    var generator = ShardsGenerator(seed: 21)
    for round in 0..<FuzzBudget.rounds(600) {
      let shards = generator.shards()
      let reply = generator.reply(shards, resp3: round % 2 == 0)
      let parsed = try ShardsParser.parse(reply)
      let bytes = RESPEncoder.encode(reply)
      let decoded = try #require(try RESPDecoder().decode(bytes))
      let overWire = try ShardsParser.parse(decoded.value)
      #expect(parsed == shards && overWire == shards, "\(reply)")
      if parsed != shards || overWire != shards { return }
    }
  }

  /// Edited trees and mutated wire bytes either parse to shards with valid slot ranges and node
  /// ids, or throw a one-line CLUSTER SHARDS error; RESP2 and RESP3 spellings agree.
  @Test(arguments: 0..<2)
  func mutatedReplies(shard: Int) throws {
    var generator = ShardsGenerator(seed: 300 + UInt64(shard))
    var rng = SplitMix64(seed: 400 + UInt64(shard))
    var mutator = ByteMutator(
      tokens: [
        "*", "%", "|", "$", ":", "+", "\r\n", "*-1\r\n", ":16384\r\n", "$2\r\nid\r\n", "*99999999\r\n",
      ]
      .map { Array($0.utf8) })
    var outcomes = (parsed: 0, failed: 0, undecodable: 0)
    for round in 0..<FuzzBudget.rounds(1500) {
      var reply = generator.reply(generator.shards(), resp3: Bool.random(using: &rng))
      if round % 2 == 0 {
        reply = generator.mutate(reply)
      } else {
        var bytes = RESPEncoder.encode(reply)
        mutator.mutate(&bytes, using: &rng)
        guard let decoded = try? RESPDecoder().decode(bytes) else {
          outcomes.undecodable += 1
          continue
        }
        reply = decoded.value
      }
      let result = Result { () throws(ClusterParseError) in try ShardsParser.parse(reply) }
      var violation: String?
      switch result {
      case .success(let shards):
        outcomes.parsed += 1
        for info in shards {
          if info.slots.contains(where: { $0.lower < 0 || $0.upper >= slotCount || $0.lower > $0.upper }) {
            violation = "slot range out of bounds"
          }
          if info.nodes.contains(where: { $0.id.isEmpty }) { violation = "node without an id" }
        }
      case .failure(let error):
        outcomes.failed += 1
        if error.line != nil || !error.reason.hasPrefix("CLUSTER SHARDS") || !isSentence(error.reason) {
          violation = "not a one-line CLUSTER SHARDS sentence: \(error.reason.debugDescription)"
        }
      }
      let flat = Result { () throws(ClusterParseError) in try ShardsParser.parse(resp2Spelling(reply)) }
      if violation == nil && flat != result { violation = "RESP2 spelling parsed differently" }
      if let violation {
        Issue.record("\(violation): \(reply)")
        return
      }
    }
    #expect(outcomes.parsed > 100 && outcomes.failed > 100)
  }
}
