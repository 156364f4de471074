import ClusterKit
import RedisCore
import Testing

/// Captured from a Redis 7.0.15 cluster (6 nodes, slot 100 being migrated from :31001 to :31002,
/// :31003 announcing a hostname).
private let redis7Dump = """
  6134ccc8ab3f677e3742a0a431d8c8626901e329 127.0.0.1:31006@41006 slave e8a679a685bf5fcd8695b746323ff541cbef59dc 0 1795590381000 2 connected
  727edc6aac3cd6198d16619916943ec3caccdad1 127.0.0.1:31004@41004 slave 21e141d870a93487b4e21cb8b32da860d367e707 0 1795590381634 3 connected
  ed3da01c2f56caafb1eac8f6c9df41004fef77d3 127.0.0.1:31001@41001 myself,master - 0 1795590379000 1 connected 0-5460 [100->-e8a679a685bf5fcd8695b746323ff541cbef59dc]
  ebd544e606be9d76292cbf5dc20bdf5f9e060a9a 127.0.0.1:31005@41005 slave ed3da01c2f56caafb1eac8f6c9df41004fef77d3 0 1795590382638 1 connected
  21e141d870a93487b4e21cb8b32da860d367e707 127.0.0.1:31003@41003,rc-leader-2.example master - 0 1795590380000 3 connected 10923-16383
  e8a679a685bf5fcd8695b746323ff541cbef59dc 127.0.0.1:31002@41002 master - 0 1795590381000 2 connected 5461-10922

  """

private let idA = "ed3da01c2f56caafb1eac8f6c9df41004fef77d3"
private let idB = "e8a679a685bf5fcd8695b746323ff541cbef59dc"
private let idC = "21e141d870a93487b4e21cb8b32da860d367e707"

@Suite struct ClusterNodesParserTests {
  @Test func redis7SixNodeDump() throws {
    let entries = try ClusterNodesParser.parse(redis7Dump)
    #expect(entries.count == 6)
    #expect(entries.map(\.address?.port) == [31006, 31004, 31001, 31005, 31003, 31002])
    #expect(entries.filter(\.isMaster).count == 3)
    #expect(entries.filter(\.isReplica).count == 3)
    #expect(entries.filter(\.isMyself).map(\.id) == [idA])

    let me = entries[2]
    #expect(
      me
        == ClusterNodeEntry(
          id: idA, address: NodeAddress(host: "127.0.0.1", port: 31001), busPort: 41001,
          flags: [.myself, .master], masterId: nil, pingSent: 0, pongReceived: 1_795_590_379_000,
          configEpoch: 1, linkConnected: true, slots: SlotSet([SlotRange(0, 5460)]),
          migrating: [100: idB], importing: [:]))
    #expect(me.slots.count == 5461)

    let replica = entries[0]
    #expect(replica.flags == .replica)
    #expect(replica.masterId == idB)
    #expect(replica.slots.isEmpty)
    #expect(replica.hostname == nil)
    #expect(replica.aux.isEmpty)

    let named = entries[4]
    #expect(named.id == idC)
    #expect(named.address == NodeAddress(host: "127.0.0.1", port: 31003))
    #expect(named.busPort == 41003)
    #expect(named.hostname == "rc-leader-2.example")
    #expect(named.slots.rangesDescription == "10923-16383")

