import ClusterKit
import RedisCore
import SlotPlanner

/// A re-implementation of redis-cli's `--cluster create` placement (interleave by domain, rotate, first unused
/// node of another domain, extra replicas pass, then the random swap optimiser with a seeded PRNG): the baseline
/// that tests and benchmarks compare `CreatePlanner` against.
///
/// Differences from redis-cli: the failure domain stands in for the host; the extra replicas pass repeats until
/// every node is used (redis-cli hands out one round only and leaves the rest as slotless masters).
public enum RedisCliCreateHeuristic {
  /// The plan redis-cli would make for `nodes` in this order; needs 1...16384 masters.
  public static func plan(nodes: [PlannerNode], replicas: Int, seed: UInt64) -> CreatePlan {
    precondition(replicas >= 0, "negative replica count")
    let masterCount = nodes.count / (replicas + 1)
    var domainIndex: [String: Int] = [:]
    let domainOf = nodes.map { n in
      if let d = domainIndex[n.domain] { return d }
      domainIndex[n.domain] = domainIndex.count
      return domainIndex.count - 1
    }
    let start = initialGroups(domainOf: domainOf, masterCount: masterCount, replicas: replicas)
    var groupOf = [Int](repeating: 0, count: nodes.count)
    for (g, rs) in start.replicasOf.enumerated() {
      for r in rs { groupOf[r] = g }
    }
    let optimiser = Optimiser(
      domainOf: domainOf, domainCount: domainIndex.count, masters: start.masters, groupOf: groupOf)
    var random = SplitMix64(seed: seed)
    optimiser.run(iterations: 500 * nodes.count, using: &random)

    let ranges = CreatePlanner.slotRanges(masterCount: masterCount)
    let masters = zip(start.masters, ranges).map { CreatePlan.Master(node: nodes[$0], slots: $1) }
    let replicas = masters.indices.flatMap { g in
      optimiser.replicas.filter { optimiser.groupOf[$0] == g }.map {
        CreatePlan.Replica(node: nodes[$0], masterIndex: g)
      }
    }
    return CreatePlan(masters: masters, replicas: replicas)
  }

  /// redis-cli's layout before optimising, on node indices in the given order: masters are the first nodes of
  /// the list interleaved by domain (domains in order of first appearance); the rest, rotated left by one, are
  /// handed out to each master in turn, preferring the first unused node outside the master's domain.
  private static func initialGroups(
    domainOf: [Int], masterCount: Int, replicas: Int
  ) -> (masters: [Int], replicasOf: [[Int]]) {
    var order: [Int] = []
    var queues: [[Int]] = []
    for (i, d) in domainOf.enumerated() {
      if let q = order.firstIndex(of: d) {
        queues[q].append(i)
      } else {
        order.append(d)
        queues.append([i])
      }
    }
    var interleaved: [Int] = []
    for round in 0..<(queues.map(\.count).max() ?? 0) {
      for q in queues where round < q.count { interleaved.append(q[round]) }
    }
    let masters = Array(interleaved.prefix(masterCount))
    var rest = Array(interleaved.dropFirst(masterCount))
    if !rest.isEmpty { rest.append(rest.removeFirst()) }

    var used = [Bool](repeating: false, count: rest.count)
    var replicasOf = [[Int]](repeating: [], count: masterCount)
    var left = rest.count
    func assign(to g: Int) {
      let own = domainOf[masters[g]]
      let pick =
        rest.indices.first { !used[$0] && domainOf[rest[$0]] != own } ?? rest.indices.first { !used[$0] }!
      used[pick] = true
      replicasOf[g].append(rest[pick])
      left -= 1
    }
    for g in 0..<masterCount {
      for _ in 0..<replicas { assign(to: g) }
    }
    while left > 0 {
      for g in 0..<masterCount where left > 0 { assign(to: g) }
    }
    return (masters, replicasOf)
  }
}

/// redis-cli's anti-affinity optimiser: its score charges 10000 per replica in its master's domain and, for a
/// domain holding two or more replicas (and not the master) of one master, 1 per such replica. Each iteration
/// swaps the masters of a random offending replica and a random other replica, undoing the swap only if the
/// score got worse; it stops at score 0.
private final class Optimiser {
  let domainOf: [Int]
  let domainCount: Int
  let masters: [Int]
  private(set) var groupOf: [Int]
  let replicas: [Int]
  /// Nodes (master included) of group `g` in domain `d`, at `g * domainCount + d`.
  private var cell: [Int]
  private var total = 0

  init(domainOf: [Int], domainCount: Int, masters: [Int], groupOf: [Int]) {
    self.domainOf = domainOf
    self.domainCount = domainCount
    self.masters = masters
    self.groupOf = groupOf
    var isMaster = [Bool](repeating: false, count: domainOf.count)
    for m in masters { isMaster[m] = true }
    replicas = domainOf.indices.filter { !isMaster[$0] }
    cell = [Int](repeating: 0, count: masters.count * domainCount)
    for (g, m) in masters.enumerated() { cell[g * domainCount + domainOf[m]] += 1 }
    for r in replicas { cell[groupOf[r] * domainCount + domainOf[r]] += 1 }
    for g in masters.indices {
      for d in 0..<domainCount { total += cellCost(g, d) }
    }
  }

  func run(iterations: Int, using random: inout SplitMix64) {
    guard replicas.count >= 2 else { return }
    for _ in 0..<iterations where total > 0 {
      // Rejection sampling picks uniformly among offending replicas without listing them; `% count` as
      // redis-cli does with rand().
      var first = pick(using: &random)
      while !isOffending(first) { first = pick(using: &random) }
      var second = first
      while second == first { second = pick(using: &random) }
      let (g1, g2) = (groupOf[first], groupOf[second])
      if g1 == g2 { continue }
      let (d1, d2) = (domainOf[first], domainOf[second])
      let before = localCost(g1, g2, d1, d2)
      move(first, to: g2)
      move(second, to: g1)
      let after = localCost(g1, g2, d1, d2)
      if after > before {
        move(first, to: g1)
        move(second, to: g2)
      } else {
        total += after - before
      }
    }
  }

  /// The cost of the cells of groups `g1 != g2` in domains `d1` and `d2`.
  private func localCost(_ g1: Int, _ g2: Int, _ d1: Int, _ d2: Int) -> Int {
    let first = cellCost(g1, d1) + cellCost(g2, d1)
    return d1 == d2 ? first : first + cellCost(g1, d2) + cellCost(g2, d2)
  }

  private func pick(using random: inout SplitMix64) -> Int {
    replicas[Int(random.next() % UInt64(replicas.count))]
  }

  private func isOffending(_ r: Int) -> Bool { cell[groupOf[r] * domainCount + domainOf[r]] > 1 }

  private func cellCost(_ g: Int, _ d: Int) -> Int {
    let n = cell[g * domainCount + d]
    guard n > 1 else { return 0 }
    return domainOf[masters[g]] == d ? 10000 * (n - 1) : n
  }

  private func move(_ r: Int, to g: Int) {
    cell[groupOf[r] * domainCount + domainOf[r]] -= 1
    groupOf[r] = g
    cell[g * domainCount + domainOf[r]] += 1
  }
}
