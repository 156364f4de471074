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

/// Decodes one value from the start of a buffer, reading it from scratch on every call.
///
/// For values that arrive in pieces use `RESPStreamDecoder`, which resumes where it stopped:
/// decoding the whole buffer again after every read costs O(N²) for an N-byte value.
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
    var stream = RESPStreamDecoder(limits: limits)
    let (value, consumed) = try stream.decode(bytes)
    return value.map { ($0, consumed) }
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
        while true {
          // Error offsets are relative to the whole buffer.
          var stream = RESPStreamDecoder(limits: limits)
          stream.origin = offset
          let (value, consumed) = try stream.decode(UnsafeRawBufferPointer(rebasing: buffer[offset...]))
          guard let value else { break }
          values.append(value)
          offset += consumed
        }
        return (values, offset)
      }
    }
    return try result.get()
  }
}

/// Decodes a byte stream value by value, resuming where the previous call stopped.
///
/// Pass `decode` the bytes it did not consume last time followed by the new ones, and drop the
/// `consumed` bytes it reports. It consumes each element as soon as it is complete, keeping partly
/// built aggregates on a stack, and remembers how far it has read an unterminated line; an
/// unfinished bulk payload stays unconsumed and costs one length check per call. So a value of N
/// bytes costs O(N) however it is split, one byte at a time included.
///
/// Errors are the sentences `RESPDecoder` gives for all the bytes received so far (offsets count
/// from the start of the value). After an error every call throws that error again.
public struct RESPStreamDecoder: Sendable {
  /// The limits enforced on every value.
  public let limits: RESPLimits
  /// Aggregates still waiting for elements, outermost first.
  private var stack: [Frame] = []
  /// How far the line at the front of the unconsumed bytes has been read.
  private var line = LineProgress()
  /// Set once a bulk header has been consumed: its payload and CRLF come next.
  private var payload: (kind: LengthKind, length: Int)?
  /// Bytes of the current value consumed by earlier calls, for error offsets.
  private var consumedInValue = 0
  /// Added to every error offset (`decodeAll` reports offsets in its whole buffer).
  var origin = 0
  private var failure: RESPProtocolError?
  /// Bytes read by the scanning loops and payload copies, each time they are read: tests use it
  /// to check that decoding is linear without timing anything.
  private(set) var bytesExamined = 0

  /// Creates a decoder enforcing `limits`.
  public init(limits: RESPLimits = .default) {
    self.limits = limits
  }

  /// Whether part of a value has been consumed (an open aggregate or a bulk header) and the rest
  /// is still to come.
  public var isInsideValue: Bool { !stack.isEmpty || payload != nil }

  /// Decodes the next value from `bytes`; nil while more bytes are needed. The first `consumed`
  /// bytes are decoded (into the value, or the decoder's state) and must not be passed again.
  public mutating func decode(
    _ bytes: UnsafeRawBufferPointer
  ) throws(RESPProtocolError) -> (value: RESPValue?, consumed: Int) {
    if let failure { throw failure }
    var parser = Parser(buffer: bytes, limits: limits, origin: origin + consumedInValue)
    defer { bytesExamined += parser.examined }
    do throws(ParseFailure) {
      while true {
        let read = try element(&parser)
        line = LineProgress()
        guard let read, let value = complete(read) else { continue }
        consumedInValue = 0
        return (value, parser.position)
      }
    } catch {
      switch error {
      case .incomplete:
        consumedInValue += parser.position
        return (nil, parser.position)
      case .invalid(let protocolError):
        failure = protocolError
        throw protocolError
      }
    }
  }

  /// Hands a finished element up the stack; returns the value once the outermost one is complete.
  private mutating func complete(_ element: consuming RESPValue) -> RESPValue? {
    // Consumed, not copied: one retain and release less per element of a million-element reply.
    var value = element
    while let last = stack.indices.last {
      guard let done = stack[last].add(consume value) else { return nil }
      stack.removeLast()
      value = done
    }
    return value
  }

