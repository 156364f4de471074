import ClusterKit
import Foundation
import RESP
import RedisClient
import RedisCore
import TestCluster
import Testing

/// Truthful exits on the failure path: a change that stopped part way never exits 2, says what
/// changed and what to run, and that command brings the cluster back. Faults are injected at a
/// point observed from outside (a MIGRATING slot, a line rcadm printed), never after a sleep.
@Suite(.serialized) struct FailurePathTests {
  func create(_ c: TestCluster, replicas: Int) throws {
    let r = try Run.rcadm(["create"] + c.addressStrings + ["--replicas", String(replicas), "--yes"])
    #expect(r.status == 0, "\(r)")
  }

  /// Open slots (migrating or importing) on every node, from CLUSTER NODES.
  func openSlotCount(_ c: TestCluster) async throws -> Int {
    var n = 0
    for i in 0..<c.servers.count {
      let text = try await call(c, i, "CLUSTER", "NODES").string ?? ""
      n += text.components(separatedBy: "->-").count - 1 + text.components(separatedBy: "-<-").count - 1
    }
    return n
  }

  @Test func targetStoppedMidReshardExitsOneAndFixRecovers() async throws {
    try await withTestCluster(3) { c in
      try create(c, replicas: 0)
      let seed = c.addressStrings[0]
      let before = try fillDataset(seed, keys: 20000)
      let sourceIndex = try await owner(of: 0, in: c)
      let targetIndex = try await owner(of: 16383, in: c)
      let source = try await nodeId(c, sourceIndex)
      let target = try await nodeId(c, targetIndex)
      // The target queues writes until unpaused, so the first MIGRATE of a slot with keys cannot
      // finish: the reshard is held mid-slot however fast it runs. (A poll for a short-lived open
      // slot alone was missed in CI: 4000 slots moved in 5 s while the poll was starved.)
      _ = try await call(c, targetIndex, "CLIENT", "PAUSE", "300000", "WRITE")
      let reshard = try Run.spawn(
        "rcadm",
        [
          "reshard", seed, "--from", source, "--to", target, "--slots", "4000", "--pipeline", "3",
          "--migrate-timeout", "5", "--yes", "--json",
        ])
      try await eventually("a slot open on the source", timeout: 60) {
        try await call(c, sourceIndex, "CLUSTER", "NODES").string?.contains("->-") == true
          || !reshard.isRunning
      }
      // Still running unless the 5 s migrate timeout ran out first; either way it has to fail.
      c[targetIndex].signal(SIGSTOP)
      let r = reshard.wait(timeout: 120)
      c[targetIndex].signal(SIGCONT)
      _ = try await call(c, targetIndex, "CLIENT", "UNPAUSE")
      // Slots had moved or were open: never "nothing was changed".
      #expect(r.status == 1, "\(r)")
      #expect(r.stderr.contains("reshard stopped part way"), "\(r)")
      #expect(r.stderr.contains("Next: rcadm fix \(seed)"), "\(r)")
      let doc = try parseJSON(r.stdout)
      #expect(doc["exit_code"] as? Int == 1)
      #expect((doc["error"] as? [String: Any])?["code"] as? String == "partial_change")
      #expect(!((doc["changes"] as? [Any]) ?? []).isEmpty, "\(r)")
      #expect(!((doc["next"] as? [String]) ?? []).isEmpty)
      // Once the stopped node answers again and the others stop flagging it, one fix is enough.
      try await eventually("the stopped node is back and not flagged", timeout: 60) {
        let check = try Run.rcadm(["check", seed, "--json"])
        let codes = findingCodes(try parseJSON(check.stdout))
        return !codes.contains("node_failed") && !codes.contains("node_pfail")
          && !codes.contains("node_unreachable")
      }
      let fixed = try Run.rcadm(["fix", seed, "--yes"])
      #expect(fixed.status == 0, "\(fixed)")
      #expect(try datasetDigest(seed) == before)
      try expectBothChecksPass(seed)
    }
  }

