/// One value of the Redis serialization protocol, RESP2 or RESP3.
///
/// Server error replies are values (`.error`, `.bulkError`), not thrown errors: a pipeline
/// returns one value per command and the caller decides which errors matter.
public enum RESPValue: Hashable, Sendable {
  case simpleString(String)
  case error(String)
  case integer(Int64)
  case bulkString([UInt8])
  /// RESP2 null bulk string / null array, RESP3 null.
  case null
  case array([RESPValue])
  case double(Double)
  case boolean(Bool)
  case bigNumber(String)
  case bulkError(String)
  case verbatimString(format: String, text: [UInt8])
  case map([RESPPair])
  case set([RESPValue])
  case push([RESPValue])
  /// A RESP3 attribute (`|`) followed by the value it annotates.
  indirect case attributed(attributes: [RESPPair], value: RESPValue)
}

/// A key/value pair of a RESP3 map or attribute (an ordered list, since keys may repeat).
public struct RESPPair: Hashable, Sendable {
  public var key: RESPValue
  public var value: RESPValue
  public init(_ key: RESPValue, _ value: RESPValue) {
    self.key = key
    self.value = value
  }
}

extension RESPValue {
  /// The value without any attribute wrapper.
  public var unwrapped: RESPValue {
    if case .attributed(_, let value) = self { return value.unwrapped }
    return self
  }

  /// Text of a simple, bulk or verbatim string (invalid UTF-8 is repaired), or nil.
  public var string: String? {
    switch unwrapped {
    case .simpleString(let s): return s
    case .bulkString(let b): return String(decoding: b, as: UTF8.self)
    case .verbatimString(_, let t): return String(decoding: t, as: UTF8.self)
    case .bigNumber(let s): return s
    default: return nil
    }
  }

  /// Raw bytes of a simple, bulk or verbatim string, or nil.
  public var bytes: [UInt8]? {
    switch unwrapped {
    case .simpleString(let s): return Array(s.utf8)
    case .bulkString(let b): return b
    case .verbatimString(_, let t): return t
    default: return nil
    }
  }

  /// The message of an error reply (simple or bulk error), or nil.
  public var errorMessage: String? {
    switch unwrapped {
    case .error(let m), .bulkError(let m): return m
    default: return nil
    }
  }

  public var isError: Bool { errorMessage != nil }

  /// An integer reply, or a string that holds an integer.
  public var int: Int? {
    switch unwrapped {
    case .integer(let i): return Int(i)
    case .simpleString, .bulkString, .bigNumber: return string.flatMap { Int($0) }
    default: return nil
    }
  }

  /// Elements of an array, set or push.
  public var elements: [RESPValue]? {
    switch unwrapped {
    case .array(let a), .set(let a), .push(let a): return a
    default: return nil
    }
  }

  /// Pairs of a RESP3 map, or of a RESP2 flat array `k1 v1 k2 v2 …`.
  public var pairs: [RESPPair]? {
    switch unwrapped {
    case .map(let p): return p
    case .array(let a) where a.count % 2 == 0:
      return stride(from: 0, to: a.count, by: 2).map { RESPPair(a[$0], a[$0 + 1]) }
    default: return nil
    }
  }

  /// Looks a key up in a map (or RESP2 flat array) by its string form.
  public subscript(key: String) -> RESPValue? {
    pairs?.first(where: { $0.key.string == key })?.value
  }
}