    // The masters cover every slot exactly once.
    let masters = entries.filter(\.isMaster)
    #expect(masters.reduce(SlotSet()) { $0.union($1.slots) } == SlotSet.all)
    #expect(masters.map(\.slots.count).reduce(0, +) == slotCount)
  }

  @Test func importingMarker() throws {
    let line =
      "\(idB) 127.0.0.1:31002@41002 myself,master - 0 1795590381000 2 connected 5461-10922 [100-<-\(idA)]"
    let entry = try #require(try ClusterNodesParser.parse(line).first)
    #expect(entry.importing == [100: idA])
    #expect(entry.migrating.isEmpty)
    #expect(entry.slots.rangesDescription == "5461-10922")
    #expect(!entry.slots.contains(100))
  }

  @Test func mixedSlotsAndSeveralOpenSlots() throws {
    let line =
      "\(idA) 10.0.0.1:7000@17000 myself,master - 0 0 7 connected 0-99 101 200-300 16383"
      + " [100->-\(idB)] [5000-<-\(idC)] [5001->-\(idC)]"
    let entry = try #require(try ClusterNodesParser.parse(line).first)
    #expect(entry.slots.rangesDescription == "0-99,101,200-300,16383")
    #expect(entry.migrating == [100: idB, 5001: idC])
    #expect(entry.importing == [5000: idC])
  }

  @Test func failureAndLinkStates() throws {
    let text = """
      aaaa000000000000000000000000000000000001 10.0.0.1:7000@17000 master,fail? - 1700000000000 1699999990000 4 disconnected 0-8191
      aaaa000000000000000000000000000000000002 10.0.0.2:7000@17000 master,fail - 1700000000000 1699999990000 5 disconnected
      aaaa000000000000000000000000000000000003 10.0.0.3:7000@17000 handshake - 1700000000100 0 0 disconnected
      aaaa000000000000000000000000000000000004 :0@0 master,fail,noaddr - 1700000000000 1699999990000 6 disconnected
      aaaa000000000000000000000000000000000005 10.0.0.5:7000@17000 slave,nofailover aaaa000000000000000000000000000000000001 0 1700000000000 4 connected
      aaaa000000000000000000000000000000000006 10.0.0.6:7000@17000 noflags - 0 0 0 connected
      aaaa000000000000000000000000000000000007 10.0.0.7:7000@17000 replica,future-flag aaaa000000000000000000000000000000000001 0 0 4 connected
      """
    let entries = try ClusterNodesParser.parse(text)
    #expect(
      entries.map(\.flags) == [
        [.master, .pfail], [.master, .fail], .handshake, [.master, .fail, .noaddr],
        [.replica, .nofailover], .noflags, .replica,
      ])
    #expect(entries.map(\.linkConnected) == [false, false, false, false, true, true, true])
    #expect(entries[0].pingSent == 1_700_000_000_000)
    #expect(entries[0].pongReceived == 1_699_999_990_000)
    #expect(entries[0].configEpoch == 4)
    #expect(entries[2].address == NodeAddress(host: "10.0.0.3", port: 7000))
    // noaddr: no usable address and no bus port.
    #expect(entries[3].address == nil)
    #expect(entries[3].busPort == nil)
    #expect(entries[4].masterId == "aaaa000000000000000000000000000000000001")
    #expect(entries[4].isReplica && !entries[4].isMaster)
  }

  @Test func flagNames() {
    #expect(NodeFlags(parsing: "myself,slave").names == ["myself", "replica"])
    #expect(NodeFlags(parsing: "master,fail?,nofailover").names == ["master", "fail?", "nofailover"])
    #expect(
      NodeFlags(parsing: "noaddr,fail,handshake,myself").names == ["myself", "fail", "handshake", "noaddr"])
    #expect(NodeFlags(parsing: "noflags").names == ["noflags"])
    #expect(NodeFlags(parsing: "").names == [])
    #expect(NodeFlags(parsing: "slave") == NodeFlags(parsing: "replica"))
  }

  @Test func ipv6Addresses() throws {
    let text = """
      \(idA) ::1:7000@17000 myself,master - 0 0 1 connected 0-16383
      \(idB) 2001:db8::a:30001@40001,node-b.example slave \(idA) 0 0 1 connected
      \(idC) fe80::1:7002 slave \(idA) 0 0 1 connected
      """
    let entries = try ClusterNodesParser.parse(text)
    #expect(entries[0].address == NodeAddress(host: "::1", port: 7000))
    #expect(entries[0].busPort == 17000)
    #expect(entries[1].address == NodeAddress(host: "2001:db8::a", port: 30001))
    #expect(entries[1].address?.description == "[2001:db8::a]:30001")
    #expect(entries[1].busPort == 40001)
    #expect(entries[1].hostname == "node-b.example")
    // Old format, no bus port.
    #expect(entries[2].address == NodeAddress(host: "fe80::1", port: 7002))
    #expect(entries[2].busPort == nil)
  }

  @Test func hostnameAndAuxFields() throws {
    let text = """
      \(idA) 127.0.0.4:7000@17000,rc-leader-2.rc-leader-headless.ns.svc.cluster.local master - 0 0 1 connected 0-100
      \(idB) 127.0.0.1:30001@40001,,tls-port=0,shard-id=4b2c5f0e3a1d6c7b8a9f0e1d2c3b4a5f6e7d8c9b myself,master - 0 0 2 connected
      \(idC) 127.0.0.2:30002@40002,host-c,tls-port=30102,shard-id=abc,nodename=n3 slave \(idB) 0 0 2 connected
      """
    let entries = try ClusterNodesParser.parse(text)
    #expect(entries[0].hostname == "rc-leader-2.rc-leader-headless.ns.svc.cluster.local")
    #expect(entries[0].aux.isEmpty)
    #expect(entries[0].address == NodeAddress(host: "127.0.0.4", port: 7000))
    #expect(entries[1].hostname == nil)
    #expect(entries[1].aux == ["tls-port": "0", "shard-id": "4b2c5f0e3a1d6c7b8a9f0e1d2c3b4a5f6e7d8c9b"])
    #expect(entries[1].address == NodeAddress(host: "127.0.0.1", port: 30001))
    #expect(entries[1].busPort == 40001)
    #expect(entries[2].hostname == "host-c")
    #expect(entries[2].aux == ["tls-port": "30102", "shard-id": "abc", "nodename": "n3"])
    // A leading key=value (no hostname slot at all) is taken as aux, not as a hostname.
    let bare = try ClusterNodesParser.parse("\(idA) 10.0.0.1:7000@17000,shard-id=s1 master - 0 0 1 connected")
    #expect(bare[0].hostname == nil)
    #expect(bare[0].aux == ["shard-id": "s1"])
  }

  @Test func lineEndingsAndBlankLines() throws {
    let lines = redis7Dump.split(separator: "\n").map(String.init)
    let crlf = lines.joined(separator: "\r\n") + "\r\n"
    let blanks = "\n\n" + lines.joined(separator: "\n\n  \n") + "\n\n"
    let expected = try ClusterNodesParser.parse(redis7Dump)
    #expect(try ClusterNodesParser.parse(crlf) == expected)
    #expect(try ClusterNodesParser.parse(blanks) == expected)
    #expect(try ClusterNodesParser.parse("") == [])
    #expect(try ClusterNodesParser.parse("\r\n\n") == [])
  }

  @Test func oldFormatWithoutBusPort() throws {
    let entry = try #require(
      try ClusterNodesParser.parse("\(idA) 127.0.0.1:7000 myself,master - 0 0 0 connected 0-16383").first)
    #expect(entry.address == NodeAddress(host: "127.0.0.1", port: 7000))
    #expect(entry.busPort == nil)
    #expect(entry.slots == SlotSet.all)
  }

  @Test(arguments: [
    ("x 1.2.3.4:1@2 master - 0 0 connected", 1, "expected at least 8 fields, found 7"),
    ("\(idA) 1.2.3.4:1@2 master - 0 0 1 connected\nshort line", 2, "expected at least 8 fields, found 2"),
    ("\n\n\(idA) 1.2.3.4@2 master - 0 0 1 connected", 3, "bad address '1.2.3.4@2'"),
    ("\(idA) 1.2.3.4:x@2 master - 0 0 1 connected", 1, "bad address '1.2.3.4:x@2'"),
    ("\(idA) 1.2.3.4:1@y master - 0 0 1 connected", 1, "bad bus port in address '1.2.3.4:1@y'"),
    ("\(idA) 1.2.3.4:1@2 master - zero 0 1 connected", 1, "bad ping-sent 'zero'"),
    ("\(idA) 1.2.3.4:1@2 master - 0 - 1 connected", 1, "bad pong-recv '-'"),
    ("\(idA) 1.2.3.4:1@2 master - 0 0 e connected", 1, "bad config-epoch 'e'"),
    ("\(idA) 1.2.3.4:1@2 master - 0 0 1 up", 1, "bad link-state 'up'"),
    ("\(idA) 1.2.3.4:1@2 master - 0 0 1 connected 0-16384", 1, "bad slot entry '0-16384'"),
    ("\(idA) 1.2.3.4:1@2 master - 0 0 1 connected 10-5", 1, "bad slot entry '10-5'"),
    ("\(idA) 1.2.3.4:1@2 master - 0 0 1 connected -5", 1, "bad slot entry '-5'"),
    ("\(idA) 1.2.3.4:1@2 master - 0 0 1 connected 1-2-3", 1, "bad slot entry '1-2-3'"),
    ("\(idA) 1.2.3.4:1@2 master - 0 0 1 connected abc", 1, "bad slot entry 'abc'"),
    ("\(idA) 1.2.3.4:1@2 master - 0 0 1 connected [100->-]", 1, "bad open-slot entry '[100->-]'"),
    ("\(idA) 1.2.3.4:1@2 master - 0 0 1 connected [100=>-x]", 1, "bad open-slot entry '[100=>-x]'"),
    ("\(idA) 1.2.3.4:1@2 master - 0 0 1 connected [100->-x", 1, "bad open-slot entry '[100->-x'"),
    ("\(idA) 1.2.3.4:1@2 master - 0 0 1 connected [16384-<-x]", 1, "bad open-slot entry '[16384-<-x]'"),
  ])
  func errors(text: String, line: Int, reason: String) {
    #expect(throws: ClusterParseError(line: line, reason: reason)) {
      try ClusterNodesParser.parse(text)
    }
  }

  /// Found by fuzzing: a field with control characters went into the message raw (a NUL, or an
  /// escape sequence that recolours the terminal), and a huge field made a huge message.
  @Test func errorsQuoteFieldsSafely() {
    #expect(throws: ClusterParseError(line: 1, reason: "bad config-epoch '\\u{0}17\\u{1B}[31m'")) {
      try ClusterNodesParser.parse("\(idA) 1.2.3.4:1@2 master - 0 0 \u{0}17\u{1B}[31m connected")
    }
    let long = String(repeating: "9", count: 100_000)
    #expect(throws: ClusterParseError(line: 1, reason: "bad slot entry '\(long.prefix(64))…'")) {
      try ClusterNodesParser.parse("\(idA) 1.2.3.4:1@2 master - 0 0 1 connected \(long)")
    }
  }

  @Test func errorDescription() {
    #expect(
      ClusterParseError(line: 3, reason: "bad link-state 'up'").description == "line 3: bad link-state 'up'")
    #expect(ClusterParseError(line: nil, reason: "no shards").description == "no shards")
  }

  @Test func flagsRawValuesAreStable() {
    // Codable encodes the raw value, so the bit positions must not change.
    let flags: NodeFlags = [.myself, .master]
    #expect(flags.rawValue == 3)
    #expect(NodeFlags(rawValue: flags.rawValue) == flags)
    #expect(NodeFlags.replica.rawValue == 4 && NodeFlags.noflags.rawValue == 256)
  }
}
