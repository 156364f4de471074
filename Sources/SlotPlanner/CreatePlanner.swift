import ClusterKit
import RedisCore

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
      throw .tooFewNodes(
        needed: minimum * (replicas + 1), got: nodes.count, masters: minimum, replicas: replicas)
    }
    guard masterCount <= slotCount else { throw .tooManyMasters(masterCount) }

    let topology = Topology(nodes)
    let search = LayoutSearch(sizes: topology.domainSizes, masterCount: masterCount)
    let best = search.best()
    return topology.plan(layout: best.layout, units: best.units, score: best.score)
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

  /// The plan for a layout: each domain's first nodes become its masters; each domain's other nodes are dealt
  /// round-robin over the groups of each kind as `units` says (see `LayoutSearch.transport`). Masters sorted
  /// by address get the slot ranges in order; replicas are sorted by master, then address.
  func plan(layout: Layout, units: [[Int]], score: AntiAffinityScore) -> CreatePlan {
    var queues = [[Int]](repeating: [], count: domainCount)
    for (i, d) in domainOf.enumerated() { queues[d].append(i) }
    var next = [Int](repeating: 0, count: domainCount)
    var masterNodes: [Int] = []
    var groupsOfKind = [[Int]](repeating: [], count: 2 * domainCount)
    for d in 0..<domainCount {
      for k in 0..<layout.masters[d] {
        groupsOfKind[2 * d + (k < layout.extras[d] ? 0 : 1)].append(masterNodes.count)
        masterNodes.append(queues[d][k])
      }
      next[d] = layout.masters[d]
    }
    var groupOf = [Int](repeating: -1, count: nodes.count)
    for (kind, groups) in groupsOfKind.enumerated() {
      var dealt = 0
      for d in 0..<domainCount {
        for _ in 0..<units[d][kind] {
          groupOf[queues[d][next[d]]] = groups[dealt % groups.count]
          next[d] += 1
          dealt += 1
        }
      }
    }

    let order = masterNodes.indices.sorted { nodes[masterNodes[$0]].address < nodes[masterNodes[$1]].address }
    var masterIndex = [Int](repeating: 0, count: order.count)
    for (i, g) in order.enumerated() { masterIndex[g] = i }
    let ranges = CreatePlanner.slotRanges(masterCount: order.count)
    let masters = zip(order, ranges).map { CreatePlan.Master(node: nodes[masterNodes[$0]], slots: $1) }
    let replicas = nodes.indices.filter { groupOf[$0] >= 0 }
      .map { CreatePlan.Replica(node: nodes[$0], masterIndex: masterIndex[groupOf[$0]]) }
      .sorted { ($0.masterIndex, $0.node.address) < ($1.masterIndex, $1.node.address) }
    return CreatePlan(masters: masters, replicas: replicas, score: score)
  }
}
