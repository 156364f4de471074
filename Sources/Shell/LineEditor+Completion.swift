import CEditLine
import Synchronization

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// What Tab does and how candidates are laid out: pure functions of the line and the candidates.
extension LineEditor {
  /// The word Tab completes in `lineBeforeCursor`: the text after the last space or tab.
  public static func completionWord(in lineBeforeCursor: String) -> Substring {
    let start =
      lineBeforeCursor.lastIndex(where: isBlank).map {
        lineBeforeCursor.index(after: $0)
      } ?? lineBeforeCursor.startIndex
    return lineBeforeCursor[start...]
  }

  /// What Tab does with the current word and the completer's candidates.
  enum CompletionAction: Equatable {
    /// Nothing to complete: beep.
    case none
    /// Replace the current word; `complete` when it was the only candidate (a space follows).
    case replace(String, complete: Bool)
    /// Several candidates and no longer common prefix: list them.
    case list([String])
  }

  /// Turns candidates into replacements for the current word. A candidate that continues more of
  /// the line than the current word, from the start of an earlier word (compared case-insensitively:
  /// `CLUSTER NODES` for `cluster n`), is cut to the part that replaces the current word (`NODES`),
  /// so a completer may return whole command names as well as single words.
  static func wordReplacements(lineBeforeCursor: String, candidates: [String]) -> [String] {
    let line = Array(lineBeforeCursor)
    let wordStart = line.count - completionWord(in: lineBeforeCursor).count
    let wordStarts = line.indices.filter { $0 < wordStart && ($0 == 0 || isBlank(line[$0 - 1])) }
    return candidates.map { candidate in
      let characters = Array(candidate)
      for start in wordStarts {
        let typed = line[start...]
        guard typed.count <= characters.count,
          zip(typed, characters).allSatisfy({ $0.lowercased() == $1.lowercased() })
        else { continue }
        return String(characters[(wordStart - start)...])
      }
      return candidate
    }
  }

  private static func isBlank(_ character: Character) -> Bool {
    character == " " || character == "\t"
  }

  /// A unique candidate replaces the current word (followed by a space); several candidates replace
  /// it with their longest common prefix (compared case-insensitively) if that is longer than the
  /// word, otherwise they are listed. Candidates are first passed through `wordReplacements`.
  static func completionAction(lineBeforeCursor: String, candidates: [String]) -> CompletionAction {
    let word = completionWord(in: lineBeforeCursor)
    var seen = Set<String>()
    let unique = wordReplacements(lineBeforeCursor: lineBeforeCursor, candidates: candidates)
      .filter { !$0.isEmpty && seen.insert($0).inserted }
    if unique.isEmpty { return .none }
    if unique.count == 1 { return .replace(unique[0], complete: true) }
    let sorted = unique.sorted()
    var prefix = Substring(sorted[0])
    for candidate in sorted.dropFirst() {
      let length = zip(prefix, candidate).prefix(while: { $0.lowercased() == $1.lowercased() }).count
      prefix = prefix.prefix(length)
    }
    if prefix.count > word.count { return .replace(String(prefix), complete: false) }
    return .list(sorted)
  }

  /// Lays out candidates in columns (top to bottom, then left to right) for a terminal `width` wide.
  static func formatColumns(_ items: [String], width: Int) -> String {
    guard !items.isEmpty else { return "" }
    let widest = items.map(\.unicodeScalars.count).max() ?? 0
    let columnWidth = widest + 2
    let columns = max(1, min(items.count, (max(width, 1) + 2) / columnWidth))
    let rows = (items.count + columns - 1) / columns
    var output = ""
    for row in 0..<rows {
      var line = ""
      for column in 0..<columns {
        let index = column * rows + row
        guard index < items.count else { break }
        let item = items[index]
        line += item
        if column < columns - 1, (column + 1) * rows + row < items.count {
          line += String(repeating: " ", count: columnWidth - item.unicodeScalars.count)
        }
      }
      output += line + "\n"
    }
    return output
  }

  /// The bound Tab function (EL_ADDFN): runs on the editor thread inside `el_gets`.
}
