import ClusterKit
import JSONDocument
import NIOCore
import NIOPosix
import RESP
import RedisClient
import RedisCore
import Synchronization

/// What the user asked for with `k8s://…` and the `--kube-*` flags.
public struct KubeSettings: Sendable {
  public var target: KubeTarget
  public var container: String?
  public var kubectlPath: String?
  public var transport: KubeTransportKind
  public var secret: SecretKeyRef?
  /// Use pods that are running but not Ready (Bitnami pods turn Ready only once the cluster is ok).
  public var allowUnready: Bool
  /// Read the nodes' zones too (one more kubectl call): only placement (create, add-node, failover) needs them.
  public var wantZones = false

  public init(
    target: KubeTarget, container: String? = nil, kubectlPath: String? = nil,
    transport: KubeTransportKind = .auto,
    secret: SecretKeyRef? = nil, allowUnready: Bool = false
  ) {
    self.target = target
    self.container = container
    self.kubectlPath = kubectlPath
    self.transport = transport
    self.secret = secret
    self.allowUnready = allowUnready
  }
}

/// Which pod an in-cluster address belongs to.
///
/// Redis nodes talk to each other by pod IP (the cluster address space); rcadm reaches pods through
/// a transport (the dial space). Addresses seen in CLUSTER NODES, MOVED and ASK are mapped to pods
/// by node id first (CLUSTER MYID of each pod, so stale IPs after restarts still resolve), then by
/// hostname (announce-hostname is the pod name, or its FQDN), then by pod IP.
public struct PodDirectory: Sendable {
  public private(set) var pods: [String: KubePod] = [:]
  /// Node id → pod name, from CLUSTER MYID.
  public private(set) var podByNodeID: [String: String] = [:]
  /// Announced address → node id, from CLUSTER NODES (a node's own line wins over others' views).
  private var nodeIDByAddress: [NodeAddress: String] = [:]
  /// How many nodes each pod's Redis knows: the best seed is a pod inside the cluster.
  public private(set) var knownNodes: [String: Int] = [:]
  private var ownLineAddresses: Set<NodeAddress> = []

  public init(pods: [KubePod]) {
    for p in pods { self.pods[p.name] = p }
  }

  public mutating func learn(pod: String, nodeID: String, clusterNodes: [ClusterNodeEntry]) {
    podByNodeID[nodeID] = pod
    knownNodes[pod] = clusterNodes.count
    for e in clusterNodes {
      guard let a = e.address else { continue }
      if e.isMyself {
        nodeIDByAddress[a] = e.id
        ownLineAddresses.insert(a)
      } else if !ownLineAddresses.contains(a) && nodeIDByAddress[a] == nil {
        nodeIDByAddress[a] = e.id
      }
    }
  }

  /// The pod behind `address`, or nil for a ghost.
  public func pod(for address: NodeAddress) -> KubePod? {
    if let id = nodeIDByAddress[address], let name = podByNodeID[id], let pod = pods[name] { return pod }
    let label = address.host.split(separator: ".").first.map(String.init) ?? address.host
    if let pod = pods[label], pod.port == address.port { return pod }
    return pods.values.first {
      ($0.ip == address.host || $0.ips.contains(address.host)) && $0.port == address.port
    }
  }

  public func pod(nodeID: String) -> KubePod? { podByNodeID[nodeID].flatMap { pods[$0] } }
}

/// The pods of one `k8s://` target and a `NodeConnector` that reaches them through the chosen
/// transport while every other part of rcadm keeps using in-cluster addresses.
public final class KubeCluster: NodeConnector {
  public let target: KubeTarget
  public let kubectl: Kubectl
  public let transport: KubeTransportKind
  /// Every matched pod, usable or not.
  public let pods: [KubePod]
  /// Pods rcadm talks to.
  public let usable: [KubePod]
  /// One sentence per pod that is not used, for the user.
  public let skipped: [String]
  public let options: ConnectionOptions
  private let direct: RedisConnector
  private let forwards: PortForwards
  private let directoryState: Mutex<PodDirectory>
  /// Sessions opened while mapping node ids, handed out once each instead of opening new ones.
  private let warm = Mutex<[NodeAddress: any NodeSession]>([:])

