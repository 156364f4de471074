import ClusterKit
import RESP
import RedisCore
import SlotPlanner
import Synchronization
import Testing

@testable import ClusterAdmin

/// Answers a command before the simulation does (an error, a lost reply, a hang, a stop request),
/// or returns nil to let the simulation answer.
private typealias Intercept = @Sendable (_ port: Int, _ command: [String]) async throws -> RESPValue?

extension [String] {
  /// The second word of a command ("" for a one-word command).
  fileprivate var sub: String { count > 1 ? self[1] : "" }
}

private func address(_ port: Int) -> NodeAddress { NodeAddress(host: "127.0.0.1", port: port) }
private func nodeId(_ port: Int) -> String { String(repeating: String(port), count: 10) }
/// Not port + 10000: MEET must announce the bus port the node itself reports.
private func busPort(_ port: Int) -> Int { port + 20000 }

/// One simulated node, as CLUSTER NODES, CLUSTER INFO and INFO report it.
private struct SimNode: Sendable {
  var port: Int
  var clusterEnabled = true
  var keys = 0
  var slots = SlotSet()
  var epoch = 0
  /// Ports of the nodes it met or was met by (a MEET joins both at once: gossip is instant here).
  var known: Set<Int> = []
  /// Nodes of some other cluster it already knows (counted, not listed).
  var foreign = 0
  var master: String?

  var id: String { nodeId(port) }

  func line(myself: Bool) -> String {
    let role = master == nil ? "master" : "slave"
    let ranges = slots.ranges.map(\.description).joined(separator: " ")
    return
      "\(id) 127.0.0.1:\(port)@\(busPort(port)) \(myself ? "myself," : "")\(role) \(master ?? "-") 0 0 \(epoch) connected \(ranges)"
  }
}

/// The shared state of the simulated nodes, and what each command does to it.
private final class SimState: Sendable {
  let nodes: Mutex<[Int: SimNode]>
  let intercept = Mutex<Intercept?>(nil)

  init(_ nodes: [Int: SimNode]) { self.nodes = Mutex(nodes) }

  func answer(_ port: Int, _ command: [String]) async throws -> RESPValue {
    if let hook = intercept.withLock({ $0 }), let reply = try await hook(port, command) { return reply }
    return nodes.withLock { Self.simulate(port, command, &$0) }
  }

  static func text(_ s: String) -> RESPValue { .bulkString(Array(s.utf8)) }

  static func simulate(_ port: Int, _ c: [String], _ nodes: inout [Int: SimNode]) -> RESPValue {
    guard let me = nodes[port] else { return .error("ERR no such node") }
    let view = ([port] + me.known.sorted()).compactMap { nodes[$0] }
    switch (c[0], c.count > 1 ? c[1] : "") {
    case ("INFO", ""):
      return text(
        "# Server\r\nredis_version:7.2.4\r\n# Cluster\r\ncluster_enabled:\(me.clusterEnabled ? 1 : 0)\r\n")
    case ("INFO", "replication"):
      return text(
        me.master == nil
          ? "role:master\r\n" : "role:slave\r\nmaster_link_status:up\r\nmaster_sync_in_progress:0\r\n")
    case ("DBSIZE", _): return .integer(Int64(me.keys))
    case ("FUNCTION", "LIST"): return .array([])
    case ("CLUSTER", _) where !me.clusterEnabled:
      return .error("ERR This instance has cluster support disabled")
    case ("CLUSTER", "INFO"):
      let assigned = view.reduce(0) { $0 + $1.slots.count }
      let size = view.filter { !$0.slots.isEmpty }.count
      return text(
        "cluster_state:\(assigned == slotCount ? "ok" : "fail")\r\ncluster_slots_assigned:\(assigned)\r\n"
          + "cluster_known_nodes:\(view.count + me.foreign)\r\ncluster_size:\(size)\r\ncluster_my_epoch:\(me.epoch)\r\n"
      )
    case ("CLUSTER", "NODES"):
      return text(view.map { $0.line(myself: $0.port == port) }.joined(separator: "\n") + "\n")
    case ("CLUSTER", "ADDSLOTSRANGE"), ("CLUSTER", "ADDSLOTS"):
      var slots = SlotSet()
      if c.sub == "ADDSLOTSRANGE" {
        guard c.count == 4, let lower = Int(c[2]), let upper = Int(c[3]) else { return .error("ERR syntax") }
        slots = SlotSet([SlotRange(lower, upper)])
      } else {
        slots = SlotSet(slots: c.dropFirst(2).compactMap { Int($0) })
      }
      if let busy = nodes.values.lazy.compactMap({ $0.slots.intersection(slots).first }).first {
        return .error("ERR Slot \(busy) is already busy")
      }
      nodes[port]!.slots = me.slots.union(slots)
      return .simpleString("OK")
    case ("CLUSTER", "SET-CONFIG-EPOCH"):
      // Redis' own rule: the reason create sets epochs before any MEET.
      guard me.known.isEmpty else {
        return .error(
          "ERR The user can assign a config epoch only when the node does not know any other node.")
      }
      guard me.epoch == 0 else { return .error("ERR Node config epoch is already non-zero") }
      nodes[port]!.epoch = Int(c[2]) ?? 0
      return .simpleString("OK")
    case ("CLUSTER", "MEET"):
      // Only the right IP, port and bus port complete a handshake; Redis answers OK either way.
      if c.count == 5, c[2] == "127.0.0.1", let other = Int(c[3]), nodes[other] != nil,
        c[4] == String(busPort(other)), other != port
      {
        nodes[port]!.known.insert(other)
        nodes[other]!.known.insert(port)
      }
      return .simpleString("OK")
    case ("CLUSTER", "REPLICATE"):
      guard c.count == 3, let master = view.first(where: { $0.id == c[2] && $0.port != port }) else {
        return .error("ERR Unknown node \(c.count == 3 ? c[2] : "")")
      }
      guard me.slots.isEmpty else {
        return .error("ERR To set a master the node must be empty and without assigned slots.")
      }
      nodes[port]!.master = master.id
      return .simpleString("OK")
    default:
      return .error("ERR unknown command '\(c.joined(separator: " "))'")
    }
  }
}

