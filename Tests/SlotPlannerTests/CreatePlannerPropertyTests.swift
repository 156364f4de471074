import ClusterKit
import RedisCore
import SlotPlanner
import TestSupport
import Testing

@Suite struct CreatePlannerPropertyTests {
  /// 3–200 nodes over 1–20 skewed domains, 0–3 replicas: valid, deterministic, and never worse than redis-cli.
  @Test(arguments: 0..<300)
  func randomTopology(seed: UInt64) throws {
    var random = SplitMix64(seed: seed)
    let count = Int.random(in: 3...200, using: &random)
    let all = randomNodes(count: count, maxDomains: 20, using: &random)
    let replicas = Int.random(in: 0...3, using: &random)
    guard count / (replicas + 1) >= 3 else {
      let error = CreatePlannerError.tooFewNodes(
        needed: 3 * (replicas + 1), got: count, masters: 3, replicas: replicas)
      #expect(throws: error) { try CreatePlanner.plan(nodes: all, replicas: replicas) }
      return
    }
    let plan = try CreatePlanner.plan(nodes: all, replicas: replicas)
    expectValid(plan, nodes: all, replicas: replicas)
    #expect(try CreatePlanner.plan(nodes: all, replicas: replicas) == plan)
    #expect(try CreatePlanner.plan(nodes: all.shuffled(using: &random), replicas: replicas) == plan)
    for cliSeed: UInt64 in [1, 2] {
      let cli = RedisCliCreateHeuristic.plan(nodes: all, replicas: replicas, seed: cliSeed)
      expectValid(cli, nodes: all, replicas: replicas)
      #expect(plan.score <= cli.score, "redis-cli seed \(cliSeed) did better")
    }
  }

  /// Up to 12 nodes over up to 5 domains: the planner finds the exhaustive-search minimum.
  @Test(arguments: 0..<250)
  func smallTopologyIsOptimal(seed: UInt64) throws {
    var random = SplitMix64(seed: 1_000_000 + seed)
    let replicas = Int.random(in: 0...3, using: &random)
    let count = Int.random(in: 3 * (replicas + 1)...min(12, 3 * (replicas + 1) + 5), using: &random)
    let all = randomNodes(count: count, maxDomains: 5, using: &random)
    let plan = try CreatePlanner.plan(nodes: all, replicas: replicas)
    expectValid(plan, nodes: all, replicas: replicas)
    #expect(plan.score == bruteForceMinimum(domainSizes: domainSizes(all), replicas: replicas))
  }

  @Test func redisCliBaselineIsDeterministicPerSeed() {
    var random = SplitMix64(seed: 7)
    let all = randomNodes(count: 60, maxDomains: 6, using: &random)
    let a = RedisCliCreateHeuristic.plan(nodes: all, replicas: 2, seed: 3)
    #expect(RedisCliCreateHeuristic.plan(nodes: all, replicas: 2, seed: 3) == a)
  }

  @Test func largeClusterIsFast() throws {
    var random = SplitMix64(seed: 99)
    let all = randomNodes(count: 200, maxDomains: 20, using: &random)
    let clock = ContinuousClock()
    let elapsed = try clock.measure { _ = try CreatePlanner.plan(nodes: all, replicas: 1) }
    // Generous: the bound is about not being quadratic in the worst way, not about a loaded CI machine.
    #expect(elapsed < .seconds(1))
  }
}
