import ClusterKit
import Foundation
import RESP
import RedisClient
import RedisCore
import TestCluster
import Testing

/// add-node, del-node, failover and set-timeout on real servers, checked by independent tools.
@Suite(.serialized) struct TopologyTests {
  /// Forms a cluster from the first `count` nodes with rcadm create.
  func create(_ c: TestCluster, _ count: Int, replicas: Int) throws {
    let r = try Run.rcadm(
      ["create"] + c.addressStrings.prefix(count) + ["--replicas", String(replicas), "--yes"])
    #expect(r.status == 0, "\(r)")
  }

  @Test func addNodeAsMasterThenAsReplicaOnAnotherHost() async throws {
    try await withTestCluster(5, hosts: ["127.0.0.2", "127.0.0.3", "127.0.0.4"]) { c in
      try create(c, 3, replicas: 0)
      // A master without slots, right after create (no pause: add-node waits for agreement itself).
      let master = try Run.rcadm(["add-node", c.addressStrings[3], c.addressStrings[0], "--yes", "--json"])
      #expect(master.status == 0, "\(master)")
      #expect(try parseJSON(master.stdout)["added"] as? String == c.addressStrings[3])
      // Node 4 is on 127.0.0.3: it must replicate a master on another host (node 0 or 2, not 1).
      let replica = try Run.rcadm([
        "add-node", c.addressStrings[4], c.addressStrings[0], "--replica", "--yes", "--json",
      ])
      #expect(replica.status == 0, "\(replica)")
      let chosen = try parseJSON(replica.stdout)["master_id"] as? String
      let sameHostMaster = try await nodeId(c, 1)
      let slotlessMaster = try await nodeId(c, 3)
      #expect(chosen != nil && chosen != sameHostMaster)
      #expect(chosen != slotlessMaster, "a master without slots was picked")
      let info = try await call(c, 4, "INFO", "replication").string ?? ""
      #expect(info.contains("master_link_status:up"))
      try expectHealthyByIndependentTools(c.addressStrings[1])
      #expect(try Run.rcadm(["check", c.addressStrings[4]]).status == 0)
    }
  }

  @Test func addNodeRefusesBadNewNodes() async throws {
    try await withTestCluster(5) { c in
      try create(c, 3, replicas: 0)
      try await call(c, 3, "DEBUG", "POPULATE", "2")
      let full = try Run.rcadm(["add-node", c.addressStrings[3], c.addressStrings[0], "--yes"])
      #expect(full.status == 2)
      #expect(full.stderr.contains("it holds 2 key(s)"))
      let member = try Run.rcadm(["add-node", c.addressStrings[1], c.addressStrings[0], "--yes"])
      #expect(member.status == 2)
      #expect(member.stderr.contains("already a member of this cluster"))
      let badMaster = try Run.rcadm([
        "add-node", c.addressStrings[4], c.addressStrings[0], "--master", "ffff", "--yes",
      ])
      #expect(badMaster.status == 2)
      #expect(badMaster.stderr.contains("no node matches 'ffff'"))
      #expect(try await isUntouched(c, 4))
      let noTTY = try Run.rcadm(["add-node", c.addressStrings[4], c.addressStrings[0]])
      #expect(noTTY.status == 2 && noTTY.stderr.contains("--yes"))
      #expect(try await isUntouched(c, 4))
      // An unhealthy cluster (open slot) is refused before anything changes.
      try await call(c, 0, "CLUSTER", "SETSLOT", "0", "MIGRATING", try await nodeId(c, 1))
      let unhealthy = try Run.rcadm([
        "add-node", c.addressStrings[4], c.addressStrings[0], "--yes", "--timeout", "1",
      ])
      #expect(unhealthy.status == 2)
      #expect(unhealthy.stderr.contains("the cluster is not healthy"), "\(unhealthy)")
      #expect(try await isUntouched(c, 4))
    }
  }

