// libFuzzer harness: CLUSTER NODES text → ClusterNodesParser.parse.
import ClusterKit
import RedisCore

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzClusterNodes(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
  let input = text(data, size)
  let lines = Array(input.utf8).split(separator: 10, omittingEmptySubsequences: false)
  do {
    let entries = try ClusterNodesParser.parse(input)
    let nonBlank = lines.filter { !$0.allSatisfy { $0 == 32 || $0 == 9 || $0 == 13 } }
    check(entries.count == nonBlank.count, "not one entry per non-blank line")
    for entry in entries { checkEntry(entry) }
    let again = render(entries)
    check((try? ClusterNodesParser.parse(again)) == entries, "re-printed entries parse differently: \(again)")
  } catch {
    guard let number = error.line, (1...lines.count).contains(number) else {
      check(false, "bad line number \(String(describing: error.line))")
      return 0
    }
    check(isSentence(error.reason), "not a one-line sentence: \(error.reason.debugDescription)")
    // The error is about that line alone.
    let alone = String(decoding: lines[number - 1], as: UTF8.self)
    let result = Result { () throws(ClusterParseError) in try ClusterNodesParser.parse(alone) }
    check(
      result == .failure(ClusterParseError(line: 1, reason: error.reason)), "line \(number) alone differs")
  }
  return 0
}

private func checkEntry(_ entry: ClusterNodeEntry) {
  let separators: Set<UInt8> = [32, 9, 13, 10]
  check(!entry.id.isEmpty && !entry.id.utf8.contains(where: separators.contains), "bad id")
  check(entry.masterId != "-" && entry.masterId?.isEmpty != true, "bad master id")
  if let address = entry.address {
    check((1...65535).contains(address.port) && !address.host.isEmpty, "bad address")
    check(!entry.flags.contains(.noaddr), "noaddr node with an address")
  }
  check(entry.busPort.map { (1...65535).contains($0) } ?? true, "bad bus port")
  check(entry.hostname.map { !$0.isEmpty && !$0.contains("=") } ?? true, "bad hostname")
  let open = Array(entry.migrating) + Array(entry.importing)
  check(open.allSatisfy { (0..<slotCount).contains($0.key) && !$0.value.isEmpty }, "bad open slot")
}

/// Prints entries as CLUSTER NODES text that parses back to exactly them.
private func render(_ entries: [ClusterNodeEntry]) -> String {
  entries.map { entry in
    var address = ":0"
    if let a = entry.address {
      // The parser strips one pair of bracket bytes: a host that looks bracketed needs another.
      address =
        a.host.utf8.first == UInt8(ascii: "[") && a.host.utf8.last == UInt8(ascii: "]")
        ? "[\(a.host)]:\(a.port)" : "\(a.host):\(a.port)"
    }
    address += "@\(entry.busPort ?? 0)"
    if entry.hostname != nil || !entry.aux.isEmpty { address += ",\(entry.hostname ?? "")" }
    for (key, value) in entry.aux { address += ",\(key)=\(value)" }
    var fields = [
      entry.id, address, entry.flags.isEmpty ? "-" : entry.flags.names.joined(separator: ","),
      entry.masterId ?? "-", String(entry.pingSent), String(entry.pongReceived), String(entry.configEpoch),
      entry.linkConnected ? "connected" : "disconnected",
    ]
    fields += entry.slots.ranges.map(\.description)
    fields += entry.migrating.map { "[\($0.key)->-\($0.value)]" }
    fields += entry.importing.map { "[\($0.key)-<-\($0.value)]" }
    return fields.joined(separator: " ")
  }.joined(separator: "\n")
}

