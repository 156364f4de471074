// libFuzzer harness: RESP bytes → RESPDecoder → ShardsParser.parse (CLUSTER SHARDS).
import ClusterKit
import RedisCore
import RESP

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzShards(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
  let bytes = Array(UnsafeBufferPointer(start: data, count: size))
  // The reply as a connection would hand it over (default limits: depth 64).
  guard let (reply, _) = try? RESPDecoder().decode(bytes) else { return 0 }
  let result = Result { () throws(ClusterParseError) in try ShardsParser.parse(reply) }
  switch result {
  case .success(let shards):
    for shard in shards {
      check(
        shard.slots.allSatisfy { $0.lower >= 0 && $0.lower <= $0.upper && $0.upper < slotCount }, "bad range")
      check(shard.nodes.allSatisfy { !$0.id.isEmpty }, "node without an id")
    }
  case .failure(let error):
    check(error.line == nil && error.reason.hasPrefix("CLUSTER SHARDS"), "bad error \(error)")
    check(isSentence(error.reason), "not a one-line sentence: \(error.reason.debugDescription)")
  }
  // RESP2 and RESP3 spell the shard and node maps differently; the result must not change.
  let flat = Result { () throws(ClusterParseError) in try ShardsParser.parse(resp2Spelling(reply)) }
  check(flat == result, "RESP2 spelling parsed differently")
  return 0
}

/// The reply with every shard and node map sent as a RESP2 flat array.
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

@_cdecl("LLVMFuzzerInitialize")
public func initialize(
  _ argc: UnsafeMutablePointer<CInt>?,
  _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>?
) -> CInt {
  let node = RESPValue.map([RESPPair(bulk("id"), bulk("abc")), RESPPair(bulk("role"), bulk("master"))])
  let shard = { (nodes: [RESPValue]) in
    RESPValue.map([RESPPair(bulk("slots"), .array([])), RESPPair(bulk("nodes"), .array(nodes))])
  }
  runScalingProbe(
    "cluster-shards",
    [
      (
        "many shards",
        { size in RESPEncoder.encode(.array(Array(repeating: shard([node]), count: size / 60))) }
      ),
      (
        "many nodes",
        { size in RESPEncoder.encode(.array([shard(Array(repeating: node, count: size / 40))])) }
      ),
      (
        "node with many fields (RESP2)",
        { size in
          let pairs =
            (0..<(size / 24)).flatMap { [bulk("k\($0)"), bulk("v")] } + [
              bulk("id"), bulk("a"), bulk("role"), bulk("m"),
            ]
          return RESPEncoder.encode(.array([shard([.array(pairs)])]))
        }
      ),
      (
        "many slot bounds",
        { size in
          let bounds = (0..<(size / 12)).map { RESPValue.integer(Int64($0 % slotCount)) }
          return RESPEncoder.encode(
            .array([.map([RESPPair(bulk("slots"), .array(bounds)), RESPPair(bulk("nodes"), .array([]))])]))
        }
      ),
    ]
  ) { bytes in
    if let (reply, _) = try? RESPDecoder().decode(bytes) { _ = try? ShardsParser.parse(reply) }
  }
  writeSeeds {
    var seeds: [[UInt8]] = []
    var rng = SplitMix64(state: 2)
    for round in 0..<200 { seeds.append(RESPEncoder.encode(reply(&rng, resp3: round % 2 == 0))) }
    return seeds
  }
  return 0
}

private func bulk(_ text: String) -> RESPValue { .bulkString(Array(text.utf8)) }

/// A random reply shaped like Redis 7's (as in Tests/ClusterKitTests/ShardsParserTests.swift).
private func reply(_ rng: inout SplitMix64, resp3: Bool) -> RESPValue {
  func object(_ pairs: [(String, RESPValue)]) -> RESPValue {
    resp3 ? .map(pairs.map { RESPPair(bulk($0.0), $0.1) }) : .array(pairs.flatMap { [bulk($0.0), $0.1] })
  }
  return .array(
    (0..<Int.random(in: 0...4, using: &rng)).map { _ in
      var bounds: [RESPValue] = []
      for _ in 0..<Int.random(in: 0...3, using: &rng) {
        let lower = Int.random(in: 0..<slotCount, using: &rng)
        let upper = Int.random(in: lower..<slotCount, using: &rng)
        bounds +=
          Bool.random(using: &rng)
          ? [.integer(Int64(lower)), .integer(Int64(upper))] : [bulk("\(lower)"), bulk("\(upper)")]
      }
      let nodes = (0..<Int.random(in: 0...3, using: &rng)).map { i in
        object([
          ("id", bulk(String((0..<40).map { _ in "0123456789abcdef".randomElement(using: &rng)! }))),
          ("port", .integer(Int64(Int.random(in: 1...65535, using: &rng)))), ("ip", bulk("127.0.0.1")),
          ("endpoint", bulk("node-c.example")), ("hostname", bulk("node-c.example")),
          ("role", .simpleString(i == 0 ? "master" : "replica")),
          ("replication-offset", .integer(Int64(Int.random(in: 0...1_000_000, using: &rng)))),
          ("health", bulk(["online", "failed", "loading"].randomElement(using: &rng)!)),
        ])
      }
      return object([("slots", .array(bounds)), ("nodes", .array(nodes))])
    })
}
