/// Writes RESP wire bytes: client commands, and any `RESPValue` (for fake servers and tests).
///
/// Simple strings, simple errors, big numbers and verbatim formats cannot carry CR or LF on the
/// wire; the encoder replaces those bytes with spaces so its output is always well-formed.
public enum RESPEncoder {
  /// Appends a command as a RESP array of bulk strings, the form clients send.
  public static func encodeCommand(_ args: [[UInt8]], into out: inout [UInt8]) {
    appendHeader(ASCII.asterisk, args.count, to: &out)
    for arg in args {
      appendHeader(ASCII.dollar, arg.count, to: &out)
      out.append(contentsOf: arg)
      out.append(contentsOf: crlf)
    }
  }

  /// Appends a command whose arguments are UTF-8 text.
  public static func encodeCommand(_ args: [String], into out: inout [UInt8]) {
    appendHeader(ASCII.asterisk, args.count, to: &out)
    for arg in args {
      appendHeader(ASCII.dollar, arg.utf8.count, to: &out)
      out.append(contentsOf: arg.utf8)
      out.append(contentsOf: crlf)
    }
  }

  /// Returns a command encoded as a RESP array of bulk strings.
  public static func encodeCommand(_ args: [[UInt8]]) -> [UInt8] {
    var out: [UInt8] = []
    encodeCommand(args, into: &out)
    return out
  }

  /// Returns a command with UTF-8 text arguments encoded as a RESP array of bulk strings.
  public static func encodeCommand(_ args: [String]) -> [UInt8] {
    var out: [UInt8] = []
    encodeCommand(args, into: &out)
    return out
  }

  /// Appends a value in RESP3 wire form (null is `_\r\n`).
  public static func encode(_ value: RESPValue, into out: inout [UInt8]) {
    write(value, resp2: false, to: &out)
  }

  /// Returns a value in RESP3 wire form.
  public static func encode(_ value: RESPValue) -> [UInt8] {
    var out: [UInt8] = []
    encode(value, into: &out)
    return out
  }

  /// Appends a value as a RESP2 server would send it.
  ///
  /// Null becomes `$-1\r\n`; RESP3-only types are downgraded the way Redis does it: maps to flat
  /// arrays, sets and pushes to arrays, doubles and big numbers to bulk strings, booleans to
  /// integers 1/0, bulk errors to simple errors, verbatim strings to bulk strings, and
  /// attributes are dropped.
  public static func encodeRESP2(_ value: RESPValue, into out: inout [UInt8]) {
    write(value, resp2: true, to: &out)
  }

  /// Returns a value as a RESP2 server would send it (see `encodeRESP2(_:into:)`).
  public static func encodeRESP2(_ value: RESPValue) -> [UInt8] {
    var out: [UInt8] = []
    encodeRESP2(value, into: &out)
    return out
  }

  /// The text RESP3 uses for a double: `inf`, `-inf`, `nan`, or the shortest round-trip form.
  static func doubleText(_ d: Double) -> String {
    if d.isNaN { return "nan" }
    if d == .infinity { return "inf" }
    if d == -.infinity { return "-inf" }
    return d.description
  }

  private static let crlf: [UInt8] = [ASCII.cr, ASCII.lf]

  private static func write(_ value: RESPValue, resp2: Bool, to out: inout [UInt8]) {
    switch value {
    case .simpleString(let s):
      appendLine(ASCII.plus, s.utf8, to: &out)
    case .error(let s):
      appendLine(ASCII.minus, s.utf8, to: &out)
    case .integer(let i):
      out.append(ASCII.colon)
      appendDecimal(i, to: &out)
      out.append(contentsOf: crlf)
    case .bulkString(let b):
      appendBulk(ASCII.dollar, b, to: &out)
    case .null:
      out.append(contentsOf: (resp2 ? "$-1\r\n" : "_\r\n").utf8)
    case .array(let a):
      appendAggregate(ASCII.asterisk, a, resp2: resp2, to: &out)
    case .double(let d):
      if resp2 {
        appendBulk(ASCII.dollar, doubleText(d).utf8, to: &out)
      } else {
        appendLine(ASCII.comma, doubleText(d).utf8, to: &out)
      }
    case .boolean(let b):
      if resp2 {
        out.append(contentsOf: (b ? ":1\r\n" : ":0\r\n").utf8)
      } else {
        out.append(contentsOf: (b ? "#t\r\n" : "#f\r\n").utf8)
      }
    case .bigNumber(let s):
      if resp2 {
        appendBulk(ASCII.dollar, s.utf8, to: &out)
      } else {
        appendLine(ASCII.openParen, s.utf8, to: &out)
      }
    case .bulkError(let s):
      if resp2 {
        appendLine(ASCII.minus, s.utf8, to: &out)
      } else {
        appendBulk(ASCII.bang, s.utf8, to: &out)
      }
    case .verbatimString(let format, let text):
      if resp2 {
        appendBulk(ASCII.dollar, text, to: &out)
      } else {
        appendVerbatim(format: format, text: text, to: &out)
      }
    case .map(let pairs):
      appendHeader(resp2 ? ASCII.asterisk : ASCII.percent, resp2 ? pairs.count * 2 : pairs.count, to: &out)
      for pair in pairs {
        write(pair.key, resp2: resp2, to: &out)
        write(pair.value, resp2: resp2, to: &out)
      }
    case .set(let a):
      appendAggregate(resp2 ? ASCII.asterisk : ASCII.tilde, a, resp2: resp2, to: &out)
    case .push(let a):
      appendAggregate(resp2 ? ASCII.asterisk : ASCII.greaterThan, a, resp2: resp2, to: &out)
    case .attributed(let attributes, let inner):
      if !resp2 {
        appendHeader(ASCII.pipe, attributes.count, to: &out)
        for pair in attributes {
          write(pair.key, resp2: resp2, to: &out)
          write(pair.value, resp2: resp2, to: &out)
        }
      }
      write(inner, resp2: resp2, to: &out)
    }
  }

