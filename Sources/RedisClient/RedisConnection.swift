import NIOCore
import NIOPosix
import NIOSSL
import RESP
import RedisCore
import Synchronization

/// A connection to one Redis node over any NIO channel (TCP, TLS, or a process's pipes).
public final class RedisConnection: NodeSession {
  public let address: NodeAddress
  /// 2 or 3, as agreed with HELLO.
  public let protocolVersion: Int
  /// What HELLO said the node runs; nil after a RESP2 handshake.
  public let server: ServerIdentity?
  let channel: any Channel
  let commandTimeout: Duration
  let failure: FailureRecord

  init(
    channel: any Channel, address: NodeAddress, commandTimeout: Duration, protocolVersion: Int,
    failure: FailureRecord, server: ServerIdentity? = nil
  ) {
    self.channel = channel
    self.address = address
    self.commandTimeout = commandTimeout
    self.protocolVersion = protocolVersion
    self.server = server
    self.failure = failure
  }

  public func send(_ commands: [[[UInt8]]], timeout: Duration? = nil) async throws -> [RESPValue] {
    try await replies(to: enqueue(commands, timeout: timeout))
  }

  /// Writes commands without waiting: their replies are awaited with `replies(to:)`, so a second
  /// batch can follow the first in the same round trip (the handshake and the first commands).
  func enqueue(_ commands: [[[UInt8]]], timeout: Duration?) -> [PendingReply] {
    if commands.isEmpty { return [] }
    let wait = timeout ?? commandTimeout
    let bound = TimeAmount.nanoseconds(Int64(min(wait.seconds, 1e9) * 1e9))
    var payload: [UInt8] = []
    payload.reserveCapacity(commands.count * 32)
    for command in commands { RESPEncoder.encodeCommand(command, into: &payload) }
    let within = " within \(wait.shortText)"
    let replies = commands.map { command in
      PendingReply(
        promise: channel.eventLoop.makePromise(of: RESPValue.self), label: Self.label(command) + within,
        timeout: bound)
    }
    let node = address
    let failure = self.failure
    // A closed channel drops writes before they reach the handler: fail the replies here too,
    // with the reason the handler recorded when there is one.
    channel.writeAndFlush(RESPRequest(payload: payload, replies: replies)).whenFailure { error in
      let closed =
        (error as? ConnectionError) ?? failure.value.withLock { $0 }
        ?? ConnectionError(.closed, node: node, "the connection to \(node) is closed")
      for r in replies { r.promise.fail(closed) }
    }
    return replies
  }

  func replies(to pending: [PendingReply]) async throws -> [RESPValue] {
    if pending.isEmpty { return [] }
    // Cancelling the task (Ctrl-C in the shell) closes the connection, which fails the replies.
    let open = self.channel
    return try await withTaskCancellationHandler {
      // One await for the whole batch: awaiting each reply would hop between the event loop and
      // the task's executor once per command (~15 us each, most of a 512-command pipeline's time).
      // Every reply completes (a failure fails the rest of the connection's replies too), and the
      // first failure in command order is the one thrown.
      let results = try await EventLoopFuture.whenAllComplete(
        pending.map(\.promise.futureResult), on: open.eventLoop
      ).get()
      return try results.map { try $0.get() }
    } onCancel: {
      open.close(promise: nil)
    }
  }

  public func close() async {
    try? await channel.close()
  }

  /// The loop this connection's I/O and timers run on.
  var eventLoop: any EventLoop { channel.eventLoop }

  /// Commands whose second word is part of the name in messages.
  static let labelContainers: Set<String> = [
    "CLUSTER", "CONFIG", "CLIENT", "FUNCTION", "MEMORY", "OBJECT", "ACL", "DEBUG",
  ]

  /// "CLUSTER NODES", "GET": the command name for messages, never its arguments (they may be secrets).
  static func label(_ command: [[UInt8]]) -> String {
    guard let first = command.first else { return "an empty command" }
    let name = String(decoding: first, as: UTF8.self).uppercased()
    if labelContainers.contains(name), command.count > 1 {
      return name + " " + String(decoding: command[1], as: UTF8.self).uppercased()
    }
    return name
  }

