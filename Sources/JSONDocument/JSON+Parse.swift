/// Why a document is not JSON, and where: kubectl output is large, so a byte offset beats a line of context.
public struct JSONParseError: Error, Hashable, Sendable, CustomStringConvertible {
  /// Zero-based offset into the UTF-8 input of the byte that could not be accepted (the input's length when
  /// the input ended too early).
  public var offset: Int
  /// A short phrase, e.g. "expected ':' after an object key".
  public var reason: String

  public init(offset: Int, reason: String) {
    self.offset = offset
    self.reason = reason
  }

  public var description: String { "invalid JSON at byte \(offset): \(reason)" }
}

extension JSON {
  /// Deepest nesting of arrays and objects accepted; the parser recurses, so hostile input must not get deeper.
  public static let maxDepth = 512

  /// Parses UTF-8 JSON (RFC 8259) in one pass over contiguous bytes.
  ///
  /// Strict where kubectl output never strays (no comments, no trailing commas, no leading zeros, no byte
  /// order mark, nothing but whitespace after the value) and forgiving where rejecting would only lose data:
  /// an escaped lone surrogate (`"\uD800"`) and invalid UTF-8 become U+FFFD, like Go's `encoding/json`.
  /// Numbers that overflow a `Double` are rejected rather than turned into infinity. An integer literal (no
  /// fraction, no exponent) that fits in `Int` becomes `.int`, any other number `.double` (`-0` too, keeping its
  /// sign). Duplicate keys: the last value wins, at the first one's place.
  public static func parse(_ bytes: some Collection<UInt8>) throws(JSONParseError) -> JSON {
    let contiguous = bytes.withContiguousStorageIfAvailable { buffer in
      Result { () throws(JSONParseError) in try parse(buffer: buffer) }
    }
    if let contiguous { return try contiguous.get() }
    let copy = Array(bytes)
    return try copy.withUnsafeBufferPointer { buffer in
      Result { () throws(JSONParseError) in try parse(buffer: buffer) }
    }.get()
  }

  /// Parses JSON text.
  public static func parse(_ text: String) throws(JSONParseError) -> JSON {
    var text = text
    return try text.withUTF8 { buffer in
      Result { () throws(JSONParseError) in try parse(buffer: buffer) }
    }.get()
  }

  private static func parse(buffer: UnsafeBufferPointer<UInt8>) throws(JSONParseError) -> JSON {
    var parser = JSONParser(bytes: buffer)
    return try parser.parseDocument()
  }
}

// MARK: - Parser

/// Recursive descent over a borrowed buffer: indexing raw bytes avoids `String.Index` and
/// `Collection` overhead, which dominates on the megabytes kubectl prints for a few hundred pods.
private struct JSONParser {
  let bytes: UnsafeBufferPointer<UInt8>
  var index = 0
  /// Reused across strings that contain escapes, so only their final `String` allocates.
  var scratch: [UInt8] = []

  init(bytes: UnsafeBufferPointer<UInt8>) {
    self.bytes = bytes
  }

  mutating func parseDocument() throws(JSONParseError) -> JSON {
    skipWhitespace()
    let value = try parseValue(depth: 0)
    skipWhitespace()
    guard index == bytes.count else { throw fail("unexpected data after the JSON value") }
    return value
  }

  // MARK: Values

  mutating func parseValue(depth: Int) throws(JSONParseError) -> JSON {
    guard index < bytes.count else { throw endOfInput("expected a value") }
    switch bytes[index] {
    case UInt8(ascii: "{"): return try parseObject(depth: depth + 1)
    case UInt8(ascii: "["): return try parseArray(depth: depth + 1)
    case UInt8(ascii: "\""): return .string(try parseString())
    case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
    case UInt8(ascii: "t"): return try parseLiteral("true", .bool(true))
    case UInt8(ascii: "f"): return try parseLiteral("false", .bool(false))
    case UInt8(ascii: "n"): return try parseLiteral("null", .null)
    default: throw fail("expected a value")
    }
  }

