import ClusterKit
import RedisCore
import SlotPlanner
import TestSupport
import Testing

/// Masters `m0`, `m1`, … holding contiguous ranges of the given sizes, in order from slot 0.
func contiguousMasters(_ sizes: [Int], weights: [Double]? = nil) -> [MasterSlots] {
  var next = 0
  return sizes.enumerated().map { i, size in
    defer { next += size }
    let slots = size == 0 ? SlotSet() : SlotSet([SlotRange(next, next + size - 1)])
    return MasterSlots(id: "m\(i)", slots: slots, weight: weights?[i] ?? 1)
  }
}

/// Each master's slot count after applying the plan.
func counts(after plan: RebalancePlan, masters: [MasterSlots]) -> [String: Int] {
  AppliedMoves(plan.moves, to: masters).after.mapValues(\.count)
}

/// The message of the error the rebalance planner throws, or "no error".
func rebalanceError(_ masters: [MasterSlots], useEmptyMasters: Bool = false, threshold: Double = 2) -> String
{
  do {
    _ = try RebalancePlanner.plan(
      masters: masters, useEmptyMasters: useEmptyMasters, thresholdPercent: threshold)
    return "no error"
  } catch {
    return error.description
  }
}

@Suite struct RebalancePlannerTests {
  @Test func newEmptyMasterTakesAQuarter() throws {
    let masters = threeMastersAndEmpty()
    let plan = try RebalancePlanner.plan(masters: masters, useEmptyMasters: true, thresholdPercent: 2)
    #expect(plan.needed)
    #expect(plan.expected == ["a": 4096, "b": 4096, "c": 4096, "d": 4096])
    #expect(counts(after: plan, masters: masters) == plan.expected)
    #expect(plan.moves.count == 1365 + 1366 + 1365)
    let pairs = plan.moves.byPair
    #expect(pairs.map { "\($0.source)>\($0.target)" } == ["a>d", "b>d", "c>d"])
    #expect(pairs[1].slots == Array(9557...10922))
    let applied = AppliedMoves(plan.moves, to: masters)
    #expect(applied.isValid)
    #expect(donorsGiveHighest(plan.moves, applied: applied))
  }

  @Test func emptyMastersAreLeftOutByDefault() throws {
    let masters = threeMastersAndEmpty()
    let plan = try RebalancePlanner.plan(masters: masters, useEmptyMasters: false, thresholdPercent: 2)
    #expect(!plan.needed)
    // 16384 / 3 leaves one slot over; equal remainders give it to the smallest id.
    #expect(plan.expected == ["a": 5462, "b": 5461, "c": 5461])
  }

  @Test func thresholdZeroMeansExactBalance() throws {
    let masters = threeMastersAndEmpty()
    let plan = try RebalancePlanner.plan(masters: masters, useEmptyMasters: false, thresholdPercent: 0)
    #expect(plan.moves == [SlotMove(slot: 10922, source: "b", target: "a")])
    #expect(counts(after: plan, masters: masters) == ["a": 5462, "b": 5461, "c": 5461, "d": 0])
  }

  @Test func weightZeroEmptiesAMaster() throws {
    var masters = threeMastersAndEmpty()
    masters[0].weight = 0
    let plan = try RebalancePlanner.plan(masters: masters, useEmptyMasters: false, thresholdPercent: 2)
    #expect(plan.expected == ["a": 0, "b": 8192, "c": 8192])
    let pairs = plan.moves.byPair
    // The largest deficit (c: 2731) is served first, from the top of a's range.
    #expect(pairs.map { "\($0.source)>\($0.target)" } == ["a>b", "a>c"])
    #expect(pairs[1].slots == Array(2730...5460))
    #expect(pairs[0].slots == Array(0...2729))
    let after = counts(after: plan, masters: masters)
    #expect(after["a"] == 0 && after["b"] == 8192 && after["c"] == 8192)
  }

