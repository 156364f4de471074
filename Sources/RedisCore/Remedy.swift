import Synchronization

/// Something the user can do about a refusal or a failure. The libraries name it; the CLI spells
/// it with its real flags and commands (its `Phrasebook`), so no library message names a flag.
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

  // Connections.
  /// Speak TLS to the port.
  case connectWithTLS
  /// Speak plaintext to the port.
  case connectWithoutTLS
  /// Name the CA that signed the node's certificate, or skip verification.
  case trustTheCA
  /// Skip certificate verification.
  case skipVerification
  /// Present a client certificate and its key.
  case presentClientCertificate
  /// Check the certificate against another name, or check only its chain.
  case checkAnotherName
  /// Give the password.
  case givePassword
  /// Confirm a destructive command in advance (it comes from piped input, with no one to ask).
  case confirmInAdvance

  // Kubernetes.
  /// Run where pod IPs are reachable and connect to them directly.
  case reachPodsDirectly
  /// Carry connections through kubectl port-forward.
  case usePortForward
  /// Use a transport that keeps TLS end to end (port-forward or direct).
  case useTLSCapableTransport
  /// Let each pod authenticate the relay with its own password (the exec transport).
  case letPodsAuthenticate
  /// Give the password through a Kubernetes secret or directly.
  case giveSecretOrPassword
  /// Use running pods that are not Ready.
  case allowUnreadyPods
  /// Name the kubectl executable.
  case kubectlPath
  /// Name the kubectl context.
  case kubeContext
  /// Re-introduce a node whose pod came back with a new IP.
  case remeet
}

/// A setting the user gave, named in a message about it (a file that cannot be read, a value in
/// the wrong form). The CLI spells it as its flag.
public enum Setting: Sendable, Hashable {
  case caFile, caDirectory, clientCertificate, clientKey, kubeSecret
}

/// An error that knows what the user could do about it.
public protocol SuggestsRemedies {
  var remedies: [Remedy] { get }
}

/// How remedies and settings read. The libraries use plain words; a front end installs its own
/// once at start-up (the CLI names its flags), before any message is made.
public struct Phrasebook: Sendable {
  public var remedy: @Sendable (Remedy) -> String
  public var setting: @Sendable (Setting) -> String

  public init(
    remedy: @escaping @Sendable (Remedy) -> String, setting: @escaping @Sendable (Setting) -> String
  ) {
    self.remedy = remedy
    self.setting = setting
  }

  private static let installed = Mutex(Phrasebook(remedy: plainText, setting: plainName))

  public static func install(_ book: Phrasebook) { installed.withLock { $0 = book } }
  public static var current: Phrasebook { installed.withLock { $0 } }

  static func plainText(_ remedy: Remedy) -> String {
    switch remedy {
    case .allowOverwrite: return "let the source's value win"
    case .allowUnreachableMasters:
      return "repair without the unreachable masters (their keys are not considered)"
    case .removeNode: return "remove it from the cluster"
    case .moveSlotsAway(_, let node, let slots): return "move the \(slots) slots of \(node) to other masters"
    case .forceFailover: return "force the failover"
    case .check: return "check the cluster"
    case .otherBasePort: return "choose other ports"
    case .stopSandbox: return "stop the running sandbox first"
    case .serverPath: return "name the server executable"
    case .connectWithTLS: return "connect with TLS"
    case .connectWithoutTLS: return "connect without TLS"
    case .trustTheCA: return "name the CA that signed it, or skip verification"
    case .skipVerification: return "verification can be skipped"
    case .presentClientCertificate: return "present a client certificate and its key"
    case .checkAnotherName: return "check another name, or only the chain"
    case .givePassword: return "give the password"
    case .confirmInAdvance: return "from piped input it runs only when confirmed in advance"
    case .reachPodsDirectly: return "run where pod IPs are reachable and connect to them directly"
    case .usePortForward: return "use kubectl port-forward"
    case .useTLSCapableTransport: return "use kubectl port-forward or pod IPs (TLS end to end)"
    case .letPodsAuthenticate: return "let each pod authenticate the relay (kubectl exec)"
    case .giveSecretOrPassword: return "give the secret or the password"
    case .allowUnreadyPods: return "allow running pods that are not Ready"
    case .kubectlPath: return "give kubectl's path"
    case .kubeContext: return "name the kubectl context"
    case .remeet: return "re-introduce it if its pod came back with a new IP"
    }
  }

  static func plainName(_ setting: Setting) -> String {
    switch setting {
    case .caFile: return "the CA file"
    case .caDirectory: return "the CA directory"
    case .clientCertificate: return "the client certificate"
    case .clientKey: return "the client key"
    case .kubeSecret: return "the secret reference"
    }
  }
}

extension Remedy: CustomStringConvertible {
  public var description: String { Phrasebook.current.remedy(self) }
}

extension Setting: CustomStringConvertible {
  public var description: String { Phrasebook.current.setting(self) }
}
