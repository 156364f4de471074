import ClusterKit
import RedisCore
import SlotPlanner
import TestSupport
import Testing

@Suite struct CreatePlannerExampleTests {
  @Test func sixNodesOnThreeHostsArePerfect() throws {
    let all = nodes(onHosts: [2, 2, 2])
    let plan = try CreatePlanner.plan(nodes: all, replicas: 1)
    expectValid(plan, nodes: all, replicas: 1)
    #expect(plan.score.isPerfect)
    #expect(Set(plan.masters.map(\.node.domain)) == ["h0", "h1", "h2"])
    for r in plan.replicas { #expect(r.node.domain != plan.masters[r.masterIndex].node.domain) }
  }

  @Test func sixNodesOnOneHostLikeRedisCli() throws {
    let all = nodes(onHosts: [6])
    let plan = try CreatePlanner.plan(nodes: all, replicas: 1)
    expectValid(plan, nodes: all, replicas: 1)
    // Every replica shares the one host with its master and the 3 masters share it too: unavoidable.
    #expect(plan.score == AntiAffinityScore(replicasWithMasterDomain: 3, mastersSharingDomain: 2))
    #expect(plan.score == bruteForceMinimum(domainSizes: [6], replicas: 1))
    #expect(plan.masters.map(\.node.address.port) == [7000, 7001, 7002])
    #expect(
      plan.masters.map(\.slots) == [SlotRange(0, 5460), SlotRange(5461, 10922), SlotRange(10923, 16383)])
    #expect(plan.replicas.map(\.node.address.port) == [7003, 7004, 7005])
    #expect(plan.replicas.map(\.masterIndex) == [0, 1, 2])
  }

  @Test func eightNodesMakeFourMasters() throws {
    let all = nodes(onHosts: [2, 2, 2, 2])
    let plan = try CreatePlanner.plan(nodes: all, replicas: 1)
    expectValid(plan, nodes: all, replicas: 1)
    #expect(plan.masters.count == 4)
    #expect(plan.masters.map(\.slots.count) == [4096, 4096, 4096, 4096])
    #expect(plan.score.isPerfect)
  }

  @Test func sevenNodesGiveOneExtraReplica() throws {
    let all = nodes(onHosts: [3, 2, 2])
    let plan = try CreatePlanner.plan(nodes: all, replicas: 1)
    expectValid(plan, nodes: all, replicas: 1)
    #expect(plan.masters.count == 3)
    #expect(plan.replicas.count == 4)
    #expect(plan.score.isPerfect)
  }

  @Test func zeroReplicasMakesEveryNodeAMaster() throws {
    let all = nodes(onHosts: [3, 1])
    let plan = try CreatePlanner.plan(nodes: all, replicas: 0)
    expectValid(plan, nodes: all, replicas: 0)
    #expect(plan.replicas.isEmpty)
    #expect(plan.score == AntiAffinityScore(mastersSharingDomain: 2))
  }

  @Test func dominantDomainKeepsItsNodesAsReplicasOfOthers() throws {
    // 9 nodes, 2 replicas: 3 masters. Six nodes on h0 cannot all avoid their masters' host, but masters
    // outside h0 let h0 serve only as replicas of others.
    let all = nodes(onHosts: [6, 2, 1])
    let plan = try CreatePlanner.plan(nodes: all, replicas: 2)
    expectValid(plan, nodes: all, replicas: 2)
    #expect(plan.score == bruteForceMinimum(domainSizes: [6, 2, 1], replicas: 2))
  }

  @Test func explicitDomainsOverrideHosts() throws {
    let all = (0..<6).map {
      PlannerNode(
        address: NodeAddress(host: "10.0.0.\($0)", port: 6379), domain: $0 < 3 ? "zone-a" : "zone-b")
    }
    let plan = try CreatePlanner.plan(nodes: all, replicas: 1)
    #expect(plan.score == AntiAffinityScore(mastersSharingDomain: 1))
    #expect(PlannerNode(address: NodeAddress(host: "h", port: 1)).domain == "h")
  }

  @Test func inputOrderDoesNotMatter() throws {
    let all = nodes(onHosts: [4, 3, 3, 1])
    let plan = try CreatePlanner.plan(nodes: all, replicas: 2)
    #expect(try CreatePlanner.plan(nodes: all.reversed(), replicas: 2) == plan)
  }

  @Test func tooFewNodes() {
    #expect(throws: CreatePlannerError.tooFewNodes(needed: 6, got: 5, masters: 3, replicas: 1)) {
      try CreatePlanner.plan(nodes: nodes(onHosts: [5]), replicas: 1)
    }
    let error = CreatePlannerError.tooFewNodes(needed: 6, got: 5, masters: 3, replicas: 1)
    #expect(
      error.description == "a cluster needs at least 6 nodes for 3 masters with 1 replica(s) each; got 5")
    #expect(throws: CreatePlannerError.tooFewNodes(needed: 2, got: 0, masters: 1, replicas: 1)) {
      try CreatePlanner.plan(nodes: [], replicas: 1, minimumMasters: 0)
    }
  }

  @Test func invalidRequests() {
    #expect(throws: CreatePlannerError.negativeReplicas) {
      try CreatePlanner.plan(nodes: nodes(onHosts: [6]), replicas: -1)
    }
    let twice = nodes(onHosts: [3]) + nodes(onHosts: [1])
    #expect(throws: CreatePlannerError.duplicateNode(NodeAddress(host: "h0", port: 7000))) {
      try CreatePlanner.plan(nodes: twice, replicas: 0)
    }
    #expect(
      CreatePlannerError.negativeReplicas.description == "the replica count must be 0 or more")
  }

  @Test(arguments: [1, 2, 3, 5, 7, 100, 1000, 16383, 16384])
  func slotRangesAreBalancedAndContiguous(masters: Int) {
    let ranges = CreatePlanner.slotRanges(masterCount: masters)
    #expect(ranges.count == masters)
    #expect(ranges.first?.lower == 0)
    #expect(ranges.last?.upper == slotCount - 1)
    for (a, b) in zip(ranges, ranges.dropFirst()) { #expect(a.upper + 1 == b.lower) }
    let sizes = ranges.map(\.count)
    #expect(sizes.max()! - sizes.min()! <= 1)
  }

  @Test func redisCliBaselineMatchesItsDocumentedLayout() {
    // Interleaved by host: h0:7000, h1:7000, h2:7000 are masters; the rest (h0:7001, h1:7001, h2:7001)
    // rotated left by one gives h1:7001, h2:7001, h0:7001, each the first one off its master's host.
    let plan = RedisCliCreateHeuristic.plan(nodes: nodes(onHosts: [2, 2, 2]), replicas: 1, seed: 1)
    #expect(plan.masters.map(\.node.domain) == ["h0", "h1", "h2"])
    #expect(plan.replicas.map(\.node.domain) == ["h1", "h2", "h0"])
    #expect(plan.score.isPerfect)
  }
}
