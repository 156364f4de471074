import TestSupport
import Testing

@testable import RESP

/// Feeds `bytes` to `decoder` in chunks (sizes from `chunkSize`), the way a connection does: the
/// bytes not consumed are passed again with the next chunk. Returns the values and the error.
private func feed(
  _ bytes: [UInt8], to decoder: inout RESPStreamDecoder, chunkSize: () -> Int
) -> (values: [RESPValue], error: String?) {
  var values: [RESPValue] = []
  var held: [UInt8] = []
  var fed = 0
  while fed < bytes.count {
    let end = min(bytes.count, fed + max(1, chunkSize()))
    held += bytes[fed..<end]
    fed = end
    do {
      while !held.isEmpty {
        let (value, consumed) = try held.withUnsafeBytes { try decoder.decode($0) }
        held.removeFirst(consumed)
        guard let value else { break }
        values.append(value)
      }
    } catch {
      return (values, String(describing: error))
    }
  }
  return (values, nil)
}

@Suite struct RESPStreamDecoderTests {
  /// A pipeline of random values split at random boundaries (1-byte chunks included) decodes to
  /// exactly what decoding the whole buffer at once gives.
  @Test(arguments: [1, 2, 3, 7, 64, 0])
  func chunkedEqualsWhole(maxChunk: Int) throws {
    var generator = ValueGenerator(seed: 40 + UInt64(maxChunk))
    var rng = SplitMix64(seed: 50 + UInt64(maxChunk))
    for _ in 0..<(maxChunk == 1 ? 40 : 150) {
      let values = (0..<Int.random(in: 1...6, using: &rng)).map { _ in generator.value() }
      var bytes: [UInt8] = []
      for value in values { RESPEncoder.encode(value, into: &bytes) }
      // 0: chunks of random sizes up to the whole buffer.
      let limit = maxChunk == 0 ? bytes.count : maxChunk
      var decoder = RESPStreamDecoder()
      let chunked = feed(bytes, to: &decoder) { Int.random(in: 1...limit, using: &rng) }
      let whole = try RESPDecoder().decodeAll(bytes)
      #expect(chunked.error == nil)
      #expect(chunked.values == whole.values)
      #expect(chunked.values == values)
      #expect(!decoder.isInsideValue)
      if chunked.values != values { return }
    }
  }

  /// Mutated and random bytes, fed in random chunks: after every chunk the decoder agrees with a
  /// fresh decode of all the bytes received so far (value, "need more", or the same error sentence).
  @Test(arguments: 0..<2)
  func everyChunkAgreesWithDecodingTheBytesSoFar(shard: Int) throws {
    var rng = SplitMix64(seed: 3000 + UInt64(shard))
    var generator = ValueGenerator(seed: 4000 + UInt64(shard))
    generator.maxDepth = 3
    generator.maxWidth = 3
    let limits = RESPLimits(maxDepth: 3, maxBulkLength: 16, maxAggregateLength: 4, maxLineLength: 12)
    let alphabet = Array("+-:$*_,#(!=%~>|?;.\r\n\r\n0123456789-tfinax".utf8)
    for round in 0..<6000 {
      var bytes = RESPEncoder.encode(generator.value())
      for _ in 0..<Int.random(in: 0...2, using: &rng) where !bytes.isEmpty {
        bytes[Int.random(in: 0..<bytes.count, using: &rng)] = alphabet.randomElement(using: &rng)!
      }
      let checked = round % 2 == 0 ? RESPLimits.default : limits
      var decoder = RESPStreamDecoder(limits: checked)
      var held: [UInt8] = []
      var fed = 0
      while fed < bytes.count {
        let end = min(bytes.count, fed + Int.random(in: 1...5, using: &rng))
        held += bytes[fed..<end]
        fed = end
        let prefix = Array(bytes[..<fed])
        var mismatch = false
        do {
          let (value, consumed) = try held.withUnsafeBytes { try decoder.decode($0) }
          held.removeFirst(consumed)
          let expected = try RESPDecoder(limits: checked).decode(prefix)
          mismatch = expected.map { RESPEncoder.encode($0.value) } != value.map { RESPEncoder.encode($0) }
          if value != nil { break }
        } catch {
          mismatch = decodeError(prefix, limits: checked) != String(describing: error)
          // The error sticks: the decoder does not pick up again after garbage.
          let stuck = try #require(error as? RESPProtocolError)
          #expect(throws: stuck) { try wire("+OK\r\n").withUnsafeBytes { try decoder.decode($0) } }
          break
        }
        if mismatch {
          Issue.record("prefix \(fed) of \(bytes)")
          return
        }
      }
    }
  }

