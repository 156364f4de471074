import ClusterKit
import Foundation
import RESP
import RedisClient
import RedisCore
import TestCluster
import Testing

/// reshard, rebalance and fix on clusters with data: every key and value verified afterwards.
@Suite(.serialized) struct MoverTests {
  func create(_ c: TestCluster, replicas: Int) throws {
    let r = try Run.rcadm(["create"] + c.addressStrings + ["--replicas", String(replicas), "--yes"])
    #expect(r.status == 0, "\(r)")
  }

  @Test func reshardAndRebalanceKeepEveryKey() async throws {
    try await withTestCluster(6) { c in
      try create(c, replicas: 1)
      let seed = c.addressStrings[0]
      let before = try fillDataset(seed, keys: 6000)
      let m = try await masterIds(c)
      // Small key batches exercise many GETKEYSINSLOT/MIGRATE rounds per slot.
      let r = try Run.rcadm([
        "reshard", seed, "--from", m[0], "--to", String(m[1].prefix(8)), "--slots", "2000", "--pipeline", "7",
        "--yes", "--json",
      ])
      #expect(r.status == 0, "\(r)")
      let doc = try parseJSON(r.stdout)
      #expect(doc["slots_moved"] as? Int == 2000)
      #expect(try datasetDigest(seed) == before)
      try expectBothChecksPass(seed)
      let back = try Run.rcadm(["rebalance", seed, "--threshold", "0", "--yes"])
      #expect(back.status == 0, "\(back)")
      #expect(try datasetDigest(seed) == before)
      try expectBothChecksPass(seed)
      let again = try Run.rcadm(["rebalance", seed, "--threshold", "0", "--yes"])
      #expect(again.stdout.contains("No rebalancing needed"))
      // Weight 0 empties a master; giving it weight back with --use-empty-masters refills it.
      let empty = try Run.rcadm(["rebalance", seed, "--weight", "\(m[2])=0", "--yes"])
      #expect(empty.status == 0, "\(empty)")
      #expect(try datasetDigest(seed) == before)
      let refill = try Run.rcadm(["rebalance", seed, "--use-empty-masters", "--yes"])
      #expect(refill.status == 0, "\(refill)")
      #expect(try datasetDigest(seed) == before)
      try expectBothChecksPass(seed)
      try expectHealthyByIndependentTools(seed)
    }
  }

  @Test func reshardBadInputsChangeNothing() async throws {
    try await withTestCluster(3) { c in
      try create(c, replicas: 0)
      let seed = c.addressStrings[0]
      let m = try await masterIds(c)
      let cases: [([String], String)] = [
        (["--from", m[0], "--to", m[1]], "--slots is required"),
        (["--from", m[0], "--to", m[0], "--slots", "5"], "is also among the --from masters"),
        (["--from", m[0], "--to", "zzzz", "--slots", "5"], "no node matches 'zzzz'"),
        (["--from", m[0], "--to", m[1], "--slots", "9000"], "cannot plan the reshard"),
        (["--from", m[0], "--to", m[1], "--slots", "0"], "--slots must be between 1 and 16384"),
        (["--from", m[0], "--to", m[1], "--slots", "5"], "Pass --yes to apply"),
      ]
      for (args, message) in cases {
        let r = try Run.rcadm(["reshard", seed] + args)
        #expect(r.status == 2, "\(args): \(r)")
        #expect(r.stderr.contains(message), "\(args): \(r)")
      }
      #expect(try await masterIds(c) == m)
      let dry = try Run.rcadm(["reshard", seed, "--from", "all", "--to", m[1], "--slots", "100", "--dry-run"])
      #expect(dry.status == 0)
      #expect(dry.stdout.contains("Plan: move 100 slots"))
      let bad = try Run.rcadm(["rebalance", seed, "--weight", "nonsense", "--yes"])
      #expect(bad.status == 2 && bad.stderr.contains("write NODE=WEIGHT"))
    }
  }

