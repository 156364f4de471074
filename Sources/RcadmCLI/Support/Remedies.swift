import RedisCore

/// The CLI's words for what the libraries suggest: flags and commands, which only the CLI knows.
func remedyText(_ remedy: Remedy) -> String {
  switch remedy {
  case .allowOverwrite: return "rerun with --replace to let the source's value win"
  case .allowUnreachableMasters: return "pass --fix-with-unreachable-masters (their keys are not considered)"
  case .removeNode: return "remove it (rcadm del-node)"
  case .moveSlotsAway(let seed, let node, let slots):
    return "e.g. rcadm reshard \(redactedSeed(seed)) --from \(node) --to <master> --slots \(slots)"
  case .forceFailover: return "use --force (a majority of masters still votes) or --takeover"
  case .check: return "see 'rcadm check'"
  case .otherBasePort: return "choose another --base-port"
  case .stopSandbox: return "stop it with 'rcadm sandbox down' first"
  case .serverPath: return "pass --redis-server PATH"
  }
}

/// An error's sentence, followed by what the user can do about it when the error says.
func explain(_ error: any Error) -> String {
  let text = "\(error)"
  guard let suggesting = error as? any SuggestsRemedies, !suggesting.remedies.isEmpty else { return text }
  return text + "; " + suggesting.remedies.map(remedyText).joined(separator: "; or ")
}