@_cdecl("LLVMFuzzerInitialize")
public func initialize(
  _ argc: UnsafeMutablePointer<CInt>?,
  _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>?
) -> CInt {
  let id = "e7d1fe0b2a6c4bd3a9f6c18e2b7d45a0c3e1f902"
  let head = "\(id) 127.0.0.1:7001@17001 master - 0 1700000000000 1 connected"
  runScalingProbe(
    "cluster-nodes",
    [
      ("many lines", { repeated("", head + " 0-5460\n", "", $0) }),
      ("many slot fields", { repeated(head, " 1 3-7", "", $0) }),
      ("many open slots", { repeated(head, " [5->-\(id)]", "", $0) }),
      ("huge id", { repeated("", "a", " 1.2.3.4:1@2 master - 0 0 1 connected", $0) }),
      ("many flags", { repeated("\(id) 1.2.3.4:1@2 ", "master,", " - 0 0 1 connected", $0) }),
      ("many aux fields", { repeated("\(id) 1.2.3.4:1@2,host", ",k=v", " master - 0 0 1 connected", $0) }),
      ("huge bad number", { repeated("\(id) 1.2.3.4:1@2 master - 0 0 ", "9x", " connected", $0) }),
    ]
  ) { _ = try? ClusterNodesParser.parse(String(decoding: $0, as: UTF8.self)) }
  writeSeeds {
    var seeds = fixtures.map { Array($0.utf8) }
    var rng = SplitMix64(state: 1)
    for _ in 0..<200 { seeds.append(Array(render(table(&rng)).utf8)) }
    return seeds
  }
  return 0
}

/// The texts of Tests/ClusterKitTests (Fixtures.swift's six-node layouts, the captured Redis 7 dump,
/// failure states, IPv6, hostnames and aux fields, open slots).
private let fixtures = [
  """
  e7d1fe0b2a6c4bd3a9f6c18e2b7d45a0c3e1f902 127.0.0.1:7001@17001 myself,master - 0 1700000000000 1 connected 0-5460
  e7d14a77c09b3e5f8d2a61b4c7e90f3a5d2b6c18 127.0.0.1:7002@17002 master - 0 1700000000000 2 connected 5461-10922
  3c9a0b5e7f214d68a1c3e5b7d9f0a2c4e6b8d0f1 127.0.0.1:7003@17003 master - 0 1700000000000 3 connected 10923-16383
  5b2e8c4a1d7f3e9b0c6a2d8f4e1b7c3a9d5f0e2b 127.0.0.1:7004@17004 slave e7d1fe0b2a6c4bd3a9f6c18e2b7d45a0c3e1f902 0 1700000000000 1 connected
  9f4c2a7e1b5d3f8c0a6e2b9d4f7c1a3e5b8d0c6f 127.0.0.1:7005@17005 slave e7d14a77c09b3e5f8d2a61b4c7e90f3a5d2b6c18 0 1700000000000 2 connected
  c04d7e2a9b1f5c8e3a6d0b4f7e2c9a1d5b8f3e06 127.0.0.1:7006@17006 slave 3c9a0b5e7f214d68a1c3e5b7d9f0a2c4e6b8d0f1 0 1700000000000 3 connected
  """,
  """
  e7d1fe0b2a6c4bd3a9f6c18e2b7d45a0c3e1f902 127.0.0.1:7001@17001 master - 0 1700000000000 1 connected 0-99 101-5460
  e7d14a77c09b3e5f8d2a61b4c7e90f3a5d2b6c18 127.0.0.1:7002@17002 master - 0 1700000000000 2 connected 5461-10922
  3c9a0b5e7f214d68a1c3e5b7d9f0a2c4e6b8d0f1 127.0.0.1:7003@17003 myself,master - 0 1700000000000 3 connected 10923-16383
  """,
  """
  6134ccc8ab3f677e3742a0a431d8c8626901e329 127.0.0.1:31006@41006 slave e8a679a685bf5fcd8695b746323ff541cbef59dc 0 1795590381000 2 connected\r
  ed3da01c2f56caafb1eac8f6c9df41004fef77d3 127.0.0.1:31001@41001 myself,master - 0 1795590379000 1 connected 0-5460 [100->-e8a679a685bf5fcd8695b746323ff541cbef59dc]\r
  21e141d870a93487b4e21cb8b32da860d367e707 127.0.0.1:31003@41003,rc-leader-2.example master - 0 1795590380000 3 connected 10923-16383\r
  e8a679a685bf5fcd8695b746323ff541cbef59dc 127.0.0.1:31002@41002 master - 0 1795590381000 2 connected 5461-10922 [100-<-ed3da01c2f56caafb1eac8f6c9df41004fef77d3]\r

  """,
  """
  aaaa000000000000000000000000000000000001 10.0.0.1:7000@17000 master,fail? - 1700000000000 1699999990000 4 disconnected 0-8191
  aaaa000000000000000000000000000000000003 10.0.0.3:7000@17000 handshake - 1700000000100 0 0 disconnected
  aaaa000000000000000000000000000000000004 :0@0 master,fail,noaddr - 1700000000000 1699999990000 6 disconnected
  aaaa000000000000000000000000000000000005 10.0.0.5:7000@17000 slave,nofailover aaaa000000000000000000000000000000000001 0 1700000000000 4 connected
  aaaa000000000000000000000000000000000006 10.0.0.6:7000@17000 noflags - 0 0 0 connected
  aaaa000000000000000000000000000000000007 10.0.0.7:7000@17000 replica,future-flag aaaa000000000000000000000000000000000001 0 0 4 connected
  """,
  """
  ed3da01c2f56caafb1eac8f6c9df41004fef77d3 ::1:7000@17000 myself,master - 0 0 1 connected 0-16383
  e8a679a685bf5fcd8695b746323ff541cbef59dc 2001:db8::a:30001@40001,node-b.example slave ed3da01c2f56caafb1eac8f6c9df41004fef77d3 0 0 1 connected
  21e141d870a93487b4e21cb8b32da860d367e707 fe80::1:7002 slave ed3da01c2f56caafb1eac8f6c9df41004fef77d3 0 0 1 connected
  """,
  """
  ed3da01c2f56caafb1eac8f6c9df41004fef77d3 127.0.0.1:30001@40001,,tls-port=0,shard-id=4b2c5f0e3a1d6c7b8a9f0e1d2c3b4a5f6e7d8c9b myself,master - 0 0 2 connected
  e8a679a685bf5fcd8695b746323ff541cbef59dc 127.0.0.2:30002@40002,host-c,tls-port=30102,shard-id=abc,nodename=n3 slave ed3da01c2f56caafb1eac8f6c9df41004fef77d3 0 0 2 connected
  21e141d870a93487b4e21cb8b32da860d367e707 10.0.0.1:7000@17000,shard-id=s1 master - 0 0 1 connected 0-99 101 200-300 16383 [5000-<-e8a679a685bf5fcd8695b746323ff541cbef59dc]
  """,
]

