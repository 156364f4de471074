import ClusterKit
import RESP
import RedisClient
import RedisCore

/// Where a command's keys are, from COMMAND: positions, or "ask the server" for movable keys.
struct KeySpec: Sendable {
  var first: Int
  var last: Int
  var step: Int
  var movable: Bool
  /// COMMAND flags it `readonly`: sending it again cannot change anything.
  var readOnly: Bool = false
}

/// Commands were written to a node and then its connection failed or timed out before their
/// replies came: they may or may not have run. Only read-only commands are ever sent again.
struct InFlightFailure: Error, CustomStringConvertible {
  var node: NodeAddress
  var cause: any Error

  var description: String { "\(cause)" }

  /// The reply shown for a changing command whose outcome is unknown.
  func unknownOutcome(_ command: [[UInt8]]) -> RESPValue {
    let name = String(decoding: command.first ?? [], as: UTF8.self).uppercased()
    return .error(
      "ERR rcadm: no reply to \(name) from \(node) (\(cause)); it may or may not have run, so it was not sent again"
    )
  }
}

/// Sends commands to the node that owns their keys: a slot map from CLUSTER SLOTS, MOVED updates
/// it, ASK is followed once, transient errors are retried with backoff, multi-key commands whose
/// keys span slots are split, and whole-cluster commands fan out to every master.
public actor ClusterRouter {
  public let seed: NodeAddress
  let connector: any NodeConnector
  var connections: [NodeAddress: any NodeSession] = [:]
  var owners: [NodeAddress?] = Array(repeating: nil, count: slotCount)
  var masters: [NodeAddress] = []
  var specs: [String: KeySpec] = [:]
  /// False when the seed is a plain (non-cluster) server: everything goes to it.
  public private(set) var isCluster = true
  /// The node that answered the last command (the prompt shows it).
  public private(set) var lastNode: NodeAddress
  /// Commands queued since MULTI; nil when not in a transaction.
  var transaction: [[[UInt8]]]?
  public var maxRedirects = 8

  public init(seed: NodeAddress, connector: any NodeConnector) {
    self.seed = seed
    self.connector = connector
    self.lastNode = seed
  }

  /// Connects to the seed, loads the slot map and the key positions of every command.
  public func start() async throws {
    let c = try await connection(seed)
    let replies = try await c.send([words("CLUSTER", "SLOTS"), words("COMMAND")], timeout: nil)
    if let message = replies[0].errorMessage {
      guard message.contains("cluster support disabled") else {
        throw ServerError(message, node: seed, command: ["CLUSTER", "SLOTS"])
      }
      isCluster = false
    } else {
      applySlots(replies[0], from: seed)
    }
    loadSpecs(replies[1])
  }

  public var inTransaction: Bool { transaction != nil }

  /// Runs one command as the user typed it and returns the reply (error replies included). A
  /// command left without a reply by a lost or timed-out connection is never sent again unless it
  /// is read-only: its reply says the outcome is unknown, and the next command reconnects.
  public func execute(_ args: [[UInt8]]) async throws -> RESPValue {
    do {
      return try await dispatch(args)
    } catch let failure as InFlightFailure {
      return failure.unknownOutcome(args)
    }
  }

  func dispatch(_ args: [[UInt8]]) async throws -> RESPValue {
    guard let first = args.first else { return .error("ERR empty command") }
    let name = String(decoding: first, as: UTF8.self).uppercased()
    if transaction != nil { return try await transactionStep(name, args) }
    if name == "MULTI" {
      transaction = []
      return .simpleString("OK")
    }
    // Their replies keep arriving with no command to match: the shell streams them on a
    // connection of their own (`openStream`); a one-reply caller cannot.
    if StreamingCommand(args) != nil {
      return .error("ERR \(name) streams replies until it is stopped; run it in the interactive shell")
    }
    guard isCluster else { return try await send(args, to: lastNode) }
    switch name {
    case "DBSIZE": return try await sumOverMasters(args)
    case "KEYS": return try await concatOverMasters(args)
    case "SCAN": return try await scan(args)
    case "FLUSHALL", "FLUSHDB": return try await everyMaster(args)
    case "MGET", "DEL", "EXISTS", "UNLINK", "TOUCH": return try await splitBySlot(name, args)
    default: return try await routed(args)
    }
  }

  /// Runs many commands with replies in input order. Consecutive plain keyed commands are grouped
  /// by owner and pipelined to all owners at once (order kept per node, and keys on different nodes
  /// are independent); anything else, and any reply that redirects, runs on its own through `execute`.
  /// A command that fails gets an error reply in its place and the batch goes on.
  public func executeBatch(_ batch: [[[UInt8]]]) async -> [RESPValue] {
    var replies = [RESPValue](repeating: .null, count: batch.count)
    var group: [Int] = []
    for (i, command) in batch.enumerated() {
      if (try? await isPlainKeyed(command)) == true {
        group.append(i)
        continue
      }
      for (j, r) in await runGroup(group, batch) { replies[j] = r }
      group = []
      replies[i] = await executeOrError(command)
    }
    for (j, r) in await runGroup(group, batch) { replies[j] = r }
    return replies
  }

  /// `execute`, with a failure (a node that cannot be reached, say) as an error reply.
  func executeOrError(_ command: [[UInt8]]) async -> RESPValue {
    do {
      return try await execute(command)
    } catch {
      return .error("\(error)")
    }
  }

  /// Pipelines a group of plain keyed commands to their owners in parallel, then reruns one by one
  /// (in input order) those that redirected, hit a transient error or were never sent (their
  /// node could not be reached). Those whose connection failed after they were written are rerun
  /// only when read-only; the others get an "outcome unknown" reply.
  func runGroup(_ group: [Int], _ batch: [[[UInt8]]]) async -> [(Int, RESPValue)] {
    guard !group.isEmpty else { return [] }
    var byNode: [NodeAddress: [Int]] = [:]
    for i in group {
      let key = (try? await keys(of: batch[i]))?.first ?? []
      byNode[owners[HashSlot.slot(for: key)] ?? lastNode, default: []].append(i)
    }
    var work: [(any NodeSession, [Int])] = []
    for (node, indices) in byNode {
      // Not reachable: nothing was sent, so rerunning each through `execute` is safe.
      if let c = try? await connection(node) { work.append((c, indices)) }
    }
    let sent = await mapConcurrently(work, limit: 64) { c, indices in
      do {
        return (
          c, indices,
          Result<[RESPValue], InFlightFailure>.success(
            try await c.send(indices.map { batch[$0] }, timeout: nil))
        )
      } catch {
        return (c, indices, .failure(InFlightFailure(node: c.address, cause: error)))
      }
    }
    var got: [Int: RESPValue] = [:]
    var lost: [Int: InFlightFailure] = [:]
    for (c, indices, result) in sent {
      switch result {
      case .success(let replies):
        for (i, r) in zip(indices, replies) { got[i] = r }
      case .failure(let failure):
        await drop(c)
        for i in indices { lost[i] = failure }
      }
    }
    var out: [(Int, RESPValue)] = []
    for i in group {
      if let r = got[i],
        !(r.errorMessage.map { ServerError($0).redirect != nil || ServerError($0).isTransient } ?? false)
      {
        out.append((i, r))
      } else if let failure = lost[i], !isReadOnly(batch[i]) {
        out.append((i, failure.unknownOutcome(batch[i])))
      } else {
        out.append((i, await executeOrError(batch[i])))
      }
    }
    return out
  }

  /// True for commands COMMAND flags read-only (GET, LRANGE, …): safe to send again.
  func isReadOnly(_ command: [[UInt8]]) -> Bool {
    guard let first = command.first else { return false }
    return specs[String(decoding: first, as: UTF8.self).lowercased()]?.readOnly == true
  }

  /// Forgets and closes a connection that failed, so the next command to its node reconnects.
  func drop(_ session: any NodeSession) async {
    connections[session.address] = nil
    await session.close()
  }

  /// A command that can join a pipeline: cluster mode, no transaction, not special or blocking,
  /// keys at fixed positions, all in one slot.
  func isPlainKeyed(_ args: [[UInt8]]) async throws -> Bool {
    guard isCluster, transaction == nil, let first = args.first, !isBlocking(args) else { return false }
    let name = String(decoding: first, as: UTF8.self).lowercased()
    let special: Set<String> = [
      "multi", "exec", "discard", "watch", "unwatch", "dbsize", "keys", "scan", "flushall", "flushdb",
      "mget", "del", "exists", "unlink", "touch", "select", "asking", "readonly", "readwrite", "subscribe",
      "psubscribe", "ssubscribe", "monitor",
    ]
    guard !special.contains(name), let spec = specs[name], !spec.movable, spec.first > 0 else { return false }
    let keys = try await keys(of: args)
    guard let k = keys.first else { return false }
    let slot = HashSlot.slot(for: k)
    return owners[slot] != nil && keys.allSatisfy { HashSlot.slot(for: $0) == slot }
  }

  // MARK: Routing

  func routed(_ args: [[UInt8]]) async throws -> RESPValue {
    let keys = try await keys(of: args)
    var target = keys.first.flatMap { owners[HashSlot.slot(for: $0)] } ?? lastNode
    var asking = false
    var backoff: Duration = .milliseconds(50)
    for _ in 0...maxRedirects {
      let command = asking ? [words("ASKING"), args] : [args]
      let reply: RESPValue
      do {
        reply = try await send(command, to: target).last!
      } catch let error {
        // Sent and then lost: only a read-only command may go again. Never sent (the node could
        // not be reached): reload the map from any other node and try its new owner.
        if error is InFlightFailure && !isReadOnly(args) { throw error }
        guard error is InFlightFailure || error is ConnectionError else { throw error }
        try await reloadSlots(avoiding: target)
        let next = keys.first.flatMap { owners[HashSlot.slot(for: $0)] } ?? seed
        if next == target { throw (error as? InFlightFailure)?.cause ?? error }
        target = next
        continue
      }
      asking = false
      guard let message = reply.errorMessage else { return reply }
      let error = ServerError(message)
      if let redirect = error.redirect {
        let to = redirect.address(relativeTo: target)
        if redirect.kind == .moved {
          owners[redirect.slot] = to
          if !masters.contains(to) { masters.append(to) }
        } else {
          asking = true
        }
        target = to
        continue
      }
      if error.isTransient {
        try await Task.sleep(for: backoff)
        backoff = min(backoff * 2, .seconds(1))
        continue
      }
      return reply
    }
    return .error("ERR rcadm gave up after \(maxRedirects) redirects or retries for this command")
  }

  /// Sends commands to one node (reconnecting if needed) and records it as the last node used.
  /// Throws the connection error when the node could not be reached (nothing was sent), and
  /// `InFlightFailure` when the connection failed or timed out after the commands were written.
  func send(_ commands: [[[UInt8]]], to node: NodeAddress) async throws -> [RESPValue] {
    let c = try await connection(node)
    lastNode = node
    let blocking = commands.contains { isBlocking($0) }
    do {
      // Blocking commands may legitimately wait as long as the user asked: no reply deadline.
      return try await c.send(commands, timeout: blocking ? .seconds(365 * 24 * 3600) : nil)
    } catch is CancellationError {
      await drop(c)
      throw CancellationError()
    } catch {
      await drop(c)
      throw InFlightFailure(node: node, cause: error)
    }
  }

  func send(_ command: [[UInt8]], to node: NodeAddress) async throws -> RESPValue {
    try await send([command], to: node)[0]
  }

  func connection(_ node: NodeAddress) async throws -> any NodeSession {
    if let c = connections[node] { return c }
    let c = try await connector.connect(to: node)
    connections[node] = c
    return c
  }

  func isBlocking(_ command: [[UInt8]]) -> Bool {
    guard let first = command.first else { return false }
    let name = String(decoding: first, as: UTF8.self).uppercased()
    return [
      "BLPOP", "BRPOP", "BLMOVE", "BRPOPLPUSH", "BZPOPMIN", "BZPOPMAX", "BLMPOP", "BZMPOP", "WAIT", "WAITAOF",
    ]
    .contains(name)
      || (name.hasPrefix("X")
        && command.contains { String(decoding: $0, as: UTF8.self).uppercased() == "BLOCK" })
  }

  // MARK: Keys

  func keys(of args: [[UInt8]]) async throws -> [[UInt8]] {
    let name = String(decoding: args[0], as: UTF8.self).lowercased()
    guard let spec = specs[name] else { return [] }
    if spec.movable {
      let reply: RESPValue
      do {
        reply = try await send([words("COMMAND", "GETKEYS") + args], to: lastNode)[0]
      } catch let failure as InFlightFailure {
        throw failure.cause  // the user's command itself was not sent
      }
      return reply.elements?.compactMap(\.bytes) ?? []
    }
    guard spec.first > 0 else { return [] }
    let last = spec.last < 0 ? args.count + spec.last : spec.last
    var out: [[UInt8]] = []
    var i = spec.first
    while i <= last && i < args.count {
      out.append(args[i])
      i += max(spec.step, 1)
    }
    return out
  }

  func loadSpecs(_ reply: RESPValue) {
    for entry in reply.elements ?? [] {
      guard let e = entry.elements, e.count >= 6, let name = e[0].string, let first = e[3].int,
        let last = e[4].int,
        let step = e[5].int
      else { continue }
      let flags = e[2].elements?.compactMap(\.string) ?? []
      specs[name.lowercased()] = KeySpec(
        first: first, last: last, step: step, movable: flags.contains("movablekeys"),
        readOnly: flags.contains("readonly"))
    }
  }

  // MARK: Slot map

  func applySlots(_ reply: RESPValue, from node: NodeAddress) {
    var seen: [NodeAddress] = []
    for range in reply.elements ?? [] {
      guard let r = range.elements, r.count >= 3, let lo = r[0].int, let hi = r[1].int,
        let master = r[2].elements,
        master.count >= 2, let port = master[1].int, lo >= 0, hi < slotCount, lo <= hi
      else { continue }
      let host = master[0].string.flatMap { $0.isEmpty || $0 == "?" ? nil : $0 } ?? node.host
      let address = NodeAddress(host: host, port: port)
      for s in lo...hi { owners[s] = address }
      if !seen.contains(address) { seen.append(address) }
    }
    masters = seen
  }

  func reloadSlots(avoiding dead: NodeAddress) async throws {
    for candidate in masters + [seed] where candidate != dead {
      if let reply = try? await connection(candidate).send([words("CLUSTER", "SLOTS")], timeout: nil)[0],
        !reply.isError
      {
        applySlots(reply, from: candidate)
        return
      }
    }
  }

  /// The node that owns a key's slot (for `:slot`).
  public func owner(ofSlot slot: Int) -> NodeAddress? { owners[slot] }

  /// Slot ranges by master address (for `:nodes`).
  public func slotMap() -> [(NodeAddress, SlotSet)] {
    var sets: [NodeAddress: SlotSet] = [:]
    for (slot, owner) in owners.enumerated() { if let owner { sets[owner, default: SlotSet()].insert(slot) } }
    return sets.sorted { ($0.value.first ?? 0) < ($1.value.first ?? 0) }.map { ($0.key, $0.value) }
  }

  /// Connects the shell to another node.
  public func connect(to node: NodeAddress) async throws {
    _ = try await connection(node)
    lastNode = node
  }

  // MARK: Transactions

  /// MULTI … EXEC runs on the one node owning all the transaction's keys; keys in several slots are refused.
  func transactionStep(_ name: String, _ args: [[UInt8]]) async throws -> RESPValue {
    switch name {
    case "DISCARD":
      transaction = nil
      return .simpleString("OK")
    case "MULTI":
      return .error("ERR MULTI calls can not be nested")
    case _ where StreamingCommand(args) != nil:
      return .error(
        "ERR rcadm does not queue \(name) in a transaction: its replies stream until it is stopped")
    case "EXEC":
      let queued = transaction ?? []
      transaction = nil
      var slots = Set<Int>()
      for command in queued { for k in try await keys(of: command) { slots.insert(HashSlot.slot(for: k)) } }
      if slots.count > 1 {
        return .error(
          "CROSSSLOT rcadm did not send this transaction: its keys are in \(slots.count) slots (\(slots.sorted().prefix(5).map(String.init).joined(separator: ", "))); use a {hash tag} to keep them together"
        )
      }
      let target = slots.first.flatMap { owners[$0] } ?? lastNode
      let replies = try await send([words("MULTI")] + queued + [words("EXEC")], to: target)
      if let moved = replies.first(where: { $0.errorMessage.map { ServerError($0).redirect != nil } ?? false }
      ) {
        return moved
      }
      return replies.last!
    default:
      transaction?.append(args)
      return .simpleString("QUEUED")
    }
  }

  // MARK: Whole-cluster commands

  func everyMaster(_ args: [[UInt8]]) async throws -> RESPValue {
    var results: [RESPValue] = []
    for m in masters { results.append(try await send(args, to: m)) }
    return results.first { $0.isError } ?? results.first ?? .simpleString("OK")
  }

  func sumOverMasters(_ args: [[UInt8]]) async throws -> RESPValue {
    var total: Int64 = 0
    for m in masters {
      let r = try await send(args, to: m)
      if r.isError { return r }
      total += Int64(r.int ?? 0)
    }
    return .integer(total)
  }

  func concatOverMasters(_ args: [[UInt8]]) async throws -> RESPValue {
    var all: [RESPValue] = []
    for m in masters {
      let r = try await send(args, to: m)
      if r.isError { return r }
      // The first non-empty list is taken as it is: copying a million keys costs as much as reading them.
      let keys = r.elements ?? []
      if all.isEmpty { all = keys } else { all += keys }
    }
    return .array(all)
  }

  /// SCAN over every master: the cursor carries the master's index in its low 10 bits.
  func scan(_ args: [[UInt8]]) async throws -> RESPValue {
    guard args.count >= 2, let cursor = UInt64(String(decoding: args[1], as: UTF8.self)) else {
      return .error("ERR invalid cursor")
    }
    let index = Int(cursor & 1023)
    let inner = cursor >> 10
    guard index < masters.count else { return .array([.bulkString(Array("0".utf8)), .array([])]) }
    var command = args
    command[1] = Array(String(inner).utf8)
    let reply = try await send(command, to: masters[index])
    guard let parts = reply.elements, parts.count == 2, let next = parts[0].string.flatMap({ UInt64($0) })
    else {
      return reply
    }
    // Done with this master: continue with the next one (cursor = its index), or finish.
    let out: UInt64 =
      next != 0 ? next << 10 | UInt64(index) : index + 1 < masters.count ? UInt64(index + 1) : 0
    return .array([.bulkString(Array(String(out).utf8)), parts[1]])
  }

  /// MGET/DEL/EXISTS/UNLINK/TOUCH with keys in several slots: one command per slot, merged in order.
  func splitBySlot(_ name: String, _ args: [[UInt8]]) async throws -> RESPValue {
    let keys = Array(args.dropFirst())
    let slots = Set(keys.map { HashSlot.slot(for: $0) })
    if slots.count <= 1 { return try await routed(args) }
    var bySlot: [Int: [Int]] = [:]
    for (i, k) in keys.enumerated() { bySlot[HashSlot.slot(for: k), default: []].append(i) }
    var merged = [RESPValue](repeating: .null, count: keys.count)
    var total: Int64 = 0
    for (_, positions) in bySlot.sorted(by: { $0.key < $1.key }) {
      let reply = try await routed([args[0]] + positions.map { keys[$0] })
      if reply.isError { return reply }
      if name == "MGET" {
        for (p, v) in zip(positions, reply.elements ?? []) { merged[p] = v }
      } else {
        total += Int64(reply.int ?? 0)
      }
    }
    return name == "MGET" ? .array(merged) : .integer(total)
  }

  // MARK: Streams (pub/sub, MONITOR)

  /// Where a streaming command goes: the owner of the shard channels' slot for SSUBSCRIBE (as
  /// far as the slot map knows), otherwise the node in the prompt.
  func streamTarget(shardSlot: Int?) -> NodeAddress {
    shardSlot.flatMap { owners[$0] } ?? lastNode
  }

  /// Sends `args` on a new connection to `node` that then carries nothing but its stream, so the
  /// command path and its reply matching never see pushed frames. Throws the connection error when
  /// the node cannot be reached (nothing was sent).
  func openStream(_ args: [[UInt8]], at node: NodeAddress) async throws -> NodeStream {
    let session = try await connector.connect(to: node)
    guard let streaming = session as? any StreamingSession else {
      await session.close()
      throw ConnectionError(
        .other, node: node,
        "the connection to \(node) cannot carry a stream of replies (pub/sub, MONITOR) with this transport")
    }
    return streaming.startStreaming([args])
  }

  /// Reloads the slot map from `node` first: a node that just gave a slot away (it dropped the
  /// slot's shard channels) knows its new owner, where the cached map still names the old one.
  /// Falls back to the other nodes; a map nobody returns is left as it was (MOVED corrects it).
  func reloadSlots(preferring node: NodeAddress) async {
    if let c = try? await connection(node) {
      do {
        let reply = try await c.send([words("CLUSTER", "SLOTS")], timeout: nil)[0]
        if !reply.isError {
          applySlots(reply, from: node)
          return
        }
      } catch {
        await drop(c)
      }
    }
    try? await reloadSlots(avoiding: node)
  }

  /// A MOVED answer names the slot's owner.
  func learnOwner(ofSlot slot: Int, _ node: NodeAddress) {
    owners[slot] = node
    if !masters.contains(node) { masters.append(node) }
  }

  public func closeAll() async {
    for c in connections.values { await c.close() }
    connections = [:]
  }
}

func words(_ w: String...) -> [[UInt8]] { w.map { Array($0.utf8) } }