  @Test func ctrlCStopsFixAndFixAgainFinishes() async throws {
    try await withTestCluster(3) { c in
      try create(c, replicas: 0)
      let seed = c.addressStrings[0]
      let before = try fillDataset(seed, keys: 12000)
      let listedBefore = try datasetListing(seed)
      let ids = try await (0..<3).asyncMap { try await nodeId(c, $0) }
      // 400 half-migrated slots with keys on both sides: fix moves keys slot by slot.
      for slot in stride(from: 0, to: 16384, by: 41) {
        let o = try await owner(of: slot, in: c)
        try await halfMigrate(slot, from: o, to: (o + 1) % 3, in: c, ids: ids)
      }
      let opened = try await openSlotCount(c)
      let fix = try Run.spawn("rcadm", ["fix", seed, "--yes", "--pipeline", "1"])
      try await eventually("fix has closed some slots", timeout: 60) {
        try await openSlotCount(c) < opened || !fix.isRunning
      }
      try #require(fix.isRunning, "fix ended before Ctrl-C: \(fix.wait())")
      fix.signal(SIGINT)
      let r = fix.wait(timeout: 60)
      #expect(r.status == 3, "\(r)")
      #expect(r.stderr.contains("fix was interrupted"), "\(r)")
      #expect(r.stderr.contains("Next: rcadm fix \(seed)"), "\(r)")
      #expect(try await openSlotCount(c) > 0, "fix ran to the end instead of stopping")
      let listedBetween = try datasetListing(seed)
      let again = try Run.rcadm(["fix", seed, "--yes"])
      #expect(again.status == 0, "\(again)")
      let after = try datasetDigest(seed)
      let listedAfter = after == before ? listedBefore : try datasetListing(seed)
      // Once seen about 1 run in 10 (issue 11): an owner claimed a slot with a lower config epoch
      // than the previous owner's, was overruled and dropped the keys it had received. Claims now
      // wait for the highest epoch; the listings name any key that still changes.
      #expect(
        after == before,
        """
        digest after the second fix: \(after); before: \(before)
        after the interrupted fix: \(listingDifference(listedBefore, listedBetween))
        after the second fix: \(listingDifference(listedBefore, listedAfter))
        second fix: \(again)
        """)
      try expectBothChecksPass(seed)
      let twice = try Run.rcadm(["fix", seed, "--yes"])
      #expect(twice.stdout.contains("No slot needs repair."), "\(twice)")
    }
  }

  @Test func createThenFailoverAtOnce() async throws {
    try await withTestCluster(6, hosts: ["127.0.0.2", "127.0.0.3", "127.0.0.4"]) { c in
      try create(c, replicas: 1)
      let master = try await masterIds(c)[0]
      let r = try Run.rcadm(["failover", c.addressStrings[0], "--master", master, "--yes"])
      #expect(r.status == 0, "\(r)")
      try expectBothChecksPass(c.addressStrings[0])
    }
  }

  @Test func ctrlCDuringCreateExits3WithWhatWasDone() async throws {
    try await withTestCluster(6) { c in
      let create = try Run.spawn("rcadm", ["create"] + c.addressStrings + ["--replicas", "1", "--yes"])
      try pollUntil("create is joining the nodes", timeout: 60) {
        create.stderrSoFar.contains("Joining") || !create.isRunning
      }
      try #require(create.isRunning, "create ended before it was interrupted: \(create.wait())")
      // A stopped node holds the join (or any later step) until Ctrl-C arrives.
      c[3].signal(SIGSTOP)
      create.signal(SIGINT)
      let r = create.wait(timeout: 60)
      c[3].signal(SIGCONT)
      #expect(r.status == 3, "\(r)")
      #expect(r.stderr.contains("create was interrupted"), "\(r)")
      #expect(r.stderr.contains("assigned slots"), "\(r)")
    }
  }

  @Test func ctrlCDuringFailoverExits3AfterTheFailoverWasSent() async throws {
    try await withTestCluster(6, hosts: ["127.0.0.2", "127.0.0.3", "127.0.0.4"]) { c in
      try create(c, replicas: 1)
      let masters = try await masterIds(c)
      let chosen = try await c.servers.indices.asyncMap { try await nodeId(c, $0) }.firstIndex(
        of: masters[0])!
      // The other masters cannot vote while stopped: the failover is sent and cannot complete.
      var voters: [Int] = []
      for id in masters.dropFirst() {
        voters.append(try await c.servers.indices.asyncMap { try await nodeId(c, $0) }.firstIndex(of: id)!)
      }
      for v in voters { c[v].signal(SIGSTOP) }
      let failover = try Run.spawn(
        "rcadm", ["failover", c.addressStrings[chosen], "--master", masters[0], "--yes"])
      try await eventually("the failover was sent", timeout: 60) {
        failover.stderrSoFar.contains("Sent CLUSTER FAILOVER") || !failover.isRunning
      }
      failover.signal(SIGINT)
      let r = failover.wait(timeout: 60)
      for v in voters { c[v].signal(SIGCONT) }
      #expect(r.status == 3, "\(r)")
      #expect(r.stderr.contains("failover was interrupted"), "\(r)")
      #expect(r.stderr.contains("to take over from"), "\(r)")
      #expect(r.stderr.contains("Next: rcadm fix"), "\(r)")
    }
  }
}
