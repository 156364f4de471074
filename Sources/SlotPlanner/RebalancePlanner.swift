import ClusterKit
import RedisCore

/// What `rebalance` should do: the slot moves, and how many slots each master taking part ends with.
public struct RebalancePlan: Hashable, Sendable {
  /// The moves, sorted; each slot moves at most once.
  public var moves: [SlotMove]
  /// Slots each involved master should end with (sums to the total slots currently assigned to involved
  /// masters).
  public var expected: [String: Int]
  /// False when every master is within the threshold (nothing to do).
  public var needed: Bool { !moves.isEmpty }

  public init(moves: [SlotMove], expected: [String: Int]) {
    self.moves = moves
    self.expected = expected
  }
}

/// Plans `rebalance`: spread the assigned slots over the masters in proportion to their weights.
public enum RebalancePlanner {
  /// redis-cli semantics, with exact arithmetic where redis-cli rounds loosely:
  /// - masters with no slots take part only with `useEmptyMasters` (otherwise they are left out of the plan
  ///   and of `expected`); masters with weight 0 give away all their slots;
  /// - expected = the total slots of the masters taking part, shared by weight with largest-remainder
  ///   rounding (equal remainders favour the smaller id), so it sums exactly;
  /// - a master is over the threshold when |100 − 100·expected/slots| > `thresholdPercent`, or when it has no
  ///   slots and expected > 0; `thresholdPercent` 0 asks for exact balance (redis-cli treats 0 as "never");
  /// - if no master is over the threshold there are no moves; otherwise every master ends at expected.
  ///
  /// The moves are minimal (a slot moves at most once; Σ max(0, slots − expected) slots move), donors give
  /// their highest-numbered slots, and donor → receiver pairs are formed largest surplus to largest deficit so
  /// there are few pairs (fewer than donors + receivers). The plan does not depend on the input order.
  ///
  /// Throws for a weight that is negative, infinite or NaN, a negative or NaN threshold, a repeated id, a
  /// slot with two owners, or when every master taking part has weight 0 while they hold slots.
  public static func plan(
    masters: [MasterSlots], useEmptyMasters: Bool, thresholdPercent: Double
  ) throws(PlanError) -> RebalancePlan {
    guard !thresholdPercent.isNaN && thresholdPercent >= 0 else { throw .invalidThreshold(thresholdPercent) }
    let ordered = try countedMasters(masters)
    for m in ordered where !(m.master.weight.isFinite && m.master.weight >= 0) {
      throw .invalidWeight(id: m.id, weight: m.master.weight)
    }

    let involved = ordered.filter { useEmptyMasters || $0.held > 0 }
    let total = involved.reduce(0) { $0 + $1.held }
    let targets = try expectedCounts(total: total, weights: involved.map(\.master.weight))
    let expected = Dictionary(uniqueKeysWithValues: zip(involved.map(\.id), targets))

    let over = zip(involved, targets).contains { m, e in
      m.held == 0 ? e > 0 : abs(100 - 100 * Double(e) / Double(m.held)) > thresholdPercent
    }
    guard over else { return RebalancePlan(moves: [], expected: expected) }

    // Donors with their surplus slots (highest first), receivers with their deficits, both in id order.
    var surplus = zip(involved, targets).map { m, e in highestSlots(m.held - e, of: m.master.slots)[...] }
    var deficit = zip(involved, targets).map { m, e in max(0, e - m.held) }
    var chunks: [(source: String, target: String, slots: ArraySlice<Int>)] = []
    while true {
      // The largest remaining donor and receiver; ties go to the smaller id (the earlier index).
      var donor = -1
      var receiver = -1
      for i in involved.indices {
        if !surplus[i].isEmpty && (donor < 0 || surplus[i].count > surplus[donor].count) { donor = i }
        if deficit[i] > 0 && (receiver < 0 || deficit[i] > deficit[receiver]) { receiver = i }
      }
      guard donor >= 0 && receiver >= 0 else { break }
      let n = min(surplus[donor].count, deficit[receiver])
      chunks.append((involved[donor].id, involved[receiver].id, surplus[donor].prefix(n)))
      surplus[donor] = surplus[donor].dropFirst(n)
      deficit[receiver] -= n
    }
    // Each (donor, receiver) pair occurs once, so sorting the chunks sorts the moves.
    chunks.sort { $0.source != $1.source ? $0.source < $1.source : $0.target < $1.target }
    let moves = chunks.flatMap { chunk in
      chunk.slots.reversed().map { SlotMove(slot: $0, source: chunk.source, target: chunk.target) }
    }
    return RebalancePlan(moves: moves, expected: expected)
  }

  /// `total` shared by `weights` (given in id order) with largest-remainder rounding: each share is within
  /// one of its exact value and the shares sum to `total`. Weight 0 always gets 0.
  static func expectedCounts(total: Int, weights: [Double]) throws(PlanError) -> [Int] {
    guard total > 0 else { return weights.map { _ in 0 } }
    let largest = weights.max() ?? 0
    guard largest > 0 else { throw .allWeightsZero }
    // Scaled to at most 1 so the sum cannot overflow; summed in id order so it never depends on input order.
    let scaled = weights.map { $0 / largest }
    let sum = scaled.reduce(0, +)
    let exact = scaled.map { Double(total) * $0 / sum }
    var shares = exact.map { min(total, max(0, Int($0.rounded(.down)))) }
    let fraction = zip(exact, shares).map { $0 - Double($1) }
    // Only masters with a positive weight take part in the rounding, so weight 0 stays at 0.
    let order = scaled.indices.filter { scaled[$0] > 0 }.sorted { a, b in
      fraction[a] != fraction[b] ? fraction[a] > fraction[b] : a < b
    }
    var leftover = total - shares.reduce(0, +)
    // Mathematically 0 ≤ leftover < order.count; the loops also absorb floating-point error either way.
    var k = 0
    while leftover > 0 {
      shares[order[k % order.count]] += 1
      leftover -= 1
      k += 1
    }
    k = order.count - 1
    while leftover < 0 {
      let i = order[(k % order.count + order.count) % order.count]
      if shares[i] > 0 {
        shares[i] -= 1
        leftover += 1
      }
      k -= 1
    }
    return shares
  }
}
