import ClusterKit
import Foundation
import RESP
import RedisClient
import RedisCore
import TestCluster
import Testing

/// Pub/sub and MONITOR in the interactive shell, driven through a real pseudo-terminal
/// (Tests/oracle/pty_repl.py). Every publish happens once the screen shows the subscription, by
/// redis-cli as a third-party client; Ctrl-C must give the prompt back with the shell usable.
@Suite(.serialized) struct ReplStreamTests {
  let env = ["LANG": "C.UTF-8", "NO_COLOR": "1", "RCADM_HISTFILE": "/dev/null"]

  /// redis-cli (valkey-cli) as another client of node `i`.
  func cli(_ c: TestCluster, _ i: Int, _ args: String...) -> [String] {
    [c.engine.cliProgram, "-h", c[i].address.host, "-p", String(c[i].port)] + args
  }

  @Test func subscribePatternsAndMonitorUntilCtrlC() async throws {
    try await withTestCluster(3) { c in
      #expect(try Run.rcadm(["create"] + c.addressStrings + ["--yes"]).status == 0)
      _ = try runInPty(
        [
          ["expect": "\(c[0].port)> ", "timeout": 10],
          ["send": "SUBSCRIBE news\r", "noecho": true],
          ["expect": "1\\) \"subscribe\"\\n2\\) \"news\"\\n3\\) \\(integer\\) 1"],
          // Classic pub/sub reaches every node of a cluster: publish on another one.
          ["run": cli(c, 1, "PUBLISH", "news", "hello from node 1")],
          ["expect": "1\\) \"message\"\\n2\\) \"news\"\\n3\\) \"hello from node 1\"", "timeout": 10],
          ["send": "\u{3}"], ["expect": "\\(stopped\\)"],
          ["send": "ECHO after-subscribe\r", "noecho": true], ["expect": "\"after-subscribe\""],
          // The subscription's connection is gone: nobody receives the next message.
          ["run": cli(c, 0, "PUBLISH", "news", "unheard"), "output": "^0$"],
          ["send": "PSUBSCRIBE news.*\r", "noecho": true],
          ["expect": "1\\) \"psubscribe\"\\n2\\) \"news\\.\\*\"\\n3\\) \\(integer\\) 1"],
          ["run": cli(c, 0, "PUBLISH", "news.sports", "goal"), "output": "^1$"],
          ["expect": "1\\) \"pmessage\"\\n2\\) \"news\\.\\*\"\\n3\\) \"news\\.sports\"\\n4\\) \"goal\""],
          ["send": "\u{3}"], ["expect": "\\(stopped\\)"],
          // MONITOR runs on the node in the prompt, which :connect picks.
          ["send": ":connect \(c.addressStrings[1])\r", "noecho": true], ["expect": "\(c[1].port)> "],
          ["send": "MONITOR\r", "noecho": true],
          ["expect": "Reading messages from \(c.addressStrings[1])"], ["expect": "\\nOK\\n"],
          ["run": cli(c, 1, "ECHO", "monitored-token")],
          ["expect": "\"ECHO\" \"monitored-token\""],
          ["send": "\u{3}"], ["expect": "\\(stopped\\)"],
          ["send": "ECHO after-monitor\r", "noecho": true], ["expect": "\"after-monitor\""],
          // Ctrl-C is how a stream ends: the session still exits 0.
        ] + endWithCtrlD(exitStatus: 0), ["repl", c.addressStrings[0]], env: env)

      // --json: one JSON value per frame, each on its own line.
      _ = try runInPty(
        [
          ["expect": "\(c[0].port)> ", "timeout": 10],
          ["send": "SUBSCRIBE news\r", "noecho": true],
          ["expect": "^\\[\"subscribe\",\"news\",1\\]$"],
          ["run": cli(c, 0, "PUBLISH", "news", "as json"), "output": "^1$"],
          ["expect": "^\\[\"message\",\"news\",\"as json\"\\]$"],
          ["send": "\u{3}"], ["expect": "\\(stopped\\)"],
        ] + endWithCtrlD(exitStatus: 0), ["repl", c.addressStrings[0], "--json"], env: env)

      // The node drops the subscriber: the shell says so and gives the prompt back.
      _ = try runInPty(
        [
          ["expect": "\(c[0].port)> ", "timeout": 10],
          ["send": "SUBSCRIBE news\r", "noecho": true],
          ["expect": "3\\) \\(integer\\) 1"],
          ["run": cli(c, 0, "CLIENT", "KILL", "TYPE", "pubsub"), "output": "^1$"],
          ["expect": "\\(error\\) \(c.addressStrings[0]) closed the connection \\(the stream ended\\)"],
          ["send": "ECHO after-kill\r", "noecho": true], ["expect": "\"after-kill\""],
        ] + endWithCtrlD(exitStatus: 1), ["repl", c.addressStrings[0]], env: env)
    }
  }

