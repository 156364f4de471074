import ClusterKit
import RESP
import RedisCore

/// How keys travel between nodes (MIGRATE options).
public struct MigrateOptions: Sendable {
  /// Keys per GETKEYSINSLOT / MIGRATE batch.
  public var keysPerBatch: Int
  /// MIGRATE's own timeout, per batch.
  public var timeout: Duration
  /// Overwrite keys that already exist on the target with a different value.
  public var replace: Bool
  /// Leave the keys on the source too (MIGRATE COPY): an import that keeps its source.
  public var copy = false
  /// Credentials MIGRATE passes to the target (AUTH / AUTH2).
  public var user: String?
  public var password: String?
  /// Bytes one MIGRATE may carry: big values split a batch so each MIGRATE ends well within `timeout`.
  public var bytesPerBatch: Int = 32 << 20
  /// How long a target may keep answering CLUSTERDOWN/TRYAGAIN before the move gives up.
  public var transientBound: Duration = .seconds(30)
  /// Called once per key so big that one MIGRATE of it alone may not finish within `timeout`.
  public var warn: @Sendable (String) -> Void = { _ in }

  public init(
    keysPerBatch: Int = 1000, timeout: Duration = .seconds(60), replace: Bool = false, user: String? = nil,
    password: String? = nil
  ) {
    self.keysPerBatch = keysPerBatch
    self.timeout = timeout
    self.replace = replace
    self.user = user
    self.password = password
  }
}

/// Moves every key of some slots from one node to another with batched, pipelined MIGRATE.
public struct KeyMigrator: Sendable {
  public var options: MigrateOptions

  public init(options: MigrateOptions) {
    self.options = options
  }

  /// Keys of one slot that one MIGRATE moves.
  public typealias KeyBatch = (slot: Int, keys: [[UInt8]])

  /// Drains `slots` on `source` into `target` (the slots must be open on the source). Returns the
  /// number of keys moved. GETKEYSINSLOT for all slots goes in one pipeline, then one MIGRATE per
  /// slot with keys in the next (each with its own reply bound) followed by those slots' listing
  /// again, until every slot is empty: the usual last listing, empty, costs no round trip of its own.
  /// `prepared` holds `batches(slots, …)` when the caller already listed the slots.
  /// A target that answers CLUSTERDOWN/TRYAGAIN/LOADING is retried with backoff for at most
  /// `options.transientBound`; a slot whose keys stop moving is an error, never an endless loop.
  public func drain(
    _ slots: [Int], from source: any NodeSession, to target: NodeAddress, targetSession: any NodeSession,
    prepared: [KeyBatch]? = nil
  ) async throws -> Int {
    var pending = slots
    var prepared = prepared
    var moved = 0
    var lastListing: [Int: [[UInt8]]] = [:]
    var stalled: [Int: Int] = [:]
    var transientSince: ContinuousClock.Instant?
    var backoff = Duration.milliseconds(50)
    while !pending.isEmpty {
      var batches: [KeyBatch]
      if let prepared {
        batches = prepared
      } else {
        batches = try await self.batches(
          pending, listing: try await source.pipeline(listing(pending)), on: source)
      }
      prepared = nil
      if batches.isEmpty { break }
      var seen = Set<Int>()
      let listedSlots = batches.map(\.slot).filter { seen.insert($0).inserted }
      let sent = try await source.send(
        batches.map { migrateCommand(to: target, keys: $0.keys, replace: options.replace) }
          + self.listing(listedSlots).map { $0.map { Array($0.utf8) } },
        timeout: options.timeout + .seconds(5))
      let replies = sent.prefix(batches.count)
      var transient: String?
      var resolvedBusyKeys = false
      for (batch, reply) in zip(batches, replies) {
        guard let message = reply.errorMessage else {
          // NOKEY: the listed keys expired before MIGRATE reached them; nothing moved.
          if reply.string != "NOKEY" { moved += batch.keys.count }
          continue
        }
        if message.contains("BUSYKEY") {
          resolvedBusyKeys = true
          moved += try await resolveBusyKeys(
            batch.slot, batch.keys, source: source, target: target, targetSession: targetSession)
        } else if Self.isTransient(message) {
          transient = message
        } else if message.contains("IOERR") || message.lowercased().contains("timeout") {
          throw OperationError(
            "MIGRATE of \(batch.keys.count) key(s) in slot \(batch.slot) from \(source.address) to \(target) failed: \(message). A value may be too big to move within the MIGRATE timeout; raise it or move fewer keys per batch"
          )
        } else {
          throw OperationError(
            "MIGRATE in slot \(batch.slot) from \(source.address) to \(target) failed: \(message)")
        }
      }
      pending = listedSlots
      if let transient {
        let now = ContinuousClock.now
        let since = transientSince ?? now
        transientSince = since
        if now - since > options.transientBound {
          throw OperationError(
            "MIGRATE from \(source.address) to \(target) kept failing for \(options.transientBound.shortText) while a node reported the cluster down: \(transient)"
          )
        }
        try await Task.sleep(for: backoff)
        backoff = min(backoff * 2, .seconds(1))
        continue
      }
      transientSince = nil
      backoff = .milliseconds(50)
      // Keys moved with REPLACE after the listing was taken: list again.
      if !resolvedBusyKeys {
        prepared = try await self.batches(
          listedSlots, listing: Array(sent.dropFirst(batches.count)), on: source)
      }
      // The same keys listed again after MIGRATE said they moved: something keeps them on the source.
      for batch in batches {
        if lastListing[batch.slot] == batch.keys {
          stalled[batch.slot, default: 0] += 1
          if stalled[batch.slot]! >= 3 {
            throw OperationError(
              "keys of slot \(batch.slot) stay on \(source.address) although MIGRATE to \(target) reports them moved (\(String(decoding: batch.keys[0], as: UTF8.self)), …)"
            )
          }
        } else {
          stalled[batch.slot] = 0
        }
        lastListing[batch.slot] = batch.keys
      }
    }
    return moved
  }

