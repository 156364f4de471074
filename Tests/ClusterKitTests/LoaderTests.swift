import ClusterKit
import ClusterLoading
import RESP
import RedisCore
import Testing

private typealias ID = FixtureID

// MARK: Fakes

/// What one fake node answers.
private struct FakeNode: Sendable {
  /// The CLUSTER NODES text, including the node's `myself` line.
  var clusterNodes: String
  var clusterInfo = "cluster_state:ok\r\ncluster_slots_assigned:16384\r\ncluster_known_nodes:3\r\n"
  var info = "# Server\r\nredis_version:7.2.4\r\n\r\n# Replication\r\nrole:master\r\nconnected_slaves:0\r\n"
  var dbsize: Int64 = 0
  var shards: RESPValue = .error("ERR unknown subcommand 'SHARDS'. Try CLUSTER HELP.")
  /// Error replies that replace the normal ones, by command ("CLUSTER NODES", "INFO", …).
  var errors: [String: String] = [:]

  func reply(_ command: [String]) -> RESPValue {
    // INFO with a section answers like INFO (the loader asks for `INFO replication`).
    let name = command.first?.uppercased() == "INFO" ? "INFO" : command.joined(separator: " ").uppercased()
    if let message = errors[name] { return .error(message) }
    switch name {
    case "CLUSTER NODES": return .bulkString(Array(clusterNodes.utf8))
    case "CLUSTER INFO": return .bulkString(Array(clusterInfo.utf8))
    case "INFO": return .bulkString(Array(info.utf8))
    case "DBSIZE": return .integer(dbsize)
    case "CLUSTER SHARDS": return shards
    default: return .error("ERR unknown command '\(command.first ?? "")'")
    }
  }
}

/// Everything the fakes saw, in order.
private actor FakeLog {
  struct Session {
    var address: NodeAddress
    var pipelines: [[[String]]] = []
    var closes = 0
  }

  private(set) var connects: [NodeAddress] = []
  private(set) var sessions: [Session] = []

  func connect(_ address: NodeAddress) { connects.append(address) }

  func open(_ address: NodeAddress) -> Int {
    sessions.append(Session(address: address))
    return sessions.count - 1
  }

  /// Records a pipeline; false when the session is already closed.
  func send(_ commands: [[String]], on session: Int) -> Bool {
    guard sessions[session].closes == 0 else { return false }
    sessions[session].pipelines.append(commands)
    return true
  }

  func close(_ session: Int) { sessions[session].closes += 1 }

  /// Close counts by session address.
  var closes: [NodeAddress: Int] {
    Dictionary(sessions.map { ($0.address, $0.closes) }, uniquingKeysWith: +)
  }

  func pipelines(to address: NodeAddress) -> [[[String]]] {
    sessions.filter { $0.address == address }.flatMap(\.pipelines)
  }
}

/// Serves `nodes` by address; every other address (and those in `refused`) refuses connections.
private struct FakeConnector: NodeConnector {
  var nodes: [NodeAddress: FakeNode]
  var refused: Set<NodeAddress> = []
  let log = FakeLog()

  static func refusal(_ address: NodeAddress) -> String {
    "connection refused by \(address): is a node listening there?"
  }

  func connect(to address: NodeAddress) async throws -> any NodeSession {
    await log.connect(address)
    guard let node = nodes[address], !refused.contains(address) else {
      throw ConnectionError(.refused, node: address, Self.refusal(address))
    }
    return FakeSession(number: await log.open(address), address: address, node: node, log: log)
  }
}

private struct FakeSession: NodeSession {
  var number: Int
  var address: NodeAddress
  var node: FakeNode
  var log: FakeLog

  func send(_ commands: [[[UInt8]]], timeout: Duration?) async throws -> [RESPValue] {
    let strings = commands.map { $0.map { String(decoding: $0, as: UTF8.self) } }
    guard await log.send(strings, on: number) else {
      throw ConnectionError(.closed, node: address, "the connection to \(address) is closed")
    }
    return strings.map(node.reply)
  }

  func close() async { await log.close(number) }
}

// MARK: Cluster texts

/// M1 0-5460, M2 5461-10922, M3 10923-16383 on 127.0.0.1:7001…7003.
private let threeMasters = Layout.sixNodes().split(separator: "\n").prefix(3).joined(separator: "\n")

/// `text` with node `id`'s line flagged `myself`.
private func seenBy(_ id: String, _ text: String) -> String {
  text.split(separator: "\n").map { line in
    guard line.hasPrefix(id) else { return String(line) }
    var fields = line.split(separator: " ").map(String.init)
    fields[2] = "myself," + fields[2]
    return fields.joined(separator: " ")
  }.joined(separator: "\n") + "\n"
}