  /// Wraps an already connected channel (TCP, TLS, pipe) and performs the HELLO/AUTH handshake.
  ///
  /// `preamble` names one reply the stream carries before any command of ours (an in-pod relay
  /// that authenticates with the pod's own password sends AUTH or PING first); an error reply to it
  /// fails the connection with that name.
  public static func start(
    on channel: any Channel, address: NodeAddress, options: ConnectionOptions, preamble: String? = nil
  ) async throws -> RedisConnection {
    let failure = FailureRecord()
    let usesTLS = options.tls != nil
    do {
      try await channel.eventLoop.submit {
        try channel.pipeline.syncOperations.addHandler(
          RESPClientHandler(node: address, usesTLS: usesTLS, failure: failure))
      }.get()
    } catch {
      throw ConnectionError(
        .closed, node: address, "the connection to \(address) closed before rcadm could use it")
    }
    var preambleReply: PendingReply?
    if let preamble {
      let wait = options.connectTimeout
      let reply = PendingReply(
        promise: channel.eventLoop.makePromise(of: RESPValue.self),
        label: "\(preamble) within \(wait.shortText)",
        timeout: .nanoseconds(Int64(wait.seconds * 1e9)))
      channel.writeAndFlush(RESPRequest(payload: [], replies: [reply])).whenFailure { reply.promise.fail($0) }
      preambleReply = reply
    }
    // Pipe channels start with autoRead off, so nothing the relay sends early reaches the pipeline
    // before the handler and the preamble's promise are in place.
    try? await channel.setOption(.autoRead, value: true).get()
    if let preamble, let preambleReply {
      let value: RESPValue
      do {
        value = try await preambleReply.promise.futureResult.get()
      } catch {
        try? await channel.close()
        throw error
      }
      // NOAUTH answers a PING when the pod's env has no password: HELLO authenticates next.
      if let message = value.errorMessage, !message.hasPrefix("NOAUTH") {
        try? await channel.close()
        throw ConnectionError(.auth, node: address, "\(address): \(preamble) failed: \(message)")
      }
    }
    return try await handshake(on: channel, address: address, options: options, failure: failure)
  }

  /// Handshake on a channel whose pipeline already holds the RESP handler.
  static func handshake(
    on channel: any Channel, address: NodeAddress, options: ConnectionOptions, failure: FailureRecord
  ) async throws -> RedisConnection {
    try await handshake(on: channel, address: address, options: options, failure: failure, first: []).0
  }

  /// The handshake with `first` written right behind it, in the same round trip; returns the
  /// replies to `first`.
  static func handshake(
    on channel: any Channel, address: NodeAddress, options: ConnectionOptions, failure: FailureRecord,
    first: [[[UInt8]]]
  ) async throws -> (RedisConnection, [RESPValue]) {
    let provisional = RedisConnection(
      channel: channel, address: address, commandTimeout: options.connectTimeout, protocolVersion: 2,
      failure: failure)
    do {
      let (version, replies, server) = try await provisional.handshake(options, first: first)
      let connection = RedisConnection(
        channel: channel, address: address, commandTimeout: options.commandTimeout, protocolVersion: version,
        failure: failure, server: server)
      return (connection, replies)
    } catch {
      await provisional.close()
      throw error
    }
  }

  /// HELLO 3 (with AUTH) when wanted; RESP2 and plain AUTH for servers older than 6.0. `first`
  /// goes out behind HELLO without waiting for its reply; when HELLO fails and the fallback is
  /// needed, it is sent again after it (callers pass reads only: a server that refused HELLO's AUTH
  /// or answered NOAUTH ran none of them, and one without a password reads them twice at most).
  private func handshake(_ options: ConnectionOptions, first: [[[UInt8]]]) async throws -> (
    Int, [RESPValue], ServerIdentity?
  ) {
    let auth: [String] = options.password.map { ["AUTH", options.user ?? "default", $0] } ?? []
    if options.preferRESP3 {
      let hello = enqueue([(["HELLO", "3"] + auth).map { Array($0.utf8) }], timeout: nil)
      let pending = enqueue(first, timeout: options.commandTimeout)
      let reply = try await replies(to: hello)[0]
      let firstReplies = try await replies(to: pending)
      guard let message = reply.errorMessage else { return (3, firstReplies, ServerIdentity(hello: reply)) }
      let error = ServerError(message, node: address, command: ["HELLO"])
      if error.isAuthError { throw authFailure(error, options) }
      guard message.hasPrefix("NOPROTO") || message.lowercased().contains("unknown command") else {
        throw error
      }
    }
    if let password = options.password {
      let args = options.user.map { ["AUTH", $0, password] } ?? ["AUTH", password]
      let reply = try await send([args.map { Array($0.utf8) }])[0]
      if let message = reply.errorMessage {
        throw authFailure(ServerError(message, node: address, command: ["AUTH"]), options)
      }
    }
    return (2, try await send(first, timeout: options.commandTimeout), nil)
  }

