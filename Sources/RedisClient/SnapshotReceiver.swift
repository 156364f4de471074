import NIOCore
import RESP
import RedisCore

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

extension RedisConnection: SnapshotStreaming {
  /// Asks for the node's RDB as a replica does and streams it into `sink`; closes the connection.
  ///
  /// The SYNC payload is not RESP (a `$len` header with no CRLF after the bytes, or `$EOF:<mark>`
  /// and the bytes up to that mark), so a receiver placed in front of the RESP handler takes over
  /// the byte stream once no reply is pending; TLS and pipe transports below it stay as they are.
  public func streamSnapshot(_ request: SnapshotRequest, into sink: any SnapshotSink) async throws
    -> SnapshotTransfer
  {
    defer { channel.close(promise: nil) }
    // rdb-only (Redis ≥ 7.0, Valkey) makes the node close after the snapshot instead of going on
    // with its replication feed; an older node refuses it and the receiver stops at the end anyway.
    var setup: [[[UInt8]]] = [["REPLCONF", "rdb-only", "1"].map { Array($0.utf8) }]
    if request.acceptDiskless { setup.append(["REPLCONF", "capa", "eof"].map { Array($0.utf8) }) }
    let replies = try await send(setup)
    if request.acceptDiskless, let refused = replies.last?.errorMessage {
      throw ServerError(refused, node: address, command: ["REPLCONF"])
    }
    let done = channel.eventLoop.makePromise(of: SnapshotTransfer.self)
    let open = channel
    let node = address
    let bound = TimeAmount.nanoseconds(Int64(min(request.silenceBound.seconds, 1e9) * 1e9))
    try await open.eventLoop.submit {
      let resp = try open.pipeline.syncOperations.handler(type: RESPClientHandler.self)
      try open.pipeline.syncOperations.addHandler(
        SnapshotReceiver(node: node, sink: sink, silenceBound: bound, done: done), position: .before(resp))
    }.get()
    return try await withTaskCancellationHandler {
      try await done.futureResult.get()
    } onCancel: {
      open.close(promise: nil)
    }
  }
}

/// Reads one SYNC payload: skips the keep-alive newlines the node sends while it forks, reads the
/// `$len` or `$EOF:<mark>` header, hands the payload to the sink and ends at its last byte. Bytes
/// never reach the RESP handler behind it.
final class SnapshotReceiver: ChannelInboundHandler {
  typealias InboundIn = ByteBuffer
  typealias OutboundOut = ByteBuffer

  enum State {
    case header([UInt8])
    case sized(remaining: Int)
    /// The 40-byte end mark, and the last bytes received that could be its beginning.
    case marked(mark: [UInt8], held: [UInt8])
    case finished
  }

  private let node: NodeAddress
  private let sink: any SnapshotSink
  private let silenceBound: TimeAmount
  private let done: EventLoopPromise<SnapshotTransfer>
  private var state = State.header([])
  private var received = 0
  private var timer: Scheduled<Void>?
  private var completed = false

  init(
    node: NodeAddress, sink: any SnapshotSink, silenceBound: TimeAmount,
    done: EventLoopPromise<SnapshotTransfer>
  ) {
    self.node = node
    self.sink = sink
    self.silenceBound = silenceBound
    self.done = done
  }

  func handlerAdded(context: ChannelHandlerContext) {
    var sync = context.channel.allocator.buffer(capacity: 14)
    sync.writeString("*1\r\n$4\r\nSYNC\r\n")
    context.writeAndFlush(wrapOutboundOut(sync), promise: nil)
    armTimer(context: context)
  }

  func channelRead(context: ChannelHandlerContext, data: NIOAny) {
    let buffer = unwrapInboundIn(data)
    do {
      try buffer.withUnsafeReadableBytes { try consume($0) }
    } catch {
      finish(context: context, .failure(error))
      return
    }
    if case .finished = state {
      finish(context: context, .success(SnapshotTransfer(bytes: received, diskless: isDiskless)))
    } else {
      armTimer(context: context)
    }
  }

  private var isDiskless = false