/// One fake node per line of `text` (ports from the lines), each seeing the whole table.
private func fakeNodes(_ text: String) -> [NodeAddress: FakeNode] {
  var nodes: [NodeAddress: FakeNode] = [:]
  for entry in try! ClusterNodesParser.parse(text) {
    nodes[entry.address!] = FakeNode(clusterNodes: seenBy(entry.id, text))
  }
  return nodes
}

private let probe = [["CLUSTER", "NODES"], ["CLUSTER", "INFO"], ["INFO", "replication"], ["DBSIZE"]]

// MARK: Tests

@Suite struct LoaderTests {
  // MARK: Seed failures

  @Test func unreachableSeedThrows() async {
    let connector = FakeConnector(nodes: fakeNodes(threeMasters), refused: [local(7001)])
    let error = await #expect(throws: SeedError.self) {
      _ = try await ClusterLoader(connector: connector).load(seed: local(7001))
    }
    #expect(
      error?.description
        == "cannot read the cluster from 127.0.0.1:7001: connection refused by 127.0.0.1:7001: is a node listening there?"
    )
    #expect(await connector.log.connects == [local(7001)])
  }

  @Test func seedWithoutClusterSupport() async {
    var node = FakeNode(clusterNodes: "")
    node.errors["CLUSTER NODES"] = "ERR This instance has cluster support disabled"
    node.errors["CLUSTER INFO"] = "ERR This instance has cluster support disabled"
    let connector = FakeConnector(nodes: [local(7001): node])
    let error = await #expect(throws: SeedError.self) {
      _ = try await ClusterLoader(connector: connector).load(seed: local(7001))
    }
    #expect(error?.description.contains("is not a cluster node") == true)
    #expect(
      error?.description
        == "127.0.0.1:7001 is not a cluster node (cluster-enabled is no): point rcadm at a node started with cluster-enabled yes"
    )
    #expect(await connector.log.closes == [local(7001): 1])
  }

  @Test func seedWithoutPermission() async {
    var node = fakeNodes(threeMasters)[local(7001)]!
    node.errors["INFO"] = "NOPERM User rcadm has no permissions to run the 'info' command"
    let connector = FakeConnector(nodes: [local(7001): node])
    let error = await #expect(throws: SeedError.self) {
      _ = try await ClusterLoader(connector: connector).load(seed: local(7001))
    }
    #expect(
      error?.description
        == "127.0.0.1:7001: the user lacks permission for INFO replication (NOPERM User rcadm has no permissions to run the 'info' command); rcadm needs CLUSTER, INFO and DBSIZE"
    )
    #expect(await connector.log.closes == [local(7001): 1])
    #expect(await connector.log.connects == [local(7001)])
  }

  @Test func seedWithoutMyselfLine() async {
    let connector = FakeConnector(nodes: [local(7001): FakeNode(clusterNodes: threeMasters)])
    let error = await #expect(throws: SeedError.self) {
      _ = try await ClusterLoader(connector: connector).load(seed: local(7001))
    }
    #expect(error?.description == "127.0.0.1:7001 returned CLUSTER NODES without a 'myself' line")
    #expect(await connector.log.closes == [local(7001): 1])
  }

  // MARK: Reading the cluster

  @Test func oneUnreachableMaster() async throws {
    var nodes = fakeNodes(threeMasters)
    nodes[local(7002)]!.dbsize = 17
    let connector = FakeConnector(nodes: nodes, refused: [local(7003)])
    let live = try await ClusterLoader(connector: connector).load(seed: local(7001))
    let view = live.view

    #expect(view.seed == local(7001))
    #expect(view.masters.map(\.id) == [ID.m1, ID.m2, ID.m3])
    #expect(view.replicas.isEmpty)
    #expect(view.shards == nil)
    #expect(Set(live.sessions.keys) == [ID.m1, ID.m2])
    #expect(live.session(ID.m2)?.address == local(7002))
    #expect(live.session(ID.m3) == nil)

    let m3 = try #require(view.node(id: ID.m3))
    #expect(m3.unreachableReason == FakeConnector.refusal(local(7003)))
    #expect(m3.entry.slots.rangesDescription == "10923-16383")
    #expect(m3.entry.flags == .master)
    #expect(m3.dialAddress == local(7003))
    #expect(m3.table.isEmpty)

    let m2 = try #require(view.node(id: ID.m2))
    #expect(m2.isReachable)
    #expect(m2.entry.flags == [.myself, .master])
    #expect(m2.dialAddress == local(7002))
    #expect(m2.keys == 17)
    #expect(m2.clusterInfo["cluster_state"] == "ok")
    #expect(m2.info["redis_version"] == "7.2.4")
    #expect(m2.table.map(\.id) == [ID.m1, ID.m2, ID.m3])

    // The seed alone is asked for CLUSTER SHARDS, each node in one pipeline.
    #expect(await connector.log.pipelines(to: local(7001)) == [probe + [["CLUSTER", "SHARDS"]]])
    #expect(await connector.log.pipelines(to: local(7002)) == [probe])
    #expect(await connector.log.closes == [local(7001): 0, local(7002): 0])

    #expect(
      HealthCheck.findings(view) == [
        Finding(
          .error, "node_unreachable",
          "127.0.0.1:7003 (3c9a0b5e, master of 5461 slots) cannot be reached: \(FakeConnector.refusal(local(7003)))",
          nodes: [ID.m3], slots: "10923-16383")
      ])
  }

  @Test func nodeKnownOnlyByAPeerIsReadInASecondWave() async throws {
    // N7, a new replica of M1, has met M2 but the others have not heard of it yet.
    let newLine = "\(ID.n7) 127.0.0.1:7007@17007 slave \(ID.m1) 0 1700000000000 1 connected"
    let full = threeMasters + "\n" + newLine
    var nodes = fakeNodes(threeMasters)
    nodes[local(7002)] = FakeNode(clusterNodes: seenBy(ID.m2, full))
    nodes[local(7007)] = FakeNode(clusterNodes: seenBy(ID.n7, full))
    let connector = FakeConnector(nodes: nodes)
    let live = try await ClusterLoader(connector: connector).load(seed: local(7001))

    #expect(live.view.nodes.map(\.id) == [ID.m1, ID.m2, ID.m3, ID.n7])
    #expect(Set(live.sessions.keys) == [ID.m1, ID.m2, ID.m3, ID.n7])
    let n7 = try #require(live.view.node(id: ID.n7))
    #expect(n7.isReachable)
    #expect(n7.entry.flags == [.myself, .replica])
    #expect(n7.entry.masterId == ID.m1)
    #expect(n7.dialAddress == local(7007))

    let connects = await connector.log.connects
    #expect(connects.count == 4)
    #expect(connects.first == local(7001))
    #expect(Set(connects.dropFirst().prefix(2)) == [local(7002), local(7003)])
    #expect(connects.last == local(7007))

    #expect(
      HealthCheck.findings(live.view) == [
        Finding(
          .warning, "node_unknown_to_peer", "127.0.0.1:7001 (e7d1fe0b) does not know 1 node(s): 0a5f3c8e",
          nodes: [ID.m1, ID.n7]),
        Finding(
          .warning, "node_unknown_to_peer", "127.0.0.1:7003 (3c9a0b5e) does not know 1 node(s): 0a5f3c8e",
          nodes: [ID.m3, ID.n7]),
      ])
  }

  @Test func addressNowAnsweringWithAnotherIdIsReported() async throws {
    var nodes = fakeNodes(threeMasters)
    // 127.0.0.1:7003 was restarted with an empty nodes.conf: it is a new, lone node.
    nodes[local(7003)] = FakeNode(
      clusterNodes: "\(ID.stranger) 127.0.0.1:7003@17003 myself,master - 0 0 0 connected\n")
    let connector = FakeConnector(nodes: nodes)
    let live = try await ClusterLoader(connector: connector).load(seed: local(7001))

    #expect(live.view.nodes.map(\.id) == [ID.m1, ID.m2, ID.m3])
    let m3 = try #require(live.view.node(id: ID.m3))
    #expect(m3.unreachableReason == "127.0.0.1:7003 is now node deadbeef, not 3c9a0b5e")
    #expect(m3.unreachableReason?.contains("is now node") == true)
    #expect(m3.dialAddress == local(7003))
    #expect(m3.entry.slots.rangesDescription == "10923-16383")
    #expect(Set(live.sessions.keys) == [ID.m1, ID.m2])
    #expect(await connector.log.closes == [local(7001): 0, local(7002): 0, local(7003): 1])
  }

  @Test func peerAnsweringWithAnErrorIsUnreachable() async throws {
    var nodes = fakeNodes(threeMasters)
    nodes[local(7002)]!.errors["CLUSTER NODES"] = "LOADING Redis is loading the dataset in memory"
    let connector = FakeConnector(nodes: nodes)
    let live = try await ClusterLoader(connector: connector).load(seed: local(7001))

    let m2 = try #require(live.view.node(id: ID.m2))
    #expect(
      m2.unreachableReason
        == "CLUSTER NODES failed on 127.0.0.1:7002: LOADING Redis is loading the dataset in memory")
    #expect(m2.entry.slots.rangesDescription == "5461-10922")
    #expect(Set(live.sessions.keys) == [ID.m1, ID.m3])
    #expect(await connector.log.closes == [local(7001): 0, local(7002): 1, local(7003): 0])
  }

  @Test func nodeWithoutAddressIsNotDialled() async throws {
    let noaddr = "\(ID.n7) :0@0 slave,noaddr \(ID.m1) 0 1700000000000 1 disconnected"
    let text = threeMasters + "\n" + noaddr
    var nodes = fakeNodes(threeMasters)
    for (address, id) in [(local(7001), ID.m1), (local(7002), ID.m2), (local(7003), ID.m3)] {
      nodes[address] = FakeNode(clusterNodes: seenBy(id, text))
    }
    let connector = FakeConnector(nodes: nodes)
    let live = try await ClusterLoader(connector: connector).load(seed: local(7001))

    let n7 = try #require(live.view.node(id: ID.n7))
    #expect(n7.unreachableReason == "the cluster knows no address for it (noaddr)")
    #expect(n7.dialAddress == nil)
    #expect(n7.label == "(no address)")
    #expect(await connector.log.connects.count == 3)
  }

  @Test func customDialAddressIsUsed() async throws {
    // Announced 127.0.0.1:700x, reachable through forwarded ports 3100x.
    var nodes: [NodeAddress: FakeNode] = [:]
    for (address, node) in fakeNodes(threeMasters) {
      nodes[NodeAddress(host: "localhost", port: address.port + 24000)] = node
    }
    let connector = FakeConnector(nodes: nodes)
    let loader = ClusterLoader(connector: connector, concurrency: 1) { entry in
      entry.address.map { NodeAddress(host: "localhost", port: $0.port + 24000) }
    }
    let live = try await loader.load(seed: NodeAddress(host: "localhost", port: 31001))

    #expect(live.view.nodes.allSatisfy { $0.isReachable })
    #expect(live.view.nodes.map(\.dialAddress?.port) == [31001, 31002, 31003])
    #expect(live.view.nodes.map(\.address?.port) == [7001, 7002, 7003])
    #expect(live.view.resolve("localhost:31003").map(\.id) == .success(ID.m3))
    #expect(live.view.resolve("127.0.0.1:7003").map(\.id) == .success(ID.m3))
  }

  @Test func singleNodeClusterReadsShards() async throws {
    let text = "\(ID.m1) 127.0.0.1:7001@17001 myself,master - 0 0 1 connected 0-16383\n"
    var node = FakeNode(clusterNodes: text)
    node.dbsize = 5
    node.shards = .array([
      .array([
        .bulkString(Array("slots".utf8)), .array([.integer(0), .integer(16383)]),
        .bulkString(Array("nodes".utf8)),
        .array([
          .array([
            .bulkString(Array("id".utf8)), .bulkString(Array(ID.m1.utf8)),
            .bulkString(Array("role".utf8)), .bulkString(Array("master".utf8)),
          ])
        ]),
      ])
    ])
    let connector = FakeConnector(nodes: [local(7001): node])
    let live = try await ClusterLoader(connector: connector).load(seed: local(7001))

    #expect(live.view.nodes.map(\.id) == [ID.m1])
    #expect(live.view.nodes.first?.keys == 5)
    #expect(
      live.view.shards == [
        ShardInfo(slots: [SlotRange(0, 16383)], nodes: [ShardNode(id: ID.m1, role: "master")])
      ])
    #expect(HealthCheck.findings(live.view) == [])
  }

  // MARK: Sessions

  @Test func closeAllClosesEverySessionOnce() async throws {
    let connector = FakeConnector(nodes: fakeNodes(threeMasters))
    let live = try await ClusterLoader(connector: connector).load(seed: local(7001))
    #expect(live.sessions.count == 3)
    #expect(await connector.log.closes == [local(7001): 0, local(7002): 0, local(7003): 0])

    await live.closeAll()
    #expect(await connector.log.closes == [local(7001): 1, local(7002): 1, local(7003): 1])
    // A closed session refuses further commands.
    await #expect(throws: ConnectionError.self) {
      try await live.session(ID.m2)!.call("PING")
    }
  }
}
