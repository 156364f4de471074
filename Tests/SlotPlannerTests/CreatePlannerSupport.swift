import ClusterKit
import RedisCore
import SlotPlanner
import TestSupport
import Testing

/// Nodes on hosts `h0`, `h1`, …: `sizes[i]` nodes on host `hi`, ports from 7000.
func nodes(onHosts sizes: [Int]) -> [PlannerNode] {
  sizes.enumerated().flatMap { host, count in
    (0..<count).map { PlannerNode(address: NodeAddress(host: "h\(host)", port: 7000 + $0)) }
  }
}

/// A random topology: `count` nodes over up to `maxDomains` domains with skewed sizes; half of them use
/// explicit domains (zones spanning several hosts), half the host as the domain.
func randomNodes(count: Int, maxDomains: Int, using random: inout SplitMix64) -> [PlannerNode] {
  let domains = Int.random(in: 1...maxDomains, using: &random)
  let weights = (0..<domains).map { _ in
    let u = Double.random(in: 0..<1, using: &random)
    return u * u * u + 0.02
  }
  let zones = Bool.random(using: &random)
  let total = weights.reduce(0, +)
  return (0..<count).map { i in
    var pick = Double.random(in: 0..<total, using: &random)
    var d = 0
    while d < domains - 1 && pick >= weights[d] {
      pick -= weights[d]
      d += 1
    }
    return zones
      ? PlannerNode(address: NodeAddress(host: "10.0.\(i / 250).\(i % 250)", port: 6379), domain: "zone-\(d)")
      : PlannerNode(address: NodeAddress(host: "10.1.0.\(d)", port: 7000 + i))
  }
}

/// Checks the structural promises of a plan for `nodes` with `replicas` replicas per master.
func expectValid(_ plan: CreatePlan, nodes: [PlannerNode], replicas: Int) {
  let masterCount = nodes.count / (replicas + 1)
  #expect(plan.masters.count == masterCount)
  var next = 0
  for m in plan.masters {
    #expect(m.slots.lower == next)
    next = m.slots.upper + 1
  }
  #expect(next == slotCount)
  let sizes = plan.masters.map(\.slots.count)
  #expect(sizes.max()! - sizes.min()! <= 1)

  let used = plan.masters.map(\.node) + plan.replicas.map(\.node)
  #expect(used.count == nodes.count)
  #expect(Set(used) == Set(nodes))

  var perMaster = [Int](repeating: 0, count: masterCount)
  for r in plan.replicas { perMaster[r.masterIndex] += 1 }
  #expect(perMaster.min()! >= replicas)
  #expect(perMaster.max()! - perMaster.min()! <= 1)
  #expect(plan.score == CreatePlanner.score(plan))
}

/// The lowest possible score for these domain sizes, by exhaustive search. Nodes of one domain are
/// interchangeable for the score, so it enumerates group shapes (master domain, replica count per domain)
/// instead of nodes: the same minimum as trying every role assignment, much faster.
func bruteForceMinimum(domainSizes: [Int], replicas: Int) -> AntiAffinityScore {
  let domains = domainSizes.count
  let masterCount = domainSizes.reduce(0, +) / (replicas + 1)
  let spare = domainSizes.reduce(0, +) - masterCount
  // Groups are interchangeable, so the bigger ones come first and equal ones in non-decreasing shape order.
  let capacities = (0..<masterCount).map { spare / masterCount + ($0 < spare % masterCount ? 1 : 0) }
  var supply = domainSizes
  var mastersIn = [Int](repeating: 0, count: domains)
  var best: AntiAffinityScore?

  func place(group: Int, previous: [Int], r1: Int, r3: Int) {
    if group == masterCount {
      let r2 = mastersIn.reduce(0) { $0 + max(0, $1 - 1) }
      let s = AntiAffinityScore(
        replicasWithMasterDomain: r1, mastersSharingDomain: r2, replicaSiblingsSharingDomain: r3)
      if best == nil || s < best! { best = s }
      return
    }
    let sameCapacity = group > 0 && capacities[group] == capacities[group - 1]
    for master in 0..<domains where supply[master] > 0 {
      supply[master] -= 1
      mastersIn[master] += 1
      var counts = [Int](repeating: 0, count: domains)
      func fill(_ d: Int, _ left: Int) {
        if d == domains {
          let shape = [master] + counts
          if left > 0 || (sameCapacity && shape.lexicographicallyPrecedes(previous)) { return }
          let siblings = counts.reduce(0) { $0 + max(0, $1 - 1) }
          place(group: group + 1, previous: shape, r1: r1 + counts[master], r3: r3 + siblings)
          return
        }
        for c in 0...min(left, supply[d]) {
          counts[d] = c
          supply[d] -= c
          fill(d + 1, left - c)
          supply[d] += c
        }
        counts[d] = 0
      }
      fill(0, capacities[group])
      supply[master] += 1
      mastersIn[master] -= 1
    }
  }
  place(group: 0, previous: [], r1: 0, r3: 0)
  return best!
}

/// The domain sizes of a node list.
func domainSizes(_ nodes: [PlannerNode]) -> [Int] {
  var sizes: [String: Int] = [:]
  for n in nodes { sizes[n.domain, default: 0] += 1 }
  return sizes.values.sorted(by: >)
}