  /// A failover takes the slot from the old master too: the shell asks it where the slot went and
  /// subscribes again at the promoted replica, which then delivers what is published there.
  @Test func shardSubscriptionFollowsAFailover() async throws {
    try await withTestCluster(6) { c in
      #expect(try Run.rcadm(["create"] + c.addressStrings + ["--replicas", "1", "--yes"]).status == 0)
      let channel = "orders-failover"
      let slot = HashSlot.slot(for: Array(channel.utf8))
      let master = try await owner(of: slot, in: c)
      let s = try await c.session(0)
      let entries = try ClusterNodesParser.parse(try await s.text("CLUSTER", "NODES"))
      await s.close()
      let masterId = try #require(entries.first { $0.address == c[master].address }?.id)
      let replicaAddress = try #require(entries.first { $0.masterId == masterId }?.address)
      let replica = try #require(c.servers.firstIndex { $0.address == replicaAddress })

      _ = try runInPty(
        [
          ["expect": "\(c[0].port)> ", "timeout": 10],
          ["send": "SSUBSCRIBE \(channel)\r", "noecho": true],
          ["expect": "Reading messages from \(c.addressStrings[master])"],
          ["expect": "1\\) \"ssubscribe\"\\n2\\) \"\(channel)\"\\n3\\) \\(integer\\) 1"],
          [
            "run": [
              Run.rcadmPath, "failover", c.addressStrings[0], "--master", c.addressStrings[master], "--yes",
            ],
            "timeout": 60,
          ],
          ["expect": "1\\) \"sunsubscribe\"\\n2\\) \"\(channel)\"", "timeout": 10],
          [
            "expect":
              "slot \(slot) moved from \(c.addressStrings[master]) to \(c.addressStrings[replica]): subscribed again there",
            "timeout": 15,
          ],
          ["expect": "1\\) \"ssubscribe\"\\n2\\) \"\(channel)\"\\n3\\) \\(integer\\) 1"],
          // SPUBLISH counts the subscribers of the node it runs on: 1 means the new master has us.
          ["run": cli(c, replica, "SPUBLISH", channel, "after the failover"), "output": "^1$"],
          ["expect": "1\\) \"smessage\"\\n2\\) \"\(channel)\"\\n3\\) \"after the failover\""],
          ["send": "\u{3}"], ["expect": "\\(stopped\\)"],
        ] + endWithCtrlD(exitStatus: 0), ["repl", c.addressStrings[0]], env: env)
    }
  }

