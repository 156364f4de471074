import RESP
import Testing

@Suite struct RESPEncoderTests {
  @Test func commandFromStrings() {
    #expect(
      RESPEncoder.encodeCommand(["SET", "k", "vé"]) == wire("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$3\r\nvé\r\n"))
    #expect(RESPEncoder.encodeCommand([String]()) == wire("*0\r\n"))
  }

  @Test func commandFromBytesAppends() {
    var out = wire("xx")
    RESPEncoder.encodeCommand([wire("GET"), [0, 13, 10], []], into: &out)
    #expect(out == wire("xx*3\r\n$3\r\nGET\r\n$3\r\n") + [0, 13, 10] + wire("\r\n$0\r\n\r\n"))
  }

  @Test(
    arguments: [
      (RESPValue.simpleString("OK"), "+OK\r\n"),
      (.simpleString(""), "+\r\n"),
      (.error("ERR bad"), "-ERR bad\r\n"),
      (.integer(0), ":0\r\n"),
      (.integer(-42), ":-42\r\n"),
      (.integer(Int64.max), ":9223372036854775807\r\n"),
      (.integer(Int64.min), ":-9223372036854775808\r\n"),
      (.bulkString(wire("hello")), "$5\r\nhello\r\n"),
      (.bulkString([]), "$0\r\n\r\n"),
      (.null, "_\r\n"),
      (.array([]), "*0\r\n"),
      (.array([.integer(1), .bulkString(wire("a"))]), "*2\r\n:1\r\n$1\r\na\r\n"),
      (.double(1.5), ",1.5\r\n"),
      (.double(-0.0), ",-0.0\r\n"),
      (.double(1e20), ",1e+20\r\n"),
      (.double(.infinity), ",inf\r\n"),
      (.double(-.infinity), ",-inf\r\n"),
      (.double(.nan), ",nan\r\n"),
      (.double(-.nan), ",nan\r\n"),
      (.boolean(true), "#t\r\n"),
      (.boolean(false), "#f\r\n"),
      (.bigNumber("-123456789012345678901234567890"), "(-123456789012345678901234567890\r\n"),
      (.bulkError("SYNTAX x"), "!8\r\nSYNTAX x\r\n"),
      (.verbatimString(format: "txt", text: wire("Some")), "=8\r\ntxt:Some\r\n"),
      (.map([RESPPair(.simpleString("a"), .integer(1))]), "%1\r\n+a\r\n:1\r\n"),
      (.set([.boolean(true)]), "~1\r\n#t\r\n"),
      (.push([.bulkString(wire("message"))]), ">1\r\n$7\r\nmessage\r\n"),
      (
        .attributed(attributes: [RESPPair(.simpleString("ttl"), .integer(3))], value: .integer(9)),
        "|1\r\n+ttl\r\n:3\r\n:9\r\n"
      ),
    ])
  func encodesRESP3(value: RESPValue, expected: String) {
    #expect(RESPEncoder.encode(value) == wire(expected))
  }

  @Test func encodeIntoAppends() {
    var out = wire("+x\r\n")
    RESPEncoder.encode(.integer(5), into: &out)
    #expect(out == wire("+x\r\n:5\r\n"))
  }

  @Test func lineTypesNeverEmitCRorLF() {
    #expect(RESPEncoder.encode(.simpleString("a\r\nb")) == wire("+a  b\r\n"))
    #expect(RESPEncoder.encode(.error("E\n")) == wire("-E \r\n"))
    // Bulk errors are length-prefixed, so they keep CR/LF.
    #expect(RESPEncoder.encode(.bulkError("a\r\n")) == wire("!3\r\na\r\n\r\n"))
  }

  @Test func verbatimFormatIsAlwaysThreeBytes() {
    #expect(RESPEncoder.encode(.verbatimString(format: "mkd", text: [])) == wire("=4\r\nmkd:\r\n"))
    #expect(RESPEncoder.encode(.verbatimString(format: "x", text: wire("y"))) == wire("=5\r\nx  :y\r\n"))
    #expect(RESPEncoder.encode(.verbatimString(format: "long", text: [])) == wire("=4\r\nlon:\r\n"))
  }

  @Test(
    arguments: [
      (RESPValue.null, "$-1\r\n"),
      (.array([.null]), "*1\r\n$-1\r\n"),
      (.simpleString("OK"), "+OK\r\n"),
      (.bulkString(wire("v")), "$1\r\nv\r\n"),
      (.double(2.5), "$3\r\n2.5\r\n"),
      (.double(-.infinity), "$4\r\n-inf\r\n"),
      (.boolean(true), ":1\r\n"),
      (.boolean(false), ":0\r\n"),
      (.bigNumber("12345"), "$5\r\n12345\r\n"),
      (.bulkError("ERR x"), "-ERR x\r\n"),
      (.verbatimString(format: "txt", text: wire("hi")), "$2\r\nhi\r\n"),
      (.map([RESPPair(.simpleString("a"), .null)]), "*2\r\n+a\r\n$-1\r\n"),
      (.set([.integer(1)]), "*1\r\n:1\r\n"),
      (.push([.integer(1)]), "*1\r\n:1\r\n"),
      (.attributed(attributes: [RESPPair(.null, .null)], value: .integer(1)), ":1\r\n"),
    ])
  func encodesRESP2(value: RESPValue, expected: String) {
    #expect(RESPEncoder.encodeRESP2(value) == wire(expected))
  }

  @Test func resp2OutputDecodes() throws {
    let value = RESPValue.map([RESPPair(.bulkString(wire("k")), .set([.double(1), .boolean(true)]))])
    let decoded = try decodeWhole(RESPEncoder.encodeRESP2(value))
    #expect(
      decoded == .array([.bulkString(wire("k")), .array([.bulkString(wire("1.0")), .integer(1)])]))
  }
}
