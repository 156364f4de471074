import ClusterKit
import Foundation
import RedisClient
import RedisCore
import TestCluster
import Testing

/// `rcadm check` against real clusters, healthy and broken on purpose, cross-checked with redis-cli.
@Suite(.serialized) struct CheckTests {
  @Test func healthyClusterFromRedisCliChecksClean() async throws {
    try await withTestCluster(6) { c in
      try await c.createWithRedisCli(replicas: 1)
      let seed = c.addressStrings[3]
      let r = try Run.rcadm(["check", seed])
      #expect(r.status == 0, "\(r)")
      #expect(r.stdout.contains("[OK] All 16384 slots covered."))
      #expect(r.stdout.contains("Cluster is healthy."))
      // Every node on one host (a sandbox): nothing is said about co-location.
      #expect(!r.stdout.contains("same host"))
      let j = try Run.rcadm(["check", seed, "--json"])
      let doc = try parseJSON(j.stdout)
      #expect(j.status == 0)
      #expect(doc["healthy"] as? Bool == true)
      #expect(findingCodes(doc).isEmpty)
      let summary = doc["summary"] as? [String: Any]
      #expect(summary?["masters"] as? Int == 3)
      #expect(summary?["replicas"] as? Int == 3)
      #expect(summary?["slots_covered"] as? Int == 16384)
      #expect((doc["nodes"] as? [Any])?.count == 6)
      // The "host port" form of the address.
      let twoWords = try Run.rcadm(["check", c[0].address.host, String(c[0].port)])
      #expect(twoWords.status == 0, "\(twoWords)")
      // info: per master health (from CLUSTER SHARDS), slots and replicas.
      let info = try parseJSON(try Run.rcadm(["info", seed, "--json"]).stdout)
      let masters = (info["masters"] as? [[String: Any]]) ?? []
      #expect(masters.count == 3 && masters.allSatisfy { $0["health"] as? String == "online" })
      #expect(masters.allSatisfy { ($0["replicas"] as? [Any])?.count == 1 })
      #expect((info["totals"] as? [String: Any])?["slots"] as? Int == 16384)
      // call: every master in parallel; an error reply on any node exits 1.
      let dbsize = try parseJSON(
        try Run.rcadm(["call", seed, "--masters-only", "--json", "--", "DBSIZE"]).stdout)
      #expect((dbsize["nodes"] as? [Any])?.count == 3 && dbsize["failed"] as? Int == 0)
      let failing = try Run.rcadm(["call", seed, "--", "NOSUCHCOMMAND"])
      #expect(failing.status == 1 && failing.stdout.contains("ERR unknown command"), "\(failing)")
      // Asking for two replicas per master turns the cluster into an error.
      let strict = try parseJSON(try Run.rcadm(["check", seed, "--json", "--replicas", "2"]).stdout)
      #expect(strict["exit_code"] as? Int == 1)
      #expect(findings(strict, code: "too_few_replicas").count == 3)
    }
  }

  @Test func openSlotIsAnErrorLikeRedisCliSays() async throws {
    try await withTestCluster(3) { c in
      try await c.createWithRedisCli()
      let src = try await owner(of: 100, in: c)
      let dst = (src + 1) % 3
      try await call(c, src, "CLUSTER", "SETSLOT", "100", "MIGRATING", try await nodeId(c, dst))
      try await call(c, dst, "CLUSTER", "SETSLOT", "100", "IMPORTING", try await nodeId(c, src))
      let r = try Run.rcadm(["check", c.addressStrings[0], "--json"])
      #expect(r.status == 1, "\(r)")
      let open = findings(try parseJSON(r.stdout), code: "open_slot")
      #expect(open.count == 2)
      #expect(open.allSatisfy { $0["slots"] as? String == "100" && $0["severity"] as? String == "error" })
      let text = try Run.rcadm(["check", c.addressStrings[0]])
      #expect(text.stdout.contains("slot 100 is migrating on \(c.addressStrings[src])"))
      #expect(text.stdout.contains("slot 100 is importing on \(c.addressStrings[dst])"))
      // The reference tool agrees the cluster is not clean.
      #expect(try Run.program("redis-cli", ["--cluster", "check", c.addressStrings[0]]).status != 0)
    }
  }

  @Test func uncoveredSlotsAreListed() async throws {
    try await withTestCluster(3) { c in
      try await c.createWithRedisCli()
      for i in 0..<3 { try await call(c, i, "CLUSTER", "DELSLOTS", "200", "201", "202", "9000") }
      let r = try Run.rcadm(["check", c.addressStrings[1], "--json"])
      #expect(r.status == 1)
      let doc = try parseJSON(r.stdout)
      let uncovered = findings(doc, code: "slots_uncovered")
      #expect(uncovered.first?["slots"] as? String == "200-202,9000")
      #expect((uncovered.first?["message"] as? String)?.hasPrefix("4 of 16384 slots have no owner") == true)
      try await eventually("cluster_state fail") {
        findingCodes(try parseJSON(try Run.rcadm(["check", c.addressStrings[1], "--json"]).stdout)).contains(
          "cluster_state_not_ok")
      }
      #expect(try Run.program("redis-cli", ["--cluster", "check", c.addressStrings[1]]).status != 0)
    }
  }

