import ClusterAdmin
import ClusterKit
import Foundation
import LocalHost
import RedisCore

/// Stands in for an OT-CONTAINER-KIT redis-operator RedisCluster: real redis-server processes, one
/// per "pod", each on its own 127.0.0.x address (the pod IP) and the same port, announcing its pod
/// name as hostname; a pod list in kubectl's JSON for the stub kubectl (Tests/stub-kubectl/kubectl).
public final class FakeKube: @unchecked Sendable {
  public struct Pod: Sendable {
    public var name: String
    public var role: String
    /// The Kubernetes node the pod runs on (a failure domain).
    public var node: String
    public var ip: String
    public var server: TestServer?
  }

  public let namespace = "redis"
  public let cr = "redis-cluster"
  public let port: Int
  public let password: String?
  public let root: String
  public private(set) var pods: [Pod]
  private let passwordInEnv: Bool

  public var selector: String { "redis_setup_type=cluster,cluster=\(cr)" }
  /// The k8s:// address of every pod.
  public var target: String { "k8s://\(namespace)/\(selector)" }
  public var podsFile: String { root + "/pods.json" }
  public var secretsFile: String { root + "/secrets.json" }
  public var logFile: String { root + "/kubectl.log" }
  public var stubKubectl: String { Run.packageRoot + "/Tests/stub-kubectl/kubectl" }

  /// Environment for rcadm runs: the stub kubectl and its files.
  public var env: [String: String] {
    var env = baseEnv
    if hasOperator { env["RCADM_STUB_CRS"] = root + "/crs.json" }
    return env
  }
  private var hasOperator = false

  /// Installs the OT RedisCluster object for the pods, paused (skip-reconcile) or not.
  public func setOperator(paused: Bool) throws {
    var metadata: [String: Any] = ["name": cr, "namespace": namespace]
    if paused { metadata["annotations"] = ["rediscluster.opstreelabs.in/skip-reconcile": "true"] }
    let object: [String: Any] = [
      "apiVersion": "redis.redis.opstreelabs.in/v1beta2", "kind": "RedisCluster", "metadata": metadata,
      "spec": ["clusterSize": 3],
    ]
    try write(["apiVersion": "v1", "kind": "List", "items": [object]], to: root + "/crs.json")
    hasOperator = true
  }

  private var baseEnv: [String: String] {
    [
      "RCADM_KUBECTL": stubKubectl, "RCADM_STUB_PODS": podsFile, "RCADM_STUB_SECRETS": secretsFile,
      "RCADM_STUB_LOG": logFile, "RCADM_STUB_NODES": root + "/nodes.json",
    ]
  }

  init(port: Int, password: String?, passwordInEnv: Bool, root: String, pods: [Pod]) {
    self.port = port
    self.password = password
    if let password { SecretWatch.register(password) }
    self.passwordInEnv = passwordInEnv
    self.root = root
    self.pods = pods
  }

  /// Starts `leaders` + `followers` pods on 127.0.0.(`firstHost`+i); leader-i and follower-i sit on
  /// different k8s nodes, as the OT webhook's anti-affinity makes them. With `passwordInEnv`, the
  /// pods' env carries REDIS_PASSWORD from a Secret (the OT chart's redisSecret).
  public static func start(
    leaders: Int = 3, followers: Int = 3, firstHost: Int, password: String? = nil, passwordInEnv: Bool = true
  ) async throws -> FakeKube {
    let hosts = (0..<(leaders + followers)).map { "127.0.0.\(firstHost + $0)" }
    let port = try PortAllocator.shared.nextCommon(hosts: hosts)
    let root = NSTemporaryDirectory() + "rcadm-kube/\(getpid())-\(UUID().uuidString.prefix(8))"
    try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
    var pods: [Pod] = []
    for i in 0..<leaders {
      pods.append(
        Pod(name: "redis-cluster-leader-\(i)", role: "leader", node: "kind-worker\(i % 3 + 1)", ip: hosts[i]))
    }
    for i in 0..<followers {
      pods.append(
        Pod(
          name: "redis-cluster-follower-\(i)", role: "follower", node: "kind-worker\((i + 1) % 3 + 1)",
          ip: hosts[leaders + i]))
    }
    let kube = FakeKube(port: port, password: password, passwordInEnv: passwordInEnv, root: root, pods: pods)
    do {
      for i in pods.indices { try kube.launch(i) }
      try await kube.waitUntilUp()
      try kube.writeFiles()
    } catch {
      kube.stop()
      throw error
    }
    return kube
  }

