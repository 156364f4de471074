import TestSupport

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Byte-level mutations of a valid-looking document: bit flips, random bytes, deletions,
/// truncation, and insertions of the tokens that matter to the parser under test, huge numbers,
/// invalid UTF-8 and repeated chunks.
struct ByteMutator {
  /// Separators and keywords of the format (e.g. `" "`, `"\n"`, `"@"`, `"->-"`).
  var tokens: [[UInt8]]

  static let hugeNumbers: [[UInt8]] = [
    "99999999999999999999", "9223372036854775807", "9223372036854775808", "-9223372036854775808",
    "-1", "0", "16383", "16384", "65535", "65536", "+5", "1e400",
  ].map { Array($0.utf8) }

  /// Lone lead bytes, a stray continuation byte, an encoded surrogate, an overlong NUL, and a
  /// combining mark (valid, but it merges with the character before it).
  static let oddUTF8: [[UInt8]] = [
    [0xFF], [0xC3], [0x80], [0xE2, 0x82], [0xED, 0xA0, 0x80], [0xC0, 0x80], [0xF4, 0x90, 0x80, 0x80],
    Array("\u{301}".utf8), Array("\u{200B}".utf8), Array("\u{FEFF}".utf8), [0],
  ]

  mutating func mutate(_ bytes: inout [UInt8], using rng: inout SplitMix64) {
    for _ in 0..<Int.random(in: 1...4, using: &rng) {
      let index = bytes.isEmpty ? 0 : Int.random(in: 0..<bytes.count, using: &rng)
      switch Int.random(in: 0..<9, using: &rng) {
      case 0 where !bytes.isEmpty: bytes[index] ^= 1 << UInt8.random(in: 0..<8, using: &rng)
      case 1 where !bytes.isEmpty: bytes[index] = UInt8.random(in: 0...255, using: &rng)
      case 2 where !bytes.isEmpty: bytes.remove(at: index)
      case 3: bytes.removeLast(Int.random(in: 0...bytes.count, using: &rng))
      case 4: bytes.insert(contentsOf: tokens.randomElement(using: &rng)!, at: index)
      case 5: bytes.insert(contentsOf: Self.hugeNumbers.randomElement(using: &rng)!, at: index)
      case 6: bytes.insert(contentsOf: Self.oddUTF8.randomElement(using: &rng)!, at: index)
      case 7 where !bytes.isEmpty:
        // A chunk repeated: long fields, many fields, many lines.
        let end = min(bytes.count, index + Int.random(in: 1...16, using: &rng))
        let chunk = Array(bytes[index..<end])
        let times = Int.random(in: 2...64, using: &rng)
        bytes.insert(contentsOf: Array(repeating: chunk, count: times).joined(), at: index)
      default:
        if let token = tokens.randomElement(using: &rng), !bytes.isEmpty {
          // Replace a byte by a token, keeping the length roughly the same.
          bytes.replaceSubrange(index..<index + 1, with: token)
        }
      }
    }
  }
}

/// A parser's error message is a sentence for a terminal: one line, no control characters, and
/// short even when the input is huge (quoted input is cut).
func isSentence(_ message: String, limit: Int = 400) -> Bool {
  !message.isEmpty && message.utf8.count <= limit
    && !message.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F }
}
