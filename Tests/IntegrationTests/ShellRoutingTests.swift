import ClusterKit
import Foundation
import RESP
import RedisClient
import RedisCore
import Shell
import TestCluster
import Testing

/// The routing shell against real clusters: keys land on their owners; MOVED, ASK, failover,
/// transactions, split multi-key commands and whole-cluster SCAN.
@Suite(.serialized) struct ShellRoutingTests {
  func router(_ c: TestCluster, _ i: Int = 0) async throws -> ClusterRouter {
    let r = ClusterRouter(
      seed: c[i].address,
      connector: try RedisConnector(
        options: ConnectionOptions(connectTimeout: .seconds(1), commandTimeout: .seconds(2))))
    try await r.start()
    return r
  }

  func run(_ r: ClusterRouter, _ words: String...) async throws -> RESPValue {
    try await r.execute(words.map { Array($0.utf8) })
  }

  @Test func keysGoStraightToTheirOwners() async throws {
    try await withTestCluster(3) { c in
      #expect(try Run.rcadm(["create"] + c.addressStrings + ["--yes"]).status == 0)
      let r = try await router(c)
      for i in 0..<300 { #expect(try await run(r, "SET", "key:\(i)", "v\(i)") == .simpleString("OK")) }
      // Each key sits on the master that owns its slot, with no redirect needed to read it back.
      for i in stride(from: 0, to: 300, by: 37) {
        let owner = try await owner(of: HashSlot.slot(for: "key:\(i)"), in: c)
        #expect(try await call(c, owner, "GET", "key:\(i)").string == "v\(i)")
        #expect(try await run(r, "GET", "key:\(i)").string == "v\(i)")
        #expect(await r.lastNode == c[owner].address)
      }
      #expect(try await run(r, "DBSIZE") == .integer(300))
      #expect(try await run(r, "KEYS", "key:*").elements?.count == 300)
      // SCAN over every master returns every key exactly once.
      var cursor = "0"
      var seen: [String] = []
      repeat {
        let reply = try await run(r, "SCAN", cursor, "COUNT", "50")
        cursor = reply.elements?[0].string ?? "0"
        seen += reply.elements?[1].elements?.compactMap(\.string) ?? []
      } while cursor != "0"
      #expect(seen.count == 300 && Set(seen).count == 300)
      // Multi-key commands across slots are split and merged in order.
      let mget = try await run(r, "MGET", "key:1", "nokey", "key:2", "key:250")
      #expect(
        mget
          == .array([
            .bulkString(Array("v1".utf8)), .null, .bulkString(Array("v2".utf8)),
            .bulkString(Array("v250".utf8)),
          ]))
      #expect(try await run(r, "EXISTS", "key:1", "key:2", "nokey") == .integer(2))
      #expect(try await run(r, "DEL", "key:1", "key:2", "key:3") == .integer(3))
      // Transactions run on the one node of their slot; keys in several slots are refused.
      #expect(try await run(r, "MULTI") == .simpleString("OK"))
      #expect(try await run(r, "SET", "{u1}.a", "1") == .simpleString("QUEUED"))
      #expect(try await run(r, "INCR", "{u1}.b") == .simpleString("QUEUED"))
      #expect(try await run(r, "EXEC") == .array([.simpleString("OK"), .integer(1)]))
      _ = try await run(r, "MULTI")
      _ = try await run(r, "SET", "a", "1")
      _ = try await run(r, "SET", "b", "1")
      let cross = try await run(r, "EXEC")
      #expect(cross.errorMessage?.hasPrefix("CROSSSLOT rcadm did not send this transaction") == true)
      await r.closeAll()
    }
  }

  @Test func movedAndAskAreFollowed() async throws {
    try await withTestCluster(3) { c in
      #expect(try Run.rcadm(["create"] + c.addressStrings + ["--yes"]).status == 0)
      let r = try await router(c)
      _ = try await run(r, "SET", "foo", "bar")  // slot 12182
      let src = try await owner(of: 12182, in: c)
      let dst = (src + 1) % 3
      let srcId = try await nodeId(c, src)
      let dstId = try await nodeId(c, dst)
      // ASK: the slot is migrating and "foo" already moved.
      try await call(c, dst, "CLUSTER", "SETSLOT", "12182", "IMPORTING", srcId)
      try await call(c, src, "CLUSTER", "SETSLOT", "12182", "MIGRATING", dstId)
      try await call(
        c, src, ["MIGRATE", c[dst].address.host, String(c[dst].port), "", "0", "5000", "KEYS", "foo"])
      #expect(try await run(r, "GET", "foo").string == "bar")
      #expect(await r.lastNode == c[dst].address)
      // MOVED: the migration completes; the router's map is stale and gets corrected.
      for i in 0..<3 { try await call(c, i, "CLUSTER", "SETSLOT", "12182", "NODE", dstId) }
      #expect(try await run(r, "GET", "foo").string == "bar")
      #expect(await r.owner(ofSlot: 12182) == c[dst].address)
      await r.closeAll()
    }
  }

  @Test func killedMasterRecoversAfterFailover() async throws {
    try await withTestCluster(6) { c in
      #expect(try Run.rcadm(["create"] + c.addressStrings + ["--replicas", "1", "--yes"]).status == 0)
      let r = try await router(c, 1)
      _ = try await run(r, "SET", "foo", "bar")
      let victim = try await owner(of: 12182, in: c, via: 1)
      c[victim].signal(SIGKILL)
      // Errors are reported (not a hang) until the replica takes over; then the key is back.
      let deadline = Date().addingTimeInterval(40)
      var value: String?
      var sawError = false
      while Date() < deadline && value == nil {
        do {
          let reply = try await run(r, "GET", "foo")
          if reply.isError { sawError = true } else { value = reply.string }
        } catch {
          sawError = true
        }
        if value == nil { try await Task.sleep(for: .milliseconds(200)) }
      }
      #expect(value == "bar")
      #expect(sawError)
      await r.closeAll()
    }
  }

