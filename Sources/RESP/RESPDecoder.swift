/// Bounds that keep a broken or hostile peer from exhausting memory or stack.
public struct RESPLimits: Hashable, Sendable {
  /// Deepest nesting of aggregates (arrays, maps, sets, pushes, attributes).
  public var maxDepth: Int
  /// Longest bulk string, bulk error or verbatim string, in bytes.
  public var maxBulkLength: Int
  /// Most elements in an array, set or push, or pairs in a map or attribute.
  public var maxAggregateLength: Int
  /// Longest simple string, error, integer, double, big number or length line, in bytes.
  public var maxLineLength: Int

  /// Creates limits; the defaults suit any real Redis reply.
  public init(
    maxDepth: Int = 64, maxBulkLength: Int = 512 * 1024 * 1024,
    maxAggregateLength: Int = 16_777_216, maxLineLength: Int = 64 * 1024
  ) {
    self.maxDepth = maxDepth
    self.maxBulkLength = maxBulkLength
    self.maxAggregateLength = maxAggregateLength
    self.maxLineLength = maxLineLength
  }

  /// The default limits.
  public static let `default` = RESPLimits()
}

/// Bytes that can never become a valid RESP value, described in one sentence.
public struct RESPProtocolError: Error, Hashable, Sendable, CustomStringConvertible {
  /// What is wrong, e.g. "nesting deeper than 64 levels".
  public let description: String

  /// Creates an error with a human-readable sentence.
  public init(_ description: String) {
    self.description = description
  }
}

/// Stateless incremental RESP2/RESP3 decoder: call it again from scratch once more bytes arrive.
///
/// Streamed RESP3 strings and aggregates (`$?`, `*?`, …) are rejected as protocol errors.
public struct RESPDecoder: Sendable {
  /// The limits enforced on every value.
  public var limits: RESPLimits

  /// Creates a decoder enforcing `limits`.
  public init(limits: RESPLimits = .default) {
    self.limits = limits
  }

  /// Decodes one value from the start of `bytes`, or returns nil if more bytes are needed.
  public func decode(
    _ bytes: UnsafeRawBufferPointer
  ) throws(RESPProtocolError) -> (value: RESPValue, consumed: Int)? {
    try decode(bytes, from: 0).map { ($0.value, $0.end) }
  }

  /// Decodes one value from the start of `bytes`, or returns nil if more bytes are needed.
  public func decode(_ bytes: [UInt8]) throws(RESPProtocolError) -> (value: RESPValue, consumed: Int)? {
    let result = bytes.withUnsafeBytes { buffer in
      Result { () throws(RESPProtocolError) in try decode(buffer) }
    }
    return try result.get()
  }

  /// Decodes every complete value in `bytes`; `consumed` excludes a trailing incomplete value.
  public func decodeAll(
    _ bytes: [UInt8]
  ) throws(RESPProtocolError) -> (values: [RESPValue], consumed: Int) {
    let result = bytes.withUnsafeBytes { buffer in
      Result { () throws(RESPProtocolError) -> (values: [RESPValue], consumed: Int) in
        var values: [RESPValue] = []
        var offset = 0
        while let (value, end) = try decode(buffer, from: offset) {
          values.append(value)
          offset = end
        }
        return (values, offset)
      }
    }
    return try result.get()
  }

  /// Decodes one value starting at `start`; error offsets are relative to the whole buffer.
  private func decode(
    _ buffer: UnsafeRawBufferPointer, from start: Int
  ) throws(RESPProtocolError) -> (value: RESPValue, end: Int)? {
    var parser = Parser(buffer: buffer, limits: limits, position: start)
    do throws(ParseFailure) {
      let value = try parser.value(depth: 0)
      return (value, parser.position)
    } catch {
      switch error {
      case .incomplete: return nil
      case .invalid(let protocolError): throw protocolError
      }
    }
  }
}

/// Why parsing stopped: ran out of bytes (not an error to the caller) or hit garbage.
private enum ParseFailure: Error {
  case incomplete
  case invalid(RESPProtocolError)

  static func invalid(_ message: String) -> ParseFailure {
    .invalid(RESPProtocolError(message))
  }
}

/// Length-prefixed RESP types, which share header parsing and limits.
private enum LengthKind {
  case bulkString, bulkError, verbatimString, array, map, set, push, attribute

  var name: String {
    switch self {
    case .bulkString: return "bulk string"
    case .bulkError: return "bulk error"
    case .verbatimString: return "verbatim string"
    case .array: return "array"
    case .map: return "map"
    case .set: return "set"
    case .push: return "push"
    case .attribute: return "attribute"
    }
  }

