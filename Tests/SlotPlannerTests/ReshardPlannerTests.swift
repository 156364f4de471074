import ClusterKit
import RedisCore
import SlotPlanner
import TestSupport
import Testing

/// The classic 3-master layout (0-5460, 5461-10922, 10923-16383) as masters `a`, `b`, `c`, plus an empty `d`.
func threeMastersAndEmpty() -> [MasterSlots] {
  [
    MasterSlots(id: "a", slots: SlotSet([SlotRange(0, 5460)])),
    MasterSlots(id: "b", slots: SlotSet([SlotRange(5461, 10922)])),
    MasterSlots(id: "c", slots: SlotSet([SlotRange(10923, 16383)])),
    MasterSlots(id: "d", slots: SlotSet()),
  ]
}

/// 2–60 masters with random ids and weights (some 0) over a random partition of some or all slots: random
/// cuts (some empty, sizes skewed) of either the slots in order (contiguous ranges) or the slots shuffled
/// (scattered slots).
func randomMasters(using random: inout SplitMix64) -> [MasterSlots] {
  let n = Int.random(in: 2...60, using: &random)
  var ids = Set<String>()
  while ids.count < n { ids.insert(String(UInt32.random(in: 0...UInt32.max, using: &random), radix: 16)) }
  let scattered = Bool.random(using: &random)
  let slots = scattered ? Array(0..<slotCount).shuffled(using: &random) : []
  // Sometimes leave slots unassigned, as in a cluster that is still being built.
  let first = Bool.random(using: &random) ? 0 : Int.random(in: 0...slotCount / 2, using: &random)
  let cuts = (0..<(n - 1)).map { _ in Int.random(in: first...slotCount, using: &random) }.sorted()
  let bounds = [first] + cuts + [slotCount]
  return ids.sorted().shuffled(using: &random).enumerated().map { i, id in
    let weight: Double =
      switch Int.random(in: 0..<20, using: &random) {
      case 0..<3: 0
      case 3..<11: 1
      case 11..<16: Double(Int.random(in: 1...5, using: &random))
      default: Double.random(in: 0.01...10, using: &random)
      }
    let (lower, upper) = (bounds[i], bounds[i + 1])
    let set =
      scattered
      ? SlotSet(slots: slots[lower..<upper])
      : lower < upper ? SlotSet([SlotRange(lower, upper - 1)]) : SlotSet()
    return MasterSlots(id: id, slots: set, weight: weight)
  }
}

/// What applying `moves` to `masters` reveals, with every broken promise counted rather than `#expect`-ed
/// per slot (thousands of expectations per case would dominate the run time).
struct AppliedMoves {
  /// Each master's slots after the moves.
  var after: [String: SlotSet] = [:]
  /// Moves of a slot its source did not own at plan time.
  var notOwned = 0
  /// Moves of a slot that already moved.
  var movedTwice = 0
  /// Moves whose target is not a master, or equals the source.
  var badTarget = 0
  /// True when the masters hold the same slots as before in total, each exactly once.
  var samePartition = false

  init(_ moves: [SlotMove], to masters: [MasterSlots]) {
    let index = Dictionary(uniqueKeysWithValues: masters.enumerated().map { ($1.id, $0) })
    let before = masters.map(\.slots)
    var sets = before
    var moved = SlotSet()
    // Moves come grouped by pair, so the id lookups are cached across a pair's run.
    var source = -1
    var target = -1
    var last: SlotMove? = nil
    for move in moves {
      if last?.source != move.source || last?.target != move.target {
        source = index[move.source] ?? -1
        target = index[move.target] ?? -1
        last = move
      }
      if source < 0 || !before[source].contains(move.slot) { notOwned += 1 }
      if moved.contains(move.slot) { movedTwice += 1 }
      moved.insert(move.slot)
      if source < 0 || target < 0 || source == target {
        badTarget += 1
        continue
      }
      sets[source].remove(move.slot)
      sets[target].insert(move.slot)
    }
    after = Dictionary(uniqueKeysWithValues: zip(masters.map(\.id), sets))
    func isPartition(_ sets: [SlotSet]) -> (SlotSet, Bool) {
      let union = sets.reduce(SlotSet()) { $0.union($1) }
      return (union, sets.reduce(0) { $0 + $1.count } == union.count)
    }
    let (unionBefore, disjointBefore) = isPartition(before)
    let (unionAfter, disjointAfter) = isPartition(sets)
    samePartition = disjointBefore && disjointAfter && unionBefore == unionAfter
  }

  /// No lost, duplicated or foreign slot, and no slot moved twice.
  var isValid: Bool { notOwned == 0 && movedTwice == 0 && badTarget == 0 && samePartition }
}