  /// The keys each slot's listing (replies to `listing(slots)`) named, in MIGRATE-sized batches
  /// (`splitByBytes`); slots without keys are left out.
  public func batches(_ slots: [Int], listing: [RESPValue], on source: any NodeSession) async throws
    -> [KeyBatch]
  {
    var batches: [KeyBatch] = []
    for (slot, reply) in zip(slots, listing) {
      if let m = reply.errorMessage {
        throw OperationError("GETKEYSINSLOT \(slot) on \(source.address) failed: \(m)")
      }
      guard let elements = reply.elements else {
        throw OperationError("GETKEYSINSLOT \(slot) on \(source.address) returned no key list")
      }
      let keys = elements.compactMap(\.bytes)
      if !keys.isEmpty { batches.append((slot, keys)) }
    }
    return batches.isEmpty ? [] : try await splitByBytes(batches, on: source)
  }

  /// GETKEYSINSLOT for each slot, up to one batch of keys.
  public func listing(_ slots: [Int]) -> [[String]] {
    slots.map { ["CLUSTER", "GETKEYSINSLOT", String($0), String(options.keysPerBatch)] }
  }

  /// Errors from a target that is briefly unable to take keys (cluster down while it settles).
  static func isTransient(_ message: String) -> Bool {
    ["CLUSTERDOWN", "TRYAGAIN", "LOADING", "MASTERDOWN"].contains { message.contains($0) }
  }

  /// Estimates each batch's size from MEMORY USAGE of up to 8 of its keys (one pipeline for all
  /// batches) and splits batches whose estimate exceeds `bytesPerBatch`.
  func splitByBytes(_ batches: [KeyBatch], on source: any NodeSession) async throws -> [KeyBatch] {
    let samples = batches.map { Array($0.keys.prefix(8)) }
    let commands = samples.flatMap { keys in keys.map { [Array("MEMORY".utf8), Array("USAGE".utf8), $0] } }
    let sizes = try await source.send(commands, timeout: nil).map { $0.int ?? 0 }
    var out: [KeyBatch] = []
    var offset = 0
    // A rough floor for MIGRATE throughput on a LAN; it only decides when to warn.
    let bytesPerSecond = 50.0 * 1_000_000
    for (batch, sample) in zip(batches, samples) {
      let sampled = Array(sizes[offset..<offset + sample.count])
      offset += sample.count
      for (key, size) in zip(sample, sampled)
      where Double(size) / bytesPerSecond > options.timeout.seconds / 2 {
        options.warn(
          "key \(String(decoding: key, as: UTF8.self)) in slot \(batch.slot) holds about \(size >> 20) MiB and may not move within the MIGRATE timeout of \(options.timeout.shortText)"
        )
      }
      let average = max(1, sampled.reduce(0, +) / max(1, sampled.count))
      let perBatch = max(1, options.bytesPerBatch / average)
      if batch.keys.count <= perBatch {
        out.append(batch)
      } else {
        for start in stride(from: 0, to: batch.keys.count, by: perBatch) {
          out.append((batch.slot, Array(batch.keys[start..<min(start + perBatch, batch.keys.count)])))
        }
      }
    }
    return out
  }