  /// Reads the element at `parser.position`: a scalar or an empty aggregate, or nil once the
  /// header of a non-empty aggregate is read and its frame pushed.
  private mutating func element(_ parser: inout Parser) throws(ParseFailure) -> RESPValue? {
    if let (kind, length) = payload {
      let range = try parser.payload(length, kind)
      payload = nil
      switch kind {
      case .bulkError: return .bulkError(parser.string(range))
      case .verbatimString:
        let text = (range.lowerBound + 4)..<range.upperBound
        return .verbatimString(format: parser.string(range.prefix(3)), text: parser.bytes(text))
      default: return .bulkString(parser.bytes(range))
      }
    }
    guard parser.position < parser.buffer.count else { throw .incomplete }
    switch parser.buffer[parser.position] {
    case ASCII.plus:
      return .simpleString(parser.string(try parser.line(.text, &line)))
    case ASCII.minus:
      return .error(parser.string(try parser.line(.text, &line)))
    case ASCII.colon:
      let range = try parser.line(.integer, &line)
      return .integer(try parser.integer(range, complete: true, &line))
    case ASCII.underscore:
      try parser.null(try parser.line(.null, &line))
      return .null
    case ASCII.comma:
      let range = try parser.line(.double, &line)
      return .double(try parser.double(range, complete: true, &line))
    case ASCII.hash:
      let range = try parser.line(.boolean, &line)
      return .boolean(try parser.boolean(range, complete: true))
    case ASCII.openParen:
      let range = try parser.line(.bigNumber, &line)
      try parser.bigNumber(range, complete: true, &line)
      return .bigNumber(parser.string(range))
    case ASCII.dollar: return try bulk(.bulkString, &parser)
    case ASCII.bang: return try bulk(.bulkError, &parser)
    case ASCII.equals: return try bulk(.verbatimString, &parser)
    case ASCII.asterisk: return try open(.array, &parser)
    case ASCII.tilde: return try open(.set, &parser)
    case ASCII.greaterThan: return try open(.push, &parser)
    case ASCII.percent: return try open(.map, &parser)
    case ASCII.pipe: return try open(.attribute, &parser)
    default: throw parser.invalidType()
    }
  }

  /// Returns the header's length, or -1 for a RESP2 null.
  private mutating func header(_ kind: LengthKind, _ parser: inout Parser) throws(ParseFailure) -> Int {
    let range = try parser.line(.length(kind), &line)
    return try parser.length(range, kind, complete: true, &line)
  }

  /// Consumes a bulk header, then reads as much of the payload as has arrived.
  private mutating func bulk(_ kind: LengthKind, _ parser: inout Parser) throws(ParseFailure) -> RESPValue? {
    let length = try header(kind, &parser)
    if length < 0 { return .null }
    if kind == .verbatimString, length < 4 {
      throw .invalid("verbatim string length \(length) is shorter than its 4-byte format prefix")
    }
    line = LineProgress()
    payload = (kind, length)
    return try element(&parser)
  }

  /// Consumes an aggregate header and pushes its frame (an empty aggregate is returned at once).
  private mutating func open(_ kind: LengthKind, _ parser: inout Parser) throws(ParseFailure) -> RESPValue? {
    let count = try header(kind, &parser)
    if count < 0 { return .null }
    try parser.enter(stack.count)
    // Never trust a claimed count: each element needs at least 3 bytes, and cap it anyway.
    let perElement = kind == .map || kind == .attribute ? 6 : 3
    var frame = Frame(kind: kind, remaining: count, capacity: min(count, 1024, parser.available / perElement))
    if let empty = frame.finished() { return empty }
    stack.append(frame)
    return nil
  }
}

/// An aggregate whose elements are still arriving.
private struct Frame {
  let kind: LengthKind
  /// Elements, or pairs for a map or attribute, still to come.
  var remaining: Int
  var elements: [RESPValue] = []
  var pairs: [RESPPair] = []
  /// A map key waiting for its value.
  var key: RESPValue?
  /// An attribute's pairs once all have arrived: the frame then waits for the value they annotate,
  /// which counts as one level deeper so attribute chains stay bounded.
  var attributes: [RESPPair]?

  init(kind: LengthKind, remaining: Int, capacity: Int) {
    self.kind = kind
    self.remaining = remaining
    if kind == .map || kind == .attribute {
      pairs.reserveCapacity(capacity)
    } else {
      elements.reserveCapacity(capacity)
    }
  }

  /// Adds a finished child; returns the aggregate once it is complete.
  mutating func add(_ value: consuming RESPValue) -> RESPValue? {
    if let attributes { return .attributed(attributes: attributes, value: value) }
    if kind == .map || kind == .attribute {
      guard let key else {
        key = value
        return nil
      }
      pairs.append(RESPPair(key, value))
      self.key = nil
    } else {
      elements.append(value)
    }
    remaining -= 1
    return finished()
  }

  /// The aggregate if no element is missing; a complete attribute starts waiting for its value.
  mutating func finished() -> RESPValue? {
    guard remaining == 0 else { return nil }
    switch kind {
    case .array: return .array(elements)
    case .set: return .set(elements)
    case .push: return .push(elements)
    case .map: return .map(pairs)
    default:
      attributes = pairs
      pairs = []
      return nil
    }
  }
}
