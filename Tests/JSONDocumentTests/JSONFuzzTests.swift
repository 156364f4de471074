import JSONDocument
import TestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Builds random JSON values and prints them in any legal spelling: whitespace anywhere, strings
/// with short, `\u` and surrogate-pair escapes, doubles as decimals or exponents (integers stay plain, so
/// they parse back as `.int`), and now and then a member's key first with a value the next one replaces.
struct JSONGenerator {
  var rng: SplitMix64
  var maxDepth = 4

  init(seed: UInt64) {
    rng = SplitMix64(seed: seed)
  }

  private mutating func chance(_ p: Double) -> Bool { Double.random(in: 0..<1, using: &rng) < p }

  mutating func value(depth: Int = 0) -> JSON {
    switch Int.random(in: 0..<(depth < maxDepth ? 8 : 5), using: &rng) {
    case 0: return .null
    case 1: return .bool(chance(0.5))
    case 2: return number()
    case 3, 4: return .string(string())
    case 5, 6: return .array((0..<Int.random(in: 0...4, using: &rng)).map { _ in value(depth: depth + 1) })
    default:
      var members: [(String, JSON)] = []
      for _ in 0..<Int.random(in: 0...4, using: &rng) {
        let key = string()
        if !members.contains(where: { $0.0 == key }) { members.append((key, value(depth: depth + 1))) }
      }
      return .object(members)
    }
  }

  private mutating func number() -> JSON {
    switch Int.random(in: 0..<6, using: &rng) {
    case 0:
      return .double(
        [
          0, -0.0, 1, -1, 6379, 1e22, 1e23, .leastNonzeroMagnitude, .greatestFiniteMagnitude, 0.1, 0x1p53 + 2,
        ]
        .randomElement(using: &rng)!)
    case 1: return .double(Double(Int.random(in: -1_000_000...1_000_000, using: &rng)))
    case 2: return .double(Double(Int.random(in: -1_000_000...1_000_000, using: &rng)) / 1000)
    case 3: return .int([0, 1, -1, 6379, .max, .min, 1 << 53 + 1].randomElement(using: &rng)!)
    case 4: return .int(Int(bitPattern: UInt(rng.next())) >> Int.random(in: 0..<64, using: &rng))
    default:
      let d = Double(bitPattern: rng.next())
      return .double(d.isFinite ? d : 0.5)
    }
  }

  private mutating func string() -> String {
    let pool: [Unicode.Scalar] = [
      "a", "Z", "0", " ", "\"", "\\", "/", "\0", "\n", "\t", "\u{1F}", "\u{7F}", "é", "€", "\u{FFFD}",
      "\u{FFFF}", "😀", "\u{10FFFF}", "\u{2028}", "\u{301}", "日",
    ]
    var text = String.UnicodeScalarView()
    for _ in 0..<Int.random(in: 0...8, using: &rng) { text.append(pool.randomElement(using: &rng)!) }
    return String(text)
  }

  /// `value` as JSON text that parses back to exactly `value`.
  mutating func text(_ value: JSON) -> String {
    var out = ""
    write(value, into: &out)
    return space() + out + space()
  }

  private mutating func space() -> String {
    chance(0.7) ? "" : [" ", "\n", "\t", "\r\n", "  "].randomElement(using: &rng)!
  }

  private mutating func write(_ value: JSON, into out: inout String) {
    switch value {
    case .null: out += "null"
    case .bool(let flag): out += flag ? "true" : "false"
    case .int(let number): out += "\(number)"
    case .double(let number): out += spelling(number)
    case .string(let text): writeString(text, into: &out)
    case .array(let elements):
      out += "[" + space()
      for (i, element) in elements.enumerated() {
        if i > 0 { out += space() + "," + space() }
        write(element, into: &out)
      }
      out += space() + "]"
    case .object(let members):
      out += "{" + space()
      for (i, (key, member)) in members.enumerated() {
        if i > 0 { out += space() + "," + space() }
        if chance(0.1) {
          // Replaced by the member that follows, which keeps this place.
          writeString(key, into: &out)
          out += space() + ":" + space() + "\"replaced\"" + space() + "," + space()
        }
        writeString(key, into: &out)
        out += space() + ":" + space()
        write(member, into: &out)
      }
      out += space() + "}"
    }
  }