  @Test func differentValueOnTheTargetIsNeverOverwrittenSilently() async throws {
    try await withTestCluster(3) { c in
      try create(c, replicas: 0)
      let seed = c.addressStrings[0]
      let src = try await owner(of: 12182, in: c)  // "foo"
      let dst = (src + 1) % 3
      let srcId = try await nodeId(c, src)
      let dstId = try await nodeId(c, dst)
      try await call(c, src, "SET", "foo", "from-source")
      try await call(c, src, "SET", "{foo}same", "identical")
      // A stale copy on the target, as a crashed earlier move could leave.
      let s = try await c.session(dst)
      try await s.call("CLUSTER", "SETSLOT", "12182", "IMPORTING", srcId)
      _ = try await s.pipeline([
        ["ASKING"], ["SET", "foo", "stale"], ["ASKING"], ["SET", "{foo}same", "identical"],
      ])
      try await s.call("CLUSTER", "SETSLOT", "12182", "STABLE")
      await s.close()
      // The owner of slot 12182 holds 10923-16383 after create: move all 5461 of them.
      let count = 5461
      let r = try Run.rcadm([
        "reshard", seed, "--from", srcId, "--to", dstId, "--slots", String(count), "--yes",
      ])
      #expect(r.status == 1, "\(r)")
      #expect(r.stderr.contains("with a different value (foo)"), "\(r)")
      #expect(r.stderr.contains("--replace"))
      // fix with --replace completes the move; the source's value wins, the identical key is untouched.
      let fixed = try Run.rcadm(["fix", seed, "--replace", "--yes"])
      #expect(fixed.status == 0, "\(fixed)")
      let get = try Run.program("redis-cli", ["-c", "-p", String(c[0].port), "GET", "foo"])
      #expect(get.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "from-source")
      try expectBothChecksPass(seed)
    }
  }

  @Test func noKeyLostUnderLoad() async throws {
    try await withTestCluster(6) { c in
      try create(c, replicas: 1)
      let seed = c.addressStrings[0]
      let stop = NSTemporaryDirectory() + "rcadm-load-stop-\(UUID().uuidString)"
      let load = try Run.spawn("python3", [Run.packageRoot + "/Tests/oracle/load.py", seed, stop, "120"])
      try await Task.sleep(for: .seconds(1))
      let m = try await masterIds(c)
      let r1 = try Run.rcadm([
        "reshard", seed, "--from", "all", "--to", m[0], "--slots", "3000", "--pipeline", "50", "--yes",
      ])
      #expect(r1.status == 0, "\(r1)")
      let r2 = try Run.rcadm(["rebalance", seed, "--threshold", "0", "--yes"])
      #expect(r2.status == 0, "\(r2)")
      _ = FileManager.default.createFile(atPath: stop, contents: nil)
      let result = load.wait()
      try? FileManager.default.removeItem(atPath: stop)
      let doc = try parseJSON(result.stdout)
      #expect((doc["writes"] as? Int ?? 0) > 100, "\(result)")
      #expect(doc["errors"] as? Int == 0, "\(result)")
      #expect(doc["lost"] as? Int == 0, "\(result)")
      try expectBothChecksPass(seed)
    }
  }

  /// A 3-master cluster with data and a reshard moving 3 keys per batch, 400 ms under way.
  func startSlowReshard(_ c: TestCluster) async throws -> (seed: String, digest: String, reshard: Spawned) {
    try create(c, replicas: 0)
    let seed = c.addressStrings[0]
    let before = try fillDataset(seed, keys: 20000)
    let m = try await masterIds(c)
    let reshard = try Run.spawn(
      "rcadm", ["reshard", seed, "--from", m[0], "--to", m[1], "--slots", "4000", "--pipeline", "3", "--yes"])
    try await Task.sleep(for: .milliseconds(400))
    return (seed, before, reshard)
  }

  @Test func killedMidReshardThenFixLosesNothing() async throws {
    try await withTestCluster(3) { c in
      let (seed, before, reshard) = try await startSlowReshard(c)
      reshard.signal(SIGKILL)
      _ = reshard.wait()
      let fixed = try Run.rcadm(["fix", seed, "--yes"])
      #expect(fixed.status == 0, "\(fixed)")
      #expect(try datasetDigest(seed) == before)
      try expectBothChecksPass(seed)
      let again = try Run.rcadm(["fix", seed, "--yes"])
      #expect(again.stdout.contains("No slot needs repair."))
    }
  }

  @Test func ctrlCFinishesTheSlotsInFlightAndExits3() async throws {
    try await withTestCluster(3) { c in
      let (seed, before, reshard) = try await startSlowReshard(c)
      reshard.signal(SIGINT)
      let r = reshard.wait()
      #expect(r.status == 3 || r.status == 0, "\(r)")
      if r.status == 3 {
        #expect(r.stderr.contains("Resume with: rcadm reshard"), "\(r)")
      }
      // No slot is left open: the cluster checks clean without fix.
      try await eventually("nodes agree after the interrupted reshard") {
        try Run.rcadm(["check", seed]).status == 0
      }
      #expect(try datasetDigest(seed) == before)
    }
  }

