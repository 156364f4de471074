/// Why parsing stopped: ran out of bytes (not an error to the caller) or hit garbage.
enum ParseFailure: Error {
  case incomplete
  case invalid(RESPProtocolError)

  static func invalid(_ message: String) -> ParseFailure {
    .invalid(RESPProtocolError(message))
  }
}

/// Length-prefixed RESP types, which share header parsing and limits.
enum LengthKind {
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
enum LineSyntax {
  case text, integer, length(LengthKind), double, boolean, null, bigNumber
}

/// How far an unterminated line has been read, so the next bytes continue from there instead of
/// scanning and vetting the line again (a 64 KiB line arriving byte by byte stays linear).
struct LineProgress {
  /// Content bytes (after the type byte) searched for CRLF.
  var scanned = 0
  /// Content bytes checked against the line's grammar, and the number read so far.
  var vetted = 0
  var magnitude: UInt64 = 0
  var length = 0
  var overLimit = false
}

/// A cursor over one buffer; every index it touches is checked against `buffer.count`.
///
/// Error offsets are `origin` plus the index in `buffer`, so they count from the start of the value
/// even when its first bytes were consumed by an earlier call.
struct Parser {
  let buffer: UnsafeRawBufferPointer
  let limits: RESPLimits
  let origin: Int
  var position = 0
  /// Bytes read by the scanning and vetting loops and by payload copies (see `bytesExamined`).
  var examined = 0

  init(buffer: UnsafeRawBufferPointer, limits: RESPLimits, origin: Int) {
    self.buffer = buffer
    self.limits = limits
    self.origin = origin
  }

  var available: Int { buffer.count - position }

  /// Checked before an aggregate is opened, so hostile nesting fails instead of piling up frames.
  func enter(_ depth: Int) throws(ParseFailure) {
    guard depth < limits.maxDepth else {
      throw .invalid("nesting deeper than \(limits.maxDepth) levels")
    }
  }

  func invalidType() -> ParseFailure {
    let type = buffer[position]
    let printable = type >= 0x21 && type <= 0x7E ? " ('\(Character(Unicode.Scalar(type)))')" : ""
    return .invalid("invalid RESP type byte \(hex(type))\(printable) at offset \(origin + position)")
  }

  // MARK: Lines

  /// Returns the content range of the CRLF-terminated line after the type byte at `position` and
  /// moves past it; throws `.incomplete` (having vetted the text so far) while the CRLF is missing.
  mutating func line(_ syntax: LineSyntax, _ progress: inout LineProgress) throws(ParseFailure) -> Range<Int>
  {
    let start = position + 1
    let resume = start + progress.scanned
    var index = resume
    defer { examined += index - resume }
    while index < buffer.count {
      let byte = buffer[index]
      if byte == ASCII.cr {
        guard index + 1 < buffer.count else { break }
        guard buffer[index + 1] == ASCII.lf else {
          throw .invalid("CR not followed by LF at offset \(origin + index)")
        }
        position = index + 2
        return start..<index
      }
      if byte == ASCII.lf {
        throw .invalid("LF without CR at offset \(origin + index)")
      }
      if index - start >= limits.maxLineLength {
        throw .invalid("line at offset \(origin + start) is longer than \(limits.maxLineLength) bytes")
      }
      index += 1
    }
    // Unterminated: fail now if the text so far can never become valid.
    try check(syntax, start..<index, &progress)
    progress.scanned = index - start
    throw .incomplete
  }

  mutating func check(
    _ syntax: LineSyntax, _ range: Range<Int>, _ progress: inout LineProgress
  ) throws(ParseFailure) {
    switch syntax {
    case .text: break
    case .integer: _ = try integer(range, complete: false, &progress)
    case .length(let kind): _ = try length(range, kind, complete: false, &progress)
    case .double: _ = try double(range, complete: false, &progress)
    case .boolean: _ = try boolean(range, complete: false)
    case .null: try null(range)
    case .bigNumber: try bigNumber(range, complete: false, &progress)
    }
  }

  // MARK: Bulk payloads

  /// Returns the range of a `length`-byte payload at `position` and moves past it and its CRLF.
  mutating func payload(_ length: Int, _ kind: LengthKind) throws(ParseFailure) -> Range<Int> {
    let available = self.available
    if kind == .verbatimString, available >= 4, buffer[position + 3] != ASCII.colon {
      throw .invalid("verbatim string format is not followed by ':' at offset \(origin + position + 3)")
    }
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
    examined += length + 2
    return range
  }

  // MARK: Line grammars
  //
  // Each also vets an incomplete prefix when `complete` is false, resuming at `progress.vetted`:
  // the grammars read left to right, so the bytes already vetted need not be read again.