  @Test func killedMasterIsNamedNotDropped() async throws {
    try await withTestCluster(3) { c in
      try await c.createWithRedisCli()
      let victimId = try await nodeId(c, 2)
      c[2].signal(SIGKILL)
      let r = try Run.rcadm(["check", c.addressStrings[0], "--json"])
      #expect(r.status == 1)
      let doc = try parseJSON(r.stdout)
      let unreachable = findings(doc, code: "node_unreachable")
      #expect(unreachable.count == 1)
      #expect(unreachable.first?["nodes"] as? [String] == [victimId])
      #expect((unreachable.first?["message"] as? String)?.contains(c.addressStrings[2]) == true)
      #expect((unreachable.first?["message"] as? String)?.contains("connection refused") == true)
      // Its slots are still reported as its own, not as "uncovered".
      #expect(!findingCodes(doc).contains("slots_uncovered"))
      // After node-timeout (2 s here) the others flag it failed, and the cluster goes down.
      try await eventually("node flagged fail") {
        let codes = findingCodes(
          try parseJSON(try Run.rcadm(["check", c.addressStrings[0], "--json"]).stdout))
        return codes.contains("node_failed") && codes.contains("cluster_state_not_ok")
      }
    }
  }

  @Test func replicaOnItsMastersHostIsAWarning() async throws {
    // Three "hosts": 127.0.0.2, .3, .4; node i binds host i % 3.
    try await withTestCluster(6, hosts: ["127.0.0.2", "127.0.0.3", "127.0.0.4"]) { c in
      try await c.createWithRedisCli(replicas: 0, nodes: [0, 1, 2])
      // Node 3 (127.0.0.2) replicates node 0 (127.0.0.2): same host although others were free.
      for (replica, master) in [(3, 0), (4, 2), (5, 1)] {
        let r = try Run.program(
          "redis-cli",
          [
            "--cluster", "add-node", c.addressStrings[replica], c.addressStrings[0], "--cluster-slave",
            "--cluster-master-id", try await nodeId(c, master),
          ])
        #expect(r.status == 0, "\(r)")
      }
      try await c.waitForRedisCliCheck(c.addresses[0])
      // Gossip about the new nodes may still be spreading: wait for rcadm to see the cluster settled.
      try await eventually("every node knows every other") {
        try !Run.rcadm(["check", c.addressStrings[0]]).stdout.contains("does not know")
      }
      let sameHost = try await nodeId(c, 3)
      let r = try Run.rcadm(["check", c.addressStrings[0], "--json"])
      #expect(r.status == 0, "\(r)")
      let warnings = findings(try parseJSON(r.stdout), code: "replica_same_host_as_master")
      #expect(warnings.count == 1)
      #expect(warnings.first?["severity"] as? String == "warning")
      #expect((warnings.first?["nodes"] as? [String])?.first == sameHost)
      #expect(try Run.rcadm(["check", c.addressStrings[0], "--strict"]).status == 1)
    }
  }

  @Test func keysInSlotsANodeDoesNotOwnNeedTheSearchFlag() async throws {
    try await withTestCluster(3) { c in
      try await c.createWithRedisCli()
      // "foo" hashes to slot 12182; store it on a node that does not own the slot.
      let ownerIndex = try await owner(of: 12182, in: c)
      let stray = (ownerIndex + 1) % 3
      let s = try await c.session(stray)
      try await s.call("CLUSTER", "SETSLOT", "12182", "IMPORTING", try await nodeId(c, ownerIndex))
      _ = try await s.pipeline([["ASKING"], ["SET", "foo", "bar"]])
      try await s.call("CLUSTER", "SETSLOT", "12182", "STABLE")
      await s.close()
      let plain = try Run.rcadm(["check", c.addressStrings[0], "--json"])
      #expect(!findingCodes(try parseJSON(plain.stdout)).contains("keys_in_unowned_slot"))
      let searched = try Run.rcadm(["check", c.addressStrings[0], "--json", "--search-multiple-owners"])
      #expect(searched.status == 1)
      let found = findings(try parseJSON(searched.stdout), code: "keys_in_unowned_slot")
      #expect(found.count == 1)
      #expect(found.first?["slots"] as? String == "12182")
      #expect(found.first?["nodes"] as? [String] == [try await nodeId(c, stray)])
    }
  }
}