  func launch(_ i: Int) throws {
    let pod = pods[i]
    let dir = "\(root)/\(pod.name)"
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    var args = [
      "--bind", pod.ip, "--port", String(port), "--dir", dir, "--save", "", "--appendonly", "yes",
      "--appendfsync", "always",
      "--logfile", "\(dir)/redis.log", "--protected-mode", "no", "--enable-debug-command", "yes",
      "--repl-diskless-sync-delay", "0", "--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
      "--cluster-node-timeout", "2000", "--bind-source-addr", pod.ip, "--cluster-announce-ip", pod.ip,
      "--cluster-announce-hostname", pod.name,
    ]
    if let password { args += ["--requirepass", password, "--masterauth", password] }
    let conf = "\(dir)/redis.conf"
    if !FileManager.default.fileExists(atPath: conf) {
      try "".write(toFile: conf, atomically: true, encoding: .utf8)
    }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: try Run.which("redis-server"))
    process.arguments = [conf] + args
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    Reaper.shared.track(process.processIdentifier)
    pods[i].server = TestServer(
      address: NodeAddress(host: pod.ip, port: port), busPort: port + 10000, directory: dir, process: process)
  }

  func waitUntilUp() async throws {
    let servers = pods.compactMap(\.server)
    let probe = TestCluster(servers: servers, root: root)
    var options = ServerOptions()
    options.password = password
    try await probe.waitUntilListening(options)
  }

  /// The TestCluster view of the running pods (for redis-cli cross-checks and direct sessions).
  public var cluster: TestCluster { TestCluster(servers: pods.compactMap(\.server), root: root) }

  /// Every pod restarts on a new IP (127.0.0.(`firstHost`+i)) keeping its nodes.conf, as after a
  /// full rollout of a StatefulSet: the cluster's own addresses are all stale.
  public func restartAll(firstHost: Int) async throws {
    for i in pods.indices {
      pods[i].server?.stop()
      pods[i].server = nil
      pods[i].ip = "127.0.0.\(firstHost + i)"
    }
    guard pods.allSatisfy({ LocalPorts.portsFree(host: $0.ip, port: port) }) else {
      throw TestClusterError("port \(port) is taken on one of the new pod IPs")
    }
    for i in pods.indices { try launch(i) }
    try await waitUntilUp()
    try writeFiles()
  }

  /// Marks a pod not ready in the pod list (its Redis keeps running).
  public func setReady(_ name: String, _ ready: Bool) throws {
    notReady = ready ? notReady.subtracting([name]) : notReady.union([name])
    try writeFiles()
  }
  private var notReady: Set<String> = []

  /// Drops a pod from the pod list (deleted), leaving its redis-server running.
  public func removePod(_ name: String) throws {
    removed.insert(name)
    try writeFiles()
  }
  private var removed: Set<String> = []

  public func stop() {
    for p in pods {
      p.server?.stop()
      if let s = p.server { Reaper.shared.untrack(s.process.processIdentifier) }
    }
    try? FileManager.default.removeItem(atPath: root)
  }

  /// Every argv the stub kubectl was called with.
  public func kubectlCalls() -> [[String]] { loggedCalls().compactMap { $0["argv"] as? [String] } }

  /// The argv of every kubectl call whose environment held REDISCLI_AUTH or RCADM_AUTH.
  public func kubectlCallsWithPasswordInEnvironment() -> [[String]] {
    loggedCalls().filter { ($0["auth_env"] as? [String])?.isEmpty == false }.compactMap {
      $0["argv"] as? [String]
    }
  }

  func loggedCalls() -> [[String: Any]] {
    guard let text = try? String(contentsOfFile: logFile, encoding: .utf8) else { return [] }
    return text.split(separator: "\n").compactMap { line in
      guard let data = line.data(using: .utf8) else { return nil }
      return try? JSONSerialization.jsonObject(with: data) as? [String: Any]
    }
  }

  // MARK: kubectl's JSON

  func writeFiles() throws {
    let list: [String: Any] = [
      "apiVersion": "v1", "kind": "List", "metadata": ["resourceVersion": ""],
      "items": pods.filter { !removed.contains($0.name) }.map(podJSON),
    ]
    try write(list, to: podsFile)
    let secretValue = Data((password ?? "").utf8).base64EncodedString()
    try write(
      [
        "\(namespace)/redis-secret": [
          "apiVersion": "v1", "kind": "Secret", "type": "Opaque",
          "metadata": ["name": "redis-secret", "namespace": namespace],
          "data": ["password": secretValue],
        ]
      ], to: secretsFile)
    let nodes = Set(pods.map(\.node)).sorted().enumerated().map { i, name in
      [
        "apiVersion": "v1", "kind": "Node",
        "metadata": [
          "name": name,
          "labels": ["kubernetes.io/hostname": name, "topology.kubernetes.io/zone": "zone-\(i % 3)"],
        ],
      ] as [String: Any]
    }
    try write(["apiVersion": "v1", "kind": "List", "items": nodes], to: root + "/nodes.json")
  }

  func write(_ object: Any, to path: String) throws {
    let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
    // Atomic: the stub may read while a test rewrites.
    try data.write(to: URL(fileURLWithPath: path), options: .atomic)
  }

  /// A pod as the OT operator creates it (see Tests/KubernetesTests/Fixtures/ot-pods.json).
  func podJSON(_ pod: Pod) -> [String: Any] {
    let sts = "\(cr)-\(pod.role)"
    let ready = !notReady.contains(pod.name) && pod.server?.isRunning == true
    var env: [[String: Any]] = [
      ["name": "PERSISTENCE_ENABLED", "value": "true"],
      ["name": "REDIS_ADDR", "value": "redis://localhost:6379"],
      ["name": "REDIS_MAJOR_VERSION", "value": "v7"],
      ["name": "REDIS_PORT", "value": String(port)],
      ["name": "SERVER_MODE", "value": "cluster"],
      ["name": "SETUP_MODE", "value": "cluster"],
    ]
    if password != nil && passwordInEnv {
      env.append([
        "name": "REDIS_PASSWORD", "valueFrom": ["secretKeyRef": ["name": "redis-secret", "key": "password"]],
      ])
    }
    let condition: (String) -> [String: Any] = { type in
      [
        "type": type, "status": (type == "Ready" || type == "ContainersReady") && !ready ? "False" : "True",
        "lastProbeTime": NSNull(), "lastTransitionTime": "2026-11-25T08:00:00Z",
      ]
    }
    return [
      "apiVersion": "v1", "kind": "Pod",
      "metadata": [
        "name": pod.name, "namespace": namespace, "generateName": "\(sts)-",
        "labels": [
          "app": sts, "cluster": cr, "redis_setup_type": "cluster", "role": pod.role,
          "controller-revision-hash": "\(sts)-7d9c8b6f5", "statefulset.kubernetes.io/pod-name": pod.name,
        ],
        "ownerReferences": [
          [
            "apiVersion": "apps/v1", "kind": "StatefulSet", "name": sts, "controller": true,
            "blockOwnerDeletion": true,
            "uid": "3f0c2a6e-0000-4000-8000-00000000000\(pod.role == "leader" ? 1 : 2)",
          ]
        ],
      ],
      "spec": [
        "containers": [
          [
            "name": sts, "image": "quay.io/opstree/redis:v7.0.15", "imagePullPolicy": "IfNotPresent",
            "env": env,
            "readinessProbe": [
              "exec": ["command": ["sh", "-c", "redis-cli -h $(hostname) -p ${REDIS_PORT} ping"]]
            ],
            "volumeMounts": [["mountPath": "/node-conf", "name": "node-conf"]],
          ],
          [
            "name": "redis-exporter", "image": "quay.io/opstree/redis-exporter:v1.44.0",
            "ports": [["containerPort": 9121, "name": "redis-exporter", "protocol": "TCP"]],
          ],
        ],
        "nodeName": pod.node, "hostname": pod.name, "subdomain": "\(sts)-headless",
      ],
      "status": [
        "phase": "Running", "hostIP": "127.0.1.\(pod.node.last.map(String.init) ?? "1")", "podIP": pod.ip,
        "podIPs": [["ip": pod.ip]],
        "conditions": ["Initialized", "Ready", "ContainersReady", "PodScheduled"].map(condition),
        "containerStatuses": [
          [
            "name": sts, "ready": ready, "restartCount": 0, "started": true,
            "image": "quay.io/opstree/redis:v7.0.15",
          ],
          ["name": "redis-exporter", "ready": true, "restartCount": 0, "started": true],
        ],
      ],
    ]
  }
}

extension PortAllocator {
  /// A port free on every host (pods share one port, as in Kubernetes).
  func nextCommon(hosts: [String]) throws -> Int {
    for _ in 0..<200 {
      let p = try next(host: hosts[0])
      if hosts.dropFirst().allSatisfy({ LocalPorts.portsFree(host: $0, port: p) }) { return p }
    }
    throw TestClusterError("no port free on all of \(hosts)")
  }
}
