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
    case .raw:
      var text = ""
      write(value, style: .raw) { text += $0 }
      return text
    }
  }

  /// Like `format`, but hands the text to `output` in pieces (raw style: about 64 KiB each, cut
  /// between elements), so printing a reply of millions of elements needs no second copy of it.
  ///
  /// The value is taken: in raw style each element is moved out and freed once written, which
  /// spares a million-element reply a retain, a release and a separate pass to free it.
  public static func write(
    _ value: consuming RESPValue, style: Style = .quoted, to output: (String) -> Void
  ) {
    guard style == .raw else { return output(quoted(value, indent: 0)) }
    var writer = RawWriter()
    writer.append(value, output)
    writer.flush(output)
  }

  /// redis-cli's raw style, built in one byte buffer rather than one string per element. Invalid
  /// UTF-8 is repaired per piece; pieces end between elements and separators are ASCII, so this
  /// repairs exactly as decoding each element on its own would.
  private struct RawWriter {
    var bytes: [UInt8] = []

    mutating func flush(_ output: (String) -> Void) {
      output(String(decoding: bytes, as: UTF8.self))
      bytes.removeAll(keepingCapacity: true)
    }

    mutating func append(_ value: consuming RESPValue, _ output: (String) -> Void) {
      switch consume value {
      case .simpleString(let s), .bigNumber(let s): bytes += s.utf8
      case .bulkString(let b), .verbatimString(_, let b): b.withUnsafeBufferPointer { bytes += $0 }
      case .error(let m), .bulkError(let m): bytes += "(error) \(m)".utf8
      case .integer(let i): bytes += String(i).utf8
      case .double(let d): bytes += String(d).utf8
      case .boolean(let b): bytes.append(b ? UInt8(ascii: "1") : UInt8(ascii: "0"))
      case .null: break
      case .array(var a), .set(var a), .push(var a):
        for i in a.indices {
          if i > 0 { separate(output) }
          append(take(&a[i]), output)
        }
      case .map(var pairs):
        for i in pairs.indices {
          if i > 0 { separate(output) }
          append(take(&pairs[i].key), output)
          bytes.append(UInt8(ascii: "\n"))
          append(take(&pairs[i].value), output)
        }
      case .attributed(_, let v): append(v, output)
      }
    }

    /// The newline between two elements, where a full piece is handed over.
    mutating func separate(_ output: (String) -> Void) {
      if bytes.count >= 65536 { flush(output) }
      bytes.append(UInt8(ascii: "\n"))
    }

    /// Moves a value out of its slot (a swap, not a copy), leaving a null behind.
    func take(_ slot: inout RESPValue) -> RESPValue {
      var value = RESPValue.null
      swap(&value, &slot)
      return value
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
