import RESP
import TestSupport
import Testing

@Suite struct RESPPropertyTests {
  /// Random trees (no NaN, so `==` is exact) survive encode → decode unchanged.
  @Test func roundTrip() throws {
    var generator = ValueGenerator(seed: 1)
    var decoder = RESPDecoder()
    decoder.limits.maxDepth = 16
    for _ in 0..<3000 {
      let value = generator.value()
      let bytes = RESPEncoder.encode(value)
      let result = try decoder.decode(bytes)
      #expect(result?.value == value)
      #expect(result?.consumed == bytes.count)
      if result?.value != value { return }
    }
  }

  /// With NaN allowed, compare wire bytes instead: re-encoding the decoded value is identical.
  @Test func roundTripWithNaNComparesBytes() throws {
    var generator = ValueGenerator(seed: 2)
    generator.includeNaN = true
    for _ in 0..<1000 {
      let bytes = RESPEncoder.encode(generator.value())
      let decoded = try #require(try decodeWhole(bytes))
      #expect(RESPEncoder.encode(decoded) == bytes)
    }
  }

  @Test func doublesRoundTripExactly() throws {
    var rng = SplitMix64(seed: 3)
    let specials: [Double] = [
      1e20, 1e-20, 1e300, -1e-300, .leastNonzeroMagnitude, .greatestFiniteMagnitude,
      .leastNormalMagnitude, 0.1, 1.0 / 3, -0.0, 123_456_789_012_345_680,
    ]
    for _ in 0..<5000 {
      let d = Double(bitPattern: rng.next())
      guard !d.isNaN else { continue }
      try expectDoubleRoundTrip(d)
    }
    for d in specials { try expectDoubleRoundTrip(d) }
  }

  private func expectDoubleRoundTrip(_ d: Double) throws {
    guard case .double(let back)? = try decodeWhole(RESPEncoder.encode(.double(d))) else {
      Issue.record("\(d) did not decode as a double")
      return
    }
    #expect(back.bitPattern == d.bitPattern, "\(d)")
  }

  /// Every strict prefix of a valid encoding needs more bytes; the whole is one value.
  @Test func everyPrefixIsIncomplete() throws {
    var generator = ValueGenerator(seed: 4)
    generator.maxDepth = 3
    generator.maxWidth = 4
    generator.includeNaN = true
    let decoder = RESPDecoder()
    for _ in 0..<300 {
      let bytes = RESPEncoder.encode(generator.value())
      for end in 0..<bytes.count {
        let prefix = try decoder.decode(Array(bytes[..<end]))
        #expect(prefix == nil, "prefix \(end) of \(bytes.count)")
        if prefix != nil { return }
      }
      #expect(try decoder.decode(bytes)?.consumed == bytes.count)
      // Bytes after the value are left alone.
      #expect(try decoder.decode(bytes + wire("+next\r\n"))?.consumed == bytes.count)
    }
  }

