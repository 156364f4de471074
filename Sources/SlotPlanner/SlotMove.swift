import ClusterKit
import RedisCore

/// One hash slot moving from one master to another (node ids). Ordered by source, target, then slot.
public struct SlotMove: Hashable, Sendable, Comparable, CustomStringConvertible {
  /// The slot to move.
  public var slot: Int
  /// The id of the master that owns the slot now.
  public var source: String
  /// The id of the master that will own it.
  public var target: String

  public init(slot: Int, source: String, target: String) {
    self.slot = slot
    self.source = source
    self.target = target
  }

  /// `slot 42: <source> -> <target>`.
  public var description: String { "slot \(slot): \(source) -> \(target)" }

  public static func < (a: SlotMove, b: SlotMove) -> Bool {
    if a.source != b.source { return a.source < b.source }
    if a.target != b.target { return a.target < b.target }
    return a.slot < b.slot
  }
}

/// A master as the planners see it: its id, the slots it owns and its rebalance weight.
public struct MasterSlots: Hashable, Sendable {
  /// The node id.
  public var id: String
  /// The slots it owns.
  public var slots: SlotSet
  /// Its share when rebalancing, relative to the other masters' weights (only rebalance reads it).
  public var weight: Double

  public init(id: String, slots: SlotSet, weight: Double = 1) {
    self.id = id
    self.slots = slots
    self.weight = weight
  }
}

/// Why a reshard or rebalance cannot be planned.
public enum PlanError: Error, Hashable, Sendable, CustomStringConvertible {
  /// The number of slots to move is below 1.
  case invalidSlotCount(Int)
  /// The sources together hold fewer slots than were asked for.
  case notEnoughSlots(available: Int, requested: Int)
  /// The target is also listed as a source.
  case targetIsSource(String)
  /// No source was given.
  case noSources
  /// A node id that is not one of the masters.
  case unknownNode(String)
  /// A master or source listed more than once.
  case duplicateNode(String)
  /// Two masters claim the same slot.
  case slotOwnedTwice(slot: Int, first: String, second: String)
  /// A weight that is negative, infinite or NaN.
  case invalidWeight(id: String, weight: Double)
  /// Every master taking part has weight 0, so there is nowhere to put the slots.
  case allWeightsZero
  /// A threshold that is negative or NaN.
  case invalidThreshold(Double)

  public var description: String {
    switch self {
    case .invalidSlotCount(let n): "the number of slots to move must be at least 1, not \(n)"
    case .notEnoughSlots(let available, let requested):
      "the sources hold \(available) slots; cannot move \(requested)"
    case .targetIsSource(let id): "the target \(id) is also a source"
    case .noSources: "no source nodes given"
    case .unknownNode(let id): "unknown node id \(id)"
    case .duplicateNode(let id): "node id \(id) is given more than once"
    case .slotOwnedTwice(let slot, let first, let second):
      "slot \(slot) is held by both \(first) and \(second)"
    case .invalidWeight(let id, let weight): "weights must be finite and ≥ 0; \(id) has \(weight)"
    case .allWeightsZero: "all weights are 0"
    case .invalidThreshold(let t): "the threshold must be a percentage ≥ 0, not \(t)"
    }
  }
}

extension Array where Element == SlotMove {
  /// The moves grouped by (source, target) pair, pairs sorted by source then target; slots ascending within a
  /// pair.
  public var byPair: [(source: String, target: String, slots: [Int])] {
    var out: [(source: String, target: String, slots: [Int])] = []
    let isSorted = indices.dropFirst().allSatisfy { !(self[$0] < self[$0 - 1]) }
    for move in isSorted ? self : sorted() {
      if let last = out.last, last.source == move.source, last.target == move.target {
        out[out.count - 1].slots.append(move.slot)
      } else {
        out.append((source: move.source, target: move.target, slots: [move.slot]))
      }
    }
    return out
  }
}

/// A master and how many slots it holds, counted once.
struct CountedMaster {
  var master: MasterSlots
  var held: Int
  var id: String { master.id }
}

/// The masters in id order with their slot counts, after checking that ids are unique and no slot has two
/// owners. The error reported does not depend on the input order.
func countedMasters(_ masters: [MasterSlots]) throws(PlanError) -> [CountedMaster] {
  let sorted = masters.sorted { $0.id < $1.id }
  for (a, b) in zip(sorted, sorted.dropFirst()) where a.id == b.id { throw .duplicateNode(a.id) }
  let counted = sorted.map { CountedMaster(master: $0, held: $0.slots.count) }
  let owned = sorted.reduce(SlotSet()) { $0.union($1.slots) }
  guard owned.count != counted.reduce(0, { $0 + $1.held }) else { return counted }
  // Some slot has two owners: find the first master (in id order) whose slots overlap an earlier one's.
  var earlier = SlotSet()
  for (i, master) in sorted.enumerated() {
    if let slot = earlier.intersection(master.slots).first {
      let first = sorted[..<i].first { $0.slots.contains(slot) }!
      throw .slotOwnedTwice(slot: slot, first: first.id, second: master.id)
    }
    earlier = earlier.union(master.slots)
  }
  return counted
}

/// The `n` highest-numbered slots of `set`, highest first.
func highestSlots(_ n: Int, of set: SlotSet) -> [Int] {
  guard n > 0 else { return [] }
  var out: [Int] = []
  out.reserveCapacity(n)
  for range in set.ranges.reversed() {
    var slot = range.upper
    while slot >= range.lower && out.count < n {
      out.append(slot)
      slot -= 1
    }
    if out.count == n { break }
  }
  return out
}
