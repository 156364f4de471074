import ClusterKit
import Foundation
import RedisClient
import RedisCore
import TestCluster
import Testing

/// `rcadm create` on real servers, checked by rcadm, redis-cli and redis-py.
@Suite(.serialized) struct CreateTests {
  @Test func replicasLandOnOtherHosts() async throws {
    // Six nodes on three "hosts", listed so that a naive split would pair hosts badly.
    try await withTestCluster(
      6, hosts: ["127.0.0.2", "127.0.0.2", "127.0.0.3", "127.0.0.3", "127.0.0.4", "127.0.0.4"]
    ) { c in
      let r = try Run.rcadm(["create"] + c.addressStrings + ["--replicas", "1", "--yes", "--json"])
      #expect(r.status == 0, "\(r)")
      let doc = try parseJSON(r.stdout)
      let plan = doc["plan"] as? [String: Any]
      let masters = (plan?["masters"] as? [[String: Any]]) ?? []
      let replicas = (plan?["replicas"] as? [[String: Any]]) ?? []
      #expect(masters.count == 3 && replicas.count == 3)
      #expect(Set(masters.compactMap { $0["host"] as? String }).count == 3)
      let hostOf = Dictionary(
        uniqueKeysWithValues: masters.map { ($0["id"] as! String, $0["host"] as! String) })
      for rep in replicas {
        #expect(
          rep["host"] as? String != hostOf[rep["master_id"] as! String],
          "replica on its master's host: \(rep)")
      }
      #expect((doc["check"] as? [String: Any])?["healthy"] as? Bool == true)
      try expectHealthyByIndependentTools(c.addressStrings[0])
      #expect(try Run.rcadm(["check", c.addressStrings[5], "--strict"]).status == 0)
    }
  }

  @Test func hostnamesAndACustomBusPort() async throws {
    var options = ServerOptions()
    options.customBusPort = true
    try await withTestCluster(3, options: options) { c in
      // localhost must be MEET as an IP; the bus port is not port + 10000.
      let names = c.servers.map { "localhost:\($0.port)" }
      let r = try Run.rcadm(["create"] + names + ["--yes"])
      #expect(r.status == 0, "\(r)")
      #expect(r.stdout.contains("Cluster is healthy."))
      let s = try await c.session(1)
      let table = try ClusterNodesParser.parse(try await s.text("CLUSTER", "NODES"))
      await s.close()
      #expect(Set(table.compactMap(\.busPort)) == Set(c.servers.map(\.busPort)))
      try expectHealthyByIndependentTools(c.addressStrings[0])
    }
  }

  @Test func everyOffendingNodeIsListedAndNothingChanges() async throws {
    try await withTestCluster(7) { c in
      try await call(c, 3, "DEBUG", "POPULATE", "1")  // holds a key
      try await c.createWithRedisCli(nodes: [4, 5, 6])  // 4 is already in another cluster
      let unreachable = "127.0.0.1:\(try closedPort())"
      let r = try Run.rcadm(
        [
          "create", c.addressStrings[0], c.addressStrings[1], c.addressStrings[2], c.addressStrings[3],
          c.addressStrings[4],
          unreachable, "--yes",
        ])
      #expect(r.status == 2, "\(r)")
      #expect(r.stderr.contains("\(c.addressStrings[3]): it holds 1 key(s)"))
      #expect(r.stderr.contains("\(c.addressStrings[4]): it already owns"))
      #expect(r.stderr.contains("\(unreachable): could not connect"))
      #expect(r.stderr.contains("nothing was changed"))
      for i in 0..<3 { #expect(try await isUntouched(c, i)) }
    }
  }

  @Test func duplicatesClusterModeOffAndTooFewNodes() async throws {
    try await withTestCluster(3) { c in
      let twice = try Run.rcadm([
        "create", c.addressStrings[0], c.addressStrings[0], c.addressStrings[1], c.addressStrings[2], "--yes",
      ])
      #expect(twice.status == 2)
      #expect(twice.stderr.contains("\(c.addressStrings[0]) is listed 2 times"))
      let alias = try Run.rcadm([
        "create", "localhost:\(c[0].port)", c.addressStrings[0], c.addressStrings[1], "--yes",
      ])
      #expect(alias.status == 2)
      #expect(alias.stderr.contains("are the same node"), "\(alias)")
      let few = try Run.rcadm(["create"] + c.addressStrings + ["--replicas", "1", "--yes"])
      #expect(few.status == 2)
      #expect(
        few.stderr.contains(
          "a cluster needs at least 6 nodes for 3 masters with 1 replica(s) each; got 3"), "\(few)")
      for i in 0..<3 { #expect(try await isUntouched(c, i)) }
    }
    var off = ServerOptions()
    off.clusterEnabled = false
    try await withTestCluster(3, options: off) { c in
      let r = try Run.rcadm(["create"] + c.addressStrings + ["--yes"])
      #expect(r.status == 2)
      #expect(r.stderr.contains("cluster mode is off"))
    }
  }

  @Test func noTerminalMeansNoPromptAndDryRunChangesNothing() async throws {
    try await withTestCluster(3) { c in
      let noYes = try Run.rcadm(["create"] + c.addressStrings)
      #expect(noYes.status == 2)
      #expect(noYes.stderr.contains("Pass --yes to apply"))
      let dry = try Run.rcadm(["create"] + c.addressStrings + ["--dry-run"])
      #expect(dry.status == 0)
      #expect(dry.stdout.contains("Plan: 3 masters, 0 replicas"))
      #expect(dry.stdout.contains("slots 0-5460 (5461)"))
      for i in 0..<3 { #expect(try await isUntouched(c, i)) }
    }
  }

  @Test func unreachableBusPortIsNamedWithinTheTimeout() async throws {
    let closed = try closedPort()
    try await withTestCluster(3) { c in
      // Node 2 announces a bus port where nothing listens: nobody can finish the handshake with it.
      try await call(c, 2, "CONFIG", "SET", "cluster-announce-bus-port", String(closed))
      let r = try Run.rcadm(["create"] + c.addressStrings + ["--yes", "--timeout", "3"])
      #expect(r.status == 1, "\(r)")
      #expect(r.stderr.contains("did not all join within 3"), "\(r)")
      #expect(r.stderr.contains("(bus port \(closed))"), "\(r)")
    }
  }
}