  init(
    target: KubeTarget, kubectl: Kubectl, transport: KubeTransportKind, pods: [KubePod], usable: [KubePod],
    skipped: [String], options: ConnectionOptions, forwards: PortForwards
  ) throws {
    self.target = target
    self.kubectl = kubectl
    self.transport = transport
    self.pods = pods
    self.usable = usable
    self.skipped = skipped
    self.options = options
    self.direct = try RedisConnector(options: options)
    self.forwards = forwards
    self.directoryState = Mutex(PodDirectory(pods: pods))
  }

  public var directory: PodDirectory { directoryState.withLock { $0 } }

  /// Where to start reading the cluster: the usable pod whose Redis knows the most nodes (a fresh
  /// pod not yet joined would show a one-node cluster), by name among equals.
  public var seed: NodeAddress {
    let known = directory.knownNodes
    let best = usable.min { (-(known[$0.name] ?? 0), $0.name) < (-(known[$1.name] ?? 0), $1.name) }!
    return clusterAddress(of: best)
  }

  /// The in-cluster address of a pod: what MEET, REPLICATE and MIGRATE use.
  public func clusterAddress(of pod: KubePod) -> NodeAddress {
    NodeAddress(host: pod.ip ?? pod.name, port: pod.port)
  }

  // MARK: Discovery

  /// Lists pods, resolves the password and the transport, and maps node ids to pods.
  public static func open(
    _ settings: KubeSettings, options baseOptions: ConnectionOptions, log: @Sendable (String) -> Void
  ) async throws -> KubeCluster {
    let target = settings.target
    let kubectl = try Kubectl(
      path: settings.kubectlPath, context: target.context, namespace: target.namespace)
    let wait = max(baseOptions.connectTimeout, .seconds(10))
    let found = try await discover(settings, kubectl: kubectl, wait: wait)
    for s in found.skipped { log("Skipping \(s)") }
    var options = baseOptions
    if let ref = settings.secret, options.password == nil {
      options.password = try await kubectl.secret(ref, timeout: wait)
    }
    let forwards = PortForwards(kubectl: kubectl, timeout: wait)
    let (transport, probeSession) = try await chooseTransport(
      settings.transport, first: found.usable[0], options: options, kubectl: kubectl, forwards: forwards,
      wait: wait)
    if settings.transport == .auto {
      log("Reaching \(found.usable.count) pods in \(found.scope) by \(transport)")
    }
    if options.password == nil {
      options.password = try await podPassword(
        found.usable, transport: transport, kubectl: kubectl, wait: wait, log: log)
    }
    let cluster = try KubeCluster(
      target: target, kubectl: kubectl, transport: transport, pods: found.pods, usable: found.usable,
      skipped: found.skipped, options: options, forwards: forwards)
    if let probeSession { cluster.warm.withLock { $0[probeSession.address] = probeSession } }
    await cluster.mapNodeIDs()
    return cluster
  }

  /// The pods the selector matches (with their zones when wanted), those rcadm can use, and why
  /// the others are skipped; no usable pod is a usage error.
  static func discover(_ settings: KubeSettings, kubectl: Kubectl, wait: Duration) async throws -> (
    pods: [KubePod], usable: [KubePod], skipped: [String], scope: String
  ) {
    let target = settings.target
    async let zoneLookup = settings.wantZones ? kubectl.zones(timeout: wait) : [:]
    var pods = try await kubectl.pods(selector: target.selector, container: settings.container, timeout: wait)
    let zones = await zoneLookup
    for i in pods.indices { pods[i].zone = pods[i].nodeName.flatMap { zones[$0] } }
    let scope = "namespace \(target.namespace)" + (target.context.map { ", context \($0)" } ?? "")
    guard !pods.isEmpty else {
      throw KubeError.usage("no pods match selector '\(target.selector)' in \(scope)")
    }
    var usable: [KubePod] = []
    var skipped: [String] = []
    for pod in pods {
      if let why = pod.unusableReason, !(settings.allowUnready && !pod.terminating && pod.ip != nil) {
        skipped.append(why)
      } else {
        usable.append(pod)
      }
    }
    guard !usable.isEmpty else {
      throw KubeError.usage(
        "none of the \(pods.count) pods matching '\(target.selector)' in \(scope) can be used: "
          + skipped.joined(separator: "; ")
          + " (\(Remedy.allowUnreadyPods))")
    }
    return (pods, usable, skipped, scope)
  }