  mutating func integer(
    _ range: Range<Int>, complete: Bool, _ progress: inout LineProgress
  ) throws(ParseFailure) -> Int64 {
    let first = range.first.map { buffer[$0] }
    let signed = first == ASCII.minus || first == ASCII.plus
    let negative = first == ASCII.minus
    guard range.count > (signed ? 1 : 0) || !complete else {
      throw .invalid("invalid integer \(quoted(range)) at offset \(origin + range.lowerBound)")
    }
    let bound: UInt64 = negative ? UInt64(Int64.max) + 1 : UInt64(Int64.max)
    var magnitude = progress.magnitude
    var index = range.lowerBound + max(progress.vetted, signed ? 1 : 0)
    examined += max(0, range.upperBound - index)
    while index < range.upperBound {
      let digit = UInt64(buffer[index] &- ASCII.zero)
      guard digit < 10 else {
        throw .invalid("invalid integer \(quoted(range)) at offset \(origin + range.lowerBound)")
      }
      guard magnitude <= (bound - digit) / 10 else {
        throw .invalid(
          "integer \(quoted(range)) at offset \(origin + range.lowerBound) does not fit in 64 bits")
      }
      magnitude = magnitude * 10 + digit
      index += 1
    }
    progress.vetted = range.count
    progress.magnitude = magnitude
    return negative ? Int64(truncatingIfNeeded: 0 &- magnitude) : Int64(magnitude)
  }

  /// Parses a length header; returns -1 for an allowed RESP2 null.
  mutating func length(
    _ range: Range<Int>, _ kind: LengthKind, complete: Bool, _ progress: inout LineProgress
  ) throws(ParseFailure) -> Int {
    let start = range.lowerBound
    let count = range.count
    if count > 0, buffer[start] == ASCII.question {
      throw .invalid(
        "streamed RESP3 \(kind.name) ('\(kind.typeByte)?') at offset \(origin + start - 1) is not supported")
    }
    // A function, so the message is only built on failure.
    func invalid() -> ParseFailure {
      .invalid("invalid \(kind.name) length \(quoted(range)) at offset \(origin + start)")
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
    var value = progress.length
    var overLimit = progress.overLimit
    examined += count - progress.vetted
    for index in (start + progress.vetted)..<range.upperBound {
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
    progress.vetted = count
    progress.length = value
    progress.overLimit = overLimit
    if overLimit {
      throw .invalid(
        "\(kind.name) length \(string(range)) exceeds the limit of \(limit) \(kind.unit)")
    }
    return value
  }

  mutating func double(
    _ range: Range<Int>, complete: Bool, _ progress: inout LineProgress
  ) throws(ParseFailure) -> Double {
    // Only sign, digits, '.', exponent and the letters of inf/nan; this keeps out whitespace
    // and anything else `Double.init` might tolerate.
    examined += range.count - progress.vetted
    for index in (range.lowerBound + progress.vetted)..<range.upperBound {
      let byte = buffer[index]
      let isLetter = (byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z")
      let isDigit = byte &- ASCII.zero < 10
      guard isLetter || isDigit || byte == ASCII.plus || byte == ASCII.minus || byte == ASCII.dot
      else {
        throw .invalid("invalid double \(quoted(range)) at offset \(origin + range.lowerBound)")
      }
    }
    progress.vetted = range.count
    guard complete else { return 0 }
    guard let value = Double(string(range)) else {
      throw .invalid("invalid double \(quoted(range)) at offset \(origin + range.lowerBound)")
    }
    return value
  }

  func boolean(_ range: Range<Int>, complete: Bool) throws(ParseFailure) -> Bool {
    let valid = range.count == 1 || (range.isEmpty && !complete)
    guard valid else {
      throw .invalid("invalid boolean \(quoted(range)) at offset \(origin + range.lowerBound)")
    }
    guard let first = range.first else { return false }
    switch buffer[first] {
    case UInt8(ascii: "t"): return true
    case UInt8(ascii: "f"): return false
    default: throw .invalid("invalid boolean \(quoted(range)) at offset \(origin + range.lowerBound)")
    }
  }

  func null(_ range: Range<Int>) throws(ParseFailure) {
    guard range.isEmpty else {
      throw .invalid("unexpected \(quoted(range)) after null at offset \(origin + range.lowerBound)")
    }
  }

  mutating func bigNumber(
    _ range: Range<Int>, complete: Bool, _ progress: inout LineProgress
  ) throws(ParseFailure) {
    let digits = range.first.map { buffer[$0] == ASCII.minus } == true ? range.dropFirst() : range
    var valid = !digits.isEmpty || !complete
    let resume = max(digits.lowerBound, range.lowerBound + progress.vetted)
    examined += range.upperBound - resume
    for index in resume..<range.upperBound where buffer[index] &- ASCII.zero >= 10 {
      valid = false
      break
    }
    progress.vetted = range.count
    guard valid else {
      throw .invalid("invalid big number \(quoted(range)) at offset \(origin + range.lowerBound)")
    }
  }

  // MARK: Text helpers

  func string(_ range: Range<Int>) -> String {
    String(decoding: UnsafeRawBufferPointer(rebasing: buffer[range]), as: UTF8.self)
  }

  func bytes(_ range: Range<Int>) -> [UInt8] {
    Array(UnsafeRawBufferPointer(rebasing: buffer[range]))
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