  /// A spelling with a fraction or an exponent: a plain integer would parse as `.int`.
  private mutating func spelling(_ number: Double) -> String {
    if number == number.rounded(), abs(number) < 1e15, !(number == 0 && number.sign == .minus) {
      let whole = Int(number)
      switch Int.random(in: 0..<3, using: &rng) {
      case 0: return "\(whole).0"
      // The same value with a negative scale: the fast path divides, the slow path rounds once.
      case 1 where whole != 0: return "\(whole)00e-2"
      default: return "\(whole).0E+0"
      }
    }
    let text = "\(number)"
    return chance(0.5) ? String(text.map { $0 == "e" ? "E" : $0 }) : text
  }

  private mutating func writeString(_ text: String, into out: inout String) {
    out += "\""
    for scalar in text.unicodeScalars {
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "/" where chance(0.5): out += "\\/"
      case "\n" where chance(0.5): out += "\\n"
      case "\t" where chance(0.5): out += "\\t"
      case _ where scalar.value < 0x20 || chance(0.2): out += escaped(scalar)
      default: out.unicodeScalars.append(scalar)
      }
    }
    out += "\""
  }

  private mutating func escaped(_ scalar: Unicode.Scalar) -> String {
    let upper = chance(0.5)
    func hex4(_ unit: UInt32) -> String {
      let digits = String(unit, radix: 16, uppercase: upper)
      return "\\u" + String(repeating: "0", count: 4 - digits.count) + digits
    }
    guard scalar.value >= 0x1_0000 else { return hex4(scalar.value) }
    let v = scalar.value - 0x1_0000
    return hex4(0xD800 + (v >> 10)) + hex4(0xDC00 + (v & 0x3FF))
  }
}

/// Byte mutations aimed at JSON: structural tokens, escapes, lone surrogates, huge and long
/// numbers, deep nesting, invalid UTF-8, truncation.
private func mutate(_ bytes: inout [UInt8], using rng: inout SplitMix64) {
  let tokens: [String] = [
    "{", "}", "[", "]", ",", ":", "\"", "\\", "\\u", "\\uD800", "\\uDC00", "\\uD83D\\u", "true", "nul", "-",
    "0", "01", "1e999", "-1e-999", ".", "e+", "9007199254740993", String(repeating: "9", count: 400),
    "0." + String(repeating: "1", count: 300) + "e-400", String(repeating: "[", count: 600),
    String(repeating: "{\"a\":", count: 300), " ", "\n", "\u{FEFF}",
  ]
  let odd: [[UInt8]] = [[0xFF], [0xC3], [0x80], [0xED, 0xA0, 0x80], [0xC0, 0x80], [0], [0x1F]]
  for _ in 0..<Int.random(in: 1...4, using: &rng) {
    let index = bytes.isEmpty ? 0 : Int.random(in: 0..<bytes.count, using: &rng)
    switch Int.random(in: 0..<7, using: &rng) {
    case 0 where !bytes.isEmpty: bytes[index] ^= 1 << UInt8.random(in: 0..<8, using: &rng)
    case 1 where !bytes.isEmpty: bytes.remove(at: index)
    case 2: bytes.removeLast(Int.random(in: 0...bytes.count, using: &rng))
    case 3: bytes.insert(contentsOf: odd.randomElement(using: &rng)!, at: index)
    case 4 where !bytes.isEmpty: bytes[index] = UInt8.random(in: 0...255, using: &rng)
    default: bytes.insert(contentsOf: Array(tokens.randomElement(using: &rng)!.utf8), at: index)
    }
  }
}

extension JSON {
  /// Nesting depth: 0 for scalars, 1 for `[]`.
  fileprivate var depth: Int {
    switch self {
    case .array(let elements): return 1 + (elements.map(\.depth).max() ?? 0)
    case .object(let members): return 1 + (members.map(\.1.depth).max() ?? 0)
    default: return 0
    }
  }
}