  /// The transport asked for, or for `auto` the first that reaches `first`: its pod IP, then
  /// kubectl exec (not with TLS), then a port-forward. An exec probe's session is kept for reuse.
  static func chooseTransport(
    _ asked: KubeTransportKind, first: KubePod, options: ConnectionOptions, kubectl: Kubectl,
    forwards: PortForwards, wait: Duration
  ) async throws -> (KubeTransportKind, (any NodeSession)?) {
    // The exec relay carries plaintext RESP from inside the pod; TLS there is not supported.
    if options.tls != nil && asked == .exec {
      throw KubeError.usage(
        "TLS through kubectl exec is not supported; \(Remedy.useTLSCapableTransport)"
      )
    }
    guard asked == .auto else { return (asked, nil) }
    if await directAnswers(first, within: min(options.connectTimeout, .seconds(1))) { return (.direct, nil) }
    var failures = ["direct: pod IP \(first.ip ?? "?"):\(first.port) did not answer"]
    if options.tls != nil {
      failures[0] += "; exec: no TLS over exec"
    } else {
      do {
        var execOptions = options
        if execOptions.password == nil && first.passwordVariable == nil, let ref = first.passwordSecret {
          execOptions.password = try? await kubectl.secret(ref, timeout: wait)
        }
        let session = try await ExecTransport.connect(
          pod: first, address: NodeAddress(host: first.ip ?? first.name, port: first.port), kubectl: kubectl,
          options: execOptions)
        return (.exec, session)
      } catch {
        failures.append("exec: \(error)")
      }
    }
    do {
      _ = try await forwards.localPort(for: first)
      return (.portForward, nil)
    } catch {
      failures.append("port-forward: \(error)")
      throw KubeError.usage(
        "rcadm cannot reach pod \(first.name) by any transport: " + failures.joined(separator: "; "))
    }
  }

  /// The pods' own password when none was given. Outside exec it is needed to connect at all:
  /// a literal in the pod's env, else the Secret its env points to. Over exec the relay
  /// authenticates, but MIGRATE must pass the password to the target itself, so rcadm still
  /// tries and only notes when it cannot.
  static func podPassword(
    _ usable: [KubePod], transport: KubeTransportKind, kubectl: Kubectl, wait: Duration,
    log: @Sendable (String) -> Void
  ) async throws -> String? {
    if let literal = usable.lazy.compactMap(\.passwordValue).first { return literal }
    guard let ref = usable.lazy.compactMap(\.passwordSecret).first else { return nil }
    do {
      return try await kubectl.secret(ref, timeout: wait)
    } catch {
      guard transport == .exec else {
        throw KubeError.usage(
          "the pods take their password from secret \(ref), which rcadm could not read (\(error)); "
            + "\(Remedy.givePassword); or \(Remedy.letPodsAuthenticate)")
      }
      log(
        "Note: secret \(ref) could not be read (\(error)); moving keys (reshard, rebalance, fix) needs the "
          + "password for MIGRATE: \(Remedy.giveSecretOrPassword)")
      return nil
    }
  }

  /// A plain TCP connect to the pod IP: rcadm runs where pod IPs are routable.
  static func directAnswers(_ pod: KubePod, within: Duration) async -> Bool {
    guard let ip = pod.ip, let address = try? SocketAddress(ipAddress: ip, port: pod.port) else {
      return false
    }
    let bootstrap = ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
      .connectTimeout(.nanoseconds(Int64(within.seconds * 1e9)))
    guard let channel = try? await bootstrap.connect(to: address).get() else { return false }
    try? await channel.close()
    return true
  }

