/// A JSON document: what rcadm reads (kubectl's output, a backup manifest) and what it writes (every `--json`
/// document). Written by hand, so neither side needs Foundation.
///
/// Objects keep their members in order: `render` writes them as given, and `parse` keeps the document's order
/// (a duplicate key keeps its first position and its last value). Numbers are `.int` for an integer literal
/// (no fraction, no exponent) that fits in `Int` and `.double` otherwise; `-0` is `.double(-0.0)`.
///
/// Equality is structural and exact: object members compare in order, `.int(1)` is not `.double(1)`, and
/// doubles compare bit for bit (so `-0.0` is not `0.0`, as they render differently, and NaN equals itself).
public indirect enum JSON: Hashable, Sendable {
  case null
  case bool(Bool)
  case int(Int)
  case double(Double)
  case string(String)
  case array([JSON])
  case object([(String, JSON)])

  public static func == (a: JSON, b: JSON) -> Bool {
    switch (a, b) {
    case (.null, .null): return true
    case (.bool(let x), .bool(let y)): return x == y
    case (.int(let x), .int(let y)): return x == y
    case (.double(let x), .double(let y)): return x.bitPattern == y.bitPattern
    case (.string(let x), .string(let y)): return x == y
    case (.array(let x), .array(let y)): return x == y
    case (.object(let x), .object(let y)):
      return x.count == y.count && zip(x, y).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
    default: return false
    }
  }

  public func hash(into hasher: inout Hasher) {
    switch self {
    case .null: hasher.combine(0)
    case .bool(let flag):
      hasher.combine(1)
      hasher.combine(flag)
    case .int(let number):
      hasher.combine(2)
      hasher.combine(number)
    case .double(let number):
      hasher.combine(3)
      hasher.combine(number.bitPattern)
    case .string(let text):
      hasher.combine(4)
      hasher.combine(text)
    case .array(let elements):
      hasher.combine(5)
      hasher.combine(elements)
    case .object(let members):
      hasher.combine(6)
      hasher.combine(members.count)
      for (key, value) in members {
        hasher.combine(key)
        hasher.combine(value)
      }
    }
  }
}

// MARK: - Reading values

extension JSON {
  /// The member named `key` of an object (the last one, should a built object repeat the key); nil for a
  /// missing key or a value that is not an object.
  public subscript(key: String) -> JSON? {
    guard case .object(let members) = self else { return nil }
    return members.last { $0.0 == key }?.1
  }

  /// The element at `index` of an array; nil out of range or for a value that is not an array.
  public subscript(index: Int) -> JSON? {
    guard case .array(let elements) = self, elements.indices.contains(index) else { return nil }
    return elements[index]
  }

  public var string: String? {
    guard case .string(let text) = self else { return nil }
    return text
  }

  /// An `.int`, a whole `.double` that fits in `Int`, or a string holding an integer in plain decimal ("8080",
  /// "-1"): Kubernetes quotes integers where the schema says string (env values, annotations), and callers
  /// want them either way.
  public var int: Int? {
    switch self {
    case .int(let number): return number
    case .double(let number):
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

  /// A `.double`, or an `.int` converted (rounded to the nearest `Double` beyond 2^53).
  public var double: Double? {
    switch self {
    case .double(let number): return number
    case .int(let number): return Double(number)
    default: return nil
    }
  }

  public var bool: Bool? {
    guard case .bool(let flag) = self else { return nil }
    return flag
  }

  public var array: [JSON]? {
    guard case .array(let elements) = self else { return nil }
    return elements
  }

  /// An object's members, in order.
  public var object: [(String, JSON)]? {
    guard case .object(let members) = self else { return nil }
    return members
  }

  public var isNull: Bool {
    guard case .null = self else { return false }
    return true
  }

  /// Follows a path of keys, e.g. `pod.path("metadata", "labels", "app")`; nil as soon as one is missing, so
  /// optional fields need no chain of `?`.
  public func path(_ keys: String...) -> JSON? {
    var current = self
    for key in keys {
      guard let next = current[key] else { return nil }
      current = next
    }
    return current
  }
}
