/// Runs `body` over `items` with at most `limit` tasks at once; results keep the input order.
public func mapConcurrently<T: Sendable, R: Sendable>(
  _ items: [T], limit: Int, _ body: @escaping @Sendable (T) async -> R
) async -> [R] {
  await withTaskGroup(of: (Int, R).self) { group in
    var results = [R?](repeating: nil, count: items.count)
    var next = 0
    while next < min(max(limit, 1), items.count) {
      let i = next
      group.addTask { (i, await body(items[i])) }
      next += 1
    }
    while let (i, r) = await group.next() {
      results[i] = r
      if next < items.count {
        let j = next
        group.addTask { (j, await body(items[j])) }
        next += 1
      }
    }
    return results.map { $0! }
  }
}