  private static func appendAggregate(
    _ type: UInt8, _ elements: [RESPValue], resp2: Bool, to out: inout [UInt8]
  ) {
    appendHeader(type, elements.count, to: &out)
    for element in elements { write(element, resp2: resp2, to: &out) }
  }

  private static func appendVerbatim(format: String, text: [UInt8], to out: inout [UInt8]) {
    // The wire format is exactly three bytes; pad or cut anything else so the length stays right.
    var fmt = Array(format.utf8.prefix(3).map(lineSafe))
    while fmt.count < 3 { fmt.append(ASCII.space) }
    appendHeader(ASCII.equals, text.count + 4, to: &out)
    out.append(contentsOf: fmt)
    out.append(ASCII.colon)
    out.append(contentsOf: text)
    out.append(contentsOf: crlf)
  }

  private static func appendBulk(
    _ type: UInt8, _ bytes: some Collection<UInt8>, to out: inout [UInt8]
  ) {
    appendHeader(type, bytes.count, to: &out)
    out.append(contentsOf: bytes)
    out.append(contentsOf: crlf)
  }

  private static func appendLine(_ type: UInt8, _ text: String.UTF8View, to out: inout [UInt8]) {
    out.append(type)
    for byte in text { out.append(lineSafe(byte)) }
    out.append(contentsOf: crlf)
  }

  private static func lineSafe(_ byte: UInt8) -> UInt8 {
    byte == ASCII.cr || byte == ASCII.lf ? ASCII.space : byte
  }

  private static func appendHeader(_ type: UInt8, _ count: Int, to out: inout [UInt8]) {
    out.append(type)
    appendDecimal(Int64(count), to: &out)
    out.append(contentsOf: crlf)
  }

  /// Writes decimal digits without going through `String`, since headers are on the hot path.
  private static func appendDecimal(_ value: Int64, to out: inout [UInt8]) {
    if value < 0 { out.append(ASCII.minus) }
    let magnitude = value.magnitude
    var power: UInt64 = 1
    while magnitude / power >= 10 { power *= 10 }
    while power > 0 {
      out.append(UInt8(truncatingIfNeeded: magnitude / power % 10) &+ ASCII.zero)
      power /= 10
    }
  }
}

/// Byte values of the ASCII characters RESP uses.
enum ASCII {
  static let cr: UInt8 = UInt8(ascii: "\r")
  static let lf: UInt8 = UInt8(ascii: "\n")
  static let space: UInt8 = UInt8(ascii: " ")
  static let zero: UInt8 = UInt8(ascii: "0")
  static let plus: UInt8 = UInt8(ascii: "+")
  static let minus: UInt8 = UInt8(ascii: "-")
  static let colon: UInt8 = UInt8(ascii: ":")
  static let dollar: UInt8 = UInt8(ascii: "$")
  static let asterisk: UInt8 = UInt8(ascii: "*")
  static let underscore: UInt8 = UInt8(ascii: "_")
  static let comma: UInt8 = UInt8(ascii: ",")
  static let hash: UInt8 = UInt8(ascii: "#")
  static let openParen: UInt8 = UInt8(ascii: "(")
  static let bang: UInt8 = UInt8(ascii: "!")
  static let equals: UInt8 = UInt8(ascii: "=")
  static let percent: UInt8 = UInt8(ascii: "%")
  static let tilde: UInt8 = UInt8(ascii: "~")
  static let greaterThan: UInt8 = UInt8(ascii: ">")
  static let pipe: UInt8 = UInt8(ascii: "|")
  static let question: UInt8 = UInt8(ascii: "?")
  static let dot: UInt8 = UInt8(ascii: ".")
}
