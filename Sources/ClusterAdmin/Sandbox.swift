import ClusterKit
import LocalHost
import RedisCore

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A sandbox's files: one `node-<port>` directory per redis-server, each with its config, pid and log.
public struct SandboxLayout: Sendable {
  public var directory: String

  public init(directory: String) {
    self.directory = directory
  }

  /// `/tmp/rcadm-sandbox-<uid>`, shared by every shell of the user.
  public static var defaultDirectory: String { "/tmp/rcadm-sandbox-\(getuid())" }

  public struct Node: Sendable, Hashable {
    public var address: NodeAddress
    public var directory: String
    public var pid: Int32?
    public var running: Bool
  }

  /// Nodes found in the directory, alive or not.
  public func nodes() -> [Node] {
    LocalFiles.list(directory).filter { $0.hasPrefix("node-") }.compactMap { name in
      let dir = "\(directory)/\(name)"
      guard let conf = LocalFiles.readFile("\(dir)/redis.conf") else { return nil }
      var port: Int?
      var host = "127.0.0.1"
      for line in conf.split(separator: "\n") {
        let words = line.split(separator: " ")
        if words.count == 2 && words[0] == "port" { port = Int(words[1]) }
        if words.count >= 2 && words[0] == "bind" { host = String(words[1]) }
      }
      guard let port else { return nil }
      let pid = LocalFiles.readFile("\(dir)/redis.pid").flatMap { Int32($0.filter(\.isNumber)) }
      return Node(
        address: NodeAddress(host: host, port: port), directory: dir, pid: pid,
        running: pid.map(Processes.isAlive) ?? false)
    }.sorted { $0.address < $1.address }
  }

  public func runningAddresses() -> [String] { nodes().filter(\.running).map(\.address.description) }
}

/// Why a sandbox could not be started or stopped.
public struct SandboxError: Error, CustomStringConvertible, Sendable, SuggestsRemedies {
  public var description: String
  public var remedies: [Remedy]
  public init(_ description: String, remedies: [Remedy] = []) {
    self.description = description
    self.remedies = remedies
  }
}

/// Starts and stops local cluster-enabled redis-server processes for trying rcadm out.
public struct Sandbox: Sendable {
  public var layout: SandboxLayout
  public var redisServer: String
  public var host: String

  public init(layout: SandboxLayout, redisServer: String, host: String = "127.0.0.1") {
    self.layout = layout
    self.redisServer = redisServer
    self.host = host
  }

  /// The redis-server to use, or an error that says how to install it.
  public static func locateServer(_ explicit: String?) throws -> String {
    if let explicit {
      guard let path = Processes.find(explicit) else {
        throw SandboxError("\(explicit): no executable there", remedies: [.serverPath])
      }
      return path
    }
    guard let path = Processes.find("redis-server") ?? Processes.find("valkey-server") else {
      throw SandboxError(
        "redis-server is not on PATH: install it (Debian/Ubuntu: sudo apt-get install redis-server; macOS: brew install redis)",
        remedies: [.serverPath])
    }
    return path
  }

  /// Starts `count` empty cluster-enabled nodes on consecutive ports and waits until each answers.
  public func up(count: Int, basePort: Int, timeout: Duration, connector: any NodeConnector) async throws
    -> [NodeAddress]
  {
    let running = layout.nodes().filter(\.running)
    if !running.isEmpty {
      throw SandboxError(
        "a sandbox is already running in \(layout.directory) (\(running.map(\.address.description).joined(separator: ", ")))",
        remedies: [.stopSandbox])
    }
    let ports = Array(basePort..<(basePort + count))
    if let taken = ports.first(where: { !LocalPorts.portsFree(host: host, port: $0) }) {
      throw SandboxError(
        "port \(taken) or its cluster bus port \(taken + 10000) on \(host) is in use",
        remedies: [.otherBasePort])
    }
    guard LocalFiles.makeDirectory(layout.directory) else {
      throw SandboxError("cannot create \(layout.directory)")
    }
    var addresses: [NodeAddress] = []
    for port in ports {
      let dir = "\(layout.directory)/node-\(port)"
      LocalFiles.removeTree(dir)
      guard LocalFiles.makeDirectory(dir),
        LocalFiles.writeFile("\(dir)/redis.conf", config(port: port, dir: dir))
      else {
        throw SandboxError("cannot write the configuration in \(dir)")
      }
      let status = await Processes.run(redisServer, ["\(dir)/redis.conf"], logFile: "\(dir)/startup.log")
      guard status == 0 else {
        let log = LocalFiles.readFile("\(dir)/startup.log") ?? ""
        throw SandboxError(
          "\(redisServer) failed to start on port \(port) (exit \(status)): \(log.suffix(300))")
      }
      addresses.append(NodeAddress(host: host, port: port))
    }
    try await waitUntilAnswering(addresses, timeout: timeout, connector: connector)
    return addresses
  }

  func config(port: Int, dir: String) -> String {
    // On another loopback address than 127.0.0.1 the nodes' own connections leave from 127.0.0.1,
    // so peers would record that address and the handshakes never finish: each node announces
    // its address instead (cluster-announce-ip exists since Redis 4; bind-source-addr only 7.0).
    let announced = ["127.0.0.1", "localhost"].contains(host) ? [] : ["cluster-announce-ip \(host)"]
    let lines =
      ["port \(port)", "bind \(host)"] + announced + [
        "dir \(dir)", "daemonize yes", "pidfile \(dir)/redis.pid", "logfile \(dir)/redis.log",
        "cluster-enabled yes", "cluster-config-file nodes.conf", "cluster-node-timeout 2000", "appendonly no",
        "save \"\"", "protected-mode no", "repl-diskless-sync-delay 0",
      ]
    return lines.joined(separator: "\n") + "\n"
  }

  /// Polls PING every 20 ms until every node answers, or names the ones that never did.
  func waitUntilAnswering(_ addresses: [NodeAddress], timeout: Duration, connector: any NodeConnector)
    async throws
  {
    let clock = ContinuousClock()
    let deadline = clock.now + timeout
    var waiting = Set(addresses)
    while !waiting.isEmpty {
      for a in waiting {
        if let s = try? await connector.connect(to: a) {
          let ok = (try? await s.call("PING")) != nil
          await s.close()
          if ok { waiting.remove(a) }
        }
      }
      if waiting.isEmpty { break }
      if clock.now > deadline {
        throw SandboxError(
          "these nodes did not answer PING within \(timeout): \(waiting.sorted().map(\.description).joined(separator: ", ")); see redis.log in \(layout.directory)"
        )
      }
      try await Task.sleep(for: .milliseconds(20))
    }
  }

  /// Stops every node (SIGTERM, then SIGKILL after `timeout`) and removes the directory unless `keep`.
  public func down(timeout: Duration, keep: Bool) async throws -> [SandboxLayout.Node] {
    let nodes = layout.nodes()
    for n in nodes where n.running { Processes.terminate(n.pid!) }
    let clock = ContinuousClock()
    let deadline = clock.now + timeout
    while nodes.contains(where: { $0.running && Processes.isAlive($0.pid!) }) {
      if clock.now > deadline {
        for n in nodes where n.running && Processes.isAlive(n.pid!) {
          Processes.terminate(n.pid!, force: true)
        }
        break
      }
      try await Task.sleep(for: .milliseconds(20))
    }
    if !keep { LocalFiles.removeTree(layout.directory) }
    return nodes
  }
}