  /// Whether each key holds the same value on both nodes, read by type (TYPE, then GET, LRANGE,
  /// SMEMBERS, HGETALL, ZRANGE … WITHSCORES or XRANGE, with ASKING for an importing node), with
  /// sets and hashes compared as unordered. Other types, or types that differ, are different.
  static func sameContent(_ keys: [[UInt8]], _ a: any NodeSession, _ b: any NodeSession) async throws
    -> [Bool]
  {
    let asking = [Array("ASKING".utf8)]
    func read(_ s: any NodeSession, _ commands: [[String]], _ keys: [[UInt8]]) async throws -> [RESPValue] {
      let batch = zip(commands, keys).flatMap { c, k in
        [asking, c.map { Array($0.utf8) } + [k] + Self.tail(c)]
      }
      return try await s.send(batch, timeout: nil).enumerated().filter { $0.offset % 2 == 1 }.map(\.element)
    }
    let typeCommands = keys.map { _ in ["TYPE"] }
    let typesA = try await read(a, typeCommands, keys).map { $0.string ?? "" }
    let typesB = try await read(b, typeCommands, keys).map { $0.string ?? "" }
    let readers = typesA.map { Self.reader[$0] ?? ["TYPE"] }
    let valuesA = try await read(a, readers, keys)
    let valuesB = try await read(b, readers, keys)
    return keys.indices.map { i in
      guard typesA[i] == typesB[i], Self.reader[typesA[i]] != nil, valuesA[i].errorMessage == nil else {
        return false
      }
      let unordered = typesA[i] == "set" || typesA[i] == "hash"
      return canonical(valuesA[i], pairs: typesA[i] == "hash", unordered: unordered)
        == canonical(valuesB[i], pairs: typesA[i] == "hash", unordered: unordered)
    }
  }

  /// The command that reads a whole value of each type (the key goes after the first word(s)).
  static let reader: [String: [String]] = [
    "string": ["GET"], "list": ["LRANGE"], "set": ["SMEMBERS"], "hash": ["HGETALL"], "zset": ["ZRANGE"],
    "stream": ["XRANGE"],
  ]

  /// Arguments after the key for a reader.
  static func tail(_ command: [String]) -> [[UInt8]] {
    switch command.first {
    case "LRANGE": return [Array("0".utf8), Array("-1".utf8)]
    case "ZRANGE": return [Array("0".utf8), Array("-1".utf8), Array("WITHSCORES".utf8)]
    case "XRANGE": return [Array("-".utf8), Array("+".utf8)]
    default: return []
    }
  }

  /// A reply flattened to its leaves (RESP2 and RESP3 shapes alike); hash fields kept with their
  /// values; sets and hashes sorted.
  static func canonical(_ value: RESPValue, pairs: Bool, unordered: Bool) -> [[UInt8]] {
    func leaves(_ v: RESPValue) -> [[UInt8]] {
      switch v.unwrapped {
      case .array(let items), .set(let items), .push(let items): return items.flatMap(leaves)
      case .map(let entries): return entries.flatMap { leaves($0.key) + leaves($0.value) }
      case .bulkString(let b): return [b]
      case .simpleString(let s), .bigNumber(let s): return [Array(s.utf8)]
      case .integer(let n): return [Array(String(n).utf8)]
      case .double(let d): return [Array(String(d).utf8)]
      case .verbatimString(_, let t): return [t]
      default: return [Array("\(v)".utf8)]
      }
    }
    let flat = leaves(value)
    guard unordered else { return flat }
    if pairs {
      let grouped = stride(from: 0, to: flat.count - 1, by: 2).map { flat[$0] + [0] + flat[$0 + 1] }
      return grouped.sorted { $0.lexicographicallyPrecedes($1) }
    }
    return flat.sorted { $0.lexicographicallyPrecedes($1) }
  }

