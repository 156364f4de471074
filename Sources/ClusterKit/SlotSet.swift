import RedisCore

/// An inclusive range of hash slots, such as 0-5460.
public struct SlotRange: Hashable, Sendable, Comparable, CustomStringConvertible, Codable {
  public var lower: Int
  public var upper: Int

  public init(_ lower: Int, _ upper: Int) {
    precondition(lower <= upper, "SlotRange lower \(lower) > upper \(upper)")
    self.lower = lower
    self.upper = upper
  }

  public var count: Int { upper - lower + 1 }
  public func contains(_ slot: Int) -> Bool { slot >= lower && slot <= upper }
  public var description: String { lower == upper ? "\(lower)" : "\(lower)-\(upper)" }
  public static func < (a: SlotRange, b: SlotRange) -> Bool { (a.lower, a.upper) < (b.lower, b.upper) }
}

/// A set of hash slots (a 16384-bit bitmap).
///
/// The bitmap (2 KiB) is allocated on the first insert: most CLUSTER NODES lines (replicas) have no
/// slots, and `check` of 60 nodes parses 3,600 of them.
public struct SlotSet: Hashable, Sendable, Sequence {
  /// Empty, or exactly `slotCount / 64` words.
  private var words: [UInt64] = []

  private mutating func allocate() {
    if words.isEmpty { words = [UInt64](repeating: 0, count: slotCount / 64) }
  }

  public static func == (a: SlotSet, b: SlotSet) -> Bool {
    a.words.count == b.words.count ? a.words == b.words : a.isEmpty && b.isEmpty
  }

  public func hash(into hasher: inout Hasher) {
    if isEmpty { hasher.combine(0) } else { hasher.combine(words) }
  }

  public init() {}
  public init(_ ranges: some Sequence<SlotRange>) {
    for r in ranges { insert(r) }
  }
  public init(slots: some Sequence<Int>) {
    for s in slots { insert(s) }
  }
  public static var all: SlotSet { SlotSet([SlotRange(0, slotCount - 1)]) }

  public func contains(_ slot: Int) -> Bool {
    !words.isEmpty && words[slot >> 6] & (1 << UInt64(slot & 63)) != 0
  }
  public mutating func insert(_ slot: Int) {
    precondition(slot >= 0 && slot < slotCount, "slot \(slot) out of range")
    allocate()
    words[slot >> 6] |= 1 << UInt64(slot & 63)
  }
  public mutating func remove(_ slot: Int) {
    guard !words.isEmpty else { return }
    words[slot >> 6] &= ~(1 << UInt64(slot & 63))
  }
  public mutating func insert(_ range: SlotRange) {
    precondition(range.lower >= 0 && range.upper < slotCount, "slot range \(range) out of range")
    allocate()
    var s = range.lower
    while s <= range.upper {
      // Whole words at once where the range covers them.
      if s & 63 == 0 && s + 63 <= range.upper {
        words[s >> 6] = ~0
        s += 64
      } else {
        words[s >> 6] |= 1 << UInt64(s & 63)
        s += 1
      }
    }
  }
  public var count: Int { words.reduce(0) { $0 + $1.nonzeroBitCount } }
  public var isEmpty: Bool { words.allSatisfy { $0 == 0 } }

  /// The lowest slot in the set.
  public var first: Int? {
    for (w, word) in words.enumerated() where word != 0 { return w * 64 + word.trailingZeroBitCount }
    return nil
  }

  public func union(_ other: SlotSet) -> SlotSet {
    if other.words.isEmpty { return self }
    if words.isEmpty { return other }
    var r = self
    for i in r.words.indices { r.words[i] |= other.words[i] }
    return r
  }
  public func intersection(_ other: SlotSet) -> SlotSet {
    if words.isEmpty || other.words.isEmpty { return SlotSet() }
    var r = self
    for i in r.words.indices { r.words[i] &= other.words[i] }
    return r
  }
  public func subtracting(_ other: SlotSet) -> SlotSet {
    if words.isEmpty || other.words.isEmpty { return self }
    var r = self
    for i in r.words.indices { r.words[i] &= ~other.words[i] }
    return r
  }
  public var complement: SlotSet { SlotSet.all.subtracting(self) }

  /// The slots as sorted, maximal contiguous ranges.
  public var ranges: [SlotRange] {
    var out: [SlotRange] = []
    var start: Int? = nil
    // Word at a time: empty and full words are skipped in one step.
    for (w, word) in words.enumerated() {
      let base = w * 64
      if word == 0 {
        if let st = start {
          out.append(SlotRange(st, base - 1))
          start = nil
        }
        continue
      }
      if word == ~0 {
        if start == nil { start = base }
        continue
      }
      for bit in 0..<64 {
        if word & (1 << UInt64(bit)) != 0 {
          if start == nil { start = base + bit }
        } else if let st = start {
          out.append(SlotRange(st, base + bit - 1))
          start = nil
        }
      }
    }
    if let st = start { out.append(SlotRange(st, slotCount - 1)) }
    return out
  }

  public func makeIterator() -> Iterator { Iterator(words: words) }

  /// Ascending slots, skipping empty words and visiting only set bits.
  public struct Iterator: IteratorProtocol {
    let words: [UInt64]
    var index = 0
    var current: UInt64

    init(words: [UInt64]) {
      self.words = words
      self.current = words.first ?? 0
    }

    public mutating func next() -> Int? {
      while current == 0 {
        index += 1
        guard index < words.count else { return nil }
        current = words[index]
      }
      let bit = current.trailingZeroBitCount
      current &= current - 1
      return index * 64 + bit
    }
  }

  /// "0-5460,5462" style text; "-" when empty.
  public var rangesDescription: String {
    let r = ranges
    return r.isEmpty ? "-" : r.map(\.description).joined(separator: ",")
  }
}