  private func consume(_ bytes: UnsafeRawBufferPointer) throws {
    var rest = bytes[...]
    while !rest.isEmpty {
      switch state {
      case .header(var line):
        // Newlines before the header keep the link alive while the node forks.
        let byte = rest.removeFirst()
        if line.isEmpty && byte == UInt8(ascii: "\n") { continue }
        line.append(byte)
        guard line.count < 512 else { throw violation("a snapshot header longer than 512 bytes") }
        guard line.count >= 2, line[line.count - 2] == UInt8(ascii: "\r"), byte == UInt8(ascii: "\n") else {
          state = .header(line)
          continue
        }
        state = try Self.parseHeader(line.dropLast(2), node: node)
        if case .marked = state { isDiskless = true }
      case .sized(let remaining):
        let part = UnsafeRawBufferPointer(rebasing: rest.prefix(remaining))
        try sink.append(part)
        received += part.count
        rest = rest.dropFirst(part.count)
        state = remaining == part.count ? .finished : .sized(remaining: remaining - part.count)
      case .marked(let mark, let held):
        // The mark may straddle reads: search it in what was held back plus this read.
        let window = held + rest
        rest = rest.dropFirst(rest.count)
        let end = window.withUnsafeBytes { w in mark.withUnsafeBytes { m in Self.find(m, in: w) } }
        if let end {
          try window.withUnsafeBytes { try sink.append(UnsafeRawBufferPointer(rebasing: $0[..<end])) }
          received += end
          state = .finished
        } else {
          let keep = min(window.count, mark.count - 1)
          let pass = window.count - keep
          try window.withUnsafeBytes { try sink.append(UnsafeRawBufferPointer(rebasing: $0[..<pass])) }
          received += pass
          state = .marked(mark: mark, held: Array(window[pass...]))
        }
      case .finished:
        // Whatever follows the snapshot (an old node's replication feed) is not read.
        return
      }
    }
  }

  /// The offset of `needle` in `haystack`: memchr for its first byte, memcmp for the rest.
  static func find(_ needle: UnsafeRawBufferPointer, in haystack: UnsafeRawBufferPointer) -> Int? {
    guard let base = haystack.baseAddress, let first = needle.first, haystack.count >= needle.count else {
      return nil
    }
    var from = 0
    while haystack.count - from >= needle.count {
      guard let hit = memchr(base + from, Int32(first), haystack.count - from - needle.count + 1) else {
        return nil
      }
      let at = UnsafeRawPointer(hit) - base
      if memcmp(base + at, needle.baseAddress!, needle.count) == 0 { return at }
      from = at + 1
    }
    return nil
  }

  /// `$<length>` (from disk) or `$EOF:<40-byte mark>` (diskless); `-ERR …` when the node refused.
  static func parseHeader(_ line: ArraySlice<UInt8>, node: NodeAddress) throws -> State {
    let text = String(decoding: line, as: UTF8.self)
    if text.hasPrefix("-") {
      throw ServerError(String(text.dropFirst()), node: node, command: ["SYNC"])
    }
    if text.hasPrefix("$EOF:") {
      let mark = Array(line.dropFirst(5))
      guard mark.count == 40 else {
        throw ConnectionError(
          .protocolViolation, node: node, "\(node) sent an end mark of \(mark.count) bytes, not 40")
      }
      return .marked(mark: mark, held: [])
    }
    guard text.hasPrefix("$"), let length = Int(text.dropFirst()), length >= 0 else {
      throw ConnectionError(
        .protocolViolation, node: node,
        "\(node) answered SYNC with '\(text.prefix(60))', not a snapshot header")
    }
    return length == 0 ? .finished : .sized(remaining: length)
  }

  private func violation(_ what: String) -> ConnectionError {
    ConnectionError(.protocolViolation, node: node, "\(node) sent \(what)")
  }

  func channelInactive(context: ChannelHandlerContext) {
    let when: String
    if case .header = state {
      when = "before sending its snapshot (its log says why: a failed fork or BGSAVE, say)"
    } else {
      when = "after \(received) bytes of its snapshot"
    }
    finish(
      context: context,
      .failure(ConnectionError(.closed, node: node, "\(node) closed the connection \(when)")))
    context.fireChannelInactive()
  }

  func errorCaught(context: ChannelHandlerContext, error: any Error) {
    finish(
      context: context,
      .failure(ConnectionError(.closed, node: node, "the snapshot from \(node) failed: \(error)")))
  }

  private func armTimer(context: ChannelHandlerContext) {
    timer?.cancel()
    let loop = context.eventLoop.assumeIsolated()
    let seconds = silenceBound.nanoseconds / 1_000_000_000
    timer = loop.scheduleTask(in: silenceBound) { [self] in
      let waiting =
        self.received == 0
        ? "its snapshot to start" : "the rest of its snapshot (after \(self.received) bytes)"
      self.finish(
        context: context,
        .failure(
          ConnectionError(
            .timeout, node: self.node,
            "\(self.node) sent nothing for \(seconds) s while rcadm waited for \(waiting)")))
    }
  }

  private func finish(context: ChannelHandlerContext, _ result: Result<SnapshotTransfer, any Error>) {
    guard !completed else { return }
    completed = true
    timer?.cancel()
    timer = nil
    state = .finished
    done.completeWith(result)
    if context.channel.isActive { context.close(promise: nil) }
  }
}