/// A connection to a simulated node: it logs every command; after `close` it fails.
private final class SimSession: NodeSession, Sendable {
  let address: NodeAddress
  let port: Int
  let state: SimState
  private let log = Mutex<[(command: [String], timeout: Duration?)]>([])
  private let closed = Atomic<Bool>(false)

  init(_ address: NodeAddress, port: Int, state: SimState) {
    self.address = address
    self.port = port
    self.state = state
  }

  func send(_ commands: [[[UInt8]]], timeout: Duration?) async throws -> [RESPValue] {
    guard !isClosed else { throw Dead() }
    var replies: [RESPValue] = []
    for c in commands {
      let words = c.map { String(decoding: $0, as: UTF8.self) }
      log.withLock { $0.append((words, timeout)) }
      replies.append(try await state.answer(port, words))
    }
    return replies
  }

  func close() async { closed.store(true, ordering: .relaxed) }

  var isClosed: Bool { closed.load(ordering: .relaxed) }
  var commands: [[String]] { log.withLock { $0.map(\.command) } }
  /// The reply bound each command of `sub` was sent with (nil: the session's default).
  func timeouts(_ sub: String) -> [Duration?] {
    log.withLock { $0.filter { $0.command.sub == sub }.map(\.timeout) }
  }

  /// Every command but the reads of probing and waiting: what changes a node.
  var writes: [[String]] {
    let reads: Set<[String]> = [
      ["INFO"], ["INFO", "replication"], ["CLUSTER", "INFO"], ["CLUSTER", "NODES"], ["DBSIZE"],
      ["FUNCTION", "LIST"],
    ]
    return commands.filter { !reads.contains($0) }
  }
}

private struct Refused: Error, CustomStringConvertible {
  var description: String { "connection refused" }
}

/// Simulated empty nodes on 127.0.0.1 (and aliases: other spellings of the same nodes).
private final class SimCluster: NodeConnector, Sendable {
  let state: SimState
  let sessions: [NodeAddress: SimSession]

  init(
    ports: ClosedRange<Int> = 7000...7005, aliases: [NodeAddress: Int] = [:],
    configure: (inout SimNode) -> Void = { _ in }
  ) {
    var nodes: [Int: SimNode] = [:]
    for port in ports {
      var node = SimNode(port: port)
      configure(&node)
      nodes[port] = node
    }
    let state = SimState(nodes)
    var sessions: [NodeAddress: SimSession] = [:]
    for port in ports { sessions[address(port)] = SimSession(address(port), port: port, state: state) }
    for (alias, port) in aliases { sessions[alias] = SimSession(alias, port: port, state: state) }
    self.state = state
    self.sessions = sessions
  }

  func connect(to address: NodeAddress) async throws -> any NodeSession {
    guard let session = sessions[address] else { throw Refused() }
    return session
  }

