import ClusterAdmin

/// Tab-completion candidates for node addresses: running nodes of the default sandbox
/// and of $RCADM_NODES (space-separated), filtered by what was typed.
@Sendable func knownAddresses(_ words: [String], _ index: Int, _ prefix: String) -> [String] {
  // bash may pass the word with backslash-escaped colons.
  let typed = prefix.replacing("\\", with: "").replacing("'", with: "")
  var candidates = Terminal.env("RCADM_NODES")?.split(separator: " ").map(String.init) ?? []
  candidates += SandboxLayout(directory: SandboxLayout.defaultDirectory).runningAddresses()
  var seen = Set<String>()
  return candidates.filter { $0.hasPrefix(typed) && seen.insert($0).inserted }
}