  var typeByte: Character {
    switch self {
    case .bulkString: return "$"
    case .bulkError: return "!"
    case .verbatimString: return "="
    case .array: return "*"
    case .map: return "%"
    case .set: return "~"
    case .push: return ">"
    case .attribute: return "|"
    }
  }

  /// Only RESP2's null bulk string and null array use a length of -1.
  var allowsNull: Bool { self == .bulkString || self == .array }

  var isBulk: Bool { self == .bulkString || self == .bulkError || self == .verbatimString }

  var unit: String {
    switch self {
    case .bulkString, .bulkError, .verbatimString: return "bytes"
    case .map, .attribute: return "pairs"
    case .array, .set, .push: return "elements"
    }
  }
}

/// The grammar of a CRLF-terminated line, so an unterminated one can be rejected early.
private enum LineSyntax {
  case text, integer, length(LengthKind), double, boolean, null, bigNumber
}

/// A cursor over one buffer; every index it touches is checked against `buffer.count`.
private struct Parser {
  let buffer: UnsafeRawBufferPointer
  let limits: RESPLimits
  var position: Int

  mutating func value(depth: Int) throws(ParseFailure) -> RESPValue {
    guard position < buffer.count else { throw .incomplete }
    let typeOffset = position
    let type = buffer[position]
    position += 1
    switch type {
    case ASCII.plus:
      return .simpleString(string(try line(.text)))
    case ASCII.minus:
      return .error(string(try line(.text)))
    case ASCII.colon:
      let range = try line(.integer)
      return .integer(try integer(range, complete: true))
    case ASCII.underscore:
      try null(try line(.null))
      return .null
    case ASCII.comma:
      let range = try line(.double)
      return .double(try double(range, complete: true))
    case ASCII.hash:
      let range = try line(.boolean)
      return .boolean(try boolean(range, complete: true))
    case ASCII.openParen:
      let range = try line(.bigNumber)
      try bigNumber(range, complete: true)
      return .bigNumber(string(range))
    case ASCII.dollar:
      let length = try header(.bulkString)
      if length < 0 { return .null }
      return .bulkString(Array(UnsafeRawBufferPointer(rebasing: buffer[try payload(length, .bulkString)])))
    case ASCII.bang:
      return .bulkError(string(try payload(try header(.bulkError), .bulkError)))
    case ASCII.equals:
      return try verbatim()
    case ASCII.asterisk:
      let count = try header(.array)
      if count < 0 { return .null }
      return .array(try elements(count, depth: depth))
    case ASCII.tilde:
      return .set(try elements(try header(.set), depth: depth))
    case ASCII.greaterThan:
      return .push(try elements(try header(.push), depth: depth))
    case ASCII.percent:
      return .map(try pairs(try header(.map), depth: depth))
    case ASCII.pipe:
      let attributes = try pairs(try header(.attribute), depth: depth)
      // The annotated value counts as one level deeper so attribute chains stay bounded.
      return .attributed(attributes: attributes, value: try value(depth: depth + 1))
    default:
      let printable = type >= 0x21 && type <= 0x7E ? " ('\(Character(Unicode.Scalar(type)))')" : ""
      throw .invalid("invalid RESP type byte \(hex(type))\(printable) at offset \(typeOffset)")
    }
  }

  // MARK: Aggregates

  mutating func elements(_ count: Int, depth: Int) throws(ParseFailure) -> [RESPValue] {
    try enter(depth)
    var result: [RESPValue] = []
    // Never trust a claimed count: each element needs at least 3 bytes, and cap it anyway.
    result.reserveCapacity(min(count, 1024, (buffer.count - position) / 3))
    for _ in 0..<count {
      result.append(try value(depth: depth + 1))
    }
    return result
  }

  mutating func pairs(_ count: Int, depth: Int) throws(ParseFailure) -> [RESPPair] {
    try enter(depth)
    var result: [RESPPair] = []
    result.reserveCapacity(min(count, 1024, (buffer.count - position) / 6))
    for _ in 0..<count {
      let key = try value(depth: depth + 1)
      result.append(RESPPair(key, try value(depth: depth + 1)))
    }
    return result
  }

  /// Checked before recursing, so hostile nesting fails instead of overflowing the stack.
  func enter(_ depth: Int) throws(ParseFailure) {
    guard depth < limits.maxDepth else {
      throw .invalid("nesting deeper than \(limits.maxDepth) levels")
    }
  }

  // MARK: Bulk payloads