  @Test func delNodeMovesReplicasAndRemovesAFailedNode() async throws {
    try await withTestCluster(8) { c in
      try create(c, 6, replicas: 1)
      // An empty master with a replica of its own: removing it must move the replica elsewhere.
      #expect(try Run.rcadm(["add-node", c.addressStrings[6], c.addressStrings[0], "--yes"]).status == 0)
      let emptyMaster = try await nodeId(c, 6)
      #expect(
        try Run.rcadm([
          "add-node", c.addressStrings[7], c.addressStrings[0], "--master", emptyMaster, "--yes",
        ]).status == 0)
      let refused = try Run.rcadm(["del-node", c.addressStrings[0], try await nodeId(c, 0), "--yes"])
      #expect(refused.status == 2)
      #expect(refused.stderr.contains("owns 5461 slot(s)"))
      #expect(refused.stderr.contains("rcadm reshard"))
      let r = try Run.rcadm([
        "del-node", c.addressStrings[0], String(emptyMaster.prefix(10)), "--yes", "--json",
      ])
      #expect(r.status == 0, "\(r)")
      let info = try await call(c, 7, "INFO", "replication").string ?? ""
      #expect(!info.contains("master_port:\(c[6].port)"), "replica still follows the removed master")
      // Kill a replica outright, then remove it: redis-cli cannot (redis#11018).
      let deadId = try await nodeId(c, 5)
      c[5].signal(SIGKILL)
      let cli = try Run.program("redis-cli", ["--cluster", "del-node", c.addressStrings[0], deadId])
      #expect(cli.stdout.contains("No such node ID") || cli.status != 0)
      let gone = try Run.rcadm(["del-node", c.addressStrings[0], c.addressStrings[5], "--yes"])
      #expect(gone.status == 0, "\(gone)")
      for i in [0, 1, 2, 3, 4, 7] {
        let nodes = try await call(c, i, "CLUSTER", "NODES").string ?? ""
        #expect(!nodes.contains(deadId) && !nodes.contains(emptyMaster))
      }
      try expectHealthyByIndependentTools(c.addressStrings[1])
    }
  }

  @Test func failoverPicksTheReplicaAndWaits() async throws {
    try await withTestCluster(6, hosts: ["127.0.0.2", "127.0.0.3", "127.0.0.4"]) { c in
      try create(c, 6, replicas: 1)
      let m = try await owner(of: 0, in: c)
      let masterId = try await nodeId(c, m)
      let r = try Run.rcadm([
        "failover", c.addressStrings[0], "--master", String(masterId.prefix(8)), "--yes", "--json",
      ])
      #expect(r.status == 0, "\(r)")
      let newMaster = try parseJSON(r.stdout)["new_master"] as? String
      #expect(newMaster != nil && newMaster != masterId)
      #expect(try await owner(of: 0, in: c) != m)
      let role = try await call(c, m, "ROLE").elements?.first?.string
      #expect(role == "slave")
      try expectHealthyByIndependentTools(c.addressStrings[m])
      // Bad inputs: both or neither selector, a master given as --replica.
      #expect(try Run.rcadm(["failover", c.addressStrings[0], "--yes"]).status == 2)
      let wrong = try Run.rcadm(["failover", c.addressStrings[0], "--replica", newMaster!, "--yes"])
      #expect(wrong.status == 2)
      #expect(wrong.stderr.contains("is a master; the replica to promote must be a replica"))
    }
  }

  @Test func failoverOfADeadMasterNeedsForce() async throws {
    try await withTestCluster(6) { c in
      try create(c, 6, replicas: 1)
      let m = try await owner(of: 0, in: c)
      let masterId = try await nodeId(c, m)
      c[m].signal(SIGSTOP)
      defer { c[m].signal(SIGCONT) }
      let seed = c.addressStrings[(m + 1) % 3]
      let refused = try Run.rcadm(["failover", seed, "--master", masterId, "--yes", "--timeout", "1"])
      #expect(refused.status == 2, "\(refused)")
      #expect(refused.stderr.contains("unreachable"), "\(refused)")
      #expect(refused.stderr.contains("use --force"), "\(refused)")
      let forced = try Run.rcadm([
        "failover", seed, "--master", masterId, "--force", "--yes", "--timeout", "1",
      ])
      // The old master is stopped, so the report after the change lists it as unreachable: exit 1.
      #expect(forced.stderr.contains("Sent CLUSTER FAILOVER FORCE"), "\(forced)")
      try await eventually("slot 0 served by the promoted replica") {
        try await owner(of: 0, in: c, via: (m + 1) % 6) != m
      }
    }
  }

  @Test func setTimeoutOnEveryNode() async throws {
    try await withTestCluster(4) { c in
      try create(c, 4, replicas: 0)
      let bad = try Run.rcadm(["set-timeout", c.addressStrings[0], "50"])
      #expect(bad.status == 2)
      #expect(bad.stderr.contains("between 100 and"))
      // A change like any other: a plan, --dry-run, and no change without --yes when nobody can answer.
      let dry = try Run.rcadm(["set-timeout", c.addressStrings[0], "3500", "--dry-run"])
      #expect(dry.status == 0 && dry.stdout.contains("CONFIG SET cluster-node-timeout 3500"), "\(dry)")
      let unasked = try Run.rcadm(["set-timeout", c.addressStrings[0], "3500"])
      #expect(unasked.status == 2 && unasked.stderr.contains("--yes"), "\(unasked)")
      let untouched = try await call(c, 1, "CONFIG", "GET", "cluster-node-timeout")
      #expect(
        untouched.elements?.last?.string == "2000" || untouched["cluster-node-timeout"]?.string == "2000")
      let r = try Run.rcadm(["set-timeout", c.addressStrings[0], "3500", "--json", "--yes"])
      #expect(r.status == 0, "\(r)")
      #expect(try parseJSON(r.stdout)["failed"] as? Int == 0)
      for i in 0..<4 {
        let v = try await call(c, i, "CONFIG", "GET", "cluster-node-timeout")
        #expect(v.elements?.last?.string == "3500" || v["cluster-node-timeout"]?.string == "3500")
        let conf = try String(contentsOfFile: c[i].directory + "/redis.conf", encoding: .utf8)
        #expect(conf.contains("cluster-node-timeout 3500"))
      }
      c[3].signal(SIGKILL)
      let partial = try Run.rcadm(["set-timeout", c.addressStrings[0], "4000", "--yes"])
      #expect(partial.status == 1)
      #expect(partial.stdout.contains("\(c.addressStrings[3]): unreachable"))
      #expect(partial.stdout.contains("3 OK, 1 failed"))
    }
  }
}

/// add-node copies the cluster's functions to a new master, as redis-cli does.
@Suite struct AddNodeFunctionTests {
  @Test func functionsAreCopiedToANewMaster() async throws {
    try await withTestCluster(4) { c in
      let create = try Run.rcadm(["create"] + c.addressStrings.prefix(3) + ["--yes"])
      #expect(create.status == 0, "\(create)")
      let library =
        "#!lua name=rcadmlib\nredis.register_function('rcadm_echo', function(keys, args) return args[1] end)"
      let loaded = try Run.rcadm([
        "call", c.addressStrings[0], "--masters-only", "--", "FUNCTION", "LOAD", library,
      ])
      #expect(loaded.status == 0, "\(loaded)")
      let r = try Run.rcadm(["add-node", c.addressStrings[3], c.addressStrings[0], "--yes"])
      #expect(r.status == 0, "\(r)")
      #expect(r.stderr.contains("Copied the cluster's functions"), "\(r)")
      let echoed = try await call(c, 3, "FCALL", "rcadm_echo", "0", "hello")
      #expect(echoed.string == "hello")
    }
  }
}
