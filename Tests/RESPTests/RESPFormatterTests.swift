import RESP
import Testing

@Suite struct RESPFormatterTests {
  /// The raw style as it was written before it was built in one buffer: one string per element
  /// (invalid UTF-8 repaired per element), joined with newlines.
  private func reference(_ value: RESPValue) -> String {
    switch value {
    case .simpleString(let s), .bigNumber(let s): return s
    case .bulkString(let b), .verbatimString(_, let b): return String(decoding: b, as: UTF8.self)
    case .error(let m), .bulkError(let m): return "(error) \(m)"
    case .integer(let i): return String(i)
    case .double(let d): return String(d)
    case .boolean(let b): return b ? "1" : "0"
    case .null: return ""
    case .array(let a), .set(let a), .push(let a): return a.map(reference).joined(separator: "\n")
    case .map(let pairs):
      return pairs.map { reference($0.key) + "\n" + reference($0.value) }.joined(separator: "\n")
    case .attributed(_, let v): return reference(v)
    }
  }

  @Test func rawEqualsOneStringPerElement() {
    var generator = ValueGenerator(seed: 90)
    for _ in 0..<2000 {
      let value = generator.value()
      #expect(RESPFormatter.format(value, style: .raw) == reference(value))
      // format borrows: the value it was given is intact afterwards.
      #expect(RESPFormatter.format(value, style: .raw) == reference(value))
    }
    // Cut UTF-8 sequences are repaired per element, also when the next element would complete them.
    let split = RESPValue.array([.bulkString([0xE2, 0x82]), .bulkString([0xAC, 0x41]), .map([])])
    #expect(RESPFormatter.format(split, style: .raw) == "\u{FFFD}\n\u{FFFD}A\n")
  }

  @Test func writeHandsOverPiecesCutBetweenElements() {
    let elements = (0..<30_000).map { RESPValue.bulkString(Array("element-\($0)".utf8)) }
    let value = RESPValue.array(elements + [.map([RESPPair(.integer(1), .array(elements))])])
    var pieces: [String] = []
    RESPFormatter.write(value, style: .raw) { pieces.append($0) }
    #expect(pieces.count > 4)
    #expect(pieces.joined() == reference(value))
    #expect(pieces.dropFirst().allSatisfy { $0.hasPrefix("\n") })

    var quoted: [String] = []
    RESPFormatter.write(.array([.integer(1), .null]), style: .quoted) { quoted.append($0) }
    #expect(quoted == ["1) (integer) 1\n2) (nil)"])
  }
}