  mutating func parseObject(depth: Int) throws(JSONParseError) -> JSON {
    guard depth <= JSON.maxDepth else { throw fail("nesting deeper than \(JSON.maxDepth) levels") }
    index += 1
    var members = Members()
    skipWhitespace()
    if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
      index += 1
      return .object([])
    }
    while true {
      guard index < bytes.count else { throw endOfInput("expected a string key") }
      guard bytes[index] == UInt8(ascii: "\"") else { throw fail("expected a string key") }
      let key = try parseString()
      skipWhitespace()
      guard index < bytes.count else { throw endOfInput("expected ':' after an object key") }
      guard bytes[index] == UInt8(ascii: ":") else { throw fail("expected ':' after an object key") }
      index += 1
      skipWhitespace()
      members.set(key, try parseValue(depth: depth))
      skipWhitespace()
      guard index < bytes.count else { throw endOfInput("expected ',' or '}' in an object") }
      switch bytes[index] {
      case UInt8(ascii: ","):
        index += 1
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
          throw fail("trailing comma in an object")
        }
      case UInt8(ascii: "}"):
        index += 1
        return .object(members.list)
      default: throw fail("expected ',' or '}' in an object")
      }
    }
  }

  mutating func parseArray(depth: Int) throws(JSONParseError) -> JSON {
    guard depth <= JSON.maxDepth else { throw fail("nesting deeper than \(JSON.maxDepth) levels") }
    index += 1
    var elements: [JSON] = []
    skipWhitespace()
    if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
      index += 1
      return .array(elements)
    }
    while true {
      elements.append(try parseValue(depth: depth))
      skipWhitespace()
      guard index < bytes.count else { throw endOfInput("expected ',' or ']' in an array") }
      switch bytes[index] {
      case UInt8(ascii: ","):
        index += 1
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") { throw fail("trailing comma in an array") }
      case UInt8(ascii: "]"):
        index += 1
        return .array(elements)
      default: throw fail("expected ',' or ']' in an array")
      }
    }
  }

  mutating func parseLiteral(_ word: StaticString, _ value: JSON) throws(JSONParseError) -> JSON {
    let mismatch = word.withUTF8Buffer { expected -> Int? in
      for offset in 0..<expected.count {
        let position = index + offset
        if position >= bytes.count || bytes[position] != expected[offset] { return position }
      }
      return nil
    }
    if let mismatch {
      index = mismatch
      if mismatch == bytes.count { throw endOfInput("expected '\(word)'") }
      throw fail("expected '\(word)'")
    }
    index += word.utf8CodeUnitCount
    return value
  }

  // MARK: Strings

  /// Most kubectl strings have no escapes: those become a `String` straight from the input bytes.
  mutating func parseString() throws(JSONParseError) -> String {
    let start = index + 1
    var position = start
    while position < bytes.count {
      let byte = bytes[position]
      if byte == UInt8(ascii: "\"") {
        index = position + 1
        return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
      }
      if byte == UInt8(ascii: "\\") {
        index = position
        return try parseEscapedString(from: start)
      }
      if byte < 0x20 { throw fail("unescaped control character in a string", at: position) }
      position += 1
    }
    index = position
    throw endOfInput("unterminated string")
  }

  /// Finishes a string whose raw prefix `bytes[start..<index]` is already checked; `index` is at a backslash.
  mutating func parseEscapedString(from start: Int) throws(JSONParseError) -> String {
    scratch.removeAll(keepingCapacity: true)
    scratch.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<index]))
    while index < bytes.count {
      let byte = bytes[index]
      switch byte {
      case UInt8(ascii: "\""):
        index += 1
        return String(decoding: scratch, as: UTF8.self)
      case UInt8(ascii: "\\"):
        try appendEscape()
      case ..<0x20:
        throw fail("unescaped control character in a string")
      default:
        scratch.append(byte)
        index += 1
      }
    }
    throw endOfInput("unterminated string")
  }

  mutating func appendEscape() throws(JSONParseError) {
    let escapeStart = index
    index += 1
    guard index < bytes.count else { throw endOfInput("unterminated escape in a string") }
    let byte = bytes[index]
    index += 1
    switch byte {
    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): scratch.append(byte)
    case UInt8(ascii: "b"): scratch.append(0x08)
    case UInt8(ascii: "f"): scratch.append(0x0C)
    case UInt8(ascii: "n"): scratch.append(0x0A)
    case UInt8(ascii: "r"): scratch.append(0x0D)
    case UInt8(ascii: "t"): scratch.append(0x09)
    case UInt8(ascii: "u"): appendScalar(try parseUnicodeEscape())
    default: throw fail("invalid escape sequence in a string", at: escapeStart)
    }
  }

  /// Decodes what follows `\u`, pairing a high surrogate with an immediately following `\u` low surrogate.
  /// A surrogate that cannot be paired becomes U+FFFD; the escape after an unpaired high one is read again.
  mutating func parseUnicodeEscape() throws(JSONParseError) -> UInt32 {
    let unit = try parseHex4()
    switch unit {
    case 0xD800...0xDBFF:
      guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u")
      else { return 0xFFFD }
      let next = index
      index += 2
      let low = try parseHex4()
      guard (0xDC00...0xDFFF).contains(low) else {
        index = next
        return 0xFFFD
      }
      return 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)
    case 0xDC00...0xDFFF: return 0xFFFD
    default: return unit
    }
  }

  mutating func parseHex4() throws(JSONParseError) -> UInt32 {
    var value: UInt32 = 0
    for _ in 0..<4 {
      guard index < bytes.count else { throw endOfInput("expected four hex digits after \\u") }
      let byte = bytes[index]
      let digit: UInt8
      switch byte {
      case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
      case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
      case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
      default: throw fail("expected four hex digits after \\u")
      }
      value = value << 4 | UInt32(digit)
      index += 1
    }
    return value
  }

  /// Appends a scalar value (never a surrogate) as UTF-8.
  mutating func appendScalar(_ scalar: UInt32) {
    switch scalar {
    case ..<0x80:
      scratch.append(UInt8(scalar))
    case ..<0x800:
      scratch.append(UInt8(0xC0 | scalar >> 6))
      scratch.append(UInt8(0x80 | scalar & 0x3F))
    case ..<0x1_0000:
      scratch.append(UInt8(0xE0 | scalar >> 12))
      scratch.append(UInt8(0x80 | scalar >> 6 & 0x3F))
      scratch.append(UInt8(0x80 | scalar & 0x3F))
    default:
      scratch.append(UInt8(0xF0 | scalar >> 18))
      scratch.append(UInt8(0x80 | scalar >> 12 & 0x3F))
      scratch.append(UInt8(0x80 | scalar >> 6 & 0x3F))
      scratch.append(UInt8(0x80 | scalar & 0x3F))
    }
  }

  // MARK: Numbers

  /// Validates the RFC 8259 grammar while collecting the decimal digits. An integer literal of up to 19 digits
  /// that fits in `Int` is an `.int` (but `-0` a `.double`, keeping its sign). Otherwise up to 15 significant
  /// digits scaled by at most 10^22 convert exactly with one rounding (Clinger's fast path); anything else goes
  /// to the standard library's correctly rounded parser.
  mutating func parseNumber() throws(JSONParseError) -> JSON {
    let start = index
    let negative = bytes[index] == UInt8(ascii: "-")
    if negative { index += 1 }
    var mantissa: UInt64 = 0
    var digitCount = 0
    guard index < bytes.count else { throw endOfInput("expected a digit") }
    switch bytes[index] {
    case UInt8(ascii: "0"):
      index += 1
      if index < bytes.count, isDigit(bytes[index]) {
        throw fail("leading zeros are not allowed in a number")
      }
    case UInt8(ascii: "1")...UInt8(ascii: "9"):
      digitCount = scanDigits(into: &mantissa)
    default: throw fail("expected a digit")
    }
    var fractionDigits = 0
    if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
      index += 1
      fractionDigits = scanDigits(into: &mantissa)
      guard fractionDigits > 0 else { throw digitExpected("after the decimal point") }
      digitCount += fractionDigits
    }
    var exponent = 0
    let hasExponent = index < bytes.count && bytes[index] | 0x20 == UInt8(ascii: "e")
    if hasExponent {
      index += 1
      var exponentNegative = false
      if index < bytes.count, bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "+") {
        exponentNegative = bytes[index] == UInt8(ascii: "-")
        index += 1
      }
      let exponentStart = index
      while index < bytes.count, isDigit(bytes[index]) {
        // Saturate: such exponents overflow or underflow anyway, and the slow path sees the real text.
        exponent = min(exponent * 10 + Int(bytes[index] - UInt8(ascii: "0")), 100_000)
        index += 1
      }
      guard index > exponentStart else { throw digitExpected("in the exponent") }
      if exponentNegative { exponent = -exponent }
    }
    if fractionDigits == 0, !hasExponent, digitCount <= 19,
      let whole = Self.integer(mantissa, negative: negative)
    {
      return .int(whole)
    }
    let scale = exponent - fractionDigits
    if digitCount <= 15, (-22...22).contains(scale) {
      var value = Double(mantissa)
      if scale > 0 {
        value *= Self.powersOfTen[scale]
      } else if scale < 0 {
        value /= Self.powersOfTen[-scale]
      }
      return .double(negative ? -value : value)
    }
    let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
    guard let value = Double(text), value.isFinite else { throw fail("number out of range", at: start) }
    return .double(value)
  }

  /// `mantissa` (exact: at most 19 digits) with its sign as an `Int`; nil when it does not fit, and for `-0`.
  static func integer(_ mantissa: UInt64, negative: Bool) -> Int? {
    if negative {
      guard mantissa != 0, mantissa <= UInt64(Int.max) + 1 else { return nil }
      return mantissa == UInt64(Int.max) + 1 ? Int.min : -Int(mantissa)
    }
    return mantissa <= UInt64(Int.max) ? Int(mantissa) : nil
  }

  /// Scans decimal digits, accumulating into `mantissa` (wrapping is harmless: it takes more than 19 digits,
  /// and more than 15 take the slow path), and returns how many there were.
  mutating func scanDigits(into mantissa: inout UInt64) -> Int {
    let start = index
    while index < bytes.count, isDigit(bytes[index]) {
      mantissa = mantissa &* 10 &+ UInt64(bytes[index] - UInt8(ascii: "0"))
      index += 1
    }
    return index - start
  }

  func isDigit(_ byte: UInt8) -> Bool { byte &- UInt8(ascii: "0") < 10 }

  static let powersOfTen: [Double] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
    1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
  ]

  // MARK: Whitespace and errors

  mutating func skipWhitespace() {
    while index < bytes.count {
      switch bytes[index] {
      case UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "\t"): index += 1
      default: return
      }
    }
  }

  func fail(_ reason: String, at offset: Int? = nil) -> JSONParseError {
    JSONParseError(offset: offset ?? index, reason: reason)
  }

  func endOfInput(_ expectation: String) -> JSONParseError {
    JSONParseError(offset: bytes.count, reason: "unexpected end of input: \(expectation)")
  }

  func digitExpected(_ place: String) -> JSONParseError {
    index < bytes.count ? fail("expected a digit \(place)") : endOfInput("expected a digit \(place)")
  }
}

/// An object's members as the parser reads them: a repeated key's last value wins, at its first place. Up to
/// 16 members a scan finds a repeated key; past that an index of positions does, so an object with many keys
/// parses in linear time.
private struct Members {
  private(set) var list: [(String, JSON)] = []
  private var positions: [String: Int]? = nil

  mutating func set(_ key: String, _ value: JSON) {
    guard positions != nil else {
      if let at = list.firstIndex(where: { $0.0 == key }) {
        list[at].1 = value
        return
      }
      list.append((key, value))
      if list.count > 16 {
        var index: [String: Int] = [:]
        for (at, member) in list.enumerated() { index[member.0] = at }
        positions = index
      }
      return
    }
    if let at = positions?[key] {
      list[at].1 = value
    } else {
      positions?[key] = list.count
      list.append((key, value))
    }
  }
}
