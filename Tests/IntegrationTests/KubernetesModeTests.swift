import ClusterKit
import Foundation
import RedisCore
import TestCluster
import Testing

/// Kubernetes mode against a stand-in for the OT redis-operator chart: real redis-server "pods" on
/// 127.0.0.x addresses, and a stub kubectl (Tests/stub-kubectl/kubectl) that serves their pod list and
/// runs exec/port-forward locally. Each test uses its own address range.
@Suite(.serialized) struct KubernetesTests {
  static let password = "s3cret-ü-pw"

  func withKube<T>(
    firstHost: Int, password: String? = KubernetesTests.password, passwordInEnv: Bool = true,
    _ body: (FakeKube) async throws -> T
  ) async throws -> T {
    let kube = try await FakeKube.start(
      firstHost: firstHost, password: password, passwordInEnv: passwordInEnv)
    do {
      let r = try await body(kube)
      kube.stop()
      return r
    } catch {
      kube.stop()
      throw error
    }
  }

  func rcadm(_ kube: FakeKube, _ args: [String], env: [String: String] = [:], stdin: String? = nil) throws
    -> RunResult
  {
    try Run.rcadm(args, env: kube.env.merging(env) { $1 }, stdin: stdin, timeout: 180)
  }

  /// Stub kubectl processes running `verb` (only this serialized suite uses the stub).
  static func kubectlCount(_ verb: String) throws -> Int {
    let r = try Run.program("pgrep", ["-f", "stub-kubectl/kubectl .*\(verb)"])
    return r.stdout.split(separator: "\n").count
  }

  /// No kubectl call ever carried the password, on its argv or in REDISCLI_AUTH/RCADM_AUTH.
  func expectPasswordNeverPassedToKubectl(_ kube: FakeKube) {
    let calls = kube.kubectlCalls()
    #expect(!calls.isEmpty)
    for argv in calls {
      #expect(!argv.joined(separator: " ").contains(Self.password), "password on kubectl argv: \(argv)")
    }
    #expect(kube.kubectlCallsWithPasswordInEnvironment() == [], "kubectl children with a password variable")
  }