/// Each source's moved slots are its highest: what it keeps lies below everything it gives.
func donorsGiveHighest(_ moves: [SlotMove], applied: AppliedMoves) -> Bool {
  var lowestGiven: [String: Int] = [:]
  var last: SlotMove? = nil
  for move in moves where last?.source != move.source || last?.target != move.target {
    // Within a (source, target) run the moves are sorted, so the first is the lowest.
    lowestGiven[move.source] = min(lowestGiven[move.source] ?? slotCount, move.slot)
    last = move
  }
  return lowestGiven.allSatisfy { id, lowest in
    applied.after[id]?.intersection(SlotSet([SlotRange(lowest, slotCount - 1)])).isEmpty == true
  }
}

/// True when the moves are in `SlotMove` order (checked in linear time).
func isSorted(_ moves: [SlotMove]) -> Bool {
  moves.indices.dropFirst().allSatisfy { moves[$0 - 1] < moves[$0] }
}

@Suite struct ReshardPlannerTests {
  @Test func thousandSlotsFromThreeToANewMaster() throws {
    let masters = threeMastersAndEmpty()
    let moves = try ReshardPlanner.plan(masters: masters, sources: ["a", "b", "c"], target: "d", count: 1000)
    #expect(moves.count == 1000)
    #expect(isSorted(moves))
    let pairs = moves.byPair
    #expect(pairs.map(\.source) == ["a", "b", "c"])
    #expect(pairs.allSatisfy { $0.target == "d" })
    // 1000 × 5461 / 16384 = 333.31 and 1000 × 5462 / 16384 = 333.37: b has the largest remainder.
    #expect(pairs.map(\.slots.count) == [333, 334, 333])
    #expect(pairs[0].slots == Array(5128...5460))
    #expect(pairs[1].slots == Array(10589...10922))
    #expect(pairs[2].slots == Array(16051...16383))
    let applied = AppliedMoves(moves, to: masters)
    #expect(applied.isValid)
    #expect(applied.after["d"]!.count == 1000)
    #expect(applied.after["a"]!.ranges == [SlotRange(0, 5127)])
  }

  @Test func sourceOrderDoesNotMatter() throws {
    let masters = threeMastersAndEmpty()
    let a = try ReshardPlanner.plan(masters: masters, sources: ["c", "a", "b"], target: "d", count: 1000)
    let b = try ReshardPlanner.plan(
      masters: masters.reversed(), sources: ["b", "c", "a"], target: "d", count: 1000)
    #expect(a == b)
  }

  @Test func equalRemaindersFavourTheSmallerID() throws {
    let masters = [
      MasterSlots(id: "y", slots: SlotSet([SlotRange(0, 99)])),
      MasterSlots(id: "x", slots: SlotSet([SlotRange(100, 199)])),
      MasterSlots(id: "t", slots: SlotSet()),
    ]
    let moves = try ReshardPlanner.plan(masters: masters, sources: ["y", "x"], target: "t", count: 3)
    #expect(moves.byPair.map(\.source) == ["x", "y"])
    #expect(moves.byPair.map(\.slots) == [[198, 199], [99]])
  }

  @Test func everySlotOfTheSourcesCanMove() throws {
    let masters = threeMastersAndEmpty()
    let moves = try ReshardPlanner.plan(masters: masters, sources: ["a"], target: "b", count: 5461)
    #expect(moves.map(\.slot) == Array(0...5460))
    #expect(AppliedMoves(moves, to: masters).after["a"]!.isEmpty)
  }

  @Test func moveTheLastSlotAway() throws {
    let masters = [
      MasterSlots(id: "a", slots: SlotSet([SlotRange(0, 16382)])),
      MasterSlots(id: "b", slots: SlotSet([SlotRange(16383, 16383)])),
    ]
    let moves = try ReshardPlanner.plan(masters: masters, sources: ["b"], target: "a", count: 1)
    #expect(moves == [SlotMove(slot: 16383, source: "b", target: "a")])
  }