  @Test func commandPrefixesAreIncomplete() throws {
    let args: [[UInt8]] = [wire("SET"), [13, 10, 0], []]
    let bytes = RESPEncoder.encodeCommand(args)
    for end in 0..<bytes.count {
      #expect(try RESPDecoder().decode(Array(bytes[..<end])) == nil)
    }
    #expect(
      try decodeWhole(bytes)
        == .array([.bulkString(wire("SET")), .bulkString([13, 10, 0]), .bulkString([])]))
  }

  @Test func decodeAllSplitsAPipeline() throws {
    var generator = ValueGenerator(seed: 5)
    let values = (0..<500).map { _ in generator.value() }
    var bytes: [UInt8] = []
    for value in values { RESPEncoder.encode(value, into: &bytes) }
    let whole = try RESPDecoder().decodeAll(bytes + wire("*3\r\n:1\r\n"))
    #expect(whole.values == values)
    #expect(whole.consumed == bytes.count)
  }

  /// Random and mutated bytes must decode, need more, or throw — and do so consistently:
  /// anything that fails still fails with more bytes, anything incomplete is incomplete at every
  /// shorter length, and a decoded value does not depend on the bytes after it.
  @Test(arguments: 0..<4)
  func fuzz(shard: Int) throws {
    var rng = SplitMix64(seed: 1000 + UInt64(shard))
    var generator = ValueGenerator(seed: 2000 + UInt64(shard))
    generator.maxDepth = 3
    generator.maxWidth = 3
    let decoder = RESPDecoder(
      limits: RESPLimits(maxDepth: 8, maxBulkLength: 64, maxAggregateLength: 64, maxLineLength: 64))
    let alphabet = Array("+-:$*_,#(!=%~>|?;.\r\n\r\n0123456789-tfinax".utf8)
    var outcomes = (decoded: 0, incomplete: 0, failed: 0)
    for round in 0..<70_000 {
      var bytes: [UInt8]
      if round % 3 == 0 {
        bytes = (0..<Int.random(in: 0...24, using: &rng)).map { _ in
          Bool.random(using: &rng)
            ? alphabet.randomElement(using: &rng)! : UInt8.random(in: 0...255, using: &rng)
        }
      } else {
        bytes = RESPEncoder.encode(generator.value())
        mutate(&bytes, using: &rng)
      }
      let suffix = (0..<Int.random(in: 1...4, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! }
      // Plain checks in the loop: `#expect` per iteration would dominate the debug run time.
      var violation: String?
      do {
        if let (value, consumed) = try decoder.decode(bytes) {
          outcomes.decoded += 1
          let again = try decoder.decode(bytes + suffix)
          if consumed <= 0 || consumed > bytes.count || again?.consumed != consumed
            || (again?.value != value && !value.hasNaN)
          {
            violation = "decoded inconsistently"
          }
        } else {
          outcomes.incomplete += 1
          let shorter = Array(bytes.prefix(Int.random(in: 0...bytes.count, using: &rng)))
          if try decoder.decode(shorter) != nil { violation = "a prefix of an incomplete value decoded" }
        }
      } catch {
        outcomes.failed += 1
        if decodeError(bytes + suffix, limits: decoder.limits) == nil {
          violation = "an error went away with more bytes"
        }
      }
      if let violation {
        Issue.record("\(violation): \(bytes) + \(suffix)")
        return
      }
    }
    // The mix must exercise all three outcomes, or the fuzzer is not testing much.
    #expect(outcomes.decoded > 5000 && outcomes.incomplete > 5000 && outcomes.failed > 5000)
  }

  private func mutate(_ bytes: inout [UInt8], using rng: inout SplitMix64) {
    for _ in 0..<Int.random(in: 1...3, using: &rng) where !bytes.isEmpty {
      let index = Int.random(in: 0..<bytes.count, using: &rng)
      switch Int.random(in: 0..<5, using: &rng) {
      case 0: bytes[index] ^= 1 << UInt8.random(in: 0..<8, using: &rng)
      case 1: bytes[index] = UInt8.random(in: 0...255, using: &rng)
      case 2: bytes.remove(at: index)
      case 3: bytes.insert(UInt8.random(in: 0...255, using: &rng), at: index)
      default: bytes.removeLast(Int.random(in: 0...bytes.count, using: &rng))
      }
    }
  }
}

extension RESPValue {
  /// Whether NaN occurs anywhere inside, where `==` cannot be used.
  fileprivate var hasNaN: Bool {
    switch self {
    case .double(let d): return d.isNaN
    case .array(let a), .set(let a), .push(let a): return a.contains { $0.hasNaN }
    case .map(let pairs): return pairs.contains { $0.key.hasNaN || $0.value.hasNaN }
    case .attributed(let attributes, let value):
      return value.hasNaN || attributes.contains { $0.key.hasNaN || $0.value.hasNaN }
    default: return false
    }
  }
}
