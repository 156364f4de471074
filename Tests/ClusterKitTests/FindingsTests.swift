import ClusterKit
import RESP
import RedisCore
import Testing

private typealias ID = FixtureID

/// `ID.n7` as a master without slots on 127.0.0.1:7007, with config epoch `epoch`.
private func emptyMasterLine(epoch: Int = 0) -> String {
  "\(ID.n7) 127.0.0.1:7007@17007 master - 0 1700000000000 \(epoch) connected"
}

@Suite struct FindingsTests {
  // MARK: Healthy layouts and placement

  @Test func healthyClusterOnOneHostHasNoFindings() {
    let view = ClusterFixture(Layout.sixNodes()).view
    #expect(HealthCheck.findings(view) == [])
    #expect(HealthCheck.findings(view, CheckOptions(minReplicas: 1)) == [])
  }

  @Test func replicasSpreadOverHostsHaveNoFindings() {
    let hosts = ["10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.2", "10.0.0.3", "10.0.0.1"]
    #expect(HealthCheck.findings(ClusterFixture(Layout.sixNodes(hosts: hosts)).view) == [])
  }

  @Test func replicaOnItsMastersHostIsOneWarning() {
    // R3 runs on 10.0.0.3 like M3; R1 and R2 are elsewhere.
    let hosts = ["10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.2", "10.0.0.3", "10.0.0.3"]
    let view = ClusterFixture(Layout.sixNodes(hosts: hosts)).view
    #expect(
      HealthCheck.findings(view) == [
        Finding(
          .warning, "replica_same_host_as_master",
          "10.0.0.3:7006 (c04d7e2a, replica) runs on the same host (10.0.0.3) as its master 10.0.0.3:7003 (3c9a0b5e); one host failure loses both",
          nodes: [ID.r3, ID.m3])
      ])
  }

  @Test func customDomainIsHonoured() {
    // All pods share one IP-less host name space here (127.0.0.1), but run on three k8s nodes.
    let spread: [String: String] = [
      ID.m1: "node-a", ID.r2: "node-a", ID.m2: "node-b", ID.r3: "node-b", ID.m3: "node-c", ID.r1: "node-c",
    ]
    let view = ClusterFixture(Layout.sixNodes()).view
    #expect(HealthCheck.findings(view, CheckOptions(domain: { spread[$0.id] })) == [])

    let together = spread.merging([ID.r1: "node-a"]) { $1 }
    #expect(
      HealthCheck.findings(view, CheckOptions(domain: { together[$0.id] })) == [
        Finding(
          .warning, "replica_same_host_as_master",
          "127.0.0.1:7004 (5b2e8c4a, replica) runs on the same host (node-a) as its master 127.0.0.1:7001 (e7d1fe0b); one host failure loses both",
          nodes: [ID.r1, ID.m1])
      ])

    // Different IPs with R3 next to M3, but the domain says every node is on its own machine.
    let hosts = ["10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.2", "10.0.0.3", "10.0.0.3"]
    let spreadView = ClusterFixture(Layout.sixNodes(hosts: hosts)).view
    #expect(HealthCheck.findings(spreadView, CheckOptions(domain: { $0.id })) == [])
    // No domain at all: nothing to compare.
    #expect(HealthCheck.findings(spreadView, CheckOptions(domain: { _ in nil })) == [])
  }

  // MARK: Node states

  @Test func unreachableMasterKeepsItsSlots() {
    var fixture = ClusterFixture(Layout.sixNodes())
    fixture.makeUnreachable(ID.m2, reason: "connection refused")
    #expect(
      HealthCheck.findings(fixture.view) == [
        Finding(
          .error, "node_unreachable",
          "127.0.0.1:7002 (e7d14a77, master of 5462 slots) cannot be reached: connection refused",
          nodes: [ID.m2], slots: "5461-10922")
      ])
  }

  @Test func unreachableReplicaHasNoSlots() {
    var fixture = ClusterFixture(Layout.sixNodes())
    fixture.makeUnreachable(ID.r2, reason: "timed out")
    #expect(
      HealthCheck.findings(fixture.view) == [
        Finding(
          .error, "node_unreachable", "127.0.0.1:7005 (9f4c2a7e, replica) cannot be reached: timed out",
          nodes: [ID.r2])
      ])
  }

  @Test func failFlagWinsOverPFail() {
    var fixture = ClusterFixture(Layout.sixNodes())
    fixture.edit(ID.m2, seenBy: [ID.m1, ID.m3]) { $0.flags.insert(.fail) }
    fixture.edit(ID.m2, seenBy: [ID.r1]) { $0.flags.insert(.pfail) }
    #expect(
      HealthCheck.findings(fixture.view) == [
        Finding(
          .error, "node_failed",
          "127.0.0.1:7002 (e7d14a77, master of 5462 slots) is flagged fail by 2 node(s)",
          nodes: [ID.m2])
      ])
  }

  @Test func pfailIsAWarning() {
    var fixture = ClusterFixture(Layout.sixNodes())
    fixture.edit(ID.r3, seenBy: [ID.m1]) { $0.flags.insert(.pfail) }
    #expect(
      HealthCheck.findings(fixture.view) == [
        Finding(
          .warning, "node_pfail",
          "127.0.0.1:7006 (c04d7e2a, replica) is suspected failing (fail?) by 1 node(s)",
          nodes: [ID.r3])
      ])
  }

  @Test func failFlagsFromUnreachableNodesDoNotCount() {
    var fixture = ClusterFixture(Layout.sixNodes())
    fixture.edit(ID.m2, seenBy: [ID.r1]) { $0.flags.insert(.fail) }
    let staleTable = fixture[ID.r1].table
    fixture.makeUnreachable(ID.r1, reason: "connection refused")
    fixture[ID.r1].table = staleTable
    #expect(HealthCheck.findings(fixture.view).map(\.code) == ["node_unreachable"])
  }

  @Test func handshakeIsAWarning() {
    var fixture = ClusterFixture(Layout.sixNodes())
    // m1 lists a peer it is still shaking hands with (a temporary id the loader never dials).
    fixture.edit(ID.r3, seenBy: [ID.m1]) { $0.flags.insert(.handshake) }
    let codes = HealthCheck.findings(fixture.view).map(\.code)
    #expect(codes.contains("node_handshake"))
    #expect(
      HealthCheck.findings(fixture.view).first { $0.code == "node_handshake" }
        == Finding(
          .warning, "node_handshake", "127.0.0.1:7001 (e7d1fe0b) is still in handshake with 127.0.0.1:7006",
          nodes: [ID.m1]))
  }

  @Test func nodeUnknownToPeerIsAWarning() {
    var fixture = ClusterFixture(Layout.sixNodes())
    fixture.forget(ID.r2, in: ID.m1)
    // A node still in handshake is not known yet either.
    fixture.edit(ID.r3, seenBy: [ID.m1]) { $0.flags.insert(.handshake) }
    #expect(
      HealthCheck.findings(fixture.view).filter { $0.code != "node_handshake" } == [
        Finding(
          .warning, "node_unknown_to_peer",
          "127.0.0.1:7001 (e7d1fe0b) does not know 2 node(s): 9f4c2a7e, c04d7e2a",
          nodes: [ID.m1, ID.r2, ID.r3])
      ])
  }

  // MARK: Cluster state and configuration

  @Test func clusterStateNotOk() {
    var fixture = ClusterFixture(Layout.sixNodes())
    fixture[ID.m1].clusterInfo["cluster_state"] = "fail"
    fixture[ID.r2].clusterInfo = [:]
    #expect(
      HealthCheck.findings(fixture.view) == [
        Finding(
          .error, "cluster_state_not_ok",
          "cluster_state is not ok on 2 node(s): 127.0.0.1:7001 (fail), 127.0.0.1:7005 (unknown)",
          nodes: [ID.m1, ID.r2])
      ])
  }

  @Test func configDisagreementNamesTheMinority() {
    var fixture = ClusterFixture(Layout.sixNodes())
    // M1 and R1 believe slot 5461 has no owner; the other four nodes believe M2 has it.
    fixture.edit(ID.m2, seenBy: [ID.m1, ID.r1]) { $0.slots = SlotSet([SlotRange(5462, 10922)]) }
    #expect(
      HealthCheck.findings(fixture.view) == [
        Finding(
          .error, "config_disagreement",
          "nodes don't agree about the slot configuration: 2 different views; 127.0.0.1:7001, 127.0.0.1:7004 differ from the other 4 node(s)",
          nodes: [ID.m1, ID.r1])
      ])
  }

  @Test func openSlotsInBothDirections() {
    var fixture = ClusterFixture(Layout.sixNodes())
    fixture.edit(ID.m1, seenBy: [ID.m1]) { $0.migrating = [100: ID.m2] }
    fixture.edit(ID.m2, seenBy: [ID.m2]) { $0.importing = [100: ID.m1] }
    #expect(
      HealthCheck.findings(fixture.view) == [
        Finding(
          .error, "open_slot", "slot 100 is migrating on 127.0.0.1:7001 (e7d1fe0b) to e7d14a77",
          nodes: [ID.m1, ID.m2], slots: "100"),
        Finding(
          .error, "open_slot", "slot 100 is importing on 127.0.0.1:7002 (e7d14a77) from e7d1fe0b",
          nodes: [ID.m2, ID.m1], slots: "100"),
      ])
  }

  // MARK: Coverage

  @Test func slotsUncoveredListsTheRanges() {
    let text = Layout.sixNodes(masterSlots: ["100-199 201-5460", "5461-10922", "10923-16000"])
    #expect(
      HealthCheck.findings(ClusterFixture(text).view) == [
        Finding(
          .error, "slots_uncovered", "484 of 16384 slots have no owner: 0-99,200,16001-16383",
          slots: "0-99,200,16001-16383")
      ])
  }

  @Test func slotMultipleClaims() throws {
    let text = Layout.sixNodes(masterSlots: ["0-5460", "5000-10922", "10923-16383"])
    let findings = HealthCheck.findings(ClusterFixture(text).view)
    #expect(findings.map(\.code) == ["slot_multiple_claims"])
    let claim = try #require(findings.first)
    #expect(claim.severity == .error)
    #expect(claim.message == "461 slot(s) are claimed by more than one master: 5000-5460")
    #expect(claim.slots == "5000-5460")
    #expect(claim.nodes == [ID.m1, ID.m2].sorted())
  }

  // MARK: Replication

  @Test func replicaOfUnknownMaster() {
    var fixture = ClusterFixture(Layout.sixNodes())
    fixture.edit(ID.r1) { $0.masterId = ID.stranger }
    #expect(
      HealthCheck.findings(fixture.view) == [
        Finding(
          .error, "replica_of_unknown_master",
          "127.0.0.1:7004 (5b2e8c4a, replica) replicates a node the cluster does not know", nodes: [ID.r1])
      ])
  }

  @Test(arguments: [
    ["master_link_down_since_seconds": "-1", "master_sync_in_progress": "0"],
    ["master_link_down_since_seconds": "7", "master_sync_in_progress": "1"],
  ])
  func replicaSyncingIsAWarning(info: [String: String]) {
    var fixture = ClusterFixture(Layout.sixNodes())
    fixture[ID.r1].info.merge(info) { $1 }
    fixture[ID.r1].info["master_link_status"] = "down"
    #expect(
      HealthCheck.findings(fixture.view) == [
        Finding(
          .warning, "replica_syncing",
          "127.0.0.1:7004 (5b2e8c4a, replica) is still (re)connecting to or syncing from 127.0.0.1:7001",
          nodes: [ID.r1, ID.m1])
      ])
  }

  @Test func replicaLinkDownIsAnError() {
    var fixture = ClusterFixture(Layout.sixNodes())
    fixture[ID.r1].info["master_link_status"] = "down"
    fixture[ID.r1].info["master_link_down_since_seconds"] = "42"
    #expect(
      HealthCheck.findings(fixture.view) == [
        Finding(
          .error, "replica_link_down",
          "127.0.0.1:7004 (5b2e8c4a, replica) has its replication link to 127.0.0.1:7001 down for 42 s",
          nodes: [ID.r1, ID.m1])
      ])
  }

  @Test func tooFewReplicas() {
    var fixture = ClusterFixture(Layout.sixNodes() + "\n" + emptyMasterLine())
    #expect(HealthCheck.findings(fixture.view, CheckOptions(minReplicas: 1)) == [])
    #expect(HealthCheck.findings(fixture.view, CheckOptions(minReplicas: 0)) == [])
    // The master without slots is never counted.
    #expect(
      HealthCheck.findings(fixture.view, CheckOptions(minReplicas: 2)) == [
        Finding(
          .error, "too_few_replicas",
          "127.0.0.1:7001 (e7d1fe0b, master of 5461 slots) has 1 working replica(s); 2 wanted",
          nodes: [ID.m1]),
        Finding(
          .error, "too_few_replicas",
          "127.0.0.1:7002 (e7d14a77, master of 5462 slots) has 1 working replica(s); 2 wanted",
          nodes: [ID.m2]),
        Finding(
          .error, "too_few_replicas",
          "127.0.0.1:7003 (3c9a0b5e, master of 5461 slots) has 1 working replica(s); 2 wanted",
          nodes: [ID.m3]),
      ])

    fixture.remove(ID.r3)
    #expect(HealthCheck.findings(fixture.view) == [])
    #expect(
      HealthCheck.findings(fixture.view, CheckOptions(minReplicas: 1)) == [
        Finding(
          .error, "too_few_replicas",
          "127.0.0.1:7003 (3c9a0b5e, master of 5461 slots) has 0 working replica(s); 1 wanted",
          nodes: [ID.m3])
      ])
  }

  @Test func failedReplicaDoesNotCountAndErrorsSortByCode() {
    var fixture = ClusterFixture(Layout.sixNodes())
    fixture.edit(ID.r3) { $0.flags.insert(.fail) }
    fixture.makeUnreachable(ID.r3, reason: "connection refused")
    #expect(
      HealthCheck.findings(fixture.view, CheckOptions(minReplicas: 1)) == [
        Finding(
          .error, "node_failed", "127.0.0.1:7006 (c04d7e2a, replica) is flagged fail by 5 node(s)",
          nodes: [ID.r3]),
        Finding(
          .error, "node_unreachable",
          "127.0.0.1:7006 (c04d7e2a, replica) cannot be reached: connection refused",
          nodes: [ID.r3]),
        Finding(
          .error, "too_few_replicas",
          "127.0.0.1:7003 (3c9a0b5e, master of 5461 slots) has 0 working replica(s); 1 wanted",
          nodes: [ID.m3]),
      ])
  }

  // MARK: Epochs and keys

  @Test func configEpochCollisionOnlyForMastersWithSlots() {
    // M2 and M3 share epoch 2; the slotless master shares epoch 1 with M1, which is fine.
    let text =
      Layout.sixNodes(masterSlots: ["0-5460", "5461-10922", "10923-16383"], epochs: [1, 2, 2]) + "\n"
      + emptyMasterLine(epoch: 1)
    #expect(
      HealthCheck.findings(ClusterFixture(text).view) == [
        Finding(
          .error, "config_epoch_collision", "2 masters share config epoch 2: 127.0.0.1:7002, 127.0.0.1:7003",
          nodes: [ID.m2, ID.m3])
      ])
  }

  @Test func keysInUnownedSlots() {
    let view = ClusterFixture(Layout.sixNodes()).view
    let scan: [Int: [KeyHolder]] = [
      100: [KeyHolder(nodeId: ID.m2, keys: 3)],
      7: [KeyHolder(nodeId: ID.m3, keys: 1), KeyHolder(nodeId: ID.stranger, keys: 2)],
    ]
    #expect(
      HealthCheck.findings(view, CheckOptions(keysInUnownedSlots: scan)) == [
        Finding(
          .error, "keys_in_unowned_slot",
          "slot 7 has keys on node(s) that do not own it: 127.0.0.1:7003 (1 keys), \(ID.stranger) (2 keys)",
          nodes: [ID.m3, ID.stranger], slots: "7"),
        Finding(
          .error, "keys_in_unowned_slot",
          "slot 100 has keys on node(s) that do not own it: 127.0.0.1:7002 (3 keys)",
          nodes: [ID.m2], slots: "100"),
      ])
    #expect(HealthCheck.findings(view, CheckOptions(keysInUnownedSlots: [:])) == [])
  }

  // MARK: Order

  @Test func errorsComeFirstThenCodesInOrder() {
    var fixture = ClusterFixture(Layout.sixNodes())
    fixture.edit(ID.r3, seenBy: [ID.m2]) { $0.flags.insert(.pfail) }
    fixture.forget(ID.r2, in: ID.m3)
    fixture[ID.r1].info["master_link_status"] = "down"
    fixture[ID.r1].info["master_link_down_since_seconds"] = "90"
    fixture[ID.m2].clusterInfo["cluster_state"] = "fail"
    let findings = HealthCheck.findings(fixture.view)
    #expect(
      findings.map(\.code) == [
        "cluster_state_not_ok", "replica_link_down", "node_pfail", "node_unknown_to_peer",
      ])
    #expect(findings.map(\.severity) == [.error, .error, .warning, .warning])
  }

  @Test func ownersAreTheMastersWithSlots() {
    var fixture = ClusterFixture(Layout.sixNodes() + "\n" + emptyMasterLine())
    fixture.makeUnreachable(ID.m3, reason: "connection refused")
    let owners = HealthCheck.owners(fixture.view)
    #expect(
      owners.mapValues(\.rangesDescription) == [ID.m1: "0-5460", ID.m2: "5461-10922", ID.m3: "10923-16383"])
  }
}