  @Test func errors() {
    let masters = [
      MasterSlots(id: "abc", slots: SlotSet([SlotRange(0, 119)])),
      MasterSlots(id: "def", slots: SlotSet([SlotRange(120, 16383)])),
      MasterSlots(id: "new", slots: SlotSet()),
    ]
    func message(_ sources: [String], _ target: String, _ count: Int, in list: [MasterSlots]? = nil) -> String
    {
      do {
        _ = try ReshardPlanner.plan(masters: list ?? masters, sources: sources, target: target, count: count)
        return "no error"
      } catch {
        return error.description
      }
    }
    #expect(message(["abc"], "new", 500) == "the sources hold 120 slots; cannot move 500")
    #expect(message(["abc", "new"], "def", 121) == "the sources hold 120 slots; cannot move 121")
    #expect(message(["abc", "def"], "abc", 10) == "the target abc is also a source")
    #expect(message(["abc"], "zzz", 10) == "unknown node id zzz")
    #expect(message(["abc", "zzz"], "new", 10) == "unknown node id zzz")
    #expect(message(["abc"], "new", 0) == "the number of slots to move must be at least 1, not 0")
    #expect(message(["abc"], "new", -3) == "the number of slots to move must be at least 1, not -3")
    #expect(message([], "new", 1) == "no source nodes given")
    #expect(message(["abc", "abc"], "new", 1) == "node id abc is given more than once")
    let twice = masters + [MasterSlots(id: "abc", slots: SlotSet())]
    #expect(message(["abc"], "new", 1, in: twice) == "node id abc is given more than once")
    let overlap = masters + [MasterSlots(id: "aaa", slots: SlotSet(slots: [7, 200]))]
    #expect(message(["abc"], "new", 1, in: overlap) == "slot 7 is held by both aaa and abc")
    #expect(throws: PlanError.notEnoughSlots(available: 120, requested: 500)) {
      try ReshardPlanner.plan(masters: masters, sources: ["abc"], target: "new", count: 500)
    }
  }

  @Test func byPairGroupsAndSorts() {
    let moves = [
      SlotMove(slot: 9, source: "b", target: "a"),
      SlotMove(slot: 3, source: "a", target: "c"),
      SlotMove(slot: 1, source: "b", target: "a"),
      SlotMove(slot: 2, source: "a", target: "b"),
    ]
    let pairs = moves.byPair
    #expect(pairs.map { "\($0.source)>\($0.target)" } == ["a>b", "a>c", "b>a"])
    #expect(pairs.map(\.slots) == [[2], [3], [1, 9]])
    #expect([SlotMove]().byPair.isEmpty)
  }

  /// Random layouts, sources, targets and counts: exactly `count` slots move, shares are the largest-remainder
  /// rounding of the exact proportional shares, donors give their highest slots, the result is a valid
  /// partition, and the plan is deterministic whatever the input order.
  @Test(arguments: 0..<300)
  func randomReshard(seed: UInt64) throws {
    var random = SplitMix64(seed: 5_000_000 + seed)
    let masters = randomMasters(using: &random)
    let target = masters.randomElement(using: &random)!.id
    let others = masters.map(\.id).filter { $0 != target }
    let sources =
      Bool.random(using: &random)
      ? others
      : Array(others.shuffled(using: &random).prefix(Int.random(in: 1...others.count, using: &random)))
    let held = Dictionary(uniqueKeysWithValues: masters.map { ($0.id, $0.slots.count) })
    let available = sources.reduce(0) { $0 + held[$1]! }
    guard available > 0, Int.random(in: 0..<10, using: &random) > 0 else {
      let count = available + Int.random(in: 1...100, using: &random)
      #expect(throws: PlanError.notEnoughSlots(available: available, requested: count)) {
        try ReshardPlanner.plan(masters: masters, sources: sources, target: target, count: count)
      }
      return
    }
    let count =
      Bool.random(using: &random)
      ? Int.random(in: 1...available, using: &random) : Int.random(in: 1...min(available, 40), using: &random)
    let moves = try ReshardPlanner.plan(masters: masters, sources: sources, target: target, count: count)

    #expect(moves.count == count)
    #expect(isSorted(moves))
    #expect(moves.allSatisfy { $0.target == target })
    let applied = AppliedMoves(moves, to: masters)
    #expect(applied.isValid)
    #expect(applied.after[target]!.count == held[target]! + count)
    #expect(donorsGiveHighest(moves, applied: applied))

    // Shares: each is ⌊exact⌋ or ⌊exact⌋ + 1, and the +1s went to the largest remainders (then smaller ids).
    var given: [String: Int] = [:]
    for move in moves { given[move.source, default: 0] += 1 }
    let rounded = sources.map { id in
      (id: id, remainder: count * held[id]! % available, up: (given[id] ?? 0) - count * held[id]! / available)
    }
    #expect(rounded.allSatisfy { $0.up == 0 || $0.up == 1 })
    for up in rounded where up.up == 1 {
      for down in rounded where down.up == 0 {
        #expect(up.remainder > down.remainder || (up.remainder == down.remainder && up.id < down.id))
      }
    }

    #expect(
      try ReshardPlanner.plan(masters: masters, sources: sources, target: target, count: count) == moves)
    let shuffled = try ReshardPlanner.plan(
      masters: masters.shuffled(using: &random), sources: sources.shuffled(using: &random), target: target,
      count: count)
    #expect(shuffled == moves)
  }
}