  subscript(port: Int) -> SimSession { sessions[address(port)]! }

  func intercept(_ hook: @escaping Intercept) { state.intercept.withLock { $0 = hook } }

  var all: [SimSession] { Array(sessions.values) }
}

/// The roles a prepared plan gives the simulated nodes, in the orders create uses.
private struct Roles {
  var masters: [SimSession]
  var replicas: [SimSession]
  /// Each replica's planned master, by the replica's port.
  var masterOf: [Int: SimSession]

  init(_ p: PreparedCreate, _ sim: SimCluster) {
    masters = p.plan.masters.map { sim[$0.node.address.port] }
    replicas = p.plan.replicas.map { sim[$0.node.address.port] }
    var masterOf: [Int: SimSession] = [:]
    for r in p.plan.replicas {
      masterOf[r.node.address.port] = sim[p.plan.masters[r.masterIndex].node.address.port]
    }
    self.masterOf = masterOf
  }

  /// Epochs are numbered in this order, from 1.
  var all: [SimSession] { masters + replicas }
  /// MEETs go in this order: each node meets the ones after it.
  var joinOrder: [SimSession] { replicas + masters }
}

private func meets(_ nodes: some Sequence<SimSession>) -> [[String]] {
  nodes.map { ["CLUSTER", "MEET", "127.0.0.1", String($0.port), String(busPort($0.port))] }
}

private func phases(_ counts: [(Change.Kind, Int)]) -> [Change.Kind] {
  counts.flatMap { Array(repeating: $0.0, count: $0.1) }
}

/// A node that holds a reply back until its task is cancelled (a frozen node).
private func hangUntilCancelled() async throws -> Never {
  let (stream, continuation) = AsyncStream<Never>.makeStream()
  for await _ in stream {}
  withExtendedLifetime(continuation) {}
  throw CancellationError()
}

/// `ClusterCreate` against simulated nodes: what prepare refuses (sending nothing), the commands
/// apply sends to each node and in which order, and what the ledger says when it stops part way.
@Suite struct CreatePlanTests {
  static let six = (7000...7005).map(address)

  fileprivate func prepare(_ sim: SimCluster, _ addresses: [NodeAddress] = six, replicas: Int = 1)
    async throws
    -> PreparedCreate
  {
    try await ClusterCreate.prepare(addresses, replicas: replicas, connector: sim)
  }

  /// Runs the prepared create through the mutation pipeline; returns the ledger of a success.
  /// The simulated cluster agrees within milliseconds; the long default bound only keeps a test
  /// from failing when the test process's threads are busy with other suites for a while.
  @discardableResult
  func apply(
    _ prepared: PreparedCreate, wait: Duration = .seconds(600), waitServing: Bool = true,
    stop: StopToken = StopToken()
  ) async throws -> ChangeLedger {
    let mutation = CreateMutation(prepare: { prepared }, wait: wait, waitServing: waitServing)
    let result = try await MutationPipeline.run(
      mutation, dryRun: false, show: { _ in }, confirm: {}, stop: stop, log: { _ in })
    guard case .applied(_, _, let ledger) = result else {
      Issue.record("create was not applied")
      return ChangeLedger()
    }
    return ledger
  }