  @Test func fixRepairsHalfMigratedAndManyOpenSlots() async throws {
    try await withTestCluster(4) { c in
      try create(c, replicas: 0)
      let seed = c.addressStrings[0]
      let before = try fillDataset(seed, keys: 4000)
      let ids = try await (0..<4).asyncMap { try await nodeId(c, $0) }
      // Like Redis's tests 20/21: slots left migrating only, importing only, both, and many at once.
      var opened = 0
      for slot in stride(from: 0, to: 16384, by: 97) {
        let o = try await owner(of: slot, in: c)
        let t = (o + 1) % 4
        switch slot % 3 {
        case 0:
          try await call(c, o, "CLUSTER", "SETSLOT", String(slot), "MIGRATING", ids[t])
        case 1:
          try await call(c, t, "CLUSTER", "SETSLOT", String(slot), "IMPORTING", ids[o])
        default:
          try await halfMigrate(slot, from: o, to: t, in: c, ids: ids)
        }
        opened += 1
      }
      // An uncovered slot whose keys sit on one node, and one with keys on two nodes.
      let u1 = 5, u2 = 9000
      let u2Owner = try await owner(of: u2, in: c)
      let stray = (u2Owner + 1) % 4
      var strayKey = ""
      var n = 0
      while strayKey.isEmpty {
        if HashSlot.slot(for: "stray:\(n)") == u2 { strayKey = "stray:\(n)" }
        n += 1
      }
      let s = try await c.session(stray)
      try await s.call("CLUSTER", "SETSLOT", String(u2), "IMPORTING", ids[u2Owner])
      _ = try await s.pipeline([["ASKING"], ["SET", strayKey, "second-holder"]])
      try await s.call("CLUSTER", "SETSLOT", String(u2), "STABLE")
      await s.close()
      for u in [u1, u2] {
        for i in 0..<4 { try await call(c, i, "CLUSTER", "DELSLOTS", String(u)) }
      }
      #expect(try Run.rcadm(["check", seed]).status == 1)
      let r = try Run.rcadm(["fix", seed, "--yes", "--json"])
      #expect(r.status == 0, "\(r)")
      #expect(try parseJSON(r.stdout)["repaired"] as? Int == opened + 2)
      // Every original key is intact, and the stray key was moved, not dropped.
      let after = try datasetDigest(seed)
      let strayValue = try Run.program("redis-cli", ["-c", "-p", String(c[0].port), "GET", strayKey])
      #expect(strayValue.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "second-holder")
      _ = try Run.program("redis-cli", ["-c", "-p", String(c[0].port), "DEL", strayKey])
      #expect(try datasetDigest(seed) == before, "before del: \(after)")
      try expectBothChecksPass(seed)
      let twice = try Run.rcadm(["fix", seed, "--yes"])
      #expect(twice.stdout.contains("No slot needs repair."))
    }
  }
}

extension Sequence where Element: Sendable {
  func asyncMap<T>(_ f: (Element) async throws -> T) async rethrows -> [T] {
    var out: [T] = []
    for e in self { out.append(try await f(e)) }
    return out
  }
}

/// Runs a command given as an array on node i.
@discardableResult
func call(_ cluster: TestCluster, _ i: Int, _ args: [String], password: String? = nil) async throws
  -> RESPValue
{
  let s = try await cluster.session(i, password: password)
  defer { Task { await s.close() } }
  return try await s.call(args)
}

