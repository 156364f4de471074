/// Minimum-cost flow by successive shortest paths (Bellman–Ford with a queue), for the small transport
/// problems of the create planner: a few dozen vertices, a few thousand arcs.
struct MinCostFlow {
  private var head: [Int]
  private var next: [Int] = []
  private var target: [Int] = []
  private var capacity: [Int] = []
  private var cost: [Int] = []

  init(vertexCount: Int) {
    head = Array(repeating: -1, count: vertexCount)
  }

  /// Adds an arc with its residual twin and returns its index, for `flow(on:)`.
  @discardableResult
  mutating func addArc(from u: Int, to v: Int, capacity c: Int, cost w: Int) -> Int {
    for (a, b, c, w) in [(u, v, c, w), (v, u, 0, -w)] {
      next.append(head[a])
      head[a] = target.count
      target.append(b)
      capacity.append(c)
      cost.append(w)
    }
    return target.count - 2
  }

  /// The flow on an arc returned by `addArc`.
  func flow(on arc: Int) -> Int { capacity[arc ^ 1] }

  /// Sends as much flow as possible from `source` to `sink` at minimum cost; returns that cost.
  mutating func run(from source: Int, to sink: Int) -> Int {
    let vertexCount = head.count
    var total = 0
    while true {
      var distance = [Int](repeating: Int.max, count: vertexCount)
      var via = [Int](repeating: -1, count: vertexCount)
      var queued = [Bool](repeating: false, count: vertexCount)
      var queue = [source]
      var front = 0
      distance[source] = 0
      while front < queue.count {
        let u = queue[front]
        front += 1
        queued[u] = false
        var arc = head[u]
        while arc >= 0 {
          let v = target[arc]
          if capacity[arc] > 0 && distance[u] + cost[arc] < distance[v] {
            distance[v] = distance[u] + cost[arc]
            via[v] = arc
            if !queued[v] {
              queued[v] = true
              queue.append(v)
            }
          }
          arc = next[arc]
        }
      }
      if distance[sink] == Int.max { return total }
      var amount = Int.max
      var v = sink
      while v != source {
        amount = min(amount, capacity[via[v]])
        v = target[via[v] ^ 1]
      }
      v = sink
      while v != source {
        capacity[via[v]] -= amount
        capacity[via[v] ^ 1] += amount
        v = target[via[v] ^ 1]
      }
      total += amount * distance[sink]
    }
  }
}