  func migrateCommand(to target: NodeAddress, keys: [[UInt8]], replace: Bool) -> [[UInt8]] {
    var args = [
      "MIGRATE", target.host, String(target.port), "", "0", String(Int(options.timeout.seconds * 1000)),
    ]
    if options.copy { args.append("COPY") }
    if replace { args.append("REPLACE") }
    if let password = options.password {
      args += options.user.map { ["AUTH2", $0, password] } ?? ["AUTH", password]
    }
    args.append("KEYS")
    return args.map { Array($0.utf8) } + keys
  }

  /// MIGRATE stops at keys that exist on the target. Keys whose DUMP is identical on both sides
  /// are safe to overwrite; any real difference stops the move unless --replace. A reply that is
  /// an error (ACL, say) is never taken for a value: comparing is impossible, so the move stops.
  func resolveBusyKeys(
    _ slot: Int, _ keys: [[UInt8]], source: any NodeSession, target: NodeAddress,
    targetSession: any NodeSession
  ) async throws -> Int {
    // ASKING lets a source that is only importing the slot (fix draining a stray holder) answer;
    // a migrating source answers ASK for a key it no longer has.
    let asking = [Array("ASKING".utf8)]
    let remaining = try await source.send(
      keys.flatMap { [asking, [Array("EXISTS".utf8), $0]] }, timeout: nil
    )
    .enumerated().filter { $0.offset % 2 == 1 }.map(\.element)
    var left: [[UInt8]] = []
    for (key, reply) in zip(keys, remaining) {
      if reply.errorMessage?.hasPrefix("ASK ") == true { continue }
      guard let n = reply.int else {
        throw OperationError(
          "cannot tell whether key \(String(decoding: key, as: UTF8.self)) in slot \(slot) is still on \(source.address): EXISTS answered \(reply.errorMessage ?? "with no number")"
        )
      }
      if n == 1 { left.append(key) }
    }
    if left.isEmpty { return keys.count }
    if !options.replace {
      let ours = try await source.send(left.flatMap { [asking, [Array("DUMP".utf8), $0]] }, timeout: nil)
        .enumerated().filter { $0.offset % 2 == 1 }.map(\.element)
      // The target may only be importing the slot: ASKING lets it answer for the key.
      let asks = left.flatMap { [[Array("ASKING".utf8)], [Array("DUMP".utf8), $0]] }
      let answers = try await targetSession.send(asks, timeout: nil)
      var differing: [String] = []
      for (i, key) in left.enumerated() {
        let theirs = answers[2 * i + 1]
        let name = String(decoding: key, as: UTF8.self)
        for (reply, side) in [(ours[i], source.address), (theirs, target)] {
          if let m = reply.errorMessage {
            throw OperationError(
              "key \(name) in slot \(slot) exists on \(target) and its values cannot be compared: DUMP on \(side) failed: \(m). Nothing was overwritten",
              remedies: [.allowOverwrite])
          }
        }
        if theirs != .null && theirs != ours[i] { differing.append(name) }
      }
      // DUMP bytes differ for equal values too: a set or a big hash serialises in its hash
      // table's order, which each server seeds at random. Those keys are compared by content.
      if !differing.isEmpty {
        let names = Set(differing)
        let suspects = left.filter { names.contains(String(decoding: $0, as: UTF8.self)) }
        let same = try await Self.sameContent(suspects, source, targetSession)
        differing = zip(suspects, same).filter { !$0.1 }.map { String(decoding: $0.0, as: UTF8.self) }
      }
      if !differing.isEmpty {
        throw OperationError(
          "\(differing.count) key(s) in slot \(slot) exist on \(target) with a different value (\(differing.prefix(5).joined(separator: ", "))\(differing.count > 5 ? ", …" : "")); nothing was overwritten",
          remedies: [.allowOverwrite])
      }
    }
    let reply = try await source.send(
      [migrateCommand(to: target, keys: left, replace: true)], timeout: options.timeout + .seconds(5))[0]
    if let m = reply.errorMessage {
      throw OperationError("MIGRATE REPLACE in slot \(slot) to \(target) failed: \(m)")
    }
    return keys.count
  }
}