/// Faults during a move: the source master dies mid-migration.
@Suite(.serialized) struct MoverFaultTests {
  @Test func sourceMasterKilledMidMigrationThenFixAndDelNode() async throws {
    try await withTestCluster(6) { c in
      let create = try Run.rcadm(["create"] + c.addressStrings + ["--replicas", "1", "--yes"])
      #expect(create.status == 0, "\(create)")
      let before = try fillDataset(c.addressStrings[1], keys: 20000)
      let m = try await masterIds(c, via: 1)
      let sourceIndex = try await owner(of: 0, in: c, via: 1)
      let survivor = (sourceIndex + 1) % 3
      let seed = c.addressStrings[survivor]
      let reshard = try Run.spawn(
        "rcadm",
        ["reshard", seed, "--from", m[0], "--to", m[1], "--slots", "3000", "--pipeline", "3", "--yes"])
      // Kill the source while a slot is open on it (MIGRATING), i.e. mid-migration. On a busy
      // machine the reshard may end (or not have started) before we look: then open a slot by hand,
      // with half its keys moved, which is the same state.
      let source = try await c.session(sourceIndex)
      try await eventually("a slot open on the source, or the reshard over", timeout: 60) {
        try await source.text("CLUSTER", "NODES").contains("->-") || !reshard.isRunning
      }
      if !(try await source.text("CLUSTER", "NODES").contains("->-")) {
        reshard.signal(SIGKILL)
        let slot = try await masterSlots(c, sourceIndex).first!
        let target = try await owner(of: 16383, in: c, via: survivor)
        let keys =
          try await source.call("CLUSTER", "GETKEYSINSLOT", String(slot), "1000").elements?.compactMap(
            \.string) ?? []
        try await call(c, target, "CLUSTER", "SETSLOT", String(slot), "IMPORTING", m[0])
        try await source.call("CLUSTER", "SETSLOT", String(slot), "MIGRATING", try await nodeId(c, target))
        if keys.count > 1 {
          try await source.call(
            ["MIGRATE", c[target].address.host, String(c[target].port), "", "0", "5000", "KEYS"]
              + keys.prefix(keys.count / 2))
        }
      }
      c[sourceIndex].signal(SIGKILL)
      await source.close()
      _ = reshard.wait()
      // The source's replica takes over (node timeout 2 s).
      try await eventually("the replica of the killed master is promoted", timeout: 60) {
        try await owner(of: 0, in: c, via: survivor) != sourceIndex
      }
      // Without the flag fix refuses while a master with slots is unreachable; with it, slots the
      // dead master still owns go to a live master together with the keys the live nodes hold.
      try await eventually("the dead master is flagged failed") {
        try Run.rcadm(["check", seed, "--json"]).stdout.contains("node_failed")
      }
      let fixed = try Run.rcadm(["fix", seed, "--fix-with-unreachable-masters", "--yes", "--json"])
      #expect(!fixed.stdout.contains("slots_uncovered"), "\(fixed)")
      // The dead node is removed even though it cannot be reached (redis-cli cannot: redis#11018).
      // Gossip about the failure may still be spreading: fix again until the dead node owns nothing.
      var last: (RunResult?, RunResult?) = (nil, nil)
      do {
        try await eventually("fix then del-node of the dead master succeed", timeout: 90) {
          let del = try Run.rcadm(["del-node", seed, m[0], "--yes"])
          if del.status == 0 { return true }
          // An earlier del-node that forgot the node everywhere but then failed its final wait
          // leaves nothing to remove: that counts once the cluster is repaired too.
          if del.stderr.contains("no node matches"), try Run.rcadm(["check", seed]).status == 0 {
            return true
          }
          last = (del, try Run.rcadm(["fix", seed, "--fix-with-unreachable-masters", "--yes"]))
          return false
        }
      } catch {
        // Every live node's table and epochs, to tell which node disagrees and why.
        var tables = ""
        for i in c.servers.indices where i != sourceIndex {
          let nodes = (try? await call(c, i, "CLUSTER", "NODES").string) ?? "unreadable"
          let info = (try? await call(c, i, "CLUSTER", "INFO").string) ?? ""
          let epoch = info.split(whereSeparator: \.isNewline).filter {
            $0.contains("epoch") || $0.contains("state")
          }
          tables += "\n--- \(c.addressStrings[i]) \(epoch.joined(separator: " "))\n\(nodes)"
        }
        Issue.record(
          "\(error)\nlast del-node: \(last.0.map(String.init(describing:)) ?? "-")\nlast fix: \(last.1.map(String.init(describing:)) ?? "-")\ntables:\(tables)"
        )
        return
      }
      try await eventually("check passes after fix and del-node") {
        try Run.rcadm(["check", seed]).status == 0
      }
      #expect(try datasetDigest(seed) == before)
      let theirs = try Run.program("redis-cli", ["--cluster", "check", seed])
      #expect(theirs.status == 0, "\(theirs)")
    }
  }
}

/// Moves with credentials, TLS and big values.
@Suite(.serialized) struct MoverSecurityTests {
  @Test func reshardWithAnACLUserAndPassword() async throws {
    var options = ServerOptions()
    options.password = "adminpw"
    try await withTestCluster(3, options: options) { c in
      let seed = c.addressStrings[0]
      #expect(try Run.rcadm(["create"] + c.addressStrings + ["--yes", "-a", "adminpw"]).status == 0)
      for i in 0..<3 {
        try await call(
          c, i, "ACL", "SETUSER", "mover", "on", ">moverpw", "allkeys", "+@all", password: "adminpw")
        try await call(c, i, "DEBUG", "POPULATE", "3000", "k", "10", password: "adminpw")
      }
      let m = try await masterIds(c, password: "adminpw")
      // MIGRATE authenticates with AUTH2 user password on the target.
      let r = try Run.rcadm([
        "reshard", seed, "--from", m[0], "--to", m[1], "--slots", "300", "--yes", "--user", "mover", "-a",
        "moverpw",
      ])
      #expect(r.status == 0, "\(r)")
      let back = try Run.rcadm(
        ["reshard", seed, "--from", m[1], "--to", m[0], "--slots", "300", "--yes"],
        env: ["REDISCLI_AUTH": "adminpw"])
      #expect(back.status == 0, "\(back)")
      #expect(!r.stderr.contains("moverpw") && !r.stdout.contains("moverpw"))
    }
  }

