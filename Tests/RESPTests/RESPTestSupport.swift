import TestSupport

@testable import RESP

/// Builds random `RESPValue` trees covering every case.
struct ValueGenerator {
  var rng: SplitMix64
  var maxDepth = 4
  var maxWidth = 5
  var includeNaN = false

  init(seed: UInt64) {
    rng = SplitMix64(seed: seed)
  }

  mutating func value(depth: Int = 0) -> RESPValue {
    let scalarCases = 10
    let choice = Int.random(in: 0..<(depth < maxDepth ? scalarCases + 5 : scalarCases), using: &rng)
    switch choice {
    case 0: return .simpleString(lineText())
    case 1: return .error(lineText())
    case 2: return .integer(integer())
    case 3: return .bulkString(bytes())
    case 4: return .null
    case 5: return .double(double())
    case 6: return .boolean(Bool.random(using: &rng))
    case 7: return .bigNumber(bigNumber())
    case 8: return .bulkError(anyText())
    case 9: return .verbatimString(format: format(), text: bytes())
    case 10: return .array(elements(depth))
    case 11: return .map(pairs(depth))
    case 12: return .set(elements(depth))
    case 13: return .push(elements(depth))
    default: return .attributed(attributes: pairs(depth), value: value(depth: depth + 1))
    }
  }

  mutating func elements(_ depth: Int) -> [RESPValue] {
    (0..<Int.random(in: 0...maxWidth, using: &rng)).map { _ in value(depth: depth + 1) }
  }

  mutating func pairs(_ depth: Int) -> [RESPPair] {
    (0..<Int.random(in: 0...maxWidth, using: &rng)).map { _ in
      RESPPair(value(depth: depth + 1), value(depth: depth + 1))
    }
  }

  mutating func integer() -> Int64 {
    switch Int.random(in: 0..<4, using: &rng) {
    case 0: return [Int64.min, Int64.max, 0, -1, 1].randomElement(using: &rng)!
    case 1: return Int64.random(in: -1000...1000, using: &rng)
    default: return Int64(bitPattern: rng.next())
    }
  }

  mutating func double() -> Double {
    switch Int.random(in: 0..<5, using: &rng) {
    case 0:
      let specials: [Double] = [0, 1, -1.5, .infinity, -.infinity, 1e20, 1e-7, .leastNonzeroMagnitude]
      return includeNaN && Bool.random(using: &rng) ? .nan : specials.randomElement(using: &rng)!
    case 1: return Double(Int.random(in: -100_000...100_000, using: &rng)) / 100
    default:
      let d = Double(bitPattern: rng.next())
      return d.isNaN && !includeNaN ? 0.25 : d
    }
  }

  mutating func bytes() -> [UInt8] {
    let alphabet: [UInt8] = [0, 13, 10, 36, 42, 43, 45, 58, 97, 98, 255]
    return (0..<Int.random(in: 0...24, using: &rng)).map { _ in
      Bool.random(using: &rng)
        ? alphabet.randomElement(using: &rng)! : UInt8.random(in: 0...255, using: &rng)
    }
  }

  /// Text that is legal on a RESP line: no CR or LF.
  mutating func lineText() -> String {
    String(anyText().unicodeScalars.filter { $0 != "\r" && $0 != "\n" })
  }

  mutating func anyText() -> String {
    let pool: [Unicode.Scalar] = ["a", "Z", "0", " ", "\r", "\n", "\0", ":", "é", "ß", "中", "😀"]
    var text = String.UnicodeScalarView()
    for _ in 0..<Int.random(in: 0...16, using: &rng) {
      text.append(pool.randomElement(using: &rng)!)
    }
    return String(text)
  }

  mutating func bigNumber() -> String {
    let digits = (0..<Int.random(in: 1...40, using: &rng)).map { _ in
      String(Int.random(in: 0...9, using: &rng))
    }
    return (Bool.random(using: &rng) ? "-" : "") + digits.joined()
  }

  mutating func format() -> String {
    String((0..<3).map { _ in "abcdefghijklmnopqrstuvwxyz".randomElement(using: &rng)! })
  }
}

/// Shorthand for the UTF-8 bytes of wire text in tests.
func wire(_ text: String) -> [UInt8] {
  Array(text.utf8)
}

/// Decodes with the given limits and returns the error sentence, or nil if nothing was thrown.
func decodeError(_ bytes: [UInt8], limits: RESPLimits = .default) -> String? {
  do {
    _ = try RESPDecoder(limits: limits).decode(bytes)
    return nil
  } catch {
    return error.description
  }
}

/// Decodes exactly one complete value that must span the whole buffer.
func decodeWhole(_ bytes: [UInt8], limits: RESPLimits = .default) throws -> RESPValue? {
  guard let (value, consumed) = try RESPDecoder(limits: limits).decode(bytes) else { return nil }
  return consumed == bytes.count ? value : nil
}

/// `count` arrays nested inside each other around an integer.
func nestedArrays(_ count: Int) -> [UInt8] {
  Array(repeating: wire("*1\r\n"), count: count).flatMap { $0 } + wire(":7\r\n")
}

/// Wall-clock time of `body`.
func timed(_ body: () throws -> Void) rethrows -> Duration {
  let clock = ContinuousClock()
  let start = clock.now
  try body()
  return clock.now - start
}
