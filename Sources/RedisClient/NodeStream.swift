import NIOCore
import RESP
import RedisCore
import Synchronization

/// A session that can turn into a one-way stream of what its node sends: the replies of
/// SUBSCRIBE, PSUBSCRIBE, SSUBSCRIBE and MONITOR keep coming with no command to match them.
public protocol StreamingSession: NodeSession {
  /// Writes `commands` and hands every frame the node sends from then on to the returned stream.
  /// The session then takes no more commands; closing the stream closes the connection.
  func startStreaming(_ commands: [[[UInt8]]]) -> NodeStream
}

/// Every frame a streaming connection receives, in order (RESP3 pushes, RESP2 arrays, errors,
/// MONITOR's lines). The frames end when the connection closes, with the reason when it failed;
/// a first frame that does not come within the connection's command timeout fails them too.
public final class NodeStream: Sendable {
  public let frames: AsyncThrowingStream<RESPValue, any Error>
  public let node: NodeAddress
  let sink: FrameSink
  let channel: any Channel

  init(
    frames: AsyncThrowingStream<RESPValue, any Error>, node: NodeAddress, sink: FrameSink,
    channel: any Channel
  ) {
    self.frames = frames
    self.node = node
    self.sink = sink
    self.channel = channel
  }

  /// How many frames were dropped so far because the consumer fell more than the buffer behind.
  public var droppedFrames: Int { sink.dropped.load(ordering: .relaxed) }

  /// Closes the connection (the server forgets its subscriptions); the frames end without an error.
  public func close() async {
    sink.continuation.finish()
    try? await channel.close()
  }
}

extension RedisConnection: StreamingSession {
  /// How many frames wait for a slow consumer before newer ones are dropped (and counted): a
  /// MONITOR of a busy node must not grow without bound while the terminal falls behind.
  public static let streamBufferLimit = 65536

  public func startStreaming(_ commands: [[[UInt8]]]) -> NodeStream {
    let (frames, continuation) = AsyncThrowingStream.makeStream(
      of: RESPValue.self, throwing: (any Error).self,
      bufferingPolicy: .bufferingOldest(Self.streamBufferLimit))
    let bound = TimeAmount.nanoseconds(Int64(min(commandTimeout.seconds, 1e9) * 1e9))
    let label = (commands.first.map(Self.label) ?? "the stream") + " within \(commandTimeout.shortText)"
    let sink = FrameSink(continuation, firstFrameTimeout: bound, label: label)
    let channel = self.channel
    // The consumer stopped reading (Ctrl-C cancelled it, or it is done): drop the connection.
    continuation.onTermination = { _ in channel.close(promise: nil) }
    var payload: [UInt8] = []
    for command in commands { RESPEncoder.encodeCommand(command, into: &payload) }
    let node = address
    let failure = self.failure
    channel.writeAndFlush(RESPRequest(payload: payload, replies: [], streamTo: sink)).whenFailure { error in
      let closed =
        (error as? ConnectionError) ?? failure.value.withLock { $0 }
        ?? ConnectionError(.closed, node: node, "the connection to \(node) is closed")
      continuation.finish(throwing: closed)
    }
    return NodeStream(frames: frames, node: address, sink: sink, channel: channel)
  }
}