  @Test func reshardOnATLSCluster() async throws {
    let certs = try TestCerts.make()
    var options = ServerOptions()
    options.tls = certs
    try await withTestCluster(3, options: options) { c in
      let seed = c.addressStrings[0]
      let create = try Run.rcadm(["create"] + c.addressStrings + ["--yes", "--cacert", certs.ca])
      #expect(create.status == 0, "\(create)")
      let m = try await masterIdsTLS(c, ca: certs.ca)
      let s = try await RedisConnector(options: ConnectionOptions(tls: TLSOptions(caCertFile: certs.ca)))
        .open(c[0].address)
      let slotKeys = (0..<2000).map { ["SET", "tls:\($0)", "v\($0)"] }
      // Keys of node 0's own slots only (others would be MOVED).
      _ = try await s.pipeline(slotKeys.filter { HashSlot.slot(for: $0[1]) <= 5460 })
      await s.close()
      let r = try Run.rcadm([
        "reshard", seed, "--from", m[0], "--to", m[1], "--slots", "1000", "--yes", "--cacert", certs.ca,
      ])
      #expect(r.status == 0, "\(r)")
      #expect(try Run.rcadm(["check", seed, "--cacert", certs.ca]).status == 0)
    }
  }

  @Test func bigValuesAreSplitAndWarnedAbout() async throws {
    try await withTestCluster(3) { c in
      #expect(try Run.rcadm(["create"] + c.addressStrings + ["--yes"]).status == 0)
      let seed = c.addressStrings[0]
      let m = try await masterIds(c)
      // Slot 5460 ("{big}..." keys hash elsewhere, so pick keys by slot): 3 values of 4 MiB on master 0.
      let big = String(repeating: "B", count: 4 << 20)
      var keys: [String] = []
      var i = 0
      while keys.count < 3 {
        if HashSlot.slot(for: "big:\(i)") >= 5000 && HashSlot.slot(for: "big:\(i)") <= 5460 {
          keys.append("big:\(i)")
        }
        i += 1
      }
      for k in keys { try await call(c, 0, "SET", k, big) }
      let r = try Run.rcadm([
        "reshard", seed, "--from", m[0], "--to", m[1], "--slots", "461", "--migrate-timeout", "0.05", "--yes",
      ])
      #expect(r.stderr.contains("[WARN] key big:"), "\(r)")
      #expect(r.stderr.contains("may not move within the MIGRATE timeout"), "\(r)")
      #expect(r.stderr.contains("(raise --migrate-timeout)"), "\(r)")
      // Whatever happened, no value was lost or changed.
      try await eventually("big keys readable") {
        for k in keys {
          let v = try Run.program("redis-cli", ["-c", "-p", String(c[0].port), "STRLEN", k])
          if v.stdout.trimmingCharacters(in: .whitespacesAndNewlines) != String(4 << 20) { return false }
        }
        return true
      }
    }
  }
}

func masterIdsTLS(_ c: TestCluster, ca: String) async throws -> [String] {
  let s = try await RedisConnector(options: ConnectionOptions(tls: TLSOptions(caCertFile: ca))).open(
    c[0].address)
  defer { Task { await s.close() } }
  return try ClusterNodesParser.parse(try await s.text("CLUSTER", "NODES")).filter {
    $0.isMaster && !$0.slots.isEmpty
  }
  .sorted { ($0.slots.first ?? 0) < ($1.slots.first ?? 0) }.map(\.id)
}

/// The slots node i owns, by its own account.
func masterSlots(_ cluster: TestCluster, _ i: Int) async throws -> [Int] {
  let s = try await cluster.session(i)
  defer { Task { await s.close() } }
  let me = try ClusterNodesParser.parse(try await s.text("CLUSTER", "NODES")).first(where: \.isMyself)
  return Array(me?.slots ?? SlotSet())
}
