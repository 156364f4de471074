import ArgumentParser
import ClusterKit
import Kubernetes
import RedisClient
import Synchronization

/// Kubernetes options: the parts of a `k8s://[CONTEXT/]NAMESPACE/SELECTOR` address as flags, and how
/// to reach the pods.
struct KubeFlags: ParsableArguments {
  @Option(help: "Label selector of the Redis pods: Kubernetes mode without a k8s:// address.")
  var kubeSelector: String?

  @Option(help: "Namespace of the pods (default: default).")
  var kubeNamespace: String?

  @Option(help: "kubeconfig context (default: kubectl's current context).")
  var kubeContext: String?

  @Option(help: "Container that runs Redis in each pod (default: the Redis-looking one).")
  var kubeContainer: String?

  @Option(
    name: .customLong("kubectl"), help: "kubectl to run (default: RCADM_KUBECTL, else kubectl on PATH).")
  var kubectlPath: String?

  @Option(help: "How to reach pods (auto: direct if a pod IP answers, else exec, else port-forward).")
  var kubeTransport: KubeTransportKind = .auto

  @Option(help: "Read the password from this Secret key (NAME/KEY); it never appears on any argv.")
  var kubeSecret: String?

  @Flag(help: "Also use pods that run but are not Ready.")
  var kubeAllowUnready = false

  /// The Kubernetes target for `word`, or nil when the command works on plain addresses.
  func target(for word: String?) throws -> KubeTarget? {
    var target: KubeTarget?
    if let word, KubeTarget.isKubeAddress(word), word.count > KubeTarget.scheme.count {
      do { target = try KubeTarget.parse(word) } catch { throw RcadmError.usage(error.description) }
    } else if let kubeSelector {
      guard word == nil || word == KubeTarget.scheme || word!.isEmpty else {
        throw RcadmError.usage(
          "--kube-selector selects the nodes; give no other address than k8s:// (got '\(redactedSeed(word!))')"
        )
      }
      target = KubeTarget(namespace: kubeNamespace ?? "default", selector: kubeSelector)
    } else if let word, KubeTarget.isKubeAddress(word) {
      throw RcadmError.usage("'\(word)' needs NAMESPACE/SELECTOR, or pass --kube-selector")
    }
    guard var target else {
      if let flag = givenFlag {
        throw RcadmError.usage("\(flag) needs a k8s:// address or --kube-selector")
      }
      return nil
    }
    if let kubeContext { target.context = kubeContext }
    if let kubeNamespace, word.map(KubeTarget.isKubeAddress) != true { target.namespace = kubeNamespace }
    return target
  }

  /// The first Kubernetes flag given, for the message when there is no Kubernetes target.
  var givenFlag: String? {
    if kubeNamespace != nil { return "--kube-namespace" }
    if kubeContext != nil { return "--kube-context" }
    if kubeContainer != nil { return "--kube-container" }
    if kubectlPath != nil { return "--kubectl" }
    if kubeTransport != .auto { return "--kube-transport" }
    if kubeSecret != nil { return "--kube-secret" }
    if kubeAllowUnready { return "--kube-allow-unready" }
    return nil
  }

  func settings(_ target: KubeTarget) throws -> KubeSettings {
    var secret: SecretKeyRef?
    if let kubeSecret {
      do { secret = try SecretKeyRef.parse(kubeSecret) } catch { throw RcadmError.usage(error.description) }
    }
    return KubeSettings(
      target: target, container: kubeContainer, kubectlPath: kubectlPath, transport: kubeTransport,
      secret: secret, allowUnready: kubeAllowUnready)
  }
}

extension KubeTransportKind: ExpressibleByArgument {
  public init?(argument: String) { self.init(rawValue: argument) }
}