  /// A node stopped (SIGSTOP) with a pipeline of INCRs in flight: after the reply bound, rcadm
  /// reports those INCRs as of unknown outcome and never sends them again; the next batch
  /// reconnects (observed from outside: a new connection to the stopped node), the node resumes,
  /// and the rest runs. Resending would push the counter above the INCRs reported done plus the
  /// unknown ones (the stopped node still runs the ones it had received).
  /// The first half of the input is a whole number of the shell's 512-line batches: once the
  /// counter shows all of it done, rcadm waits for more input, the node is stopped, and only then
  /// does the second half arrive, so the stop always lands with INCRs in flight.
  @Test func noCommandIsSentTwiceAfterATimeout() async throws {
    try await withTestCluster(3) { c in
      #expect(try Run.rcadm(["create"] + c.addressStrings + ["--yes"]).status == 0)
      let key = "{counter}n"
      let o = try await owner(of: HashSlot.slot(for: key), in: c)
      let half = 40 * 512
      let total = 2 * half
      let repl = try Run.spawn(
        "rcadm", ["repl", c.addressStrings[0], "--timeout", "1"],
        stdin: String(repeating: "INCR \(key)\n", count: half), keepInputOpen: true)
      func counter() async throws -> Int { Int(try await call(c, o, "GET", key).string ?? "0") ?? 0 }
      try await eventually("the first \(half) INCRs are done", timeout: 60) { try await counter() == half }
      let before = connectionPorts(of: repl.pid, toPort: c[o].port)
      c[o].signal(SIGSTOP)
      repl.send(String(repeating: "INCR \(key)\n", count: half))
      repl.closeInput()
      try await eventually("rcadm timed out and connected to the stopped node again", timeout: 30) {
        !connectionPorts(of: repl.pid, toPort: c[o].port).subtracting(before).isEmpty || !repl.isRunning
      }
      c[o].signal(SIGCONT)
      let r = repl.wait(timeout: 120)
      let lines = r.stdout.split(separator: "\n")
      let done = lines.filter { Int($0) != nil }.count
      let unknown = lines.filter { $0.contains("it may or may not have run, so it was not sent again") }.count
      let value = try await counter()
      #expect(unknown > 0, "no INCR was caught in flight: \(r.stdout.suffix(500))\n\(r.stderr)")
      #expect(done <= value && value <= done + unknown, "counter \(value), \(done) done, \(unknown) unknown")
      #expect(lines.count == total, "one reply per command: \(lines.count) of \(total)")
      #expect(done > half, "the shell went on after the stop: \(done) done")
      #expect(r.status == 1, "\(r.status)")
    }
  }

  @Test func execAndPipedRepl() async throws {
    try await withTestCluster(3) { c in
      #expect(try Run.rcadm(["create"] + c.addressStrings + ["--yes"]).status == 0)
      let seed = c.addressStrings[0]
      #expect(try Run.rcadm(["exec", seed, "--", "SET", "greeting", "hello world"]).status == 0)
      let get = try Run.rcadm(["exec", seed, "--", "GET", "greeting"])
      #expect(get.status == 0 && get.stdout == "hello world\n", "\(get)")
      let bad = try Run.rcadm(["exec", seed, "--", "INCR", "greeting"])
      #expect(bad.status == 1 && bad.stdout.contains("ERR value is not an integer"), "\(bad)")
      var script = (0..<2000).map { "SET k:\($0) \($0)" }.joined(separator: "\n")
      script += "\nGET k:1999\nMGET k:1 k:2 k:3\nDBSIZE\n\"unbalanced\nGET k:5\n"
      let piped = try Run.rcadm(["repl", seed], stdin: script)
      let lines = piped.stdout.split(separator: "\n")
      #expect(lines.prefix(2000).allSatisfy { $0 == "OK" }, "\(piped)")
      #expect(Array(lines.dropFirst(2000)) == ["1999", "1", "2", "3", "2001", "5"], "\(piped)")
      #expect(piped.stderr.contains("unbalanced"), "\(piped)")
      #expect(piped.status == 1)
      // exec streams a subscription's messages (one JSON line each) until it is stopped.
      let subscribe = try Run.spawn("rcadm", ["exec", seed, "--json", "--", "SUBSCRIBE", "news"])
      try pollUntil("the subscription confirmed on exec's output") {
        subscribe.stdoutSoFar.contains("\"subscribe\"")
      }
      // PUBLISH counts the subscribers on the node it runs on: exec subscribed on the seed.
      let published = try Run.program("redis-cli", ["-p", String(c[0].port), "PUBLISH", "news", "extra!"])
      #expect(published.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "1", "\(published)")
      try pollUntil("the message on exec's output") { subscribe.stdoutSoFar.contains("extra!") }
      subscribe.signal(SIGTERM)
      let streamed = subscribe.wait()
      let streamedLines = streamed.stdout.split(separator: "\n").map(String.init)
      #expect(streamedLines.first == #"["subscribe","news",1]"#, "\(streamed)")
      #expect(streamedLines.contains(#"["message","news","extra!"]"#), "\(streamed)")
      let flush = try Run.rcadm(["repl", seed], stdin: "FLUSHALL\nDBSIZE\n")
      #expect(flush.stderr.contains("rcadm runs it from piped input only with --yes"))
      #expect(flush.stdout.contains("2001"))
    }
  }
}