/// A random table (valid, as Redis would print it) for the generated seeds.
private func table(_ rng: inout SplitMix64) -> [ClusterNodeEntry] {
  let ids = (0..<Int.random(in: 1...6, using: &rng)).map { _ in
    String((0..<40).map { _ in "0123456789abcdef".randomElement(using: &rng)! })
  }
  return ids.map { id in
    let master = Bool.random(using: &rng)
    var entry = ClusterNodeEntry(
      id: id, flags: master ? .master : .replica,
      pingSent: Int.random(in: 0...1_800_000_000_000, using: &rng),
      configEpoch: Int.random(in: 0...20, using: &rng), linkConnected: Bool.random(using: &rng))
    let hosts = ["127.0.0.1", "10.0.0.7", "::1", "2001:db8::a", "redis-0.headless"]
    entry.address = NodeAddress(
      host: hosts.randomElement(using: &rng)!, port: Int.random(in: 1...65535, using: &rng))
    entry.busPort = Int.random(in: 1...65535, using: &rng)
    if Int.random(in: 0..<4, using: &rng) == 0 {
      entry.hostname = "node-\(Int.random(in: 0...9, using: &rng)).example"
    }
    if Int.random(in: 0..<4, using: &rng) == 0 { entry.aux = ["shard-id": "4b2c5f0e", "tls-port": "0"] }
    if master {
      let lower = Int.random(in: 0..<slotCount, using: &rng)
      entry.slots.insert(SlotRange(lower, Int.random(in: lower..<slotCount, using: &rng)))
      if Bool.random(using: &rng) { entry.migrating[Int.random(in: 0..<slotCount, using: &rng)] = ids[0] }
    } else {
      entry.masterId = ids.randomElement(using: &rng)!
    }
    return entry
  }
}
