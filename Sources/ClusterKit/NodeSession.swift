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