/// How a command reaches its nodes: plain addresses, or the pods of a k8s:// target through kubectl.
/// `options` are the credentials and TLS settings resolved once (flags, URL, environment,
/// --askpass or a Kubernetes Secret): every connection and every MIGRATE uses these.
struct Reach: Sendable {
  var connector: any NodeConnector
  /// Where to start reading the cluster.
  var seed: NodeAddress
  var kube: KubeCluster?
  var options: ConnectionOptions

  init(connector: any NodeConnector, seed: NodeAddress, kube: KubeCluster?, options: ConnectionOptions) {
    self.connector = connector
    self.seed = seed
    self.kube = kube
    self.options = options
  }

  /// Plain addresses: one connector built from the resolved options.
  init(seed spec: NodeSpec, options: ConnectionOptions) throws {
    do {
      connector = try RedisConnector(options: options)
    } catch let e as ConnectionError {
      throw RcadmError.usage(e.detail)
    }
    seed = spec.address
    kube = nil
    self.options = options
  }

  /// The pods of a Kubernetes target, with the password rcadm found for them.
  init(kube: KubeCluster, seed: NodeAddress) {
    self.init(connector: kube, seed: seed, kube: kube, options: kube.options)
  }

  /// The same way of reaching nodes, starting from another node.
  func at(_ seed: NodeAddress) -> Reach {
    Reach(connector: connector, seed: seed, kube: kube, options: options)
  }

  /// A pod name given where a node is expected becomes the pod's in-cluster address.
  func nodeName(_ name: String) -> String {
    guard let kube, let pod = kube.pods.first(where: { $0.name == name }) else { return name }
    return kube.clusterAddress(of: pod).description
  }

  /// The failure domain of a host for placement: the pod's k8s node (and zone), else the host itself.
  func domain(ofHost host: String?) -> String? {
    guard let host, let kube, let pod = kube.pods.first(where: { $0.ip == host }) else { return host }
    return pod.domain
  }
}

/// A command whose address words may be left out in Kubernetes mode (--kube-selector).
func requireAddress(_ words: [String], _ connection: ConnectionFlags) throws {
  if words.isEmpty && connection.kube.kubeSelector == nil {
    throw ValidationError("give a node address (host:port), a k8s:// address, or --kube-selector")
  }
}

/// Kubernetes sessions opened by this process, stopped before it exits.
let openKubeClusters = Mutex<[KubeCluster]>([])

func shutdownKubeClusters() async {
  let all = openKubeClusters.withLock { list -> [KubeCluster] in
    defer { list = [] }
    return list
  }
  for k in all { await k.shutdown() }
}

/// Resolves the words naming a command's nodes: a k8s:// target (or --kube-selector), else a seed.
/// `mutating`: the command changes the cluster, so an operator that is not paused is warned about.
func reach(
  _ words: [String], _ connection: ConnectionFlags, placement: Bool = false, mutating: Bool = false
) async throws -> Reach {
  if let target = try connection.kube.target(for: words.first) {
    let kube = try await openKube(target, connection, placement: placement, mutating: mutating)
    return Reach(kube: kube, seed: kube.seed)
  }
  let spec = try parseSeed(words)
  return try Reach(seed: spec, options: try connection.options(for: spec))
}

/// Discovers the pods of `target`; failures are usage errors (exit 2): nothing was changed.
/// `placement`: the command places nodes by failure domain, so zones are read too.
func openKube(
  _ target: KubeTarget, _ connection: ConnectionFlags, placement: Bool = false, mutating: Bool = false
) async throws -> KubeCluster {
  let kube: KubeCluster
  var settings = try connection.kube.settings(target)
  settings.wantZones = placement
  do {
    kube = try await KubeCluster.open(settings, options: try connection.options()) { Terminal.error($0) }
  } catch let e as KubeError {
    throw RcadmError.usage(e.description)
  } catch let e as ConnectionError {
    throw RcadmError.usage(e.description)
  }
  openKubeClusters.withLock { $0.append(kube) }
  if mutating, let warning = await kube.operatorWarning() {
    Terminal.error(Terminal.warn("[WARN] ") + warning)
  }
  return kube
}
