/// Which pods rcadm works on: `k8s://[CONTEXT/]NAMESPACE/SELECTOR`.
public struct KubeTarget: Sendable, Hashable, CustomStringConvertible {
  /// The kubeconfig context; nil for kubectl's current context.
  public var context: String?
  public var namespace: String
  /// A kubectl label selector (`app.kubernetes.io/instance=redis-cluster`, `a=b,c!=d`).
  public var selector: String

  public init(context: String? = nil, namespace: String, selector: String) {
    self.context = context
    self.namespace = namespace
    self.selector = selector
  }

  public static let scheme = "k8s://"

  public static func isKubeAddress(_ text: String) -> Bool {
    text.lowercased().hasPrefix(scheme)
  }

  /// Parses `k8s://[CONTEXT/]NAMESPACE/SELECTOR`.
  ///
  /// The selector may itself hold slashes (`app.kubernetes.io/name=x`), so it starts at the first
  /// segment with an operator, or one segment earlier when that segment is a label-key prefix (it has
  /// a dot, which namespaces never have). The segment before the selector is the namespace; anything
  /// before that is the context (context names may contain slashes too, EKS ARNs do).
  public static func parse(_ text: String) throws(KubeError) -> KubeTarget {
    guard isKubeAddress(text) else { throw KubeError.usage("'\(text)' is not a k8s:// address") }
    let rest = String(text.dropFirst(scheme.count))
    let segments = rest.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
    let example =
      "k8s://[CONTEXT/]NAMESPACE/SELECTOR, e.g. k8s://default/app.kubernetes.io/instance=redis-cluster"
    guard let opIndex = segments.firstIndex(where: hasSelectorOperator) else {
      throw KubeError.usage("'\(text)' has no label selector (such as app=redis); expected \(example)")
    }
    var start = opIndex
    if start > 0 && segments[start - 1].contains(".") && !segments[start - 1].isEmpty { start -= 1 }
    guard start >= 1 else {
      throw KubeError.usage("'\(text)' names no namespace; expected \(example)")
    }
    let namespace = segments[start - 1]
    guard isDNSLabel(namespace) else {
      throw KubeError.usage(
        "'\(namespace)' in '\(text)' is not a valid namespace (lower-case letters, digits and '-'); expected \(example)"
      )
    }
    let context = segments[..<(start - 1)].joined(separator: "/")
    let selector = segments[start...].joined(separator: "/")
    return KubeTarget(context: context.isEmpty ? nil : context, namespace: namespace, selector: selector)
  }

  public var description: String {
    Self.scheme + (context.map { "\($0)/" } ?? "") + "\(namespace)/\(selector)"
  }

  static func hasSelectorOperator(_ segment: String) -> Bool {
    segment.contains("=") || segment.hasPrefix("!") || segment.contains(" in ") || segment.contains(" notin ")
  }

  static func isDNSLabel(_ s: String) -> Bool {
    !s.isEmpty && s.count <= 63 && s.first != "-" && s.last != "-"
      && s.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
  }
}

/// How rcadm reaches pods.
public enum KubeTransportKind: String, Sendable, CaseIterable, CustomStringConvertible {
  /// Direct if a pod IP answers, else exec, else port-forward.
  case auto
  /// TCP to the pod IP (rcadm runs inside the cluster network or over a VPN).
  case direct
  /// One long-lived `kubectl exec -i` per connection, carrying RESP through an in-pod relay.
  case exec
  /// One supervised `kubectl port-forward` per pod.
  case portForward = "port-forward"

  public var description: String { rawValue }
}

/// A Kubernetes failure with a sentence for a person. Usage errors (nothing changed, exit 2) are the
/// ones found before any mutation: discovery, RBAC, missing kubectl.
public struct KubeError: Error, Sendable, CustomStringConvertible {
  public var description: String
  public var isUsage: Bool

  public static func usage(_ text: String) -> KubeError { KubeError(description: text, isUsage: true) }
  public static func failure(_ text: String) -> KubeError { KubeError(description: text, isUsage: false) }
}
