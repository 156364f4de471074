/// A mutable assignment of nodes (by index) to groups of one master and its replicas, with the per-domain counts
/// the anti-affinity score needs, so a swap can be scored by looking only at the cells it touches.
struct Placement {
  let domainOf: [Int]
  let domainCount: Int
  private(set) var groupOf: [Int]
  private(set) var isMaster: [Bool]
  private(set) var masterOf: [Int]
  private(set) var replicaCount: [Int]
  /// Replicas of group `g` in domain `d`, at `g * domainCount + d`.
  private var cell: [Int]
  private var mastersIn: [Int]
  /// Exceeds any score component, so `cost` compares like the lexicographic score.
  private let weight: Int
  /// Marks swap candidates already tried for the current node, by position (group, domain, role).
  private var tried: [Int]
  private var stamp = 0

  init(domainOf: [Int], domainCount: Int, masters: [Int], replicasOf: [[Int]]) {
    self.domainOf = domainOf
    self.domainCount = domainCount
    weight = domainOf.count + 1
    groupOf = Array(repeating: 0, count: domainOf.count)
    isMaster = Array(repeating: false, count: domainOf.count)
    masterOf = masters
    replicaCount = Array(repeating: 0, count: masters.count)
    cell = Array(repeating: 0, count: masters.count * domainCount)
    mastersIn = Array(repeating: 0, count: domainCount)
    tried = Array(repeating: 0, count: masters.count * domainCount * 2)
    for (g, m) in masters.enumerated() { put(m, group: g, master: true) }
    for (g, rs) in replicasOf.enumerated() {
      for r in rs { put(r, group: g, master: false) }
    }
  }

  var groupCount: Int { masterOf.count }

  var score: AntiAffinityScore {
    var s = AntiAffinityScore()
    for d in 0..<domainCount { s.mastersSharingDomain += max(0, mastersIn[d] - 1) }
    for g in 0..<groupCount {
      s.replicasWithMasterDomain += cell[g * domainCount + domainOf[masterOf[g]]]
      for d in 0..<domainCount { s.replicaSiblingsSharingDomain += max(0, cell[g * domainCount + d] - 1) }
    }
    return s
  }

  var cost: Int {
    let s = score
    return (s.replicasWithMasterDomain * weight + s.mastersSharingDomain) * weight + s.replicaSiblingsSharingDomain
  }

  /// Whether node `x` takes part in some cost term; only moves involving such a node can lower the cost.
  func isOffending(_ x: Int) -> Bool {
    let d = domainOf[x]
    let g = groupOf[x]
    let same = cell[g * domainCount + d]
    if isMaster[x] { return mastersIn[d] > 1 || same > 0 }
    return same > 1 || domainOf[masterOf[g]] == d
  }

  /// Swaps the roles and groups of `x` and `y` if that lowers the cost.
  mutating func trySwap(_ x: Int, _ y: Int) -> Bool {
    let (gx, gy, dx, dy) = (groupOf[x], groupOf[y], domainOf[x], domainOf[y])
    let before = localCost(gx, gy, dx, dy)
    exchange(x, y)
    if localCost(gx, gy, dx, dy) < before { return true }
    exchange(x, y)
    return false
  }

  /// Moves replica `x` to group `g` if that lowers the cost; `g` must have one replica fewer than `x`'s group.
  mutating func tryMove(_ x: Int, to g: Int) -> Bool {
    let (from, d) = (groupOf[x], domainOf[x])
    let before = localCost(from, g, d, d)
    take(x)
    put(x, group: g, master: false)
    if localCost(from, g, d, d) < before { return true }
    take(x)
    put(x, group: from, master: false)
    return false
  }

  /// Applies improving swaps and moves, in a fixed order, until none is left (a local optimum).
  mutating func improve() {
    var improved = true
    while improved {
      improved = false
      for x in domainOf.indices where isOffending(x) && improve(x) { improved = true }
    }
  }

  /// Tries the swaps and moves that could relieve a cost term of `x`; stops at the first that lowers the cost.
  /// A swap lowers the cost only by relieving a term of one of its two nodes, and each node gets its turn here.
  private mutating func improve(_ x: Int) -> Bool {
    let (gx, dx) = (groupOf[x], domainOf[x])
    // A master whose only fault is sharing its domain with other masters must hand its role to a replica from
    // a domain without masters.
    let onlyMasterShare = isMaster[x] && cell[gx * domainCount + dx] == 0
    stamp += 1
    for y in domainOf.indices where domainOf[y] != dx {
      if onlyMasterShare && (isMaster[y] || mastersIn[domainOf[y]] > 0) { continue }
      // Nodes with the same group, role and domain are interchangeable; two replicas of one master too.
      let position = (groupOf[y] * domainCount + domainOf[y]) * 2 + (isMaster[y] ? 1 : 0)
      if tried[position] == stamp || (groupOf[y] == gx && !isMaster[x] && !isMaster[y]) { continue }
      tried[position] = stamp
      if trySwap(x, y) { return true }
    }
    if isMaster[x] { return false }
    for g in 0..<groupCount where replicaCount[g] < replicaCount[gx] {
      if tryMove(x, to: g) { return true }
    }
    return false
  }

  private func localCost(_ g1: Int, _ g2: Int, _ d1: Int, _ d2: Int) -> Int {
    var total = cellCost(g1, d1) + domainCost(d1)
    if d2 != d1 { total += cellCost(g1, d2) + domainCost(d2) }
    if g2 != g1 {
      total += cellCost(g2, d1)
      if d2 != d1 { total += cellCost(g2, d2) }
    }
    return total
  }

  private func cellCost(_ g: Int, _ d: Int) -> Int {
    let n = cell[g * domainCount + d]
    return (domainOf[masterOf[g]] == d ? n * weight * weight : 0) + max(0, n - 1)
  }

  private func domainCost(_ d: Int) -> Int { max(0, mastersIn[d] - 1) * weight }

  private mutating func exchange(_ x: Int, _ y: Int) {
    let (gx, mx, gy, my) = (groupOf[x], isMaster[x], groupOf[y], isMaster[y])
    take(x)
    take(y)
    put(x, group: gy, master: my)
    put(y, group: gx, master: mx)
  }

  private mutating func take(_ n: Int) {
    let (g, d) = (groupOf[n], domainOf[n])
    if isMaster[n] {
      mastersIn[d] -= 1
    } else {
      cell[g * domainCount + d] -= 1
      replicaCount[g] -= 1
    }
  }

  private mutating func put(_ n: Int, group g: Int, master: Bool) {
    let d = domainOf[n]
    groupOf[n] = g
    isMaster[n] = master
    if master {
      masterOf[g] = n
      mastersIn[d] += 1
    } else {
      cell[g * domainCount + d] += 1
      replicaCount[g] += 1
    }
  }
}
