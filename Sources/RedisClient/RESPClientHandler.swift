import NIOCore
import NIOSSL
import NIOTLS
import RESP
import RedisCore
import Synchronization

/// One batch of encoded commands and the promises for their replies.
struct RESPRequest: Sendable {
  var payload: [UInt8]
  var replies: [PendingReply]
  /// Turns the connection into a stream: from this write on, every frame the node sends goes to
  /// the sink, in order, and no reply is matched to a command again.
  var streamTo: FrameSink? = nil
}

/// Where a streaming connection's frames go (an `AsyncThrowingStream`'s continuation), with how
/// many were dropped because the consumer fell behind.
final class FrameSink: Sendable {
  let continuation: AsyncThrowingStream<RESPValue, any Error>.Continuation
  let dropped = Atomic<Int>(0)
  /// The first frame must come within this bound (the confirmation of SUBSCRIBE, MONITOR's OK).
  let firstFrameTimeout: TimeAmount
  /// The command that opened the stream, for the timeout's message.
  let label: String

  init(
    _ continuation: AsyncThrowingStream<RESPValue, any Error>.Continuation, firstFrameTimeout: TimeAmount,
    label: String
  ) {
    self.continuation = continuation
    self.firstFrameTimeout = firstFrameTimeout
    self.label = label
  }

  func deliver(_ frame: RESPValue) {
    if case .dropped = continuation.yield(frame) { dropped.add(1, ordering: .relaxed) }
  }
}

struct PendingReply: Sendable {
  var promise: EventLoopPromise<RESPValue>
  /// The command name, so a timeout can say what did not answer.
  var label: String
  /// How long this reply may take once every earlier reply of the connection has arrived: each
  /// command of a pipeline gets its own bound (a pipeline of 64 MIGRATEs is not one 60 s wait).
  var timeout: TimeAmount
}

/// Matches replies to commands in FIFO order and enforces per-command deadlines.
///
/// A request carrying a `FrameSink` switches the connection to streaming (pub/sub, MONITOR):
/// every later frame, RESP3 push or not, goes to the sink, and only the first one is bounded.
///
/// After any failure (timeout, protocol violation, close) the byte stream can no longer be trusted
/// to line up with the commands, so every pending and later command fails and the channel closes.
final class RESPClientHandler: ChannelDuplexHandler {
  typealias InboundIn = ByteBuffer
  typealias OutboundIn = RESPRequest
  typealias OutboundOut = ByteBuffer

  private var decoder = RESPStreamDecoder()
  private let node: NodeAddress
  private var pending = CircularBuffer<PendingReply>()
  private var buffer: ByteBuffer?
  private var timer: Scheduled<Void>?
  /// The first failure, shared with the connection so a write refused by a closed channel
  /// still reports why it closed (a TLS verification error, say).
  private let firstFailure: FailureRecord
  private var failure: ConnectionError? { firstFailure.value.withLock { $0 } }
  private var repliesSeen = 0
  /// Whether the last read ended inside a reply (part of it received, the rest still to come).
  private var replyUnderway = false
  /// Set once the connection streams: it receives every frame from then on.
  private var sink: FrameSink?
  private var firstFrameTimer: Scheduled<Void>?

  private let usesTLS: Bool
  private var tlsReady = false
  /// The name a certificate is checked against (for messages).
  private let expectedName: String

  init(node: NodeAddress, usesTLS: Bool, failure: FailureRecord, expectedName: String? = nil) {
    self.node = node
    self.usesTLS = usesTLS
    self.firstFailure = failure
    self.expectedName = expectedName ?? node.host
  }

