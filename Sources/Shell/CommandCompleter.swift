import ClusterKit
import RESP
import RedisCore

/// Tab completion of command names and subcommands, from the server's own COMMAND DOCS.
public struct CommandCompleter: Sendable {
  /// "GET", "CLUSTER NODES", … in upper case.
  let names: [String]

  public init(names: [String]) {
    self.names = names.sorted()
  }

  /// Loads the server's commands and subcommands (so completion matches its version).
  public static func load(_ router: ClusterRouter) async -> CommandCompleter {
    let reply = (try? await router.execute([Array("COMMAND".utf8), Array("DOCS".utf8)])) ?? .null
    var names: [String] = [":nodes", ":slot", ":connect", "help", "quit"]
    for pair in reply.pairs ?? [] {
      guard let name = pair.key.string?.uppercased() else { continue }
      names.append(name)
      for sub in pair.value["subcommands"]?.pairs ?? [] {
        if let full = sub.key.string { names.append(full.replacing("|", with: " ").uppercased()) }
      }
    }
    return CommandCompleter(names: names)
  }

  /// Candidates for the word being typed: a command name, or a subcommand after its container
  /// (`CLUSTER N` → `NODES`).
  public func complete(_ lineBeforeCursor: String) -> [String] {
    let words = lineBeforeCursor.split(separator: " ", omittingEmptySubsequences: true).map {
      $0.uppercased()
    }
    let typingNewWord = lineBeforeCursor.last == " "
    let done = typingNewWord ? words : Array(words.dropLast())
    let current = typingNewWord ? "" : (words.last ?? "")
    if done.isEmpty && current.isEmpty { return [] }
    var out: [String] = []
    for name in names {
      let parts = name.split(separator: " ").map(String.init)
      guard parts.count > done.count, Array(parts.prefix(done.count)) == done,
        parts[done.count].uppercased().hasPrefix(current)
      else { continue }
      if !out.contains(parts[done.count]) { out.append(parts[done.count]) }
    }
    return out
  }
}
