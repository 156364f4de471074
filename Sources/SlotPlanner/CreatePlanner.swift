import ClusterKit

/// Plans which nodes of a new cluster become masters (with which slots) and which replicate whom, keeping
/// replicas out of their master's failure domain, masters spread over domains, and siblings apart.
///
/// Deterministic: nodes are sorted by domain size (largest first), domain name and address before planning, so
/// the input order never changes the plan.
public enum CreatePlanner {
  /// A plan using every node: `nodes.count / (replicas + 1)` masters, leftovers as extra replicas.
  public static func plan(
    nodes: [PlannerNode], replicas: Int, minimumMasters: Int = 3
  ) throws(CreatePlannerError) -> CreatePlan {
    guard replicas >= 0 else { throw .negativeReplicas }
    var seen = Set<NodeAddress>()
    for node in nodes where !seen.insert(node.address).inserted { throw .duplicateNode(node.address) }
    let masterCount = nodes.count / (replicas + 1)
    let minimum = max(1, minimumMasters)
    guard masterCount >= minimum else {
      throw .tooFewNodes(needed: minimum * (replicas + 1), got: nodes.count, masters: minimum, replicas: replicas)
    }
    guard masterCount <= slotCount else { throw .tooManyMasters(masterCount) }

    let topology = Topology(nodes)
    // Two starting points, each polished to a local optimum; the second one is the redis-cli layout, so the
    // result is never worse than redis-cli's before its random optimiser runs.
    var best = topology.greedyStart(masterCount: masterCount)
    best.improve()
    let cli = RedisCliCreateHeuristic.initialGroups(
      domainOf: topology.domainOf, masterCount: masterCount, replicas: replicas)
    var alternative = Placement(
      domainOf: topology.domainOf, domainCount: topology.domainCount, masters: cli.masters,
      replicasOf: cli.replicasOf)
    alternative.improve()
    if alternative.cost < best.cost { best = alternative }
    return topology.plan(best)
  }

  /// The anti-affinity score of any plan (see `AntiAffinityScore`).
  public static func score(_ plan: CreatePlan) -> AntiAffinityScore {
    var s = AntiAffinityScore()
    var masterDomains: [String: Int] = [:]
    for m in plan.masters { masterDomains[m.node.domain, default: 0] += 1 }
    s.mastersSharingDomain = masterDomains.values.reduce(0) { $0 + max(0, $1 - 1) }
    var siblings: [Int: [String: Int]] = [:]
    for r in plan.replicas {
      if r.node.domain == plan.masters[r.masterIndex].node.domain { s.replicasWithMasterDomain += 1 }
      siblings[r.masterIndex, default: [:]][r.node.domain, default: 0] += 1
    }
    for perDomain in siblings.values {
      s.replicaSiblingsSharingDomain += perDomain.values.reduce(0) { $0 + max(0, $1 - 1) }
    }
    return s
  }

  /// Contiguous ranges covering all slots, one per master, sizes differing by at most one; the same split as
  /// redis-cli (`[round(i × 16384 / n), round((i + 1) × 16384 / n))`, halves rounded up), but exact.
  public static func slotRanges(masterCount n: Int) -> [SlotRange] {
    precondition(n >= 1 && n <= slotCount, "master count \(n) out of 1...\(slotCount)")
    func boundary(_ i: Int) -> Int { (2 * i * slotCount + n) / (2 * n) }
    return (0..<n).map { SlotRange(boundary($0), boundary($0 + 1) - 1) }
  }
}

/// The input nodes in canonical order (domains by size descending then name; addresses within a domain),
/// with each node's domain as an index into that domain order.
struct Topology {
  let nodes: [PlannerNode]
  let domainOf: [Int]
  let domainSizes: [Int]

  init(_ input: [PlannerNode]) {
    var sizes: [String: Int] = [:]
    for n in input { sizes[n.domain, default: 0] += 1 }
    let names = sizes.keys.sorted { (sizes[$1]!, $0) < (sizes[$0]!, $1) }
    let index = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, $0) })
    nodes = input.sorted { (index[$0.domain]!, $0.address) < (index[$1.domain]!, $1.address) }
    domainOf = nodes.map { index[$0.domain]! }
    domainSizes = names.map { sizes[$0]! }
  }

  var domainCount: Int { domainSizes.count }

  /// Masters round-robin over domains (largest first); then each replica slot, round by round, takes a node
  /// from the domain with most nodes left among those that are neither the master's nor its replicas'.
  func greedyStart(masterCount: Int) -> Placement {
    var queues = [[Int]](repeating: [], count: domainCount)
    for (i, d) in domainOf.enumerated() { queues[d].append(i) }
    var next = [Int](repeating: 0, count: domainCount)
    var masters: [Int] = []
    while masters.count < masterCount {
      for d in 0..<domainCount where next[d] < queues[d].count && masters.count < masterCount {
        masters.append(queues[d][next[d]])
        next[d] += 1
      }
    }
    var replicasOf = [[Int]](repeating: [], count: masterCount)
    var used = [Int](repeating: 0, count: masterCount * domainCount)
    var left = domainOf.count - masterCount
    while left > 0 {
      for g in 0..<masterCount where left > 0 {
        let own = domainOf[masters[g]]
        let d = (0..<domainCount).filter { next[$0] < queues[$0].count }.min {
          let a = ($0 == own ? 1 : 0, used[g * domainCount + $0], next[$0] - queues[$0].count, $0)
          let b = ($1 == own ? 1 : 0, used[g * domainCount + $1], next[$1] - queues[$1].count, $1)
          return a < b
        }!
        replicasOf[g].append(queues[d][next[d]])
        next[d] += 1
        used[g * domainCount + d] += 1
        left -= 1
      }
    }
    return Placement(domainOf: domainOf, domainCount: domainCount, masters: masters, replicasOf: replicasOf)
  }

  /// The plan for a placement: masters sorted by address get the slot ranges in order, replicas sorted by
  /// master then address.
  func plan(_ p: Placement) -> CreatePlan {
    let masterNodes = p.masterOf.sorted { nodes[$0].address < nodes[$1].address }
    var groupIndex = [Int](repeating: 0, count: p.groupCount)
    for (i, m) in masterNodes.enumerated() { groupIndex[p.groupOf[m]] = i }
    let ranges = CreatePlanner.slotRanges(masterCount: masterNodes.count)
    let masters = zip(masterNodes, ranges).map { CreatePlan.Master(node: nodes[$0], slots: $1) }
    let replicas = nodes.indices.filter { !p.isMaster[$0] }
      .map { CreatePlan.Replica(node: nodes[$0], masterIndex: groupIndex[p.groupOf[$0]]) }
      .sorted { ($0.masterIndex, $0.node.address) < ($1.masterIndex, $1.node.address) }
    return CreatePlan(masters: masters, replicas: replicas, score: p.score)
  }
}
