import JSONDocument
import RedisCore

/// A Redis pod as `kubectl get pods -o json` describes it.
public struct KubePod: Sendable, Hashable, CustomStringConvertible {
  public var name: String
  public var namespace: String
  /// `status.podIP`: the in-cluster address other nodes use (MEET, REPLICATE, MIGRATE).
  public var ip: String?
  /// Every `status.podIPs` entry (dual stack).
  public var ips: [String]
  public var hostIP: String?
  /// `spec.nodeName`: the Kubernetes node, a failure domain.
  public var nodeName: String?
  /// The node's `topology.kubernetes.io/zone`, when nodes could be read.
  public var zone: String?
  public var phase: String
  public var ready: Bool
  /// `metadata.deletionTimestamp` is set: the pod is going away.
  public var terminating: Bool
  /// The container rcadm execs into.
  public var container: String
  public var containers: [String]
  /// The Redis port inside the pod.
  public var port: Int
  /// Where the pod's own password is: the env variable rcadm's relay reads, if any.
  public var passwordVariable: String?
  /// The Secret behind `REDIS_PASSWORD`-like env, so rcadm can read it for direct/port-forward.
  public var passwordSecret: SecretKeyRef?
  /// A password written literally into the pod's env (visible to anyone who can read the pod).
  public var passwordValue: String?
  public var labels: [String: String]

  public var description: String { name }

  /// Why the pod cannot be used, or nil when it can.
  public var unusableReason: String? {
    if terminating { return "pod \(name) is terminating" }
    if ip == nil { return "pod \(name) has no IP yet (phase \(phase))" }
    if !ready { return "pod \(name) is not ready (phase \(phase))" }
    return nil
  }

  /// A failure domain for placement: zone and node when both are known.
  public var domain: String {
    let node = nodeName ?? "pod:\(name)"
    return zone.map { "\($0)/\(node)" } ?? node
  }
}

/// `valueFrom.secretKeyRef` of a container env variable.
public struct SecretKeyRef: Sendable, Hashable, CustomStringConvertible {
  public var name: String
  public var key: String
  public init(name: String, key: String) {
    self.name = name
    self.key = key
  }
  public var description: String { "\(name)/\(key)" }

  /// Parses `--kube-secret NAME/KEY`.
  public static func parse(_ text: String) throws(KubeError) -> SecretKeyRef {
    let parts = text.split(separator: "/", maxSplits: 1).map(String.init)
    guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
      throw KubeError.usage(
        "\(Setting.kubeSecret) expects NAME/KEY (e.g. redis-secret/password), got '\(text)'")
    }
    return SecretKeyRef(name: parts[0], key: parts[1])
  }
}

/// Turns kubectl's pod list into `KubePod`s.
public enum PodListParser {
  /// Env variables that hold the Redis port, in the order charts use them.
  static let portVariables = ["REDIS_PORT", "REDIS_PORT_NUMBER", "VALKEY_PORT_NUMBER"]
  /// Env variables whose value (or file) is the password; the relay script reads the same ones.
  static let passwordVariables = [
    "REDIS_PASSWORD", "REDISCLI_AUTH", "REDIS_PASSWORD_FILE", "VALKEY_PASSWORD",
  ]

  /// Parses a `List` (or a single `Pod`). `container` forces the container name.
  public static func parse(_ json: JSON, container: String? = nil) throws(KubeError) -> [KubePod] {
    let items: [JSON]
    if json["kind"]?.string == "Pod" {
      items = [json]
    } else if let list = json["items"]?.array {
      items = list
    } else {
      throw KubeError.usage("kubectl returned JSON that is not a pod list")
    }
    var pods: [KubePod] = []
    for item in items {
      pods.append(try pod(item, container: container))
    }
    return pods.sorted { $0.name < $1.name }
  }

