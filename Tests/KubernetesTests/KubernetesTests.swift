import ClusterKit
import Foundation
import JSONDocument
import RedisCore
import Testing

@testable import Kubernetes

@Suite struct KubeTargetTests {
  @Test(
    arguments: [
      ("k8s://default/app=redis", nil, "default", "app=redis"),
      (
        "k8s://default/app.kubernetes.io/instance=redis-cluster", nil, "default",
        "app.kubernetes.io/instance=redis-cluster"
      ),
      (
        "k8s://kind-kind/ns1/redis_setup_type=cluster,cluster=rc", "kind-kind", "ns1",
        "redis_setup_type=cluster,cluster=rc"
      ),
      (
        "k8s://arn:aws:eks:eu-west-1:1:cluster/prod/redis/a.io/x=1,b.io/y=2",
        "arn:aws:eks:eu-west-1:1:cluster/prod",
        "redis", "a.io/x=1,b.io/y=2"
      ),
      ("k8s://ns/!canary", nil, "ns", "!canary"),
      ("K8S://ns/tier in (cache,db)", nil, "ns", "tier in (cache,db)"),
    ] as [(String, String?, String, String)])
  func parses(_ text: String, context: String?, namespace: String, selector: String) throws {
    let t = try KubeTarget.parse(text)
    #expect(t.context == context)
    #expect(t.namespace == namespace)
    #expect(t.selector == selector)
  }

  @Test(arguments: [
    ("k8s://default", "no label selector"),
    ("k8s://app=redis", "names no namespace"),
    ("k8s://Bad_NS/app=x", "not a valid namespace"),
    ("redis://x", "not a k8s:// address"),
  ])
  func rejects(_ text: String, reason: String) {
    #expect {
      try KubeTarget.parse(text)
    } throws: { error in
      guard let e = error as? KubeError else { return false }
      return e.isUsage && e.description.contains(reason)
    }
  }

  @Test func secretReference() throws {
    #expect(
      try SecretKeyRef.parse("redis-secret/password") == SecretKeyRef(name: "redis-secret", key: "password"))
    #expect(throws: KubeError.self) { try SecretKeyRef.parse("redis-secret") }
  }

  @Test func forwardingLine() {
    #expect(PortForwards.parseForwardingLine("Forwarding from 127.0.0.1:41234 -> 6379") == 41234)
    #expect(PortForwards.parseForwardingLine("Forwarding from [::1]:41234 -> 6379") == nil)
    #expect(PortForwards.parseForwardingLine("Handling connection for 41234") == nil)
  }

  @Test func base64() {
    #expect(Base64.decode("cGFzcyB3b3Jk") == Array("pass word".utf8))
    #expect(Base64.decode("w7xiZXI=") == Array("über".utf8))
    #expect(Base64.decode("not base64!") == nil)
  }
}

@Suite struct KubectlErrorTests {
  @Test func explainsRBAC() {
    let text = Kubectl.explain(
      """
      Error from server (Forbidden): pods "redis-cluster-leader-0" is forbidden: User "system:serviceaccount:ci:rcadm" \
      cannot create resource "pods/exec" in API group "" in the namespace "redis"
      """, status: 1, what: "exec")
    #expect(text.contains("forbidden by RBAC"))
    #expect(text.contains("pods/exec"))
  }

  @Test func explainsContext() {
    #expect(
      Kubectl.explain("error: current-context is not set\n", status: 1, what: "get pods").contains(
        "\(Remedy.kubeContext)"))
    #expect(
      Kubectl.explain("error: context \"nope\" does not exist\n", status: 1, what: "get pods").contains(
        "no usable context"))
  }

  @Test func explainsAPIServer() {
    let text = Kubectl.explain(
      "Unable to connect to the server: dial tcp 127.0.0.1:6443: connect: connection refused\n", status: 1,
      what: "get pods")
    #expect(text.contains("cannot reach the Kubernetes API server"))
    // No kubeconfig at all: kubectl falls back to localhost:8080.
    let none = Kubectl.explain(
      "The connection to the server localhost:8080 was refused - did you specify the right host or port?\n",
      status: 1, what: "get pods")
    #expect(none.contains("no cluster configured"))
  }

  @Test func execEnds() {
    #expect(
      ExecTransport.reason(
        ChildExit(status: 127, stderr: "rcadm-relay: no nc or bash in container\n"), pod: "p"
      )
      .contains("port-forward"))
    #expect(
      ExecTransport.reason(
        ChildExit(
          status: 126,
          stderr:
            "OCI runtime exec failed: exec failed: unable to start container process: exec: \"sh\": executable file not found in $PATH: unknown\ncommand terminated with exit code 126\n"
        ), pod: "p"
      ).contains("cannot run sh"))
  }

  @Test func missingKubectl() {
    #expect {
      try Kubectl(path: "/nonexistent/kubectl", context: nil, namespace: "default")
    } throws: { error in
      (error as? KubeError)?.description.contains("not found at /nonexistent/kubectl") == true
    }
  }
}

