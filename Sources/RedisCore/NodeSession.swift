import RESP

/// A connection to one node that runs pipelined commands.
///
/// ClusterKit reads clusters through this protocol only, so the loader works over TCP, TLS or a
/// `kubectl exec` pipe alike, and unit tests can use fakes.
public protocol NodeSession: Sendable {
  /// The address the session was opened to (how rcadm reaches the node).
  var address: NodeAddress { get }
  /// Sends all commands in one write and returns one reply per command, in order. Error replies
  /// are returned as values; transport failures and timeouts are thrown.
  func send(_ commands: [[[UInt8]]], timeout: Duration?) async throws -> [RESPValue]
  /// Closes the connection; further sends fail.
  func close() async
  /// What the node runs, as its handshake said; nil when it did not say (RESP2, fakes).
  var server: ServerIdentity? { get }
}

extension NodeSession {
  public var server: ServerIdentity? { nil }
}

/// The server software of a node: "redis" 7.0.15, "valkey" 8.1.8. Movers may pick a strategy by it.
public struct ServerIdentity: Sendable, Hashable, Codable, CustomStringConvertible {
  /// "redis" or "valkey" (lowercase, as HELLO and INFO's server_name give it).
  public var name: String
  public var version: String

  public init(name: String, version: String) {
    self.name = name.lowercased()
    self.version = version
  }

  /// From INFO's server section: Valkey reports `server_name:valkey` and `valkey_version` (its
  /// `redis_version` is a compatibility number); Redis only `redis_version`.
  public init?(info: [String: String]) {
    if let v = info["valkey_version"] {
      self.init(name: info["server_name"] ?? "valkey", version: v)
    } else if let v = info["redis_version"] {
      self.init(name: info["server_name"] ?? "redis", version: v)
    } else {
      return nil
    }
  }

  /// From HELLO's reply (a map with `server` and `version`).
  public init?(hello: RESPValue) {
    var fields: [String: String] = [:]
    switch hello.unwrapped {
    case .map(let entries):
      for e in entries { if let k = e.key.string, let v = e.value.string { fields[k] = v } }
    case .array(let items):
      for i in stride(from: 0, to: items.count - 1, by: 2) {
        if let k = items[i].string, let v = items[i + 1].string { fields[k] = v }
      }
    default: return nil
    }
    guard let name = fields["server"], let version = fields["version"] else { return nil }
    self.init(name: name, version: version)
  }

  /// Major version number, 0 when unreadable.
  public var major: Int { Int(version.prefix { $0 != "." }) ?? 0 }

  public var description: String { "\(name) \(version)" }
}

/// Opens sessions to nodes.
public protocol NodeConnector: Sendable {
  func connect(to address: NodeAddress) async throws -> any NodeSession
  /// Connects and sends `first`, read-only commands, in the same round trip as the connection's
  /// handshake where the transport allows; returns the session and their replies.
  func connect(to address: NodeAddress, sending first: [[String]]) async throws -> (
    any NodeSession, [RESPValue]
  )
}

extension NodeConnector {
  public func connect(to address: NodeAddress, sending first: [[String]]) async throws -> (
    any NodeSession, [RESPValue]
  ) {
    let session = try await connect(to: address)
    do {
      return (session, try await session.pipeline(first))
    } catch {
      await session.close()
      throw error
    }
  }
}

extension NodeSession {
  /// Sends string commands in one pipeline; error replies come back as values.
  public func pipeline(_ commands: [[String]], timeout: Duration? = nil) async throws -> [RESPValue] {
    try await send(commands.map { $0.map { Array($0.utf8) } }, timeout: timeout)
  }

  /// Runs one command and throws `ServerError` if the node answers with an error.
  @discardableResult
  public func call(_ args: [String], timeout: Duration? = nil) async throws -> RESPValue {
    let reply = try await send([args.map { Array($0.utf8) }], timeout: timeout)[0]
    if let message = reply.errorMessage { throw ServerError(message, node: address, command: args) }
    return reply
  }

  @discardableResult
  public func call(_ args: String..., timeout: Duration? = nil) async throws -> RESPValue {
    try await call(args, timeout: timeout)
  }

  /// Runs one command whose reply is text (INFO, CLUSTER NODES…), accepting RESP3 verbatim strings.
  public func text(_ args: String...) async throws -> String {
    let reply = try await call(args)
    guard let s = reply.string else {
      throw ServerError(
        "unexpected reply type to \(args.joined(separator: " "))", node: address, command: args)
    }
    return s
  }
}