  static func pod(_ item: JSON, container wanted: String?) throws(KubeError) -> KubePod {
    let name = item.path("metadata", "name")?.string ?? "?"
    let containers = item.path("spec", "containers")?.array ?? []
    let names = containers.compactMap { $0["name"]?.string }
    let annotated = item.path("metadata", "annotations", "kubectl.kubernetes.io/default-container")?.string
    let chosenName: String
    if let wanted {
      guard names.contains(wanted) else {
        throw KubeError.usage(
          "pod \(name) has no container '\(wanted)' (it has: \(names.joined(separator: ", ")))")
      }
      chosenName = wanted
    } else if let annotated, names.contains(annotated) {
      chosenName = annotated
    } else {
      // Skip sidecars (OT's redis-exporter, metrics) when a Redis-looking container exists.
      let redisLike = containers.first { c in
        let n = (c["name"]?.string ?? "").lowercased()
        let image = (c["image"]?.string ?? "").lowercased()
        let sidecar = n.contains("exporter") || n.contains("metrics") || n.contains("sentinel")
        return !sidecar
          && (n.contains("redis") || n.contains("valkey") || image.contains("redis")
            || image.contains("valkey"))
      }
      chosenName = redisLike?["name"]?.string ?? names.first ?? ""
    }
    let chosen = containers.first { $0["name"]?.string == chosenName }
    let env = chosen?["env"]?.array ?? []
    func envEntry(_ key: String) -> JSON? { env.last { $0["name"]?.string == key } }

    var port: Int?
    for p in chosen?["ports"]?.array ?? [] {
      let portName = (p["name"]?.string ?? "").lowercased()
      if portName.contains("bus") || portName.contains("metrics") || portName.contains("gossip") { continue }
      if let n = p["containerPort"]?.int {
        port = n
        break
      }
    }
    if port == nil {
      port = portVariables.lazy.compactMap { envEntry($0)?["value"]?.int }.first
    }

    let passwordVariable = passwordVariables.first { envEntry($0) != nil }
    var secret: SecretKeyRef?
    for v in passwordVariables {
      if let ref = envEntry(v)?.path("valueFrom", "secretKeyRef"), let n = ref["name"]?.string,
        let k = ref["key"]?.string
      {
        secret = SecretKeyRef(name: n, key: k)
        break
      }
    }

    let conditions = item.path("status", "conditions")?.array ?? []
    let readyCondition = conditions.first { $0["type"]?.string == "Ready" }?["status"]?.string == "True"
    let statuses = item.path("status", "containerStatuses")?.array ?? []
    let containerReady = statuses.first { $0["name"]?.string == chosenName }?["ready"]?.bool ?? readyCondition
    var labels: [String: String] = [:]
    for (k, v) in item.path("metadata", "labels")?.object ?? [] { labels[k] = v.string ?? "" }
    let ips = (item.path("status", "podIPs")?.array ?? []).compactMap { $0["ip"]?.string }
    let ip = item.path("status", "podIP")?.string ?? ips.first
    return KubePod(
      name: name, namespace: item.path("metadata", "namespace")?.string ?? "default",
      ip: ip.flatMap { $0.isEmpty ? nil : $0 }, ips: ips, hostIP: item.path("status", "hostIP")?.string,
      nodeName: item.path("spec", "nodeName")?.string, zone: nil,
      phase: item.path("status", "phase")?.string ?? "Unknown",
      ready: readyCondition && containerReady,
      terminating: !(item.path("metadata", "deletionTimestamp")?.isNull ?? true),
      container: chosenName, containers: names, port: port ?? 6379, passwordVariable: passwordVariable,
      passwordSecret: secret,
      passwordValue: passwordVariables.lazy.compactMap { envEntry($0)?["value"]?.string }.first {
        !$0.isEmpty && !$0.hasPrefix("/")
      }, labels: labels)
  }

  /// Zone per node name from `kubectl get nodes -o json`.
  public static func zones(_ json: JSON) -> [String: String] {
    var out: [String: String] = [:]
    for node in json["items"]?.array ?? [] {
      guard let name = node.path("metadata", "name")?.string else { continue }
      if let zone = node.path("metadata", "labels", "topology.kubernetes.io/zone")?.string
        ?? node.path("metadata", "labels", "failure-domain.beta.kubernetes.io/zone")?.string
      {
        out[name] = zone
      }
    }
    return out
  }
}
