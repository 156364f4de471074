import ArgumentParser
import ClusterKit
import ClusterLoading
import Kubernetes
import RedisClient
import RedisCore
import Synchronization

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

/// Loads the cluster a command works on; a seed that cannot be read is a usage error (exit 2).
func loadCluster(_ words: [String], _ connection: ConnectionFlags, fullInfo: Bool = false) async throws
  -> LiveCluster
{
  try await loadCluster(try await reach(words, connection), fullInfo: fullInfo)
}

func loadCluster(_ reach: Reach, fullInfo: Bool = false) async throws -> LiveCluster {
  do {
    return try await ClusterLoader(connector: reach.connector, infoSection: fullInfo ? nil : "replication")
      .load(
        seed: reach.seed)
  } catch let e as SeedError {
    throw RcadmError.usage(e.description)
  }
}
