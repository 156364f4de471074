/// Something the user can do about a refusal or a failure. The libraries name it; the CLI spells
/// it with its real flags and commands, so no library message names a flag.
public enum Remedy: Sendable, Hashable {
  /// Let the source's value win over a key that exists on the target with another value.
  case allowOverwrite
  /// Repair although a master with slots cannot be reached (its keys are not considered).
  case allowUnreachableMasters
  /// Remove a node that is gone for good.
  case removeNode
  /// Move a node's slots to other masters first (a node of the cluster, the node's id prefix, its slot count).
  case moveSlotsAway(seed: String, node: String, slots: Int)
  /// Fail over without the master's agreement: a majority of masters still votes, or no vote at all.
  case forceFailover
  /// Look at the cluster's health findings.
  case check
  /// Start the sandbox on other ports.
  case otherBasePort
  /// Stop the running sandbox first.
  case stopSandbox
  /// Name the server executable to use.
  case serverPath
}

/// An error that knows what the user could do about it.
public protocol SuggestsRemedies {
  var remedies: [Remedy] { get }
}