  @Test func smallWeightGivesAnEmptyMasterSomeSlotsBack() throws {
    let masters = [
      MasterSlots(id: "a", slots: SlotSet(), weight: 0.01),
      MasterSlots(id: "b", slots: SlotSet([SlotRange(0, 8191)])),
      MasterSlots(id: "c", slots: SlotSet([SlotRange(8192, 16383)])),
    ]
    // 16384 × 0.01 / 2.01 = 81.5: a gets 82 (largest remainder), b and c 8151 each.
    let plan = try RebalancePlanner.plan(masters: masters, useEmptyMasters: true, thresholdPercent: 2)
    #expect(plan.expected == ["a": 82, "b": 8151, "c": 8151])
    #expect(plan.moves.byPair.map(\.slots.count) == [41, 41])
    let without = try RebalancePlanner.plan(masters: masters, useEmptyMasters: false, thresholdPercent: 2)
    #expect(!without.needed)
    #expect(without.expected == ["b": 8192, "c": 8192])
  }

  @Test func nearlyBalancedIsWithinTwoPercent() throws {
    let masters = contiguousMasters([4100, 4090, 4094, 4100])
    let plan = try RebalancePlanner.plan(masters: masters, useEmptyMasters: false, thresholdPercent: 2)
    #expect(!plan.needed)
    #expect(plan.moves.isEmpty)
    #expect(plan.expected == ["m0": 4096, "m1": 4096, "m2": 4096, "m3": 4096])
    let exact = try RebalancePlanner.plan(masters: masters, useEmptyMasters: false, thresholdPercent: 0)
    #expect(exact.needed)
    #expect(exact.moves.count == 8)
    #expect(counts(after: exact, masters: masters) == exact.expected)
    // One master over the threshold moves everyone to expected, not just that master.
    let skewed = contiguousMasters([4200, 4090, 4094, 4000])
    let fixed = try RebalancePlanner.plan(masters: skewed, useEmptyMasters: false, thresholdPercent: 2)
    #expect(counts(after: fixed, masters: skewed) == fixed.expected)
  }

  @Test func weightsSplitProportionally() throws {
    let masters = contiguousMasters([16384, 0, 0], weights: [1, 2, 5])
    let plan = try RebalancePlanner.plan(masters: masters, useEmptyMasters: true, thresholdPercent: 2)
    #expect(plan.expected == ["m0": 2048, "m1": 4096, "m2": 10240])
    #expect(plan.moves.byPair.map(\.slots) == [Array(2048...6143), Array(6144...16383)])
  }

  @Test func nothingToBalance() throws {
    let none = try RebalancePlanner.plan(masters: [], useEmptyMasters: true, thresholdPercent: 2)
    #expect(none == RebalancePlan(moves: [], expected: [:]))
    let empty = contiguousMasters([0, 0], weights: [0, 0])
    let plan = try RebalancePlanner.plan(masters: empty, useEmptyMasters: true, thresholdPercent: 0)
    #expect(plan == RebalancePlan(moves: [], expected: ["m0": 0, "m1": 0]))
  }

