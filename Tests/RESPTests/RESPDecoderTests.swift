import RESP
import Testing

@Suite struct RESPDecoderTests {
  @Test(
    arguments: [
      ("+OK\r\n", RESPValue.simpleString("OK")),
      ("+\r\n", .simpleString("")),
      ("+héllo wörld\r\n", .simpleString("héllo wörld")),
      ("-ERR unknown command\r\n", .error("ERR unknown command")),
      (":0\r\n", .integer(0)),
      (":-42\r\n", .integer(-42)),
      (":+7\r\n", .integer(7)),
      (":9223372036854775807\r\n", .integer(Int64.max)),
      (":-9223372036854775808\r\n", .integer(Int64.min)),
      ("$5\r\nhello\r\n", .bulkString(Array("hello".utf8))),
      ("$0\r\n\r\n", .bulkString([])),
      ("$-1\r\n", .null),
      ("*-1\r\n", .null),
      ("_\r\n", .null),
      ("*0\r\n", .array([])),
      ("*2\r\n*1\r\n:1\r\n*0\r\n", .array([.array([.integer(1)]), .array([])])),
      (",1.5\r\n", .double(1.5)),
      (",-2\r\n", .double(-2)),
      (",1e+20\r\n", .double(1e20)),
      (",1E-3\r\n", .double(0.001)),
      (",inf\r\n", .double(.infinity)),
      (",-inf\r\n", .double(-.infinity)),
      ("#t\r\n", .boolean(true)),
      ("#f\r\n", .boolean(false)),
      (
        "(3492890328409238509324850943850943825024385\r\n",
        .bigNumber("3492890328409238509324850943850943825024385")
      ),
      ("(-1\r\n", .bigNumber("-1")),
      ("!21\r\nSYNTAX invalid syntax\r\n", .bulkError("SYNTAX invalid syntax")),
      ("=15\r\ntxt:Some string\r\n", .verbatimString(format: "txt", text: Array("Some string".utf8))),
      ("=4\r\nmkd:\r\n", .verbatimString(format: "mkd", text: [])),
      ("~2\r\n+a\r\n:1\r\n", .set([.simpleString("a"), .integer(1)])),
      (">2\r\n+message\r\n$2\r\nhi\r\n", .push([.simpleString("message"), .bulkString(Array("hi".utf8))])),
      (
        "%2\r\n+first\r\n*2\r\n:1\r\n:2\r\n$6\r\nsecond\r\n%0\r\n",
        .map([
          RESPPair(.simpleString("first"), .array([.integer(1), .integer(2)])),
          RESPPair(.bulkString(Array("second".utf8)), .map([])),
        ])
      ),
      (
        "|1\r\n+key-popularity\r\n%1\r\n$1\r\na\r\n,0.19\r\n*1\r\n:2039\r\n",
        .attributed(
          attributes: [
            RESPPair(.simpleString("key-popularity"), .map([RESPPair(.bulkString([97]), .double(0.19))]))
          ],
          value: .array([.integer(2039)]))
      ),
      (
        "*2\r\n|1\r\n+a\r\n#t\r\n:1\r\n:2\r\n",
        .array([
          .attributed(attributes: [RESPPair(.simpleString("a"), .boolean(true))], value: .integer(1)),
          .integer(2),
        ])
      ),
    ])
  func decodesEveryType(text: String, expected: RESPValue) throws {
    let bytes = wire(text)
    let result = try RESPDecoder().decode(bytes)
    #expect(result?.value == expected)
    #expect(result?.consumed == bytes.count)
  }

  @Test func binaryBulkStringKeepsCRLFAndNUL() throws {
    let payload: [UInt8] = [13, 10, 0, 13, 255, 10, 36]
    let bytes = wire("$7\r\n") + payload + wire("\r\n")
    #expect(try decodeWhole(bytes) == .bulkString(payload))
  }

  @Test func nanDecodes() throws {
    guard case .double(let d)? = try decodeWhole(wire(",nan\r\n")) else {
      Issue.record("not a double")
      return
    }
    #expect(d.isNaN)
  }

  @Test func invalidUTF8InSimpleStringIsRepaired() throws {
    #expect(try decodeWhole([43, 0xFF, 97, 13, 10]) == .simpleString("\u{FFFD}a"))
  }

  @Test func decodesOnlyTheFirstValue() throws {
    let result = try RESPDecoder().decode(wire(":1\r\n:2\r\n"))
    #expect(result?.value == .integer(1))
    #expect(result?.consumed == 4)
  }

