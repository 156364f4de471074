import ClusterKit
import RedisCore

/// Plans `reshard`: move a number of slots from some masters to one.
///
/// Unlike redis-cli, which rounds the first source's share up and the others' down (and so can move fewer
/// slots than asked), the shares here are exact: largest-remainder rounding of each source's proportional
/// share, so exactly `count` slots move.
public enum ReshardPlanner {
  /// Exactly `count` slots move to `target`, taken from `sources` in proportion to their slot counts
  /// (largest-remainder rounding; equal remainders favour the smaller id), each source giving its
  /// highest-numbered slots so its remaining ranges stay contiguous. Moves are sorted.
  ///
  /// Throws when `count` < 1, there are no sources, an id is unknown or repeated, the target is a source, two
  /// masters claim one slot, or the sources hold fewer than `count` slots.
  public static func plan(
    masters: [MasterSlots], sources: [String], target: String, count: Int
  ) throws(PlanError) -> [SlotMove] {
    guard count >= 1 else { throw .invalidSlotCount(count) }
    let counted = try countedMasters(masters)
    let byID = Dictionary(uniqueKeysWithValues: counted.map { ($0.id, $0) })
    guard byID[target] != nil else { throw .unknownNode(target) }
    guard !sources.isEmpty else { throw .noSources }
    var seen = Set<String>()
    for id in sources {
      guard byID[id] != nil else { throw .unknownNode(id) }
      guard id != target else { throw .targetIsSource(id) }
      guard seen.insert(id).inserted else { throw .duplicateNode(id) }
    }

    let donors = sources.sorted().map { byID[$0]! }
    let available = donors.reduce(0) { $0 + $1.held }
    guard available >= count else { throw .notEnoughSlots(available: available, requested: count) }

    // Share i is count × held_i / available; give each its floor, then one more to the largest remainders.
    // Σ remainders = leftover × available with every remainder < available, so more than `leftover` sources
    // have a positive remainder: a source never gets a slot beyond its exact share rounded up, nor beyond
    // what it holds.
    var shares = donors.map { count * $0.held / available }
    let leftover = count - shares.reduce(0, +)
    let byRemainder = donors.indices.sorted { a, b in
      let ra = count * donors[a].held % available
      let rb = count * donors[b].held % available
      return ra != rb ? ra > rb : donors[a].id < donors[b].id
    }
    for i in byRemainder.prefix(leftover) { shares[i] += 1 }

    var moves: [SlotMove] = []
    moves.reserveCapacity(count)
    for (i, donor) in donors.enumerated() where shares[i] > 0 {
      for slot in highestSlots(shares[i], of: donor.master.slots).reversed() {
        moves.append(SlotMove(slot: slot, source: donor.id, target: target))
      }
    }
    return moves
  }
}
