/// Decides which shell lines may be written to the history file.
///
/// Follows redis-cli's list of commands whose arguments may hold secrets, erring on the side of caution:
/// a malformed command (`HELLO AUTH user pass` without a protocol version) still carries the password, so
/// the checks look for the secret-bearing keyword anywhere it could appear rather than only where the
/// server would accept it.
public enum HistoryFilter {
  /// True for commands whose arguments may hold secrets and must never reach the history file:
  /// - `AUTH …`
  /// - `HELLO … AUTH …`
  /// - `ACL SETUSER|DELUSER|GETUSER …` (all of them, whatever the rules)
  /// - `CONFIG SET` naming `masterauth`, `masteruser`, `requirepass`, `tls-key-file-pass` or
  ///   `tls-client-key-file-pass` anywhere among its arguments
  /// - `MIGRATE … AUTH|AUTH2 …`
  /// - `SENTINEL SET <master> … auth-pass|auth-user …`
  /// - `SENTINEL CONFIG SET … sentinel-pass|sentinel-user …`
  ///
  /// Comparisons are case-insensitive (ASCII).
  public static func isSensitive(_ args: [String]) -> Bool {
    guard let first = args.first else { return false }
    let words = args.map(asciiLowercased)
    switch asciiLowercased(first) {
    case "auth":
      return true
    case "hello":
      return words.dropFirst().contains("auth")
    case "acl":
      return words.count > 1 && ["setuser", "deluser", "getuser"].contains(words[1])
    case "config":
      return words.count > 2 && words[1] == "set"
        && words.dropFirst(2).contains { sensitiveConfig.contains($0) }
    case "migrate":
      // MIGRATE host port key|"" db timeout [COPY] [REPLACE] [AUTH pw] [AUTH2 user pw] [KEYS k…]
      return words.dropFirst(3).contains { $0 == "auth" || $0 == "auth2" }
    case "sentinel":
      guard words.count > 1 else { return false }
      if words[1] == "set" {
        return words.dropFirst(3).contains { $0 == "auth-pass" || $0 == "auth-user" }
      }
      if words[1] == "config", words.count > 2, words[2] == "set" {
        return words.dropFirst(3).contains { $0 == "sentinel-pass" || $0 == "sentinel-user" }
      }
      return false
    default:
      return false
    }
  }

  /// True if `line` may be written to the history file: it is not empty and not sensitive.
  /// A line that does not parse (unbalanced quotes) is judged by its whitespace-separated words,
  /// so a typo cannot leak a password.
  public static func mayPersist(_ line: String) -> Bool {
    let args: [String]
    do {
      args = try CommandLineParser.splitStrings(line)
    } catch {
      args = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map {
        String($0).trimmingQuotes()
      }
    }
    return !args.isEmpty && !isSensitive(args)
  }

  private static let sensitiveConfig: Set<String> = [
    "masterauth", "masteruser", "requirepass", "tls-key-file-pass", "tls-client-key-file-pass",
  ]

  private static func asciiLowercased(_ word: String) -> String {
    String(
      decoding: word.utf8.map { (0x41...0x5A).contains($0) ? $0 | 0x20 : $0 }, as: UTF8.self)
  }
}

extension String {
  fileprivate func trimmingQuotes() -> String {
    String(
      self.drop(while: { $0 == "\"" || $0 == "'" }).reversed().drop(while: { $0 == "\"" || $0 == "'" })
        .reversed())
  }
}