  /// Piped input: the stream prints raw, flushed per message, until its connection ends; then the
  /// next line runs.
  @Test func pipedSubscribeStreamsUntilTheConnectionEnds() async throws {
    try await withTestCluster(3) { c in
      #expect(try Run.rcadm(["create"] + c.addressStrings + ["--yes"]).status == 0)
      let repl = try Run.spawn(
        "rcadm", ["repl", c.addressStrings[0]], stdin: "SUBSCRIBE news\nECHO after-stream\n")
      try await eventually("the shell to subscribe") {
        try await call(c, 0, "PUBSUB", "NUMSUB", "news").elements?.last?.int == 1
      }
      #expect(try await call(c, 0, "PUBLISH", "news", "piped message") == .integer(1))
      // The PUBLISH reply came after the server wrote the message out: the kill cannot overtake it.
      #expect(try await call(c, 0, "CLIENT", "KILL", "TYPE", "pubsub") == .integer(1))
      let result = repl.wait(timeout: 30)
      #expect(
        result.stdout == "subscribe\nnews\n1\nmessage\nnews\npiped message\nafter-stream\n", "\(result)")
      #expect(result.stderr.contains("closed the connection (the stream ended)"), "\(result)")
      #expect(result.status == 1, "\(result)")
    }
  }

  @Test(arguments: ServerEngine.allCases)
  func shardSubscriptionFollowsItsSlotToTheNewOwner(engine: ServerEngine) async throws {
    var options = ServerOptions()
    options.engine = engine
    try await withTestCluster(3, options: options) { c in
      #expect(try Run.rcadm(["create"] + c.addressStrings + ["--yes"]).status == 0)
      // reshard takes a source's highest slots: a channel in that slot moves with one slot.
      let from = try await owner(of: 0, in: c)
      let to = (from + 1) % 3
      let s = try await c.session(0)
      let entries = try ClusterNodesParser.parse(try await s.text("CLUSTER", "NODES"))
      await s.close()
      let mine = try #require(entries.first { $0.address == c[from].address })
      let slot = try #require((0..<slotCount).last { mine.slots.contains($0) })
      let channel = try #require(
        (0..<1_000_000).lazy.map { "orders-\($0)" }.first { HashSlot.slot(for: Array($0.utf8)) == slot })
      let other = try #require(
        (0..<1_000_000).lazy.map { "other-\($0)" }.first { HashSlot.slot(for: Array($0.utf8)) != slot })
      let otherSlot = HashSlot.slot(for: Array(other.utf8))
      let otherOwner = try await owner(of: otherSlot, in: c)

      _ = try runInPty(
        [
          ["expect": "\(c[0].port)> ", "timeout": 10],
          // One SSUBSCRIBE is served by one node: channels in two slots are refused before sending.
          ["send": "SSUBSCRIBE \(channel) \(other)\r", "noecho": true],
          ["expect": "CROSSSLOT rcadm did not send SSUBSCRIBE: its channels are in 2 slots"],
          ["send": "SSUBSCRIBE \(channel)\r", "noecho": true],
          ["expect": "Reading messages from \(c.addressStrings[from])"],
          ["expect": "1\\) \"ssubscribe\"\\n2\\) \"\(channel)\"\\n3\\) \\(integer\\) 1"],
          ["run": cli(c, from, "SPUBLISH", channel, "before the move"), "output": "^1$"],
          ["expect": "1\\) \"smessage\"\\n2\\) \"\(channel)\"\\n3\\) \"before the move\""],
          // The slot moves: the old owner drops the subscription, the shell subscribes again.
          [
            "run": [
              Run.rcadmPath, "reshard", c.addressStrings[0], "--from", c.addressStrings[from], "--to",
              c.addressStrings[to], "--slots", "1", "--yes",
            ], "timeout": 60,
          ],
          ["expect": "1\\) \"sunsubscribe\"\\n2\\) \"\(channel)\"", "timeout": 10],
          [
            "expect":
              "slot \(slot) moved from \(c.addressStrings[from]) to \(c.addressStrings[to]): subscribed again there",
            "timeout": 15,
          ],
          ["expect": "1\\) \"ssubscribe\"\\n2\\) \"\(channel)\"\\n3\\) \\(integer\\) 1"],
          ["run": cli(c, to, "SPUBLISH", channel, "after the move"), "output": "^1$"],
          ["expect": "1\\) \"smessage\"\\n2\\) \"\(channel)\"\\n3\\) \"after the move\""],
          ["send": "\u{3}"], ["expect": "\\(stopped\\)"],
          ["send": "ECHO after-ssubscribe\r", "noecho": true], ["expect": "\"after-ssubscribe\""],
          // A slot nobody serves: the search for its owner is bounded and names the last answer.
          ["run": cli(c, otherOwner, "CLUSTER", "DELSLOTS", String(otherSlot)), "output": "^OK$"],
          ["send": "SSUBSCRIBE \(other)\r", "noecho": true],
          [
            "expect":
              "\\(error\\) no master took SSUBSCRIBE for slot \(otherSlot) within 10 s \\(last answer: CLUSTERDOWN",
            "timeout": 30,
          ],
          ["send": "ECHO after-search\r", "noecho": true], ["expect": "\"after-search\""],
          // The refused SSUBSCRIBEs make the session exit 1.
        ] + endWithCtrlD(exitStatus: 1), ["repl", c.addressStrings[0]], env: env)
    }
  }

  /// Outside cluster mode one server serves every shard channel: no one-slot rule.
  @Test func standaloneServerTakesShardChannelsOfAnySlot() async throws {
    var standalone = ServerOptions()
    standalone.clusterEnabled = false
    try await withTestCluster(1, options: standalone) { c in
      // "foo" and "bar" hash to different slots.
      let repl = try Run.spawn(
        "rcadm", ["repl", c.addressStrings[0]], stdin: "SSUBSCRIBE foo bar\nECHO done\n")
      try await eventually("the shell to subscribe to both channels") {
        try await call(c, 0, "PUBSUB", "SHARDNUMSUB", "foo", "bar").elements?.compactMap(\.int) == [1, 1]
      }
      #expect(try await call(c, 0, "CLIENT", "KILL", "TYPE", "pubsub") == .integer(1))
      let result = repl.wait(timeout: 30)
      #expect(result.stdout == "ssubscribe\nfoo\n1\nssubscribe\nbar\n2\ndone\n", "\(result)")
    }
  }
}
