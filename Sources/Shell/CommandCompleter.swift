import ClusterKit
import RESP

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

  /// Candidates for the text before the cursor: whole replacements of the command word(s).
  public func complete(_ lineBeforeCursor: String) -> [String] {
    let typed = lineBeforeCursor.drop(while: { $0 == " " }).uppercased()
    if typed.isEmpty { return [] }
    return names.filter { $0.uppercased().hasPrefix(typed) }
  }
}
