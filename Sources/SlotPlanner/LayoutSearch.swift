/// How many masters each domain provides, and how many of those masters get one replica more than the rest.
///
/// Nodes of one domain are interchangeable for the score, so a layout plus how many replicas each domain sends
/// to each kind of group (a transport problem, solved exactly) describes a whole plan.
struct Layout: Hashable {
  var masters: [Int]
  var extras: [Int]
}

/// Searches layouts for the lowest score. For a layout the first two score components have closed forms and
/// the third comes from a minimum-cost transport, so the search only has to pick the layout.
struct LayoutSearch {
  let sizes: [Int]
  let masterCount: Int
  /// Replicas every master gets; `extraCount` masters get one more.
  let baseReplicas: Int
  let extraCount: Int
  let replicaCount: Int

  init(sizes: [Int], masterCount: Int) {
    self.sizes = sizes
    self.masterCount = masterCount
    replicaCount = sizes.reduce(0, +) - masterCount
    baseReplicas = replicaCount / masterCount
    extraCount = replicaCount % masterCount
  }

  var domainCount: Int { sizes.count }

  /// Group kinds: `2a` are masters in domain `a` with an extra replica, `2a + 1` those without.
  func groups(ofKind kind: Int, in layout: Layout) -> Int {
    let e = layout.extras[kind / 2]
    return kind % 2 == 0 ? e : layout.masters[kind / 2] - e
  }

  func capacity(ofKind kind: Int) -> Int { baseReplicas + (kind % 2 == 0 ? 1 : 0) }

  /// The fewest replicas that must share their master's domain. Replicas of the masters in one domain must
  /// come from the others; by Hall's theorem only one domain can fall short, so the worst one decides.
  func replicasForcedHome(_ layout: Layout) -> Int {
    var worst = 0
    for d in 0..<domainCount {
      let demand = layout.masters[d] * baseReplicas + layout.extras[d]
      let elsewhere = replicaCount - (sizes[d] - layout.masters[d])
      worst = max(worst, demand - elsewhere)
    }
    return worst
  }

  func mastersSharing(_ layout: Layout) -> Int {
    layout.masters.reduce(0) { $0 + max(0, $1 - 1) }
  }

  /// The score of a layout and how many replicas each domain sends to each group kind (`units[d][kind]`).
  /// Within a kind, dealing each domain's replicas round-robin over the groups gives a group more than one
  /// replica of a domain only when the domain sends more replicas than there are groups, so the cost of
  /// sending `x` replicas of domain `d` to a kind of `n` groups is exactly `max(0, x − n)` siblings (plus `x`
  /// replicas at home when the kind's masters are in `d`), and a minimum-cost flow finds the best split.
  func transport(_ layout: Layout) -> (score: AntiAffinityScore, units: [[Int]]) {
    let kinds = 2 * domainCount
    let (source, sink) = (0, 1 + domainCount + kinds)
    let home = replicaCount + 1  // outweighs every sibling, as the score's order demands
    var flow = MinCostFlow(vertexCount: sink + 1)
    var arcs = [[(spread: Int, crowded: Int)?]](
      repeating: Array(repeating: nil, count: kinds), count: domainCount)
    for d in 0..<domainCount {
      flow.addArc(from: source, to: 1 + d, capacity: sizes[d] - layout.masters[d], cost: 0)
    }
    for kind in 0..<kinds {
      let n = groups(ofKind: kind, in: layout)
      guard n > 0 && capacity(ofKind: kind) > 0 else { continue }
      flow.addArc(from: 1 + domainCount + kind, to: sink, capacity: n * capacity(ofKind: kind), cost: 0)
      for d in 0..<domainCount where sizes[d] > layout.masters[d] {
        let base = d == kind / 2 ? home : 0
        let spread = flow.addArc(from: 1 + d, to: 1 + domainCount + kind, capacity: n, cost: base)
        let crowded = flow.addArc(
          from: 1 + d, to: 1 + domainCount + kind, capacity: replicaCount, cost: base + 1)
        arcs[d][kind] = (spread, crowded)
      }
    }
    _ = flow.run(from: source, to: sink)

    var units = [[Int]](repeating: [Int](repeating: 0, count: kinds), count: domainCount)
    var score = AntiAffinityScore(mastersSharingDomain: mastersSharing(layout))
    for d in 0..<domainCount {
      for kind in 0..<kinds {
        guard let arc = arcs[d][kind] else { continue }
        let x = flow.flow(on: arc.spread) + flow.flow(on: arc.crowded)
        units[d][kind] = x
        if d == kind / 2 { score.replicasWithMasterDomain += x }
        score.replicaSiblingsSharingDomain += max(0, x - groups(ofKind: kind, in: layout))
      }
    }
    return (score, units)
  }