@Suite struct PodParsingTests {
  static let fixtures = String(#filePath.dropLast("KubernetesTests.swift".count)) + "Fixtures/"

  static func load(_ name: String) throws -> JSON {
    try JSON.parse(try String(contentsOfFile: fixtures + name, encoding: .utf8))
  }

  @Test func otPods() throws {
    let pods = try PodListParser.parse(try Self.load("ot-pods.json"))
    #expect(pods.count == 6)
    let leader = try #require(pods.first { $0.name == "redis-cluster-leader-0" })
    // OT declares no container port: the port comes from REDIS_PORT; the exporter sidecar is skipped.
    #expect(leader.container == "redis-cluster-leader")
    #expect(leader.port == 6379)
    #expect(leader.ready)
    #expect(leader.ip != nil)
    #expect(leader.nodeName != nil)
    #expect(leader.passwordVariable == "REDIS_PASSWORD")
    #expect(leader.passwordSecret?.name == "redis-secret")
    #expect(Set(pods.map(\.container)) == ["redis-cluster-leader", "redis-cluster-follower"])
  }

  @Test func bitnamiPods() throws {
    let pods = try PodListParser.parse(try Self.load("bitnami-pods.json"))
    #expect(pods.count == 6)
    let first = try #require(pods.first { $0.name == "redis-cluster-0" })
    #expect(first.port == 6379)
    #expect(first.passwordVariable == "REDIS_PASSWORD_FILE")
    #expect(pods.first { $0.name == "redis-cluster-5" }?.unusableReason?.contains("not ready") == true)
    #expect(pods.first { $0.name == "redis-cluster-4" }?.unusableReason?.contains("terminating") == true)
  }

  @Test func explicitContainerMustExist() throws {
    #expect {
      try PodListParser.parse(try Self.load("ot-pods.json"), container: "redis")
    } throws: { error in
      (error as? KubeError)?.description.contains("has no container 'redis'") == true
    }
  }

  @Test func zones() throws {
    let nodes = try JSON.parse(
      #"{"kind":"List","items":[{"metadata":{"name":"w1","labels":{"topology.kubernetes.io/zone":"eu-1a"}}},{"metadata":{"name":"w2","labels":{}}}]}"#
    )
    #expect(PodListParser.zones(nodes) == ["w1": "eu-1a"])
  }
}

@Suite struct PodDirectoryTests {
  static func pod(_ name: String, _ ip: String) -> KubePod {
    KubePod(
      name: name, namespace: "ns", ip: ip, ips: [ip], hostIP: nil, nodeName: "n", zone: nil, phase: "Running",
      ready: true, terminating: false, container: "redis", containers: ["redis"], port: 6379,
      passwordVariable: nil,
      passwordSecret: nil, passwordValue: nil, labels: [:])
  }

  static func entry(_ id: String, _ host: String, myself: Bool = false) -> ClusterNodeEntry {
    let line = "\(id) \(host):6379@16379 \(myself ? "myself," : "")master - 0 0 1 connected"
    return try! ClusterNodesParser.parse(line)[0]
  }

  @Test func mapsByNodeIDBeforeIP() {
    // After a restart pod a got b's old IP: the stale address of b must still lead to b.
    var d = PodDirectory(pods: [Self.pod("a", "10.0.0.2"), Self.pod("b", "10.0.0.3")])
    let a = String(repeating: "a", count: 40)
    let b = String(repeating: "b", count: 40)
    d.learn(
      pod: "a", nodeID: a, clusterNodes: [Self.entry(a, "10.0.0.2", myself: true), Self.entry(b, "10.0.0.9")])
    d.learn(
      pod: "b", nodeID: b, clusterNodes: [Self.entry(b, "10.0.0.3", myself: true), Self.entry(a, "10.0.0.2")])
    #expect(d.pod(for: NodeAddress(host: "10.0.0.9", port: 6379))?.name == "b")
    #expect(d.pod(for: NodeAddress(host: "10.0.0.2", port: 6379))?.name == "a")
    #expect(d.pod(for: NodeAddress(host: "b.redis-headless.ns.svc.cluster.local", port: 6379))?.name == "b")
    #expect(d.pod(for: NodeAddress(host: "10.0.0.77", port: 6379)) == nil)
    #expect(d.pod(nodeID: b)?.name == "b")
  }
}