  /// The OT scenario end to end over `kubectl exec`: create with replicas on other k8s nodes, write
  /// keys through the routing shell, reshard (MIGRATE stays pod-to-pod), restart every pod on a new
  /// IP, heal with fix --remeet; the pods authenticate with their own REDIS_PASSWORD.
  @Test func otClusterOverExec() async throws {
    try await withKube(firstHost: 30) { kube in
      let exec = ["--kube-transport", "exec"]
      let created = try rcadm(kube, ["create", kube.target, "--replicas", "1", "--yes", "--json"] + exec)
      #expect(created.status == 0, "\(created)")
      let plan = try parseJSON(created.stdout)["plan"] as? [String: Any]
      // Every replica is on another Kubernetes node than its master (the pods' spec.nodeName).
      let masters = plan?["masters"] as? [[String: Any]] ?? []
      #expect(masters.count == 3)
      for m in masters {
        // The failure domain is the pod's zone and Kubernetes node (from kubectl get nodes).
        #expect((m["host"] as? String)?.hasPrefix("zone-") == true, "\(m)")
        for r in m["replicas"] as? [[String: Any]] ?? [] {
          #expect((r["host"] as? String) != (m["host"] as? String), "\(m)")
        }
      }
      let seed = kube.pods[0].ip + ":\(kube.port)"
      try await eventually("redis-cli sees a healthy cluster") {
        try Run.program("redis-cli", ["--cluster", "check", seed, "-a", Self.password, "--no-auth-warning"])
          .status
          == 0
      }

      // Keys through the routing shell over exec: MOVED targets map back to pods.
      let script = (0..<300).map { "SET k8s:\($0) v\($0)" }.joined(separator: "\n") + "\nDBSIZE\n"
      let piped = try rcadm(kube, ["repl", kube.target] + exec, stdin: script)
      #expect(piped.status == 0, "\(piped)")
      #expect(piped.stdout.contains("300"), "\(piped.stdout.suffix(200))")

      let checked = try rcadm(kube, ["check", kube.target, "--json"] + exec)
      #expect(checked.status == 0, "\(checked)")

      // Reshard through exec: 500 slots from every other master to leader-0.
      let resharded = try rcadm(
        kube,
        [
          "reshard", kube.target, "--from", "all", "--to", "redis-cluster-leader-0", "--slots", "500",
          "--yes",
        ] + exec)
      #expect(resharded.status == 0, "\(resharded)")
      let count = try Run.program(
        "redis-cli",
        [
          "-c", "-h", kube.pods[1].ip, "-p", String(kube.port), "-a", Self.password, "--no-auth-warning",
          "--cluster", "call", seed, "DBSIZE",
        ])
      let total = count.stdout.split(separator: "\n").compactMap { line -> Int? in
        line.split(separator: ":").last.flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }
      }
      #expect(total.reduce(0, +) == 600, "300 keys on masters and 300 on replicas: \(count.stdout)")

      // Every pod restarts on a new IP with its nodes.conf: the cluster cannot heal by itself.
      try await kube.restartAll(firstHost: 40)
      let broken = try rcadm(kube, ["check", kube.target] + exec)
      #expect(broken.status != 0, "\(broken)")
      let healed = try rcadm(kube, ["fix", kube.target, "--remeet", "--yes"] + exec)
      #expect(healed.status == 0, "\(healed)")
      let newSeed = kube.pods[0].ip + ":\(kube.port)"
      try expectHealthyByIndependentTools(newSeed, password: Self.password)
      let after = try rcadm(kube, ["check", kube.target, "--json"] + exec)
      #expect(after.status == 0, "\(after)")
      // The keys written before the restart are all there.
      let keys = try rcadm(kube, ["exec", kube.target] + exec + ["--", "DBSIZE"])
      #expect(keys.stdout.contains("300"), "\(keys)")
      expectPasswordNeverPassedToKubectl(kube)
      #expect(kube.kubectlCalls().contains { $0.contains("exec") })
    }
  }

  /// Port-forward transport with the password read from a Secret (--kube-secret): check, the shell and
  /// failover work, the password never appears on kubectl's argv.
  @Test func portForwardWithSecret() async throws {
    try await withKube(firstHost: 50, passwordInEnv: false) { kube in
      let flags = ["--kube-transport", "port-forward", "--kube-secret", "redis-secret/password"]
      let created = try rcadm(kube, ["create", kube.target, "--replicas", "1", "--yes"] + flags)
      #expect(created.status == 0, "\(created)")
      let checked = try rcadm(kube, ["check", kube.target] + flags)
      #expect(checked.status == 0, "\(checked)")
      // The password in rcadm's environment reaches no kubectl child (one-shot or long-lived).
      let fromEnv = try rcadm(
        kube, ["check", kube.target, "--kube-transport", "port-forward"],
        env: ["REDISCLI_AUTH": Self.password])
      #expect(fromEnv.status == 0, "\(fromEnv)")
      let viaExecFromEnv = try rcadm(
        kube, ["exec", kube.target, "--kube-transport", "exec", "--", "PING"],
        env: ["REDISCLI_AUTH": Self.password])
      #expect(viaExecFromEnv.stdout.contains("PONG"), "\(viaExecFromEnv)")
      let set = try rcadm(kube, ["exec", kube.target] + flags + ["--", "SET", "pf-key", "hello"])
      #expect(set.status == 0, "\(set)")
      let get = try rcadm(kube, ["exec", kube.target] + flags + ["--", "GET", "pf-key"])
      #expect(get.stdout.contains("hello"), "\(get)")
      // Over exec too, when the pods' env has no password: the relay's PING gets NOAUTH and rcadm's
      // own AUTH (from the Secret) follows.
      let viaExec = try rcadm(
        kube,
        [
          "exec", kube.target, "--kube-transport", "exec", "--kube-secret", "redis-secret/password", "--",
          "GET", "pf-key",
        ])
      #expect(viaExec.stdout.contains("hello"), "\(viaExec)")
      let failover = try rcadm(
        kube, ["failover", kube.target, "--master", "redis-cluster-leader-1", "--yes"] + flags)
      #expect(failover.status == 0, "\(failover)")
      let calls = kube.kubectlCalls()
      #expect(calls.contains { $0.contains("port-forward") })
      #expect(calls.contains { $0.contains("secret") })
      expectPasswordNeverPassedToKubectl(kube)
      // Without the secret, the pods' password is unknown outside exec: a clear usage error.
      let refused = try rcadm(kube, ["check", kube.target, "--kube-transport", "port-forward"])
      #expect(refused.status == 2, "\(refused)")
    }
  }

  /// auto picks direct when pod IPs answer; bad targets and kubectl failures are usage errors.
  @Test func discoveryAndErrors() async throws {
    try await withKube(firstHost: 60, password: nil) { kube in
      let auto = try rcadm(kube, ["create", kube.target, "--replicas", "1", "--yes"])
      #expect(auto.status == 0, "\(auto)")
      #expect(auto.stderr.contains("by direct"), "\(auto.stderr)")
      #expect(!kube.kubectlCalls().contains { $0.contains("exec") || $0.contains("port-forward") })

      let noMatch = try rcadm(kube, ["check", "k8s://redis/app=nothing"])
      #expect(noMatch.status == 2)
      #expect(noMatch.stderr.contains("no pods match selector 'app=nothing'"), "\(noMatch)")

      let forbidden = try rcadm(kube, ["check", kube.target], env: ["RCADM_STUB_FAIL": "forbidden"])
      #expect(forbidden.status == 2)
      #expect(forbidden.stderr.contains("forbidden by RBAC"), "\(forbidden)")

      let noContext = try rcadm(kube, ["check", kube.target], env: ["RCADM_STUB_FAIL": "nocontext"])
      #expect(noContext.status == 2)
      #expect(noContext.stderr.contains("--kube-context"), "\(noContext)")

      let missing = try rcadm(kube, ["check", kube.target, "--kubectl", "/nonexistent/kubectl"])
      #expect(missing.status == 2)
      #expect(missing.stderr.contains("kubectl not found at /nonexistent/kubectl"), "\(missing)")

      let noRelay = try rcadm(
        kube, ["check", kube.target, "--kube-transport", "exec"], env: ["RCADM_STUB_FAIL": "exec-no-relay"])
      #expect(noRelay.status != 0)
      #expect(noRelay.stderr.contains("--kube-transport port-forward"), "\(noRelay)")

      let tlsOverExec = try rcadm(
        kube, ["check", kube.target, "--kube-transport", "exec", "--tls", "--insecure"])
      #expect(tlsOverExec.status == 2)
      #expect(tlsOverExec.stderr.contains("TLS through kubectl exec is not supported"), "\(tlsOverExec)")

      // A pod that is not Ready is named, and the rest still works (its node shows as unreachable).
      try kube.setReady("redis-cluster-follower-2", false)
      let partial = try rcadm(kube, ["check", kube.target, "--kube-selector", kube.selector])
      #expect(partial.stderr.contains("redis-cluster-follower-2 is not ready"), "\(partial)")
      try kube.setReady("redis-cluster-follower-2", true)

      // An OT operator that is not paused would fight a change: changing commands warn.
      try kube.setOperator(paused: false)
      let managed = try rcadm(kube, ["rebalance", kube.target, "--dry-run"])
      #expect(managed.stderr.contains("skip-reconcile=true"), "\(managed)")
      try kube.setOperator(paused: true)
      let paused = try rcadm(kube, ["rebalance", kube.target, "--dry-run"])
      #expect(!paused.stderr.contains("skip-reconcile"), "\(paused)")

      let mixed = try rcadm(kube, ["check", kube.pods[0].ip + ":\(kube.port)", "--kube-transport", "exec"])
      #expect(mixed.status == 2)
      #expect(mixed.stderr.contains("--kube-transport needs a k8s:// address"), "\(mixed)")

      // SIGTERM mid-command: rcadm's kubectl port-forwards (which no closed pipe would end) go with it.
      let busy = try Run.spawn(
        Run.rcadmPath,
        ["call", kube.target, "--kube-transport", "port-forward", "--", "DEBUG", "SLEEP", "10"],
        env: kube.env)
      // Polled without awaiting: an async poll starved by other suites missed the sleep in CI.
      try pollUntil("rcadm has kubectl children", timeout: 20) {
        try Self.kubectlCount("port-forward") > 0
      }
      busy.signal(SIGTERM)
      _ = busy.wait(timeout: 30)
      try pollUntil("no kubectl outlives rcadm", timeout: 3) {
        try Self.kubectlCount("port-forward") == 0
      }

      // The flags form is the same as the address form.
      let flags = try rcadm(
        kube, ["check", "--kube-namespace", kube.namespace, "--kube-selector", kube.selector])
      #expect(flags.status == 0, "\(flags)")
    }
  }

  /// add-node / del-node / rebalance / call / info / set-timeout through exec, with pods named by pod
  /// name; replicas land on other Kubernetes nodes than their masters.
  @Test func topologyByPodName() async throws {
    try await withKube(firstHost: 70) { kube in
      let exec = ["--kube-transport", "exec"]
      let leaders = "k8s://\(kube.namespace)/role=leader,cluster=\(kube.cr)"
      let created = try rcadm(kube, ["create", leaders, "--yes"] + exec)
      #expect(created.status == 0, "\(created)")
      // Followers 0 and 1 join as replicas; rcadm picks masters on other k8s nodes.
      for i in 0..<2 {
        let added = try rcadm(
          kube,
          ["add-node", "redis-cluster-follower-\(i)", kube.target, "--replica", "--yes", "--json"] + exec)
        #expect(added.status == 0, "\(added)")
      }
      let nodeOf = Dictionary(uniqueKeysWithValues: kube.pods.map { ($0.ip, $0.node) })
      let view = try rcadm(kube, ["check", kube.target, "--json"] + exec)
      let nodes = try parseJSON(view.stdout)["nodes"] as? [[String: Any]] ?? []
      let byID = Dictionary(
        uniqueKeysWithValues: nodes.compactMap { n in (n["id"] as? String).map { ($0, n) } })
      var replicas = 0
      for n in nodes where n["role"] as? String == "replica" {
        replicas += 1
        let master = byID[n["master_id"] as? String ?? ""]
        let host = { (node: [String: Any]?) in
          (node?["address"] as? String)?.split(separator: ":").first.map(String.init)
        }
        #expect(
          nodeOf[host(n) ?? ""] != nodeOf[host(master) ?? ""],
          "replica \(n) and master \(String(describing: master))")
      }
      #expect(replicas == 2)
      // Follower 2 joins as an empty master, and rebalance gives it slots.
      let asMaster = try rcadm(kube, ["add-node", "redis-cluster-follower-2", kube.target, "--yes"] + exec)
      #expect(asMaster.status == 0, "\(asMaster)")
      let rebalanced = try rcadm(kube, ["rebalance", kube.target, "--use-empty-masters", "--yes"] + exec)
      #expect(rebalanced.status == 0, "\(rebalanced)")
      let info = try rcadm(kube, ["info", kube.target] + exec)
      #expect(info.status == 0, "\(info)")
      #expect(info.stdout.contains("4 masters"), "\(info.stdout)")
      let timeout = try rcadm(kube, ["set-timeout", kube.target, "3000", "--yes"] + exec)
      #expect(timeout.status == 0, "\(timeout)")
      let called = try rcadm(
        kube, ["call", kube.target] + exec + ["--", "CONFIG", "GET", "cluster-node-timeout"])
      #expect(called.stdout.components(separatedBy: "3000").count - 1 == 6, "\(called)")
      let deleted = try rcadm(kube, ["del-node", kube.target, "redis-cluster-follower-1", "--yes"] + exec)
      #expect(deleted.status == 0, "\(deleted)")
      try expectHealthyByIndependentTools(kube.pods[0].ip + ":\(kube.port)", password: Self.password)
    }
  }

  /// A stream that dies mid-operation is named; a node whose pod is gone shows as a ghost.
  @Test func droppedStreamsAndGhosts() async throws {
    try await withKube(firstHost: 80, password: nil) { kube in
      let exec = ["--kube-transport", "exec"]
      #expect(try rcadm(kube, ["create", kube.target, "--replicas", "1", "--yes"]).status == 0)
      let dropped = try rcadm(
        kube, ["call", kube.target] + exec + ["--", "DEBUG", "SLEEP", "3"],
        env: ["RCADM_STUB_FAIL": "exec-drop=1"])
      #expect(dropped.status != 0, "\(dropped)")
      #expect(
        dropped.stdout.contains("ended mid-operation") || dropped.stderr.contains("ended mid-operation"),
        "\(dropped)")

      // follower-2's pod is deleted: its redis keeps running, but no pod maps to its address.
      try kube.removePod("redis-cluster-follower-2")
      let ghost = try rcadm(kube, ["check", kube.target] + exec)
      #expect(ghost.status == 1, "\(ghost)")
      #expect(ghost.stdout.contains("ghost node"), "\(ghost)")
    }
  }
}