  @Test func limitsHoldByteByByte() {
    func error(_ text: String, _ limits: RESPLimits = .default) -> String? {
      var decoder = RESPStreamDecoder(limits: limits)
      return feed(wire(text), to: &decoder) { 1 }.error
    }
    let small = RESPLimits(maxDepth: 2, maxBulkLength: 5, maxAggregateLength: 3, maxLineLength: 8)
    #expect(error(String(decoding: nestedArrays(65), as: UTF8.self)) == "nesting deeper than 64 levels")
    #expect(error("*1\r\n*1\r\n~0\r\n", small) == "nesting deeper than 2 levels")
    #expect(error("*1\r\n|0\r\n*0\r\n", small) == "nesting deeper than 2 levels")
    #expect(error("$6\r\nabcdef\r\n", small) == "bulk string length 6 exceeds the limit of 5 bytes")
    #expect(error("$600000000\r\n") == "bulk string length 600000000 exceeds the limit of 536870912 bytes")
    #expect(error("*20000000\r\n") == "array length 20000000 exceeds the limit of 16777216 elements")
    #expect(error("%4\r\n", small) == "map length 4 exceeds the limit of 3 pairs")
    #expect(error("*2\r\n+ok\r\n-123456789\r\n", small) == "line at offset 10 is longer than 8 bytes")
    #expect(
      error("+" + String(repeating: "a", count: 65_537)) == "line at offset 1 is longer than 65536 bytes")
    #expect(error("*2\r\n:1\r\n$?\r\n") == "streamed RESP3 bulk string ('$?') at offset 8 is not supported")
    #expect(error("*1\r\n=5\r\ntxtab\r\n") == "verbatim string format is not followed by ':' at offset 11")
    #expect(error("*3\r\n:1\r\n:2\r\n:3x") == "invalid integer \"3x\" at offset 13")
    // Offsets count from the start of the value, also for a value after another one.
    #expect(error("+OK\r\n*1\r\n:1x") == "invalid integer \"1x\" at offset 5")
  }

  /// A reply decoded byte by byte is read about once (at most twice: a line is searched for its
  /// CRLF, then checked against its grammar); decoding the whole buffer again after every read,
  /// as RESPClientHandler did before, reads it O(N²) times. Counted, not timed.
  @Test func decodingIsLinearInTheReplySize() throws {
    var elements: [RESPValue] = (0..<3000).map { .bulkString(Array("element-\($0)".utf8)) }
    // Long lines of every kind that is vetted while incomplete.
    let digits = String(repeating: "0", count: 5_000)
    elements += [
      .simpleString(String(repeating: "s", count: 5_000)), .bigNumber(digits + "7"),
      .map([RESPPair(.integer(1), .double(1.5))]), .set([.boolean(true), .null]),
    ]
    var bytes = RESPEncoder.encode(.array(elements))
    bytes += wire(":\(digits)42\r\n$\(digits)3\r\nabc\r\n,\(digits)1.5\r\n")
    var decoder = RESPStreamDecoder()
    let result = feed(bytes, to: &decoder) { 1 }
    #expect(result.error == nil)
    #expect(result.values.count == 4)
    #expect(result.values.first == .array(elements))
    #expect(result.values.dropFirst() == [.integer(42), .bulkString(wire("abc")), .double(1.5)])
    #expect(decoder.bytesExamined <= 2 * bytes.count)

    // The same counter exposes the old way: a fresh decode of everything received after each read.
    let reply = RESPEncoder.encode(.array(Array(elements.prefix(2000))))
    var rescanned = 0
    for end in stride(from: 64, through: reply.count, by: 64) {
      var fresh = RESPStreamDecoder()
      _ = try Array(reply[..<end]).withUnsafeBytes { try fresh.decode($0) }
      rescanned += fresh.bytesExamined
    }
    #expect(rescanned > 50 * reply.count)
  }

  @Test func consumesFinishedElementsAndKeepsUnfinishedOnes() throws {
    var decoder = RESPStreamDecoder()
    // The array header and the first element are consumed; the partial bulk header is not.
    var (value, consumed) = try wire("*2\r\n:1\r\n$5\r").withUnsafeBytes { try decoder.decode($0) }
    #expect(value == nil && consumed == 8 && decoder.isInsideValue)
    // The bulk header is consumed; its payload waits until it is complete.
    (value, consumed) = try wire("$5\r\nhel").withUnsafeBytes { try decoder.decode($0) }
    #expect(value == nil && consumed == 4)
    (value, consumed) = try wire("hello\r\n+next").withUnsafeBytes { try decoder.decode($0) }
    #expect(value == .array([.integer(1), .bulkString(wire("hello"))]) && consumed == 7)
    #expect(!decoder.isInsideValue)
  }
}