@Suite struct JSONFuzzTests {
  /// Generated values printed in random legal spellings parse back to exactly themselves, from a
  /// `String` and from bytes; so do they rendered, pretty or compact.
  @Test func generatedDocumentsParseBackExactly() throws {
    var generator = JSONGenerator(seed: 51)
    for _ in 0..<FuzzBudget.rounds(1500) {
      let value = generator.value()
      let text = generator.text(value)
      let ok = try JSON.parse(text) == value && JSON.parse(Array(text.utf8)) == value
      #expect(ok, "\(text.debugDescription)")
      #expect(try JSON.parse(value.render()) == value && JSON.parse(value.render(pretty: false)) == value)
      if !ok { return }
    }
  }

  /// Mutated documents either parse to a value that is no deeper than the limit and prints back to
  /// itself (also after repairing the input's UTF-8 first), or fail at an offset where the input
  /// stops being a valid prefix: cutting the input there gives "unexpected end of input" there.
  @Test(arguments: 0..<2)
  func mutatedDocuments(shard: Int) {
    var generator = JSONGenerator(seed: 900 + UInt64(shard))
    var rng = SplitMix64(seed: 1000 + UInt64(shard))
    var outcomes = (parsed: 0, failed: 0)
    for _ in 0..<FuzzBudget.rounds(2500) {
      var bytes = Array(generator.text(generator.value()).utf8)
      mutate(&bytes, using: &rng)
      var violation: String?
      do throws(JSONParseError) {
        let value = try JSON.parse(bytes)
        outcomes.parsed += 1
        if value.depth > JSON.maxDepth { violation = "deeper than the limit" }
        if (try? JSON.parse(generator.text(value))) != value {
          violation = "did not print back the same"
        }
        if (try? JSON.parse(value.render(pretty: rng.next() & 1 == 0))) != value {
          violation = "did not render back the same"
        }
        if (try? JSON.parse(String(decoding: bytes, as: UTF8.self))) != value {
          violation = "repairing the UTF-8 first changed the value"
        }
      } catch {
        outcomes.failed += 1
        violation = Self.violation(in: error, bytes: bytes)
      }
      if let violation {
        Issue.record("\(violation): \(bytes)")
        return
      }
    }
    #expect(outcomes.parsed > 100 && outcomes.failed > 100)
  }

  private static func violation(in error: JSONParseError, bytes: [UInt8]) -> String? {
    guard (0...bytes.count).contains(error.offset) else { return "offset \(error.offset) out of range" }
    guard !error.reason.isEmpty, !error.reason.contains("\n") else { return "bad reason" }
    if error.reason.hasPrefix("unexpected end of input") {
      return error.offset == bytes.count ? nil : "end of input reported at \(error.offset)"
    }
    do throws(JSONParseError) {
      _ = try JSON.parse(bytes[..<error.offset])
    } catch let cut {
      if cut.offset != error.offset || !cut.reason.hasPrefix("unexpected end of input") {
        return "\(error), but the input cut there gives \(cut)"
      }
    }
    return nil
  }

  /// Any mix of arrays and objects deeper than the limit is an error at the first opener too many,
  /// however deep it goes: never a stack overflow.
  @Test func deepNestingIsAnErrorNotACrash() throws {
    var rng = SplitMix64(seed: 61)
    for _ in 0..<FuzzBudget.rounds(20) {
      let depth = [
        JSON.maxDepth, JSON.maxDepth + 1, Int.random(in: 513...5000, using: &rng), 200_000,
      ]
      .randomElement(using: &rng)!
      var text = "", closers: [Character] = [], tooDeepAt: Int? = nil
      for level in 1...depth {
        let object = Bool.random(using: &rng)
        if level == JSON.maxDepth + 1 { tooDeepAt = text.utf8.count }
        text += object ? "{\"k\":" : "["
        closers.append(object ? "}" : "]")
      }
      text += "0" + String(closers.reversed())
      if let tooDeepAt {
        let error = #expect(throws: JSONParseError.self) { try JSON.parse(text) }
        #expect(error?.offset == tooDeepAt && error?.reason == "nesting deeper than 512 levels")
      } else {
        #expect(try JSON.parse(text).depth == depth)
      }
    }
  }
}