  @Test func decodesFromRawBuffer() throws {
    let bytes = wire("$3\r\nabc\r\n+x")
    let result = try bytes.withUnsafeBytes { try RESPDecoder().decode($0) }
    #expect(result?.value == .bulkString(wire("abc")))
    #expect(result?.consumed == 9)
    #expect(try RESPDecoder().decode(UnsafeRawBufferPointer(start: nil, count: 0)) == nil)
  }

  @Test func decodeAllStopsBeforeAnIncompleteValue() throws {
    let (values, consumed) = try RESPDecoder().decodeAll(wire("+OK\r\n:5\r\n$-1\r\n$3\r\nab"))
    #expect(values == [.simpleString("OK"), .integer(5), .null])
    #expect(consumed == 14)
    let empty = try RESPDecoder().decodeAll([])
    #expect(empty.values.isEmpty && empty.consumed == 0)
  }

  @Test func decodeAllReportsOffsetsInTheWholeBuffer() {
    #expect(throws: RESPProtocolError("invalid RESP type byte 0x47 ('G') at offset 5")) {
      try RESPDecoder().decodeAll(wire("+OK\r\nGET"))
    }
  }

  @Test(
    arguments: [
      ("", nil),
      ("+OK", nil),
      ("+OK\r", nil),
      ("$5\r\nhel", nil),
      ("$5\r\nhello", nil),
      ("$5\r\nhello\r", nil),
      ("*2\r\n:1\r\n", nil),
      ("%1\r\n+a\r\n", nil),
      ("|1\r\n+a\r\n+b\r\n", nil),
      ("$-", nil),
      (":-", nil),
      ("=4\r\ntxt", nil),
      ("GET", "invalid RESP type byte 0x47 ('G') at offset 0"),
      ("\0", "invalid RESP type byte 0x00 at offset 0"),
      (";4\r\n", "invalid RESP type byte 0x3B (';') at offset 0"),
      (".\r\n", "invalid RESP type byte 0x2E ('.') at offset 0"),
      ("*1\r\n x", "invalid RESP type byte 0x20 at offset 4"),
      ("+OK\n", "LF without CR at offset 3"),
      ("+OK\rX", "CR not followed by LF at offset 3"),
      (":12a", "invalid integer \"12a\" at offset 1"),
      (":\r\n", "invalid integer \"\" at offset 1"),
      (":-\r\n", "invalid integer \"-\" at offset 1"),
      (": 1\r\n", "invalid integer \" 1\" at offset 1"),
      (":1.0\r\n", "invalid integer \"1.0\" at offset 1"),
      (":9223372036854775808\r\n", "integer \"9223372036854775808\" at offset 1 does not fit in 64 bits"),
      (":-9223372036854775809", "integer \"-9223372036854775809\" at offset 1 does not fit in 64 bits"),
      (":99999999999999999999999", "integer \"99999999999999999999999\" at offset 1 does not fit in 64 bits"),
      ("$+5\r\nhello\r\n", "invalid bulk string length \"+5\" at offset 1"),
      ("$\r\n", "invalid bulk string length \"\" at offset 1"),
      ("$-2\r\n", "invalid bulk string length \"-2\" at offset 1"),
      ("$-10", "invalid bulk string length \"-10\" at offset 1"),
      ("$-\r\n", "invalid bulk string length \"-\" at offset 1"),
      ("$1x", "invalid bulk string length \"1x\" at offset 1"),
      ("%-1\r\n", "invalid map length \"-1\" at offset 1"),
      ("~-1\r\n", "invalid set length \"-1\" at offset 1"),
      (">-", "invalid push length \"-\" at offset 1"),
      ("!-1\r\n", "invalid bulk error length \"-1\" at offset 1"),
      ("$5\r\nhelloXX", "expected CRLF after bulk string"),
      ("$5\r\nhelloX", "expected CRLF after bulk string"),
      ("$5\r\nhello\rX", "expected CRLF after bulk string"),
      ("$5\r\nhello\n", "expected CRLF after bulk string"),
      ("!1\r\nab\r\n", "expected CRLF after bulk error"),
      ("=3\r\ntxt\r\n", "verbatim string length 3 is shorter than its 4-byte format prefix"),
      ("=5\r\ntxtab\r\n", "verbatim string format is not followed by ':' at offset 7"),
      ("=5\r\ntxt:ab", "expected CRLF after verbatim string"),
      ("$?\r\n;4\r\nHell\r\n;0\r\n", "streamed RESP3 bulk string ('$?') at offset 0 is not supported"),
      ("*?", "streamed RESP3 array ('*?') at offset 0 is not supported"),
      ("*1\r\n%?\r\n", "streamed RESP3 map ('%?') at offset 4 is not supported"),
      ("#x\r\n", "invalid boolean \"x\" at offset 1"),
      ("#tt", "invalid boolean \"tt\" at offset 1"),
      ("#\r\n", "invalid boolean \"\" at offset 1"),
      ("_x", "unexpected \"x\" after null at offset 1"),
      ("_x\r\n", "unexpected \"x\" after null at offset 1"),
      (",\r\n", "invalid double \"\" at offset 1"),
      (", 1", "invalid double \" 1\" at offset 1"),
      (",1.2.3\r\n", "invalid double \"1.2.3\" at offset 1"),
      (",abc\r\n", "invalid double \"abc\" at offset 1"),
      ("(\r\n", "invalid big number \"\" at offset 1"),
      ("(-\r\n", "invalid big number \"-\" at offset 1"),
      ("(+1", "invalid big number \"+1\" at offset 1"),
      ("(12a", "invalid big number \"12a\" at offset 1"),
      ("+a\"\\\u{1}b\n", "LF without CR at offset 6"),
      ("-\u{1}\"\r\r", "CR not followed by LF at offset 3"),
    ] as [(String, String?)])
  func incompleteOrInvalid(text: String, expectedError: String?) throws {
    let bytes = wire(text)
    #expect(decodeError(bytes) == expectedError)
    if expectedError == nil {
      #expect(try RESPDecoder().decode(bytes) == nil)
    }
  }

  @Test func errorMessagesEscapeAndTruncateText() {
    #expect(decodeError(wire(":1\u{7}\"\\")) == "invalid integer \"1\\x07\\x22\\x5C\" at offset 1")
    let long = ":" + String(repeating: "1", count: 40) + "x"
    #expect(
      decodeError(wire(long))
        == "integer \"\(String(repeating: "1", count: 32))…\" at offset 1 does not fit in 64 bits")
  }

  @Test func bareLFInsideSimpleStringIsAnError() {
    #expect(decodeError(wire("+a\nb\r\n")) == "LF without CR at offset 2")
    #expect(decodeError(wire("*1\r\n+a\r\r\n")) == "CR not followed by LF at offset 6")
  }

  @Test func duplicateMapKeysArePreservedInOrder() throws {
    let value = try decodeWhole(wire("%2\r\n+k\r\n:1\r\n+k\r\n:2\r\n"))
    #expect(
      value == .map([RESPPair(.simpleString("k"), .integer(1)), RESPPair(.simpleString("k"), .integer(2))]))
    #expect(value?["k"] == .integer(1))
  }

  @Test func attributeChainsNest() throws {
    let value = try decodeWhole(wire("|0\r\n|1\r\n_\r\n_\r\n+v\r\n"))
    #expect(
      value
        == .attributed(
          attributes: [], value: .attributed(attributes: [RESPPair(.null, .null)], value: .simpleString("v")))
    )
    #expect(value?.unwrapped == .simpleString("v"))
  }
}