/// What a node runs: read from HELLO or INFO, and a warning when the nodes differ.
@Suite struct ServerIdentityTests {
  @Test func helloAndInfoNameTheServer() {
    let resp3 = RESPValue.map([
      RESPPair(.bulkString(Array("server".utf8)), .bulkString(Array("valkey".utf8))),
      RESPPair(.bulkString(Array("version".utf8)), .bulkString(Array("8.1.8".utf8))),
      RESPPair(.bulkString(Array("proto".utf8)), .integer(3)),
    ])
    #expect(ServerIdentity(hello: resp3) == ServerIdentity(name: "valkey", version: "8.1.8"))
    let resp2 = RESPValue.array(
      ["server", "redis", "version", "7.0.15"].map { .bulkString(Array($0.utf8)) })
    #expect(ServerIdentity(hello: resp2)?.description == "redis 7.0.15")
    #expect(ServerIdentity(hello: .error("NOPROTO")) == nil)
    // Valkey's redis_version is a compatibility number; valkey_version is the real one.
    let valkey = ["redis_version": "7.2.4", "server_name": "valkey", "valkey_version": "8.1.8"]
    #expect(ServerIdentity(info: valkey) == ServerIdentity(name: "valkey", version: "8.1.8"))
    #expect(ServerIdentity(info: ["redis_version": "7.0.15"])?.description == "redis 7.0.15")
    #expect(ServerIdentity(info: ["role": "master"]) == nil)
    #expect(ServerIdentity(name: "Valkey", version: "9.0.0").major == 9)
  }

  @Test func mixedServersAreOneWarningNamingTheMinority() {
    var view = ClusterFixture(Layout.sixNodes()).view
    for i in view.nodes.indices {
      view.nodes[i].server = ServerIdentity(name: "redis", version: "7.2.4")
    }
    #expect(HealthCheck.findings(view) == [])
    let m2 = view.nodes.firstIndex { $0.id == FixtureID.m2 }!
    view.nodes[m2].server = ServerIdentity(name: "valkey", version: "8.1.8")
    #expect(
      HealthCheck.findings(view) == [
        Finding(
          .warning, "mixed_servers",
          "nodes run different servers: redis 7.2.4 on 5 node(s), valkey 8.1.8 on 1 node(s)",
          nodes: [FixtureID.m2])
      ])
  }
}