  func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
    if case .handshakeCompleted = event as? TLSUserEvent { tlsReady = true }
    context.fireUserInboundEventTriggered(event)
  }

  /// A hint for failures before the first reply: the usual cause is TLS on one side only.
  private var firstReplyHint: String {
    guard repliesSeen == 0 else { return "" }
    return usesTLS
      ? " (does the port speak TLS? \(Remedy.connectWithoutTLS) if not)"
      : " (if the port expects TLS, \(Remedy.connectWithTLS))"
  }

  func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
    let request = unwrapOutboundIn(data)
    if let failure {
      request.replies.forEach { $0.promise.fail(failure) }
      request.streamTo?.continuation.finish(throwing: failure)
      promise?.fail(failure)
      return
    }
    if let streamTo = request.streamTo {
      // Replies still owed to earlier commands would be taken for streamed frames.
      guard pending.isEmpty, sink == nil else {
        let refused = ConnectionError(
          .protocolViolation, node: node, "\(node): a connection can stream only when no reply is pending")
        streamTo.continuation.finish(throwing: refused)
        promise?.fail(refused)
        return
      }
      startStreaming(streamTo, context: context)
    } else if sink != nil, !request.replies.isEmpty {
      // Every frame goes to the stream: a reply would never be matched to this command.
      let refused = ConnectionError(
        .protocolViolation, node: node, "\(node): this connection streams; it takes no more commands")
      request.replies.forEach { $0.promise.fail(refused) }
      promise?.fail(refused)
      return
    }
    let wasIdle = pending.isEmpty
    pending.append(contentsOf: request.replies)
    var out = context.channel.allocator.buffer(capacity: request.payload.count)
    out.writeBytes(request.payload)
    context.write(wrapOutboundOut(out), promise: promise)
    if wasIdle { armTimer(context: context) }
  }

  func channelRead(context: ChannelHandlerContext, data: NIOAny) {
    // After a failure the stream is out of step and the decoder has thrown: ignore late bytes.
    guard failure == nil else { return }
    var incoming = unwrapInboundIn(data)
    if buffer == nil {
      buffer = incoming
    } else {
      buffer!.writeBuffer(&incoming)
    }
    var answered = false
    // The decoder consumes what it has read and resumes there, so each byte is read once however
    // the reply is split; what stays in `buffer` is an unfinished line or bulk payload.
    while let buf = buffer, buf.readableBytes > 0 {
      let decoded: (value: RESPValue?, consumed: Int)
      do {
        decoded = try buf.withUnsafeReadableBytes { try decoder.decode($0) }
      } catch {
        let first = buf.getInteger(at: buf.readerIndex, as: UInt8.self) ?? 0
        // A TLS record (handshake 0x16 or alert 0x15) means the port speaks TLS.
        let hint =
          (first == 0x15 || first == 0x16) ? " The port answers with TLS: \(Remedy.connectWithTLS)." : ""
        fail(
          context: context,
          ConnectionError(
            .protocolViolation, node: node, "\(node) sent bytes that are not RESP: \(error).\(hint)"))
        return
      }
      buffer!.moveReaderIndex(forwardBy: decoded.consumed)
      guard let value = decoded.value else { break }
      repliesSeen += 1
      if let sink {
        firstFrameTimer?.cancel()
        firstFrameTimer = nil
        sink.deliver(value)
        continue
      }
      // RESP3 push messages (pub/sub, invalidation) arrive out of band: no command waits for them.
      if case .push = value.unwrapped { continue }
      guard let reply = pending.popFirst() else {
        fail(
          context: context,
          ConnectionError(.protocolViolation, node: node, "\(node) sent a reply to no command"))
        return
      }
      reply.promise.succeed(value)
      answered = true
    }
    if buffer?.readableBytes == 0 {
      buffer = nil
    } else if buffer.map({ $0.readerIndex > $0.readableBytes }) == true {
      // Reclaim consumed bytes; moving no more bytes than were consumed keeps this linear. (No
      // other reference to the storage may be alive here, or it would be copied whole.)
      buffer!.discardReadBytes()
    }
    replyUnderway = buffer != nil || decoder.isInsideValue
    // A reply that keeps arriving is not cut off because it is big: while part of it is in, the
    // bound restarts with every read, so it limits the silence within a reply (a 16 MB LRANGE on a
    // busy node can take longer than the bound to transfer). A node that stops sending still fails.
    if answered || replyUnderway { armTimer(context: context) }
  }

  func channelInactive(context: ChannelHandlerContext) {
    let waiting = pending.first?.label
    let detail: String
    if let waiting, repliesSeen == 0, failure == nil {
      detail = "\(node) closed the connection before replying to \(waiting)\(firstReplyHint)"
    } else if let waiting {
      detail = "\(node) closed the connection while \(waiting) was waiting for its reply"
    } else if sink != nil {
      detail = "\(node) closed the connection (the stream ended)"
    } else {
      detail = "the connection to \(node) is closed"
    }
    fail(context: context, ConnectionError(.closed, node: node, detail))
    context.fireChannelInactive()
  }

  func errorCaught(context: ChannelHandlerContext, error: any Error) {
    let text = String(describing: error)
    if text.contains("SSL") || text.contains("TLS") || text.contains("handshake")
      || text.contains("Certificate")
      || text.contains("CERTIFICATE")
    {
      let peer = try? context.pipeline.syncOperations.handler(type: NIOSSLClientHandler.self).peerCertificate
      let reason = TLSSupport.reason(text, peer: peer, expectedName: expectedName)
      fail(context: context, ConnectionError(.tls, node: node, "TLS with \(node) failed: \(reason)"))
    } else {
      let reason = text.contains("errno: 104") ? "connection reset by the node" : text
      fail(
        context: context,
        ConnectionError(.closed, node: node, "connection to \(node) failed: \(reason)\(firstReplyHint)"))
    }
  }

  /// Bounds the wait for the head reply. The bound can pass while this loop is busy with other
  /// connections' work; NIO runs expired timers before it polls the sockets again, so a reply that
  /// arrived meanwhile would still be unread. The first expiry therefore grants a grace poll
  /// (`gracePoll` later). A grace that itself fires late shows the loop was still busy (or its
  /// thread was descheduled) and may not have polled yet, so it is granted again, up to
  /// `maxGraces` times; only a grace that fires on time fails the reply.
  private func armTimer(context: ChannelHandlerContext, graces: Int = 0) {
    timer?.cancel()
    timer = nil
    guard let head = pending.first else { return }
    let loop = context.eventLoop.assumeIsolated()
    let wait = graces > 0 ? Self.gracePoll : head.timeout
    let due = NIODeadline.now() + wait
    timer = loop.scheduleTask(in: wait) { [self] in
      let late = NIODeadline.now() - due > Self.lateness
      if graces == 0 || (late && graces < Self.maxGraces) {
        self.armTimer(context: context, graces: graces + 1)
        return
      }
      if self.usesTLS && !self.tlsReady {
        self.fail(
          context: context,
          ConnectionError(
            .tls, node: self.node,
            "TLS with \(self.node) failed: no TLS handshake before \(head.label); the port does not speak TLS (\(Remedy.connectWithoutTLS)?)"
          ))
        return
      }
      let stalled = self.replyUnderway ? " (its reply stopped arriving part-way)" : ""
      self.fail(
        context: context,
        ConnectionError(.timeout, node: self.node, "\(self.node) did not reply to \(head.label)\(stalled)"))
    }
  }

  static let gracePoll = TimeAmount.milliseconds(10)
  static let lateness = TimeAmount.milliseconds(1)
  static let maxGraces = 10

  /// Streaming: the first frame is bounded like a reply; after it the node may stay silent as long
  /// as it likes (no message published, nothing to monitor).
  private func startStreaming(_ streamTo: FrameSink, context: ChannelHandlerContext) {
    sink = streamTo
    let loop = context.eventLoop.assumeIsolated()
    firstFrameTimer = loop.scheduleTask(in: streamTo.firstFrameTimeout) { [self] in
      self.fail(
        context: context,
        ConnectionError(.timeout, node: self.node, "\(self.node) did not answer \(streamTo.label)"))
    }
  }

  private func fail(context: ChannelHandlerContext, _ error: ConnectionError) {
    timer?.cancel()
    timer = nil
    firstFrameTimer?.cancel()
    firstFrameTimer = nil
    firstFailure.value.withLock { if $0 == nil { $0 = error } }
    let replies = pending
    pending.removeAll()
    for r in replies { r.promise.fail(failure!) }
    sink?.continuation.finish(throwing: failure!)
    sink = nil
    buffer = nil
    if context.channel.isActive { context.close(promise: nil) }
  }
}

/// The first failure of a connection, readable from any thread.
final class FailureRecord: Sendable {
  let value = Mutex<ConnectionError?>(nil)
}