  /// Returns the header's length, or -1 for a RESP2 null.
  mutating func header(_ kind: LengthKind) throws(ParseFailure) -> Int {
    let range = try line(.length(kind))
    return try length(range, kind, complete: true)
  }

  /// Returns the range of an `length`-byte payload and moves past it and its CRLF.
  mutating func payload(_ length: Int, _ kind: LengthKind) throws(ParseFailure) -> Range<Int> {
    let available = buffer.count - position
    // Check terminator bytes as soon as they arrive, even if the second is still missing.
    if available > length, buffer[position + length] != ASCII.cr {
      throw .invalid("expected CRLF after \(kind.name)")
    }
    if available - length > 1, buffer[position + length + 1] != ASCII.lf {
      throw .invalid("expected CRLF after \(kind.name)")
    }
    guard available - length >= 2 else { throw .incomplete }
    let range = position..<(position + length)
    position += length + 2
    return range
  }

  mutating func verbatim() throws(ParseFailure) -> RESPValue {
    let length = try header(.verbatimString)
    guard length >= 4 else {
      throw .invalid("verbatim string length \(length) is shorter than its 4-byte format prefix")
    }
    if buffer.count - position >= 4, buffer[position + 3] != ASCII.colon {
      throw .invalid("verbatim string format is not followed by ':' at offset \(position + 3)")
    }
    let range = try payload(length, .verbatimString)
    let format = string(range.lowerBound..<(range.lowerBound + 3))
    let text = Array(UnsafeRawBufferPointer(rebasing: buffer[(range.lowerBound + 4)..<range.upperBound]))
    return .verbatimString(format: format, text: text)
  }

  // MARK: Lines

  /// Returns the content range of the CRLF-terminated line at `position` and moves past it.
  mutating func line(_ syntax: LineSyntax) throws(ParseFailure) -> Range<Int> {
    let start = position
    var index = start
    while index < buffer.count {
      let byte = buffer[index]
      if byte == ASCII.cr {
        guard index + 1 < buffer.count else { break }
        guard buffer[index + 1] == ASCII.lf else {
          throw .invalid("CR not followed by LF at offset \(index)")
        }
        position = index + 2
        return start..<index
      }
      if byte == ASCII.lf {
        throw .invalid("LF without CR at offset \(index)")
      }
      if index - start >= limits.maxLineLength {
        throw .invalid("line at offset \(start) is longer than \(limits.maxLineLength) bytes")
      }
      index += 1
    }
    // Unterminated: fail now if the text so far can never become valid.
    try check(syntax, start..<index)
    throw .incomplete
  }

  func check(_ syntax: LineSyntax, _ range: Range<Int>) throws(ParseFailure) {
    switch syntax {
    case .text: break
    case .integer: _ = try integer(range, complete: false)
    case .length(let kind): _ = try length(range, kind, complete: false)
    case .double: _ = try double(range, complete: false)
    case .boolean: _ = try boolean(range, complete: false)
    case .null: try null(range)
    case .bigNumber: try bigNumber(range, complete: false)
    }
  }

  // MARK: Line grammars (each also vets an incomplete prefix when `complete` is false)

  func integer(_ range: Range<Int>, complete: Bool) throws(ParseFailure) -> Int64 {
    var index = range.lowerBound
    var negative = false
    if index < range.upperBound, buffer[index] == ASCII.minus || buffer[index] == ASCII.plus {
      negative = buffer[index] == ASCII.minus
      index += 1
    }
    guard index < range.upperBound || !complete else {
      throw .invalid("invalid integer \(quoted(range)) at offset \(range.lowerBound)")
    }
    let bound: UInt64 = negative ? UInt64(Int64.max) + 1 : UInt64(Int64.max)
    var magnitude: UInt64 = 0
    while index < range.upperBound {
      let digit = UInt64(buffer[index] &- ASCII.zero)
      guard digit < 10 else {
        throw .invalid("invalid integer \(quoted(range)) at offset \(range.lowerBound)")
      }
      guard magnitude <= (bound - digit) / 10 else {
        throw .invalid("integer \(quoted(range)) at offset \(range.lowerBound) does not fit in 64 bits")
      }
      magnitude = magnitude * 10 + digit
      index += 1
    }
    return negative ? Int64(truncatingIfNeeded: 0 &- magnitude) : Int64(magnitude)
  }