  func failure(
    _ prepared: PreparedCreate, wait: Duration = .seconds(600), waitServing: Bool = true,
    stop: StopToken = StopToken()
  ) async -> MutationFailure? {
    await #expect(throws: MutationFailure.self) {
      try await apply(prepared, wait: wait, waitServing: waitServing, stop: stop)
    }
  }

  /// The refusal prepare throws, after checking that no node got a changing command and every
  /// session it opened is closed.
  fileprivate func refusal(
    _ sim: SimCluster, _ addresses: [NodeAddress] = six, replicas: Int = 1,
    sourceLocation: SourceLocation = #_sourceLocation
  ) async -> ValidationProblems? {
    let refused = await #expect(throws: ValidationProblems.self, sourceLocation: sourceLocation) {
      try await prepare(sim, addresses, replicas: replicas)
    }
    for s in sim.all {
      #expect(s.writes.isEmpty, "\(s.address) got \(s.writes)", sourceLocation: sourceLocation)
      if refused != nil {
        #expect(
          s.isClosed || s.commands.isEmpty, "\(s.address) was left open", sourceLocation: sourceLocation)
      }
    }
    return refused
  }

  // MARK: - prepare

  @Test func refusesEveryNodeThatIsNotEmptyAtOnce() async throws {
    let sim = SimCluster { node in
      switch node.port {
      case 7001: node.keys = 12
      case 7002: node.slots = SlotSet([SlotRange(0, 99)])
      case 7003: node.foreign = 2
      case 7004: node.clusterEnabled = false
      default: break
      }
    }
    let refused = await refusal(sim)
    #expect(
      Set(refused?.problems ?? []) == [
        "127.0.0.1:7001: it holds 12 key(s); rcadm only joins empty nodes (FLUSHALL it if the data is not needed)",
        "127.0.0.1:7002: it already owns 100 slot(s)",
        "127.0.0.1:7003: it already knows 2 other node(s) and is part of another cluster (CLUSTER RESET it first)",
        "127.0.0.1:7004: cluster mode is off (start it with cluster-enabled yes)",
      ])
    // Probing is one pipeline of reads per node.
    #expect(
      sim[7000].commands == [
        ["INFO"], ["CLUSTER", "INFO"], ["CLUSTER", "NODES"], ["DBSIZE"], ["FUNCTION", "LIST"],
      ])
  }

  @Test(arguments: [
    (5, 1, "a cluster needs at least 6 nodes for 3 masters with 1 replica(s) each; got 5"),
    (2, 0, "a cluster needs at least 3 nodes for 3 masters with 0 replica(s) each; got 2"),
    (6, 2, "a cluster needs at least 9 nodes for 3 masters with 2 replica(s) each; got 6"),
    (6, -1, "the replica count must be 0 or more"),
  ])
  func refusesTooFewMastersOrAnImpossibleReplicaCount(nodes: Int, replicas: Int, message: String) async {
    let sim = SimCluster(ports: 7000...(7000 + nodes - 1))
    let refused = await refusal(sim, Array(Self.six.prefix(nodes)), replicas: replicas)
    #expect(refused?.problems == [message])
  }

  @Test func refusesANodeListedTwiceOrUnderTwoNames() async {
    let sim = SimCluster(ports: 7000...7002)
    let twice = await refusal(sim, [7000, 7001, 7002, 7000].map(address), replicas: 0)
    #expect(twice?.problems == ["127.0.0.1:7000 is listed 2 times"])
    #expect(sim[7000].commands.filter { $0 == ["INFO"] }.count == 1, "probed once")

    let localhost = NodeAddress(host: "localhost", port: 7000)
    let aliased = SimCluster(ports: 7000...7002, aliases: [localhost: 7000])
    let same = await refusal(aliased, [7000, 7001, 7002].map(address) + [localhost], replicas: 0)
    #expect(same?.problems == ["127.0.0.1:7000 and localhost:7000 are the same node (id 70007000)"])
  }

  @Test func namesAnUnreachableNodeAndClosesTheOthers() async {
    let sim = SimCluster(ports: 7000...7004)
    let refused = await refusal(sim, Self.six, replicas: 1)
    #expect(
      refused?.problems == [
        "127.0.0.1:7005: connection refused",
        "a cluster needs at least 6 nodes for 3 masters with 1 replica(s) each; got 5",
      ])
    #expect(sim.all.allSatisfy { $0.isClosed })
  }

  /// A node whose CLUSTER INFO and CLUSTER NODES are refused (ACL) cannot be shown empty: its
  /// known nodes and slots are unknown and it has no id (REPLICATE and the join wait need one).
  @Test func refusesANodeWhoseClusterStateCannotBeRead() async {
    let sim = SimCluster()
    sim.intercept { port, c in
      port == 7001 && c[0] == "CLUSTER"
        ? .error("NOPERM this user has no permissions to run the 'cluster|\(c[1].lowercased())' command")
        : nil
    }
    let refused = await refusal(sim)
    #expect(refused?.description.contains("127.0.0.1:7001") == true, "\(String(describing: refused))")
  }

  @Test func theFailureDomainFunctionReachesThePlanner() async throws {
    // Two nodes per "host": a replica never shares its master's.
    let sim = SimCluster()
    let prepared = try await ClusterCreate.prepare(
      Self.six, replicas: 1, connector: sim, domain: { "host\(($0.given.port - 7000) / 2)" })
    #expect(prepared.plan.masters.map(\.node.domain).sorted() == ["host0", "host1", "host2"])
    for r in prepared.plan.replicas {
      #expect(r.node.domain != prepared.plan.masters[r.masterIndex].node.domain)
    }
    #expect(prepared.plan.score.isPerfect)
    await prepared.closeAll()
  }

  @Test func aDryRunSendsNothingAndClosesEverySession() async throws {
    let sim = SimCluster()
    let prepared = try await prepare(sim)
    let mutation = CreateMutation(prepare: { prepared }, wait: .seconds(600), waitServing: true)
    let result = try await MutationPipeline.run(
      mutation, dryRun: true, show: { _ in }, confirm: { Issue.record("confirmed a dry run") },
      stop: StopToken(), log: { _ in })
    guard case .dryRun = result else {
      Issue.record("not a dry run")
      return
    }
    #expect(sim.all.allSatisfy { $0.writes.isEmpty && $0.isClosed })
  }

  // MARK: - apply

  @Test func sendsSlotsThenEpochsThenMeetsThenReplicate() async throws {
    let sim = SimCluster()
    let prepared = try await prepare(sim)
    #expect(prepared.plan.masters.map(\.node.address) == [7000, 7001, 7002].map(address))
    #expect(
      prepared.plan.masters.map(\.slots) == [
        SlotRange(0, 5460), SlotRange(5461, 10922), SlotRange(10923, 16383),
      ])
    #expect(Set(prepared.plan.replicas.map(\.masterIndex)) == [0, 1, 2])
    let ledger = try await apply(prepared)

    let roles = Roles(prepared, sim)
    let order = roles.joinOrder
    for (i, m) in roles.masters.enumerated() {
      let range = prepared.plan.masters[i].slots
      // Masters come last in the join order; a second round, masters only, repeats their MEETs.
      let later = meets(order[(roles.replicas.count + i + 1)...])
      #expect(
        m.writes == [
          ["CLUSTER", "ADDSLOTSRANGE", String(range.lower), String(range.upper)],
          ["CLUSTER", "SET-CONFIG-EPOCH", String(i + 1)],
        ] + later + later, "\(m.address)")
    }
    for (j, r) in roles.replicas.enumerated() {
      #expect(
        r.writes == [["CLUSTER", "SET-CONFIG-EPOCH", String(roles.masters.count + j + 1)]]
          + meets(order[(j + 1)...]) + [["CLUSTER", "REPLICATE", nodeId(roles.masterOf[r.port]!.port)]],
        "\(r.address)")
    }

    let changes = ledger.changes
    #expect(changes.allSatisfy { $0.certain })
    #expect(
      changes.map(\.kind)
        == phases([(.slotsAssigned, 3), (.configEpochSet, 6), (.met, 5), (.replicated, 3)]),
      "the second round of MEETs is not recorded")
    #expect(
      Set(changes.filter { $0.kind == .slotsAssigned })
        == Set(
          zip(roles.masters, prepared.plan.masters).map {
            Change(.slotsAssigned, node: $0.address.description, slots: SlotSet([$1.slots]))
          }))
    #expect(
      Set(changes.filter { $0.kind == .configEpochSet })
        == Set(
          roles.all.enumerated().map {
            Change(.configEpochSet, node: $1.address.description, detail: String($0 + 1))
          }))
    #expect(
      Set(changes.filter { $0.kind == .met })
        == Set(
          order.dropLast().enumerated().map {
            Change(
              .met, node: $1.address.description,
              peer: order.count - $0 - 1 == 1 ? "1 node" : "\(order.count - $0 - 1) nodes")
          }))
    #expect(
      Set(changes.filter { $0.kind == .replicated })
        == Set(
          roles.replicas.map {
            Change(
              .replicated, node: $0.address.description, peer: roles.masterOf[$0.port]!.address.description)
          }))
    #expect(sim.all.allSatisfy { $0.isClosed })
  }

  @Test func withoutReplicasNothingIsReplicatedOrWaitedFor() async throws {
    let sim = SimCluster(ports: 7000...7002)
    let prepared = try await prepare(sim, Array(Self.six.prefix(3)), replicas: 0)
    let ledger = try await apply(prepared)
    #expect(ledger.changes.map(\.kind) == phases([(.slotsAssigned, 3), (.configEpochSet, 3), (.met, 2)]))
    #expect(sim.all.allSatisfy { !$0.commands.contains(["INFO", "replication"]) })
    #expect(sim.all.allSatisfy { !$0.writes.contains { $0.sub == "REPLICATE" } })
  }

  /// Redis 6 has no ADDSLOTSRANGE: that master gets its range listed slot by slot.
  @Test func listsTheSlotsWhereAddslotsrangeIsUnknown() async throws {
    let sim = SimCluster()
    let prepared = try await prepare(sim)
    sim.intercept { port, c in
      port == 7001 && c.sub == "ADDSLOTSRANGE"
        ? .error("ERR unknown subcommand 'ADDSLOTSRANGE'. Try CLUSTER HELP.") : nil
    }
    let ledger = try await apply(prepared)
    #expect(
      Array(sim[7001].writes.prefix(3)) == [
        ["CLUSTER", "ADDSLOTSRANGE", "5461", "10922"],
        ["CLUSTER", "ADDSLOTS"] + (5461...10922).map(String.init),
        ["CLUSTER", "SET-CONFIG-EPOCH", "2"],
      ])
    #expect(!sim[7000].writes.contains { $0.sub == "ADDSLOTS" })
    #expect(
      ledger.changes.contains(
        Change(.slotsAssigned, node: "127.0.0.1:7001", slots: SlotSet([SlotRange(5461, 10922)]))))
  }

  @Test func aMasterRefusingItsSlotsStopsBeforeAnyEpoch() async throws {
    let sim = SimCluster()
    let prepared = try await prepare(sim)
    sim.intercept { port, c in
      port == 7001 && c.sub == "ADDSLOTSRANGE" ? .error("ERR Slot 5461 is already busy") : nil
    }
    let f = await failure(prepared)
    #expect(f?.interrupted == false)
    #expect(f?.next == [.check])
    #expect(
      (f?.cause as? OperationError)?.description
        == "assigning slots 5461-10922 to 127.0.0.1:7001 failed: ERR Slot 5461 is already busy")
    #expect(
      Set(f?.changes.changes ?? []) == [
        Change(.slotsAssigned, node: "127.0.0.1:7000", slots: SlotSet([SlotRange(0, 5460)])),
        Change(.slotsAssigned, node: "127.0.0.1:7002", slots: SlotSet([SlotRange(10923, 16383)])),
      ])
    #expect(sim.all.allSatisfy { $0.writes.allSatisfy { $0.sub == "ADDSLOTSRANGE" } })
  }

  /// Nothing changed, so the error is not a failure with a ledger (the CLI's exit code 2).
  @Test func everyMasterRefusingItsSlotsPassesTheErrorThrough() async throws {
    let sim = SimCluster()
    let prepared = try await prepare(sim)
    sim.intercept { _, c in c.sub == "ADDSLOTSRANGE" ? .error("NOPERM no permissions to run 'cluster'") : nil
    }
    await #expect(throws: OperationError.self) { try await apply(prepared) }
    #expect(sim.all.allSatisfy { $0.writes.allSatisfy { $0.sub == "ADDSLOTSRANGE" } })
  }

  /// A command sent and left without a reply may have taken effect: recorded with `certain: false`.
  @Test(arguments: ["ADDSLOTSRANGE", "ADDSLOTS", "SET-CONFIG-EPOCH", "MEET", "REPLICATE"])
  func aLostReplyIsRecordedAsOfUnknownOutcome(_ command: String) async throws {
    let sim = SimCluster()
    let prepared = try await prepare(sim)
    let roles = Roles(prepared, sim)
    // A master for the slot commands and the epoch, the first node to MEET, a replica to REPLICATE.
    let victim = ["MEET": roles.joinOrder[0], "REPLICATE": roles.replicas[0]][command] ?? roles.masters[1]
    let port = victim.port
    sim.intercept { p, c in
      guard p == port else { return nil }
      if command == "ADDSLOTS" && c.sub == "ADDSLOTSRANGE" {
        return .error("ERR unknown subcommand 'ADDSLOTSRANGE'")
      }
      if c.sub == command { throw Dead() }
      return nil
    }
    let name = victim.address.description
    let expected: Change
    switch command {
    case "ADDSLOTSRANGE", "ADDSLOTS":
      expected = Change(
        .slotsAssigned, node: name, slots: SlotSet([prepared.plan.masters[1].slots]), certain: false)
    case "SET-CONFIG-EPOCH": expected = Change(.configEpochSet, node: name, detail: "2", certain: false)
    case "MEET": expected = Change(.met, node: name, peer: "5 nodes", certain: false)
    default:
      expected = Change(
        .replicated, node: name, peer: roles.masterOf[port]!.address.description, certain: false)
    }
    let f = await failure(prepared)
    #expect(f?.cause is Dead)
    #expect(f?.next == [.check])
    #expect(!sim.all.contains { s in s.writes.contains { $0.sub == "REPLICATE" } } || command == "REPLICATE")
    #expect(f?.changes.changes.contains(expected) == true, "\(f?.changes.changes.map(\.sentence) ?? [])")
  }

  @Test func anEpochRefusedStopsBeforeAnyMeet() async throws {
    let sim = SimCluster()
    let prepared = try await prepare(sim)
    sim.intercept { port, c in
      port == 7004 && c.sub == "SET-CONFIG-EPOCH" ? .error("ERR Node config epoch is already non-zero") : nil
    }
    let f = await failure(prepared)
    let roles = Roles(prepared, sim)
    let epoch = roles.all.firstIndex { $0.port == 7004 }! + 1
    #expect(
      (f?.cause as? OperationError)?.description
        == "setting config epoch \(epoch) on 127.0.0.1:7004 failed: ERR Node config epoch is already non-zero"
    )
    #expect(f?.changes.changes.map(\.kind) == phases([(.slotsAssigned, 3), (.configEpochSet, 5)]))
    #expect(
      f?.changes.changes.contains { $0.node == "127.0.0.1:7004" && $0.kind == .configEpochSet } == false)
    #expect(f?.next == [.check])
    #expect(sim.all.allSatisfy { $0.writes.allSatisfy { $0.sub != "MEET" } })
  }

  /// The ledger says the node met the others: the pipeline's other MEETs went through, the refused
  /// one is not counted.
  @Test func aMeetRefusedNamesTheNodeAndStopsBeforeReplicate() async throws {
    let sim = SimCluster()
    let prepared = try await prepare(sim)
    let roles = Roles(prepared, sim)
    let (first, last) = (roles.joinOrder[0].port, roles.joinOrder.last!.port)
    sim.intercept { port, c in
      port == first && c.sub == "MEET" && c[3] == String(last)
        ? .error("ERR Invalid node address specified: 127.0.0.1:\(last)") : nil
    }
    let f = await failure(prepared)
    #expect(
      (f?.cause as? OperationError)?.description
        == "127.0.0.1:\(first) could not MEET 127.0.0.1:\(last): ERR Invalid node address specified: 127.0.0.1:\(last)"
    )
    #expect(f?.interrupted == false)
    #expect(f?.next == [.check])
    #expect(f?.changes.changes.contains(Change(.met, node: "127.0.0.1:\(first)", peer: "4 nodes")) == true)
    #expect(f?.changes.changes.allSatisfy { $0.kind != .replicated } == true)
    #expect(sim[first].writes.filter { $0.sub == "MEET" } == meets(roles.joinOrder.dropFirst()))
    #expect(sim.all.allSatisfy { $0.writes.allSatisfy { $0.sub != "REPLICATE" } })
  }

  @Test func aReplicateRefusedKeepsTheOtherReplicas() async throws {
    let sim = SimCluster()
    let prepared = try await prepare(sim)
    let roles = Roles(prepared, sim)
    let refusing = roles.replicas[1]
    sim.intercept { port, c in
      port == refusing.port && c.sub == "REPLICATE" ? .error("ERR Unknown node \(c[2])") : nil
    }
    let f = await failure(prepared)
    #expect((f?.cause as? ServerError)?.command.prefix(2) == ["CLUSTER", "REPLICATE"])
    #expect(
      f?.changes.changes.map(\.kind)
        == phases([(.slotsAssigned, 3), (.configEpochSet, 6), (.met, 5), (.replicated, 2)]))
    #expect(
      f?.changes.changes.contains { $0.kind == .replicated && $0.node == refusing.address.description }
        == false)
    #expect(f?.next == [.check])
  }

  @Test func aNodeThatNeverJoinsIsNamedWithItsBusPort() async throws {
    let sim = SimCluster()
    let prepared = try await prepare(sim)
    let roles = Roles(prepared, sim)
    let (first, last) = (roles.joinOrder[0].port, roles.joinOrder.last!.port)
    // The MEET is accepted but the handshake never completes (a firewalled bus port).
    sim.intercept { port, c in
      port == first && c.sub == "MEET" && c[3] == String(last) ? .simpleString("OK") : nil
    }
    let f = await failure(prepared, wait: .milliseconds(300))
    let message = (f?.cause as? OperationError)?.description ?? ""
    #expect(message.hasPrefix("the nodes did not all join within"))
    #expect(
      message.contains(
        "127.0.0.1:\(last) has not connected to 127.0.0.1:\(first) (bus port \(busPort(first)))"))
    #expect(
      message.contains(
        "127.0.0.1:\(first) has not connected to 127.0.0.1:\(last) (bus port \(busPort(last)))"))
    #expect(f?.changes.changes.map(\.kind) == phases([(.slotsAssigned, 3), (.configEpochSet, 6), (.met, 5)]))
    #expect(f?.next == [.check])
    #expect(sim.all.allSatisfy { $0.writes.allSatisfy { $0.sub != "REPLICATE" } })
    // A MEET pipeline is bounded by what is left of the wait, never by less than a second.
    #expect(sim[first].timeouts("MEET") == Array(repeating: .seconds(1), count: 5))
    #expect(sim[first].timeouts("SET-CONFIG-EPOCH") == [nil])
  }

  /// Without waiting to serve, create ends once the nodes agree: no replica's sync is awaited.
  @Test func notWaitingToServeSkipsTheSyncWait() async throws {
    let sim = SimCluster()
    let prepared = try await prepare(sim)
    sim.intercept { _, c in c == ["INFO", "replication"] ? SimState.text("master_link_status:down\r\n") : nil
    }
    let ledger = try await apply(prepared, waitServing: false)
    #expect(ledger.changes.count == 17)
    #expect(sim.all.allSatisfy { !$0.commands.contains(["INFO", "replication"]) })
  }

  // MARK: - stopping

  @Test func aStopDuringSlotAssignmentEndsBeforeTheEpochs() async throws {
    let sim = SimCluster()
    let prepared = try await prepare(sim)
    let stop = StopToken()
    sim.intercept { _, c in
      if c.sub == "ADDSLOTSRANGE" { stop.request() }
      return nil
    }
    let f = await failure(prepared, stop: stop)
    #expect(f?.interrupted == true)
    #expect(f?.cause is Interrupted)
    #expect(f?.next == [.check])
    #expect(f?.changes.changes.map(\.kind) == phases([(.slotsAssigned, 3)]))
    #expect(f?.changes.changes.allSatisfy { $0.certain } == true)
    #expect(sim.all.allSatisfy { $0.writes.allSatisfy { $0.sub == "ADDSLOTSRANGE" } })
  }

  @Test func aStopDuringTheEpochsEndsBeforeAnyMeet() async throws {
    let sim = SimCluster()
    let prepared = try await prepare(sim)
    let stop = StopToken()
    sim.intercept { _, c in
      if c.sub == "SET-CONFIG-EPOCH" { stop.request() }
      return nil
    }
    let f = await failure(prepared, stop: stop)
    #expect(f?.interrupted == true)
    #expect(f?.changes.changes.map(\.kind) == phases([(.slotsAssigned, 3), (.configEpochSet, 6)]))
    #expect(sim.all.allSatisfy { $0.writes.allSatisfy { $0.sub != "MEET" } })
  }

  /// A frozen node does not hold a stop until the deadline; the MEETs in flight are of unknown outcome.
  @Test func aStopEndsMeetsThatGetNoReply() async throws {
    let sim = SimCluster()
    let prepared = try await prepare(sim)
    let roles = Roles(prepared, sim)
    let stop = StopToken()
    sim.intercept { _, c in
      guard c.sub == "MEET" else { return nil }
      stop.request()
      try await hangUntilCancelled()
    }
    let f = await failure(prepared, stop: stop)
    #expect(f?.interrupted == true)
    #expect(f?.cause is Interrupted)
    #expect(f?.next == [.check])
    #expect(f?.changes.changes.map(\.kind) == phases([(.slotsAssigned, 3), (.configEpochSet, 6), (.met, 5)]))
    let order = roles.joinOrder
    #expect(
      Set(f?.changes.changes.filter { $0.kind == .met } ?? [])
        == Set(
          order.dropLast().enumerated().map {
            Change(.met, node: $1.address.description, peer: "\(order.count - $0 - 1) nodes", certain: false)
          }))
    #expect(sim.all.allSatisfy { $0.writes.allSatisfy { $0.sub != "REPLICATE" } })
  }

  @Test func aStopWhileReplicasSyncKeepsTheWholeLedger() async throws {
    let sim = SimCluster()
    let prepared = try await prepare(sim)
    let stop = StopToken()
    sim.intercept { _, c in
      guard c == ["INFO", "replication"] else { return nil }
      stop.request()
      return SimState.text("role:slave\r\nmaster_link_status:up\r\nmaster_sync_in_progress:1\r\n")
    }
    let f = await failure(prepared, stop: stop)
    #expect(f?.interrupted == true)
    #expect(f?.cause is Interrupted)
    #expect(f?.next == [.check])
    #expect(
      f?.changes.changes.map(\.kind)
        == phases([(.slotsAssigned, 3), (.configEpochSet, 6), (.met, 5), (.replicated, 3)]))
    #expect(f?.changes.changes.allSatisfy { $0.certain } == true)
  }
}
