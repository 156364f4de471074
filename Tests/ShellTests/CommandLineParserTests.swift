import Testing

@testable import Shell

@Suite struct CommandLineParserTests {
  private func split(_ line: String) throws -> [String] {
    try CommandLineParser.split(line).map { String(decoding: $0, as: UTF8.self) }
  }

  @Test(
    arguments: [
      ("", []),
      ("   \t ", []),
      ("GET key", ["GET", "key"]),
      ("  SET\tk   v  ", ["SET", "k", "v"]),
      ("SET k \"hello world\"", ["SET", "k", "hello world"]),
      ("SET k 'hello world'", ["SET", "k", "hello world"]),
      ("SET k \"\"", ["SET", "k", ""]),
      ("SET k ''", ["SET", "k", ""]),
      ("\"\" \"\"", ["", ""]),
      ("SET k \"say \\\"hi\\\"\"", ["SET", "k", "say \"hi\""]),
      ("SET k \"a\\\\b\"", ["SET", "k", "a\\b"]),
      ("SET k \"l1\\nl2\\r\\t\"", ["SET", "k", "l1\nl2\r\t"]),
      ("SET k \"\\q\"", ["SET", "k", "q"]),
      ("SET k 'it\\'s'", ["SET", "k", "it's"]),
      ("SET k 'a\\nb \"c\"'", ["SET", "k", "a\\nb \"c\""]),
      ("SET k a\"b c\"", ["SET", "k", "ab c"]),
      ("SET k héllo", ["SET", "k", "héllo"]),
      ("SET k \"\\x41\\x7a\"", ["SET", "k", "Az"]),
      ("SET k \"\\xZZ\"", ["SET", "k", "xZZ"]),
      ("SET k \"x\"\t", ["SET", "k", "x"]),
    ])
  func splits(line: String, expected: [String]) throws {
    #expect(try split(line) == expected)
  }

  @Test func binaryEscapes() throws {
    let args = try CommandLineParser.split("SET k \"a\\x00b\\xff\\b\\a\"")
    #expect(args == [Array("SET".utf8), Array("k".utf8), [0x61, 0x00, 0x62, 0xFF, 0x08, 0x07]])
  }

  @Test func emptyStringIsAnArgument() throws {
    #expect(try CommandLineParser.split("\"\"") == [[]])
  }

  @Test(arguments: ["SET k \"abc", "SET k 'abc", "\"", "'", "SET k \"abc\\\"", "SET k 'it\\'"])
  func unbalancedQuotes(line: String) {
    #expect(throws: CommandLineError.unbalancedQuotes) { try CommandLineParser.split(line) }
  }

  @Test(arguments: ["SET k \"a\"b", "SET k 'a'b", "\"a\"\"b\""])
  func closingQuoteFollowedByText(line: String) {
    #expect(throws: CommandLineError.closingQuoteNotFollowedBySpace) {
      try CommandLineParser.split(line)
    }
  }

  @Test func errorTexts() {
    #expect(CommandLineError.unbalancedQuotes.description == "unbalanced quotes")
    #expect(
      CommandLineError.closingQuoteNotFollowedBySpace.description
        == "closing quote must be followed by a space")
  }

  @Test func splitStringsDecodesUTF8() throws {
    #expect(try CommandLineParser.splitStrings("ECHO \"\\xc3\\xa9\"") == ["ECHO", "é"])
  }
}