  /// Parses a length header; returns -1 for an allowed RESP2 null.
  func length(_ range: Range<Int>, _ kind: LengthKind, complete: Bool) throws(ParseFailure) -> Int {
    let start = range.lowerBound
    let count = range.count
    if count > 0, buffer[start] == ASCII.question {
      throw .invalid(
        "streamed RESP3 \(kind.name) ('\(kind.typeByte)?') at offset \(start - 1) is not supported")
    }
    // A function, so the message is only built on failure.
    func invalid() -> ParseFailure {
      .invalid("invalid \(kind.name) length \(quoted(range)) at offset \(start)")
    }
    if count > 0, buffer[start] == ASCII.minus {
      // Only "-1" is meaningful, and only where RESP2 uses it for null.
      guard kind.allowsNull, count <= 2, count == 1 || buffer[start + 1] == ASCII.zero + 1 else {
        throw invalid()
      }
      if complete && count != 2 { throw invalid() }
      return -1
    }
    if complete && count == 0 { throw invalid() }
    let limit = kind.isBulk ? limits.maxBulkLength : limits.maxAggregateLength
    var value = 0
    var overLimit = false
    for index in range {
      let digit = Int(buffer[index] &- ASCII.zero)
      guard digit < 10 else { throw invalid() }
      // More digits only make it bigger, so once over the limit it stays invalid.
      if !overLimit {
        if value > (Int.max - digit) / 10 {
          overLimit = true
        } else {
          value = value * 10 + digit
          overLimit = value > limit
        }
      }
    }
    if overLimit {
      throw .invalid(
        "\(kind.name) length \(string(range)) exceeds the limit of \(limit) \(kind.unit)")
    }
    return value
  }

  func double(_ range: Range<Int>, complete: Bool) throws(ParseFailure) -> Double {
    // Only sign, digits, '.', exponent and the letters of inf/nan; this keeps out whitespace
    // and anything else `Double.init` might tolerate.
    for index in range {
      let byte = buffer[index]
      let isLetter = (byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z")
      let isDigit = byte &- ASCII.zero < 10
      guard isLetter || isDigit || byte == ASCII.plus || byte == ASCII.minus || byte == ASCII.dot
      else {
        throw .invalid("invalid double \(quoted(range)) at offset \(range.lowerBound)")
      }
    }
    guard complete else { return 0 }
    guard let value = Double(string(range)) else {
      throw .invalid("invalid double \(quoted(range)) at offset \(range.lowerBound)")
    }
    return value
  }

  func boolean(_ range: Range<Int>, complete: Bool) throws(ParseFailure) -> Bool {
    let valid = range.count == 1 || (range.isEmpty && !complete)
    guard valid else {
      throw .invalid("invalid boolean \(quoted(range)) at offset \(range.lowerBound)")
    }
    guard let first = range.first else { return false }
    switch buffer[first] {
    case UInt8(ascii: "t"): return true
    case UInt8(ascii: "f"): return false
    default: throw .invalid("invalid boolean \(quoted(range)) at offset \(range.lowerBound)")
    }
  }

  func null(_ range: Range<Int>) throws(ParseFailure) {
    guard range.isEmpty else {
      throw .invalid("unexpected \(quoted(range)) after null at offset \(range.lowerBound)")
    }
  }

  func bigNumber(_ range: Range<Int>, complete: Bool) throws(ParseFailure) {
    var digits = range
    if let first = range.first, buffer[first] == ASCII.minus { digits = (first + 1)..<range.upperBound }
    let valid =
      (!digits.isEmpty || !complete) && digits.allSatisfy { buffer[$0] &- ASCII.zero < 10 }
    guard valid else {
      throw .invalid("invalid big number \(quoted(range)) at offset \(range.lowerBound)")
    }
  }

  // MARK: Text helpers

  func string(_ range: Range<Int>) -> String {
    String(decoding: UnsafeRawBufferPointer(rebasing: buffer[range]), as: UTF8.self)
  }

  /// Quotes wire text for an error message, escaping control bytes and cutting long text.
  func quoted(_ range: Range<Int>) -> String {
    var text = "\""
    for index in range.prefix(32) {
      let byte = buffer[index]
      if byte >= 0x20 && byte < 0x7F && byte != UInt8(ascii: "\"") && byte != UInt8(ascii: "\\") {
        text.append(Character(Unicode.Scalar(byte)))
      } else {
        text += "\\x" + hex(byte).dropFirst(2)
      }
    }
    return text + (range.count > 32 ? "…\"" : "\"")
  }
}

private func hex(_ byte: UInt8) -> String {
  let digits = Array("0123456789ABCDEF")
  return "0x" + String(digits[Int(byte >> 4)]) + String(digits[Int(byte & 0xF)])
}