  /// A starting layout: masters round-robin over the domains (largest first, as redis-cli's interleaving
  /// does when hosts are listed largest first); extras one by one to the domain least short of replicas.
  func start() -> Layout {
    var layout = Layout(
      masters: [Int](repeating: 0, count: domainCount), extras: [Int](repeating: 0, count: domainCount))
    var given = 0
    while given < masterCount {
      for d in 0..<domainCount where layout.masters[d] < sizes[d] && given < masterCount {
        layout.masters[d] += 1
        given += 1
      }
    }
    return withExtrasRebalanced(layout)
  }

  /// The layout with its extras handed out again, one by one, to the domain least short of replicas (which
  /// minimises the replicas forced home for these masters).
  func withExtrasRebalanced(_ layout: Layout) -> Layout {
    var layout = layout
    layout.extras = [Int](repeating: 0, count: domainCount)
    for _ in 0..<extraCount {
      let d = (0..<domainCount).filter { layout.extras[$0] < layout.masters[$0] }.min {
        shortfall($0, layout) < shortfall($1, layout)
      }!
      layout.extras[d] += 1
    }
    return layout
  }

  private func shortfall(_ d: Int, _ layout: Layout) -> Int {
    layout.masters[d] * baseReplicas + layout.extras[d] + sizes[d] - layout.masters[d]
  }

  /// Layouts one step away: a master moved between domains (keeping, taking along or re-dealing the extras),
  /// or an extra moved.
  func neighbours(of layout: Layout) -> [Layout] {
    var out: [Layout] = []
    for from in 0..<domainCount {
      for to in 0..<domainCount where to != from {
        if layout.masters[from] > 0 && layout.masters[to] < sizes[to] {
          var moved = layout
          moved.masters[from] -= 1
          moved.masters[to] += 1
          if moved.extras[from] > moved.masters[from] {
            moved.extras[from] -= 1
            moved.extras[to] += 1
          }
          out.append(moved)
          out.append(withExtrasRebalanced(moved))
          if layout.extras[from] > 0 && moved.extras[from] == layout.extras[from] {
            moved.extras[from] -= 1
            moved.extras[to] += 1
            out.append(moved)
          }
        }
        if layout.extras[from] > 0 && layout.extras[to] < layout.masters[to] {
          var moved = layout
          moved.extras[from] -= 1
          moved.extras[to] += 1
          out.append(moved)
        }
      }
    }
    return out
  }

  /// The best layout found by first-improvement local search from `start()`, with its transport. Not proven
  /// optimal, but it matched exhaustive search on every small topology tried (tens of thousands, up to 24 nodes).
  func best() -> (layout: Layout, units: [[Int]], score: AntiAffinityScore) {
    var layout = start()
    var (score, units) = transport(layout)
    let floor = lowerBound()
    // A layout once rejected scored no better than the score then, which only goes down: never retry it.
    var seen: Set<Layout> = [layout]
    var improved = true
    while improved && score != floor {
      improved = false
      for candidate in neighbours(of: layout) where seen.insert(candidate).inserted {
        let quick = (replicasForcedHome(candidate), mastersSharing(candidate))
        if quick > (score.replicasWithMasterDomain, score.mastersSharingDomain) { continue }
        let result = transport(candidate)
        if result.score < score {
          (layout, score, units) = (candidate, result.score, result.units)
          improved = true
          break
        }
      }
    }
    return (layout, units, score)
  }

  /// A score no layout can beat, when replicas can all leave their master's domain: masters in as many
  /// domains as possible, and each domain's replicas at most one per master outside the domain.
  private func lowerBound() -> AntiAffinityScore {
    AntiAffinityScore(
      replicasWithMasterDomain: 0, mastersSharingDomain: max(0, masterCount - domainCount),
      replicaSiblingsSharingDomain: sizes.reduce(0) { $0 + max(0, $1 - masterCount) })
  }
}
