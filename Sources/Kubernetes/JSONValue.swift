/// A parsed JSON document (kubectl's output).
///
/// Numbers are kept as `Double`, as most JSON readers do: the integers Kubernetes prints (ports, replica counts,
/// generations) fit in 53 bits, and larger ones are rounded to the nearest `Double`. Read them with `int`.
public enum JSONValue: Sendable, Equatable {
  case null
  case bool(Bool)
  case number(Double)
  case string(String)
  case array([JSONValue])
  case object([String: JSONValue])
}

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

extension JSONValue {
  /// Deepest nesting of arrays and objects accepted; the parser recurses, so hostile input must not get deeper.
  public static let maxDepth = 512

  /// Parses UTF-8 JSON (RFC 8259) in one pass over contiguous bytes.
  ///
  /// Strict where kubectl output never strays (no comments, no trailing commas, no leading zeros, no byte
  /// order mark, nothing but whitespace after the value) and forgiving where rejecting would only lose data:
  /// an escaped lone surrogate (`"\uD800"`) and invalid UTF-8 become U+FFFD, like Go's `encoding/json`.
  /// Numbers that overflow a `Double` are rejected rather than turned into infinity. Duplicate keys: last wins.
  public static func parse(_ bytes: some Collection<UInt8>) throws(JSONParseError) -> JSONValue {
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
  public static func parse(_ text: String) throws(JSONParseError) -> JSONValue {
    var text = text
    return try text.withUTF8 { buffer in
      Result { () throws(JSONParseError) in try parse(buffer: buffer) }
    }.get()
  }

  private static func parse(buffer: UnsafeBufferPointer<UInt8>) throws(JSONParseError) -> JSONValue {
    var parser = JSONParser(bytes: buffer)
    return try parser.parseDocument()
  }
}

// MARK: - Reading values

extension JSONValue {
  /// The member named `key` of an object; nil for a missing key or a value that is not an object.
  public subscript(key: String) -> JSONValue? {
    guard case .object(let members) = self else { return nil }
    return members[key]
  }

  /// The element at `index` of an array; nil out of range or for a value that is not an array.
  public subscript(index: Int) -> JSONValue? {
    guard case .array(let elements) = self, elements.indices.contains(index) else { return nil }
    return elements[index]
  }

  public var string: String? {
    guard case .string(let text) = self else { return nil }
    return text
  }

  /// A whole number that fits in `Int`, or a string holding one in plain decimal ("8080", "-1"): Kubernetes
  /// quotes integers where the schema says string (env values, annotations), and callers want them either way.
  public var int: Int? {
    switch self {
    case .number(let number):
      // Not `Int(exactly:)`: it calls libm's rounding functions, which only link where Foundation or Glibc does.
      guard number >= -0x1p63, number < 0x1p63 else { return nil }
      let whole = Int(number)
      return Double(whole) == number ? whole : nil
    case .string(let text):
      guard text.utf8.first != UInt8(ascii: "+") else { return nil }
      return Int(text)
    default: return nil
    }
  }

  public var double: Double? {
    guard case .number(let number) = self else { return nil }
    return number
  }

  public var bool: Bool? {
    guard case .bool(let flag) = self else { return nil }
    return flag
  }

  public var array: [JSONValue]? {
    guard case .array(let elements) = self else { return nil }
    return elements
  }

  public var object: [String: JSONValue]? {
    guard case .object(let members) = self else { return nil }
    return members
  }

  public var isNull: Bool {
    guard case .null = self else { return false }
    return true
  }

  /// Follows a path of keys, e.g. `pod.path("metadata", "labels", "app")`; nil as soon as one is missing, so
  /// optional fields need no chain of `?`.
  public func path(_ keys: String...) -> JSONValue? {
    var current = self
    for key in keys {
      guard let next = current[key] else { return nil }
      current = next
    }
    return current
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

  mutating func parseDocument() throws(JSONParseError) -> JSONValue {
    skipWhitespace()
    let value = try parseValue(depth: 0)
    skipWhitespace()
    guard index == bytes.count else { throw fail("unexpected data after the JSON value") }
    return value
  }

  // MARK: Values

  mutating func parseValue(depth: Int) throws(JSONParseError) -> JSONValue {
    guard index < bytes.count else { throw endOfInput("expected a value") }
    switch bytes[index] {
    case UInt8(ascii: "{"): return try parseObject(depth: depth + 1)
    case UInt8(ascii: "["): return try parseArray(depth: depth + 1)
    case UInt8(ascii: "\""): return .string(try parseString())
    case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
    case UInt8(ascii: "t"): return try parseLiteral("true", .bool(true))
    case UInt8(ascii: "f"): return try parseLiteral("false", .bool(false))
    case UInt8(ascii: "n"): return try parseLiteral("null", .null)
    default: throw fail("expected a value")
    }
  }

  mutating func parseObject(depth: Int) throws(JSONParseError) -> JSONValue {
    guard depth <= JSONValue.maxDepth else { throw fail("nesting deeper than \(JSONValue.maxDepth) levels") }
    index += 1
    var members: [String: JSONValue] = [:]
    skipWhitespace()
    if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
      index += 1
      return .object(members)
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
      members[key] = try parseValue(depth: depth)
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
        return .object(members)
      default: throw fail("expected ',' or '}' in an object")
      }
    }
  }

  mutating func parseArray(depth: Int) throws(JSONParseError) -> JSONValue {
    guard depth <= JSONValue.maxDepth else { throw fail("nesting deeper than \(JSONValue.maxDepth) levels") }
    index += 1
    var elements: [JSONValue] = []
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

  mutating func parseLiteral(_ word: StaticString, _ value: JSONValue) throws(JSONParseError) -> JSONValue {
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

  /// Validates the RFC 8259 grammar while collecting the decimal digits. Up to 15 significant digits scaled by at
  /// most 10^22 convert exactly with one rounding (Clinger's fast path); anything else goes to the standard
  /// library's correctly rounded parser.
  mutating func parseNumber() throws(JSONParseError) -> Double {
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
    if index < bytes.count, bytes[index] | 0x20 == UInt8(ascii: "e") {
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
    let scale = exponent - fractionDigits
    if digitCount <= 15, (-22...22).contains(scale) {
      var value = Double(mantissa)
      if scale > 0 {
        value *= Self.powersOfTen[scale]
      } else if scale < 0 {
        value /= Self.powersOfTen[-scale]
      }
      return negative ? -value : value
    }
    let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
    guard let value = Double(text), value.isFinite else { throw fail("number out of range", at: start) }
    return value
  }

  /// Scans decimal digits, accumulating into `mantissa` (wrapping is harmless: more than 15 digits take the
  /// slow path), and returns how many there were.
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
