/// Why a shell line could not be split into arguments.
public struct CommandLineError: Error, Hashable, Sendable, CustomStringConvertible {
  public let description: String

  public init(_ description: String) {
    self.description = description
  }

  /// A quote was opened and never closed.
  public static let unbalancedQuotes = CommandLineError("unbalanced quotes")
  /// A closing quote was directly followed by something other than a space (`"a"b`).
  public static let closingQuoteNotFollowedBySpace = CommandLineError(
    "closing quote must be followed by a space")
}

/// Splits a shell line into command arguments the way redis-cli does.
public enum CommandLineParser {
  /// Splits like redis-cli: words are separated by whitespace; `"double quotes"` understand the escapes
  /// `\"`, `\\`, `\n`, `\r`, `\t`, `\b`, `\a` and `\xHH` (any other escaped character stands for itself);
  /// `'single quotes'` are literal except for `\'`. A quote may start in the middle of a word
  /// (`a"b c"` is `ab c`), but a closing quote must be followed by whitespace or the end of the line.
  /// Returns the bytes of each argument (binary-safe: `"\x00"` is one zero byte, `""` an empty argument).
  public static func split(_ line: String) throws(CommandLineError) -> [[UInt8]] {
    let bytes = Array(line.utf8)
    var arguments: [[UInt8]] = []
    var index = 0

    while true {
      while index < bytes.count, isSpace(bytes[index]) { index += 1 }
      if index == bytes.count { return arguments }

      var current: [UInt8] = []
      var mode = QuoteMode.none
      var done = false
      while !done {
        guard index < bytes.count else {
          if mode != .none { throw .unbalancedQuotes }
          break
        }
        let byte = bytes[index]
        switch mode {
        case .double:
          if byte == backslash, index + 1 < bytes.count {
            let next = bytes[index + 1]
            if next == UInt8(ascii: "x"), index + 3 < bytes.count,
              let high = hexValue(bytes[index + 2]), let low = hexValue(bytes[index + 3])
            {
              current.append(high << 4 | low)
              index += 3
            } else {
              current.append(unescape(next))
              index += 1
            }
          } else if byte == doubleQuote {
            if index + 1 < bytes.count, !isSpace(bytes[index + 1]) {
              throw .closingQuoteNotFollowedBySpace
            }
            done = true
          } else {
            current.append(byte)
          }
        case .single:
          if byte == backslash, index + 1 < bytes.count, bytes[index + 1] == singleQuote {
            current.append(singleQuote)
            index += 1
          } else if byte == singleQuote {
            if index + 1 < bytes.count, !isSpace(bytes[index + 1]) {
              throw .closingQuoteNotFollowedBySpace
            }
            done = true
          } else {
            current.append(byte)
          }
        case .none:
          if isSpace(byte) {
            done = true
          } else if byte == doubleQuote {
            mode = .double
          } else if byte == singleQuote {
            mode = .single
          } else {
            current.append(byte)
          }
        }
        index += 1
      }
      arguments.append(current)
    }
  }

  /// `split` with every argument decoded as UTF-8 (invalid sequences become U+FFFD).
  public static func splitStrings(_ line: String) throws(CommandLineError) -> [String] {
    try split(line).map { String(decoding: $0, as: UTF8.self) }
  }

  private enum QuoteMode { case none, single, double }

  private static let backslash = UInt8(ascii: "\\")
  private static let doubleQuote = UInt8(ascii: "\"")
  private static let singleQuote = UInt8(ascii: "'")

  /// The C `isspace` set: space, \t, \n, \v, \f, \r.
  private static func isSpace(_ byte: UInt8) -> Bool {
    byte == 0x20 || (0x09...0x0D).contains(byte)
  }

  private static func hexValue(_ byte: UInt8) -> UInt8? {
    switch byte {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
    default: nil
    }
  }

  private static func unescape(_ byte: UInt8) -> UInt8 {
    switch byte {
    case UInt8(ascii: "n"): 0x0A
    case UInt8(ascii: "r"): 0x0D
    case UInt8(ascii: "t"): 0x09
    case UInt8(ascii: "b"): 0x08
    case UInt8(ascii: "a"): 0x07
    default: byte
    }
  }
}
