import ClusterKit
import RESP
import RedisCore
import Testing

private func bulk(_ s: String) -> RESPValue { .bulkString(Array(s.utf8)) }

/// A RESP2 flat key/value array or a RESP3 map, from the same pairs.
private func object(_ pairs: [(String, RESPValue)], resp3: Bool) -> RESPValue {
  resp3
    ? .map(pairs.map { RESPPair(bulk($0.0), $0.1) })
    : .array(pairs.flatMap { [bulk($0.0), $0.1] })
}

private let idA = "ed3da01c2f56caafb1eac8f6c9df41004fef77d3"
private let idB = "ebd544e606be9d76292cbf5dc20bdf5f9e060a9a"
private let idC = "6134ccc8ab3f677e3742a0a431d8c8626901e329"

/// The shape Redis 7.0 sends: a master with a replica, and a shard with no slots.
private func reply(resp3: Bool) -> RESPValue {
  func node(_ id: String, _ port: Int, _ role: String, _ offset: Int, _ health: String) -> RESPValue {
    object(
      [
        ("id", bulk(id)), ("port", .integer(Int64(port))), ("ip", bulk("127.0.0.1")),
        ("endpoint", bulk("127.0.0.1")), ("role", bulk(role)),
        ("replication-offset", .integer(Int64(offset))), ("health", bulk(health)),
      ], resp3: resp3)
  }
  return .array([
    object(
      [
        ("slots", .array([.integer(0), .integer(5460), .integer(5462), .integer(5462)])),
        (
          "nodes",
          .array([node(idA, 31001, "master", 14, "online"), node(idB, 31005, "replica", 14, "loading")])
        ),
      ], resp3: resp3),
    object(
      [
        ("slots", .array([])),
        (
          "nodes",
          .array([
            object(
              [
                ("id", bulk(idC)), ("tls-port", .integer(31106)), ("ip", bulk("::1")),
                ("endpoint", bulk("node-c.example")), ("hostname", bulk("node-c.example")),
                ("role", .simpleString("master")), ("replication-offset", .integer(0)),
                ("health", bulk("online")),
              ], resp3: resp3)
          ])
        ),
      ], resp3: resp3),
  ])
}

private let expected = [
  ShardInfo(
    slots: [SlotRange(0, 5460), SlotRange(5462, 5462)],
    nodes: [
      ShardNode(
        id: idA, port: 31001, ip: "127.0.0.1", endpoint: "127.0.0.1", role: "master", replicationOffset: 14,
        health: "online"),
      ShardNode(
        id: idB, port: 31005, ip: "127.0.0.1", endpoint: "127.0.0.1", role: "replica", replicationOffset: 14,
        health: "loading"),
    ]),
  ShardInfo(
    slots: [],
    nodes: [
      ShardNode(
        id: idC, port: nil, tlsPort: 31106, ip: "::1", endpoint: "node-c.example", hostname: "node-c.example",
        role: "master", replicationOffset: 0, health: "online")
    ]),
]

@Suite struct ShardsParserTests {
  @Test(arguments: [false, true])
  func parsesBothProtocols(resp3: Bool) throws {
    #expect(try ShardsParser.parse(reply(resp3: resp3)) == expected)
  }

  @Test func slotBoundsGivenAsStrings() throws {
    let shard = object(
      [("slots", .array([bulk("10923"), bulk("16383")])), ("nodes", .array([]))], resp3: false)
    #expect(
      try ShardsParser.parse(.array([shard])) == [ShardInfo(slots: [SlotRange(10923, 16383)], nodes: [])])
  }

  @Test func emptyReplyAndAttributes() throws {
    #expect(try ShardsParser.parse(.array([])) == [])
    let wrapped = RESPValue.attributed(attributes: [], value: reply(resp3: true))
    #expect(try ShardsParser.parse(wrapped) == expected)
  }

  private static func shard(slots: [RESPValue], nodes: [RESPValue]? = []) -> RESPValue {
    var pairs: [(String, RESPValue)] = [("slots", .array(slots))]
    if let nodes { pairs.append(("nodes", .array(nodes))) }
    return object(pairs, resp3: true)
  }

  @Test(arguments: [
    (
      RESPValue.error("ERR unknown command 'CLUSTER SHARDS'"),
      "CLUSTER SHARDS failed: ERR unknown command 'CLUSTER SHARDS'"
    ),
    (.simpleString("OK"), "CLUSTER SHARDS: expected an array of shards"),
    (.null, "CLUSTER SHARDS: expected an array of shards"),
    (.array([.integer(1)]), "CLUSTER SHARDS shard 1: expected a map"),
    (.array([object([("nodes", .array([]))], resp3: true)]), "CLUSTER SHARDS shard 1: missing 'slots'"),
    (.array([shard(slots: [], nodes: nil)]), "CLUSTER SHARDS shard 1: missing 'nodes'"),
    (
      .array([shard(slots: []), shard(slots: [.integer(1)])]),
      "CLUSTER SHARDS shard 2: odd number of slot bounds (1)"
    ),
    (.array([shard(slots: [.integer(10), .integer(5)])]), "CLUSTER SHARDS shard 1: bad slot range 10-5"),
    (
      .array([shard(slots: [.integer(0), .integer(16384)])]), "CLUSTER SHARDS shard 1: bad slot range 0-16384"
    ),
    (.array([shard(slots: [.integer(-1), .integer(3)])]), "CLUSTER SHARDS shard 1: bad slot range -1-3"),
    (.array([shard(slots: [bulk("a"), .integer(3)])]), "CLUSTER SHARDS shard 1: bad slot range a-3"),
    // Found by fuzzing: a bound that is not a number was dumped as a whole Swift value, and
    // bytes from the reply (CR, LF, NUL) went into the message raw.
    (
      .array([shard(slots: [.integer(1), .array([.integer(2), .map([])])])]),
      "CLUSTER SHARDS shard 1: bad slot range 1-(an array)"
    ),
    (
      .array([shard(slots: [.null, .double(2)])]), "CLUSTER SHARDS shard 1: bad slot range (null)-(a double)"
    ),
    (
      .array([shard(slots: [bulk("12707"), .bulkString([0xFF, 0x0D, 0x0A, 0x00])])]),
      "CLUSTER SHARDS shard 1: bad slot range 12707-\u{FFFD}\\u{D}\\u{A}\\u{0}"
    ),
    (.bulkError("ERR no\r\nway"), "CLUSTER SHARDS failed: ERR no\\u{D}\\u{A}way"),
    (
      .array([shard(slots: [], nodes: [object([("role", bulk("master"))], resp3: false)])]),
      "CLUSTER SHARDS shard 1, node 1: missing 'id'"
    ),
    (
      .array([
        shard(
          slots: [],
          nodes: [object([("id", bulk(idA)), ("role", bulk("master"))], resp3: false), .integer(3)])
      ]),
      "CLUSTER SHARDS shard 1, node 2: expected a map"
    ),
    (
      .array([shard(slots: [], nodes: [object([("id", bulk(idA))], resp3: true)])]),
      "CLUSTER SHARDS shard 1, node 1: missing 'role'"
    ),
  ])
  func errors(reply: RESPValue, reason: String) {
    #expect(throws: ClusterParseError(line: nil, reason: reason)) {
      try ShardsParser.parse(reply)
    }
  }
}
