import RESP
import Synchronization

/// A JSON document, written by hand so output needs no Foundation and keys keep their order.
public indirect enum JSON: Hashable, Sendable {
  case null
  case bool(Bool)
  case int(Int)
  case double(Double)
  case string(String)
  case array([JSON])
  case object([(String, JSON)])

  public static func == (a: JSON, b: JSON) -> Bool { a.render() == b.render() }
  public func hash(into h: inout Hasher) { h.combine(render()) }

  /// Serialises with two-space indentation (`pretty`) or compactly.
  public func render(pretty: Bool = true) -> String {
    var out = ""
    write(into: &out, indent: pretty ? 0 : nil)
    return out
  }

  private func write(into out: inout String, indent: Int?) {
    switch self {
    case .null: out += "null"
    case .bool(let b): out += b ? "true" : "false"
    case .int(let i): out += String(i)
    case .double(let d): out += d.isFinite ? String(d) : "null"
    case .string(let s): JSON.quote(s, into: &out)
    case .array(let items):
      if items.isEmpty { out += "[]"; return }
      out += "["
      for (i, item) in items.enumerated() {
        if i > 0 { out += "," }
        JSON.newline(&out, indent.map { $0 + 1 })
        item.write(into: &out, indent: indent.map { $0 + 1 })
      }
      JSON.newline(&out, indent)
      out += "]"
    case .object(let fields):
      if fields.isEmpty { out += "{}"; return }
      out += "{"
      for (i, (key, value)) in fields.enumerated() {
        if i > 0 { out += "," }
        JSON.newline(&out, indent.map { $0 + 1 })
        JSON.quote(key, into: &out)
        out += indent == nil ? ":" : ": "
        value.write(into: &out, indent: indent.map { $0 + 1 })
      }
      JSON.newline(&out, indent)
      out += "}"
    }
  }

  private static func newline(_ out: inout String, _ indent: Int?) {
    guard let indent else { return }
    out += "\n" + String(repeating: "  ", count: indent)
  }

  static func quote(_ s: String, into out: inout String) {
    out += "\""
    for u in s.unicodeScalars {
      switch u {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      case _ where u.value < 0x20:
        let hex = String(u.value, radix: 16)
        out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
      default: out.unicodeScalars.append(u)
      }
    }
    out += "\""
  }
}

extension JSON {
  /// `.string` for a value, `.null` for nil.
  static func optional(_ s: String?) -> JSON { s.map(JSON.string) ?? .null }
  static func optional(_ i: Int?) -> JSON { i.map(JSON.int) ?? .null }
}

/// Set once a command printed its JSON document, so a failure afterwards does not print a second.
let jsonDocumentPrinted = Atomic<Bool>(false)

/// Prints a command's one JSON document on standard output.
func emit(_ doc: JSON) {
  jsonDocumentPrinted.store(true, ordering: .relaxed)
  print(doc.render())
}

extension JSON {
  /// A reply as JSON: strings, numbers, arrays; maps with string keys become objects.
  init(resp value: RESPValue) {
    switch value {
    case .simpleString(let s), .bigNumber(let s): self = .string(s)
    case .bulkString(let b), .verbatimString(_, let b): self = .string(String(decoding: b, as: UTF8.self))
    case .error(let m), .bulkError(let m): self = .object([("error", .string(m))])
    case .integer(let i): self = .int(Int(i))
    case .double(let d): self = .double(d)
    case .boolean(let b): self = .bool(b)
    case .null: self = .null
    case .array(let a), .set(let a), .push(let a): self = .array(a.map(JSON.init(resp:)))
    case .map(let pairs):
      if pairs.allSatisfy({ $0.key.string != nil }) {
        self = .object(pairs.map { ($0.key.string!, JSON(resp: $0.value)) })
      } else {
        self = .array(pairs.map { .array([JSON(resp: $0.key), JSON(resp: $0.value)]) })
      }
    case .attributed(_, let v): self = JSON(resp: v)
    }
  }
}
