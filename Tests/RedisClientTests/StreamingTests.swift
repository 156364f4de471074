import ClusterKit
import NIOCore
import RESP
import RedisCore
import Synchronization
import TestCluster
import Testing

@testable import RedisClient

/// A connection turned into a stream (pub/sub, MONITOR) against real servers, and its bounds
/// against a fake one.
@Suite struct StreamingTests {
  var standalone: ServerOptions {
    var o = ServerOptions()
    o.clusterEnabled = false
    return o
  }

  /// Polls until `condition` holds, for at most 10 s.
  func waitUntil(_ what: String, _ condition: () async throws -> Bool) async throws {
    let deadline = ContinuousClock.now + .seconds(10)
    while ContinuousClock.now < deadline {
      if try await condition() { return }
      try await Task.sleep(for: .milliseconds(20))
    }
    Issue.record("timed out waiting for \(what)")
  }

  /// RESP3 delivers pub/sub as pushes, RESP2 as arrays: both reach the stream, in order.
  @Test(arguments: [true, false]) func subscriptionFramesReachTheStream(resp3: Bool) async throws {
    try await withTestCluster(1, options: standalone) { nodes in
      let subscriber = try await RedisConnector(options: ConnectionOptions(preferRESP3: resp3))
        .open(nodes[0].address)
      let stream = subscriber.startStreaming([["SUBSCRIBE", "news", "weather"].map { Array($0.utf8) }])
      var frames = stream.frames.makeAsyncIterator()
      func frame(_ items: String...) -> RESPValue {
        let values = items.map { Int64($0).map(RESPValue.integer) ?? .bulkString(Array($0.utf8)) }
        return resp3 ? .push(values) : .array(values)
      }
      #expect(try await frames.next() == frame("subscribe", "news", "1"))
      #expect(try await frames.next() == frame("subscribe", "weather", "2"))
      let publisher = try await nodes.session(0)
      #expect(try await publisher.call("PUBLISH", "news", "first") == .integer(1))
      #expect(try await publisher.call("PUBLISH", "weather", "second") == .integer(1))
      #expect(try await frames.next() == frame("message", "news", "first"))
      #expect(try await frames.next() == frame("message", "weather", "second"))
      #expect(stream.droppedFrames == 0)
      // The connection streams: a command on it would never get its reply matched.
      let refused = await #expect(throws: ConnectionError.self) { try await subscriber.call("PING") }
      #expect(refused?.detail.contains("this connection streams; it takes no more commands") == true)
      // Closing the stream drops the connection, and with it the subscriptions.
      await stream.close()
      #expect(try await frames.next() == nil)
      try await waitUntil("the server to forget the subscriber") {
        try await publisher.call("PUBSUB", "NUMSUB", "news").elements?.last?.int == 0
      }
      await publisher.close()
    }
  }

  @Test func monitorLinesReachTheStream() async throws {
    try await withTestCluster(1, options: standalone) { nodes in
      let monitor = try await nodes.session(0)
      let stream = monitor.startStreaming([[Array("MONITOR".utf8)]])
      var frames = stream.frames.makeAsyncIterator()
      #expect(try await frames.next() == .simpleString("OK"))
      let other = try await nodes.session(0)
      try await other.call("ECHO", "watched")
      await other.close()
      var seen: [String] = []
      while let line = try await frames.next()?.string {
        seen.append(line)
        if line.contains("\"ECHO\" \"watched\"") { break }
      }
      #expect(seen.last?.contains("\"ECHO\" \"watched\"") == true, "\(seen)")
      await stream.close()
    }
  }

  /// A consumer that falls behind loses the newest frames, counted, not the process's memory.
  @Test func framesBeyondTheBufferAreDroppedAndCounted() async throws {
    let (frames, continuation) = AsyncThrowingStream.makeStream(
      of: RESPValue.self, throwing: (any Error).self, bufferingPolicy: .bufferingOldest(2))
    let sink = FrameSink(continuation, firstFrameTimeout: .seconds(1), label: "SUBSCRIBE")
    for i in 0..<5 { sink.deliver(.integer(Int64(i))) }
    continuation.finish()
    var received: [RESPValue] = []
    for try await frame in frames { received.append(frame) }
    #expect(received == [.integer(0), .integer(1)])
    #expect(sink.dropped.load(ordering: .relaxed) == 3)
  }

  /// The first frame (the confirmation) is bounded like a reply; the stream fails naming it.
  @Test func silentNodeFailsTheStreamWithinTheBound() async throws {
    let server = try FakeServer { words in
      words.first == "HELLO" ? .send(Array("%1\r\n$6\r\nserver\r\n$5\r\nredis\r\n".utf8)) : .silence
    }
    defer { server.stop() }
    let address = NodeAddress(host: "127.0.0.1", port: server.port)
    let connection = try await RedisConnector(
      options: ConnectionOptions(connectTimeout: .seconds(2), commandTimeout: .milliseconds(300))
    ).open(address)
    let stream = connection.startStreaming([["SUBSCRIBE", "news"].map { Array($0.utf8) }])
    var frames = stream.frames.makeAsyncIterator()
    let error = await #expect(throws: ConnectionError.self) { _ = try await frames.next() }
    #expect(error?.kind == .timeout)
    #expect(error?.detail == "\(address) did not answer SUBSCRIBE within 0.3 s")
  }

  /// A reply still owed to a command would be taken for a streamed frame: refused.
  @Test func streamingWithAReplyPendingIsRefused() async throws {
    try await withTestCluster(1, options: standalone) { nodes in
      let connection = try await nodes.session(0)
      let blocked = connection.enqueue(
        [["BLPOP", "nothing", "0"].map { Array($0.utf8) }], timeout: .seconds(30))
      let stream = connection.startStreaming([["SUBSCRIBE", "news"].map { Array($0.utf8) }])
      var frames = stream.frames.makeAsyncIterator()
      let error = await #expect(throws: ConnectionError.self) { _ = try await frames.next() }
      #expect(error?.detail.contains("can stream only when no reply is pending") == true)
      await connection.close()
      await #expect(throws: ConnectionError.self) { _ = try await connection.replies(to: blocked) }
    }
  }
}