@Suite struct RESPLimitsTests {
  @Test func defaults() {
    let limits = RESPLimits.default
    #expect(limits.maxDepth == 64)
    #expect(limits.maxBulkLength == 536_870_912)
    #expect(limits.maxAggregateLength == 16_777_216)
    #expect(limits.maxLineLength == 65_536)
  }

  @Test func hugeBulkLengthIsRejectedBeforeThePayload() {
    #expect(
      decodeError(wire("$600000000\r\n"))
        == "bulk string length 600000000 exceeds the limit of 536870912 bytes")
    // The header alone, unterminated, already can never become valid.
    #expect(
      decodeError(wire("$600000000")) == "bulk string length 600000000 exceeds the limit of 536870912 bytes")
    #expect(
      decodeError(wire("$99999999999999999999999\r\n"))
        == "bulk string length 99999999999999999999999 exceeds the limit of 536870912 bytes")
    #expect(decodeError(wire("$536870912\r\n")) == nil)
  }

  @Test func hugeAggregateLengthIsRejected() {
    #expect(
      decodeError(wire("*20000000\r\n")) == "array length 20000000 exceeds the limit of 16777216 elements")
    #expect(decodeError(wire("%16777217\r\n")) == "map length 16777217 exceeds the limit of 16777216 pairs")
  }

  @Test func hostileClaimedLengthsCostNothing() throws {
    let elapsed = try timed { () throws in
      for _ in 0..<1000 {
        #expect(try RESPDecoder().decode(wire("*16777215\r\n")) == nil)
        #expect(try RESPDecoder().decode(wire("$536870912\r\nabc")) == nil)
        #expect(try RESPDecoder().decode(wire("*16777216\r\n%16777216\r\n~16777216\r\n")) == nil)
      }
    }
    #expect(elapsed < .seconds(2))
  }

  @Test func depthLimit() throws {
    #expect(try decodeWhole(nestedArrays(64)) != nil)
    #expect(decodeError(nestedArrays(65)) == "nesting deeper than 64 levels")
    #expect(decodeError(nestedArrays(100_000)) == "nesting deeper than 64 levels")
    // A null array is not nesting.
    #expect(try decodeWhole(Array(nestedArrays(64).dropLast(4)) + wire("*-1\r\n")) != nil)
  }

  @Test func customLimits() throws {
    let limits = RESPLimits(maxDepth: 2, maxBulkLength: 5, maxAggregateLength: 3, maxLineLength: 8)
    #expect(try decodeWhole(wire("*1\r\n%1\r\n:1\r\n:2\r\n"), limits: limits) != nil)
    #expect(decodeError(wire("*1\r\n*1\r\n~0\r\n"), limits: limits) == "nesting deeper than 2 levels")
    // The value an attribute annotates counts as one level deeper.
    #expect(try decodeWhole(wire("*1\r\n|0\r\n:1\r\n"), limits: limits) != nil)
    #expect(decodeError(wire("*1\r\n|0\r\n*0\r\n"), limits: limits) == "nesting deeper than 2 levels")
    #expect(try decodeWhole(wire("$5\r\nabcde\r\n"), limits: limits) == .bulkString(wire("abcde")))
    #expect(
      decodeError(wire("$6\r\n"), limits: limits) == "bulk string length 6 exceeds the limit of 5 bytes")
    #expect(
      decodeError(wire("=9\r\n"), limits: limits) == "verbatim string length 9 exceeds the limit of 5 bytes")
    #expect(decodeError(wire("!06"), limits: limits) == "bulk error length 06 exceeds the limit of 5 bytes")
    #expect(decodeError(wire(">4\r\n"), limits: limits) == "push length 4 exceeds the limit of 3 elements")
    #expect(decodeError(wire("|4\r\n"), limits: limits) == "attribute length 4 exceeds the limit of 3 pairs")
    #expect(try decodeWhole(wire("+12345678\r\n"), limits: limits) == .simpleString("12345678"))
    #expect(decodeError(wire("+123456789"), limits: limits) == "line at offset 1 is longer than 8 bytes")
    #expect(
      decodeError(wire("*1\r\n-123456789\r\n"), limits: limits) == "line at offset 5 is longer than 8 bytes")
  }

  @Test func defaultLineLimit() throws {
    let line = String(repeating: "a", count: 65_536)
    #expect(try decodeWhole(wire("+\(line)\r\n")) == .simpleString(line))
    #expect(decodeError(wire("+\(line)a")) == "line at offset 1 is longer than 65536 bytes")
  }

  @Test func zeroDepthAllowsOnlyScalars() throws {
    let limits = RESPLimits(maxDepth: 0)
    #expect(try decodeWhole(wire(":1\r\n"), limits: limits) == .integer(1))
    #expect(try decodeWhole(wire("*-1\r\n"), limits: limits) == .null)
    #expect(decodeError(wire("*0\r\n"), limits: limits) == "nesting deeper than 0 levels")
  }

  @Test func largeArrayDecodesQuickly() throws {
    let element = [UInt8](repeating: 120, count: 20)
    var bytes: [UInt8] = []
    RESPEncoder.encodeCommand(Array(repeating: element, count: 10_000), into: &bytes)
    var decoded: RESPValue?
    let elapsed = try timed { decoded = try decodeWhole(bytes) }
    #expect(decoded?.elements?.count == 10_000)
    #expect(decoded?.elements?.last == .bulkString(element))
    // Generous for a debug build; it exists to catch accidental quadratic work.
    #expect(elapsed < .seconds(1))
  }
}
