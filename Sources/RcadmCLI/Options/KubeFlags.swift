import ArgumentParser
import ClusterKit
import Kubernetes
import RedisClient
import RedisCore
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