  /// CLUSTER MYID and CLUSTER NODES from every usable pod, so any announced address maps to its pod.
  func mapNodeIDs() async {
    let results = await mapConcurrently(usable, limit: 16) {
      pod -> (KubePod, (any NodeSession)?, [RESPValue]?) in
      let address = self.clusterAddress(of: pod)
      // The transport probe's session, if any, is reused rather than opened again.
      let probe = self.warm.withLock { $0.removeValue(forKey: address) }
      let opened: (any NodeSession)?
      if let probe { opened = probe } else { opened = try? await self.open(pod: pod, address: address) }
      guard let session = opened else { return (pod, nil, nil) }
      let replies = try? await session.pipeline([["CLUSTER", "MYID"], ["CLUSTER", "NODES"]])
      return (pod, session, replies)
    }
    for (pod, session, replies) in results {
      guard let session else { continue }
      warm.withLock { $0[session.address] = session }
      guard let replies, replies.count == 2, let id = replies[0].string, replies[0].errorMessage == nil else {
        continue
      }
      let entries = (try? ClusterNodesParser.parse(replies[1].string ?? "")) ?? []
      directoryState.withLock { $0.learn(pod: pod.name, nodeID: id, clusterNodes: entries) }
    }
  }

  // MARK: Connecting

  public func connect(to address: NodeAddress) async throws -> any NodeSession {
    if let session = warm.withLock({ $0.removeValue(forKey: address) }) { return session }
    guard let pod = directory.pod(for: address) else {
      throw ConnectionError(
        .unreachable, node: address,
        "\(address) is not the address of any pod matching \(target) (a ghost node: \(Remedy.removeNode), "
          + "or \(Remedy.remeet))")
    }
    if pod.terminating || pod.ip == nil {
      throw ConnectionError(
        .unreachable, node: address, "\(address) is \(pod.unusableReason ?? "pod \(pod.name)")")
    }
    return try await open(pod: pod, address: address)
  }

  /// A session to this very pod at its current address, whatever stale views say.
  public func session(to pod: KubePod) async throws -> any NodeSession {
    let address = clusterAddress(of: pod)
    if let warm = warm.withLock({ w -> (any NodeSession)? in
      guard let s = w[address], directory.pod(for: address)?.name == pod.name else { return nil }
      w[address] = nil
      return s
    }) {
      return warm
    }
    return try await open(pod: pod, address: address)
  }

  /// A session to `pod` that reports `address` (the in-cluster address it was asked for).
  func open(pod: KubePod, address: NodeAddress) async throws -> any NodeSession {
    switch transport {
    case .exec:
      return try await ExecTransport.connect(pod: pod, address: address, kubectl: kubectl, options: options)
    case .portForward:
      let port = try await forwards.localPort(for: pod)
      do {
        return try await direct.open(address, via: NodeAddress(host: "127.0.0.1", port: port))
      } catch let e as ConnectionError where e.kind == .refused || e.kind == .closed {
        // The forward died between uses: start it again once.
        let again = try await forwards.localPort(for: pod, replacing: port)
        return try await direct.open(address, via: NodeAddress(host: "127.0.0.1", port: again))
      }
    case .direct, .auto:
      return try await direct.open(address, via: NodeAddress(host: pod.ip ?? address.host, port: pod.port))
    }
  }

  /// A warning when the pods belong to an OT-CONTAINER-KIT RedisCluster whose operator is not
  /// paused: it runs fix, rebalance and MEET on its own and would fight a change made now.
  public func operatorWarning() async -> String? {
    guard let pod = usable.first, pod.labels["redis_setup_type"] == "cluster", let cr = pod.labels["cluster"]
    else { return nil }
    guard let out = try? await kubectl.run(["get", "rediscluster", cr, "-o", "json"], timeout: .seconds(10)),
      out.status == 0, let json = try? JSON.parse(out.stdout)
    else { return nil }
    let key = "rediscluster.opstreelabs.in/skip-reconcile"
    if json.path("metadata", "annotations", key)?.string == "true" { return nil }
    return
      "RedisCluster \(cr) is managed by the redis-operator, which repairs and rebalances on its own; pause it "
      + "first: kubectl -n \(target.namespace) annotate rediscluster \(cr) \(key)=true (remove it afterwards)"
  }

  /// Closes idle sessions and stops every kubectl child.
  public func shutdown() async {
    let idle = warm.withLock { w -> [any NodeSession] in
      defer { w = [:] }
      return Array(w.values)
    }
    for s in idle { await s.close() }
    await forwards.stopAll()
  }
}