  @Test func errors() {
    let ok = contiguousMasters([100, 200])
    #expect(
      rebalanceError(contiguousMasters([100, 200], weights: [1, -1]))
        == "weights must be finite and ≥ 0; m1 has -1.0")
    #expect(
      rebalanceError(contiguousMasters([100, 200], weights: [.infinity, 1]))
        == "weights must be finite and ≥ 0; m0 has inf")
    #expect(
      rebalanceError(contiguousMasters([100, 200], weights: [.nan, 1]))
        == "weights must be finite and ≥ 0; m0 has nan")
    #expect(rebalanceError(contiguousMasters([100, 200, 0], weights: [0, 0, 1])) == "all weights are 0")
    #expect(rebalanceError(ok, threshold: -1) == "the threshold must be a percentage ≥ 0, not -1.0")
    #expect(rebalanceError(ok, threshold: .nan) == "the threshold must be a percentage ≥ 0, not nan")
    #expect(rebalanceError(ok + ok.prefix(1)) == "node id m0 is given more than once")
    let overlap = ok + [MasterSlots(id: "m2", slots: SlotSet(slots: [150]))]
    #expect(rebalanceError(overlap) == "slot 150 is held by both m1 and m2")
    #expect(throws: PlanError.allWeightsZero) {
      try RebalancePlanner.plan(
        masters: contiguousMasters([1, 0], weights: [0, 0]), useEmptyMasters: true, thresholdPercent: 2)
    }
  }

  /// Random layouts, weights (some 0), thresholds and `useEmptyMasters`: `expected` is the largest-remainder
  /// share of the involved masters' slots, the plan is needed exactly when a master is over the threshold,
  /// applying it reaches `expected` with minimal moves from the donors' top slots, and it is deterministic.
  @Test(arguments: 0..<300)
  func randomRebalance(seed: UInt64) throws {
    var random = SplitMix64(seed: 9_000_000 + seed)
    let masters = randomMasters(using: &random)
    let useEmpty = Bool.random(using: &random)
    let threshold: Double =
      switch Int.random(in: 0..<5, using: &random) {
      case 0: 0
      case 1: 2
      case 2: 100
      default: Double.random(in: 0...30, using: &random)
      }
    let held = Dictionary(uniqueKeysWithValues: masters.map { ($0.id, $0.slots.count) })
    let involved = masters.filter { useEmpty || held[$0.id]! > 0 }
    let total = involved.reduce(0) { $0 + held[$1.id]! }
    let weightSum = involved.reduce(0) { $0 + $1.weight }
    guard weightSum > 0 || total == 0 else {
      #expect(throws: PlanError.allWeightsZero) {
        try RebalancePlanner.plan(masters: masters, useEmptyMasters: useEmpty, thresholdPercent: threshold)
      }
      return
    }
    let plan = try RebalancePlanner.plan(
      masters: masters, useEmptyMasters: useEmpty, thresholdPercent: threshold)

    // Expected: the involved masters only, summing to their slots, each within 1 of its exact share.
    #expect(Set(plan.expected.keys) == Set(involved.map(\.id)))
    #expect(plan.expected.values.reduce(0, +) == total)
    for m in involved where total > 0 {
      let exact = Double(total) * m.weight / weightSum
      #expect(abs(Double(plan.expected[m.id]!) - exact) < 1 + 1e-9)
      if m.weight == 0 { #expect(plan.expected[m.id] == 0) }
    }

    let over = involved.contains { m in
      let e = plan.expected[m.id]!
      let n = held[m.id]!
      return n == 0 ? e > 0 : abs(100 - 100 * Double(e) / Double(n)) > threshold
    }
    #expect(plan.needed == over)

    let applied = AppliedMoves(plan.moves, to: masters)
    #expect(applied.isValid)
    #expect(isSorted(plan.moves))
    #expect(donorsGiveHighest(plan.moves, applied: applied))
    if plan.needed || threshold == 0 {
      #expect(involved.allSatisfy { applied.after[$0.id]!.count == plan.expected[$0.id] })
    }
    let surplus = involved.reduce(0) { $0 + max(0, held[$1.id]! - plan.expected[$1.id]!) }
    #expect(plan.moves.count == (plan.needed ? surplus : 0))
    let outside = Set(masters.map(\.id)).subtracting(plan.expected.keys)
    #expect(plan.moves.allSatisfy { !outside.contains($0.source) && !outside.contains($0.target) })
    // Greedy pairing: every pair finishes a donor or a receiver, so pairs < donors + receivers.
    let moves = plan.moves
    let pairs = moves.indices.filter {
      $0 == 0 || moves[$0 - 1].source != moves[$0].source || moves[$0 - 1].target != moves[$0].target
    }.count
    let donors = Set(plan.moves.map(\.source)).count
    let receivers = Set(plan.moves.map(\.target)).count
    #expect(pairs <= max(0, donors + receivers - 1))

    #expect(
      try RebalancePlanner.plan(masters: masters, useEmptyMasters: useEmpty, thresholdPercent: threshold)
        == plan)
    let shuffled = try RebalancePlanner.plan(
      masters: masters.shuffled(using: &random), useEmptyMasters: useEmpty, thresholdPercent: threshold)
    #expect(shuffled == plan)
  }
}
