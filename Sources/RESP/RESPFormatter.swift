/// Renders replies for people, the way redis-cli does.
public enum RESPFormatter {
  public enum Style: Sendable {
    /// redis-cli's TTY style: `"quoted"` strings, `(integer) 1`, numbered `1) …` arrays.
    case quoted
    /// redis-cli's --raw style: strings as they are, one array element per line.
    case raw
  }

  public static func format(_ value: RESPValue, style: Style = .quoted) -> String {
    switch style {
    case .quoted: return quoted(value, indent: 0)
    case .raw: return raw(value)
    }
  }

  static func raw(_ value: RESPValue) -> String {
    switch value {
    case .simpleString(let s), .bigNumber(let s): return s
    case .bulkString(let b), .verbatimString(_, let b): return String(decoding: b, as: UTF8.self)
    case .error(let m), .bulkError(let m): return "(error) \(m)"
    case .integer(let i): return String(i)
    case .double(let d): return String(d)
    case .boolean(let b): return b ? "1" : "0"
    case .null: return ""
    case .array(let a), .set(let a), .push(let a): return a.map(raw).joined(separator: "\n")
    case .map(let pairs): return pairs.map { raw($0.key) + "\n" + raw($0.value) }.joined(separator: "\n")
    case .attributed(_, let v): return raw(v)
    }
  }

  static func quoted(_ value: RESPValue, indent: Int) -> String {
    switch value {
    case .simpleString(let s): return s
    case .bulkString(let b): return quote(b)
    case .verbatimString(_, let t): return String(decoding: t, as: UTF8.self)
    case .error(let m), .bulkError(let m): return "(error) \(m)"
    case .integer(let i): return "(integer) \(i)"
    case .double(let d): return "(double) \(d)"
    case .boolean(let b): return b ? "(true)" : "(false)"
    case .bigNumber(let s): return "(big number) \(s)"
    case .null: return "(nil)"
    case .array(let a): return list(a.map { ($0, nil) }, marker: ")", empty: "(empty array)", indent: indent)
    case .set(let a): return list(a.map { ($0, nil) }, marker: "~", empty: "(empty set)", indent: indent)
    case .push(let a): return list(a.map { ($0, nil) }, marker: ")", empty: "(empty push)", indent: indent)
    case .map(let pairs):
      return list(pairs.map { ($0.key, $0.value) }, marker: "#", empty: "(empty hash)", indent: indent)
    case .attributed(_, let v): return quoted(v, indent: indent)
    }
  }

  private static func list(_ items: [(RESPValue, RESPValue?)], marker: String, empty: String, indent: Int)
    -> String
  {
    if items.isEmpty { return empty }
    let width = String(items.count).count
    var lines: [String] = []
    for (i, (item, mapped)) in items.enumerated() {
      let number = String(i + 1)
      let label = String(repeating: " ", count: width - number.count) + number + marker + " "
      let pad = String(repeating: " ", count: i == 0 ? 0 : indent)
      let inner = indent + label.count
      var text = quoted(item, indent: inner)
      if let mapped { text += " => " + quoted(mapped, indent: inner + text.count + 4) }
      lines.append(pad + label + text)
    }
    return lines.joined(separator: "\n")
  }

  /// `"text"` with non-printable bytes escaped as redis-cli does (`\n`, `\x00`).
  public static func quote(_ bytes: [UInt8]) -> String {
    var out = "\""
    var scalars: [UInt8] = []
    func flush() {
      out += String(decoding: scalars, as: UTF8.self)
      scalars.removeAll()
    }
    for b in bytes {
      switch b {
      case UInt8(ascii: "\\"): flush(); out += "\\\\"
      case UInt8(ascii: "\""): flush(); out += "\\\""
      case 10: flush(); out += "\\n"
      case 13: flush(); out += "\\r"
      case 9: flush(); out += "\\t"
      case 7: flush(); out += "\\a"
      case 8: flush(); out += "\\b"
      case 0..<32, 127:
        flush()
        let hex = String(b, radix: 16)
        out += "\\x" + (hex.count == 1 ? "0" : "") + hex
      default: scalars.append(b)
      }
    }
    flush()
    return out + "\""
  }
}