  private func authFailure(_ error: ServerError, _ options: ConnectionOptions) -> ConnectionError {
    let detail: String
    if error.code == "NOAUTH" && options.password == nil {
      detail = "\(address) requires a password: \(Remedy.givePassword)"
    } else if error.code == "WRONGPASS" || error.message.contains("invalid password") {
      let who = options.user.map { "user '\($0)'" } ?? "the default user"
      detail = "\(address) rejected the password for \(who) (\(error.message))"
    } else {
      detail = "authentication with \(address) failed: \(error.message)"
    }
    return ConnectionError(.auth, node: address, detail)
  }
}

/// Opens TCP or TLS connections to nodes with shared options (one TLS context for all nodes).
public struct RedisConnector: NodeConnector {
  public let options: ConnectionOptions
  private let tlsContext: NIOSSLContext?

  /// Fails with a readable sentence when certificate or key files cannot be loaded.
  public init(options: ConnectionOptions) throws {
    self.options = options
    self.tlsContext = try options.tls.map { try TLSSupport.makeContext($0) }
  }

  public func connect(to address: NodeAddress) async throws -> any NodeSession {
    try await open(address)
  }

  public func connect(to address: NodeAddress, sending first: [[String]]) async throws -> (
    any NodeSession, [RESPValue]
  ) {
    try await open(address, sending: first.map { $0.map { Array($0.utf8) } })
  }

  /// Like `connect(to:)`, with the concrete type. `dial` is where the socket goes when that differs
  /// from the node's address (a port-forward on 127.0.0.1, a pod's new IP); the connection still
  /// reports and names `address`.
  public func open(_ address: NodeAddress, via dial: NodeAddress? = nil) async throws -> RedisConnection {
    try await open(address, via: dial, sending: []).0
  }

  /// `open`, with `first` written behind the handshake in the same round trip; returns its replies.
  public func open(_ address: NodeAddress, via dial: NodeAddress? = nil, sending first: [[[UInt8]]])
    async throws -> (RedisConnection, [RESPValue])
  {
    let target = dial ?? address
    let sni = options.tls?.serverName ?? (TLSSupport.isIPAddress(address.host) ? nil : address.host)
    let context = tlsContext
    let failure = FailureRecord()
    // The RESP handler is in the pipeline from the start, so it sees a TLS failure during connect.
    let bootstrap = ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
      .connectTimeout(.nanoseconds(Int64(options.connectTimeout.seconds * 1e9)))
      .channelOption(.tcpOption(.tcp_nodelay), value: 1)
      .channelInitializer { channel in
        channel.eventLoop.makeCompletedFuture {
          if let context {
            try channel.pipeline.syncOperations.addHandler(
              NIOSSLClientHandler(context: context, serverHostname: sni))
          }
          try channel.pipeline.syncOperations.addHandler(
            RESPClientHandler(
              node: address, usesTLS: context != nil, failure: failure, expectedName: sni ?? address.host))
        }
      }
    let channel: any Channel
    do {
      // IP literals skip NIO's resolver and happy-eyeballs: a measurable share of a 60-node check.
      if TLSSupport.isIPAddress(target.host),
        let ip = try? SocketAddress(ipAddress: target.host, port: target.port)
      {
        channel = try await bootstrap.connect(to: ip).get()
      } else {
        channel = try await bootstrap.connect(host: target.host, port: target.port).get()
      }
    } catch {
      var failure = Self.describeConnectFailure(error, address: target, timeout: options.connectTimeout)
      if target != address {
        failure.node = address
        failure.detail = "\(address) (dialled at \(target)): \(failure.detail)"
      }
      throw failure
    }
    return try await RedisConnection.handshake(
      on: channel, address: address, options: options, failure: failure, first: first)
  }

  static func describeConnectFailure(_ error: any Error, address: NodeAddress, timeout: Duration)
    -> ConnectionError
  {
    let text = String(describing: error)
    if text.contains("connectTimeout") || text.contains("timed out") {
      return ConnectionError(
        .timeout, node: address, "could not connect to \(address) within \(timeout.shortText)")
    }
    if text.contains("errno: 111") || text.contains("Connection refused") {
      return ConnectionError(
        .refused, node: address,
        "could not connect to \(address): connection refused (is redis-server running there?)")
    }
    if text.contains("resolve") || text.contains("NXDOMAIN") || text.contains("getaddrinfo")
      || text.contains("lookup")
    {
      return ConnectionError(.unreachable, node: address, "could not resolve host '\(address.host)'")
    }
    if text.contains("errno: 113") || text.contains("errno: 101") {
      return ConnectionError(.unreachable, node: address, "could not connect to \(address): no route to host")
    }
    return ConnectionError(.other, node: address, "could not connect to \(address): \(text)")
  }
}
