import ClusterKit
import Foundation
import NIOCore
import RESP
import RedisCore
import TestCluster
import Testing

@testable import RedisClient

/// A fake server that misbehaves must give a clear error within the deadline: no crash, no hang.
@Suite struct ProtocolFaultTests {
  let options = ConnectionOptions(connectTimeout: .seconds(2), commandTimeout: .milliseconds(400))

  func address(_ s: FakeServer) -> NodeAddress { NodeAddress(host: "127.0.0.1", port: s.port) }

  @Test func garbageBytesAreAProtocolError() async throws {
    let server = try FakeServer { _ in .send(Array("HTTP/1.1 400 Bad Request\r\n\r\n".utf8)) }
    defer { server.stop() }
    let error = await #expect(throws: ConnectionError.self) {
      _ = try await RedisConnector(options: options).open(address(server))
    }
    #expect(error?.kind == .protocolViolation)
    #expect(error?.detail.contains("sent bytes that are not RESP") == true)
    #expect(error?.detail.contains("invalid RESP type byte 0x48") == true)
  }

  @Test func truncatedReplyThenCloseIsAClosedError() async throws {
    let server = try FakeServer { words in
      words.first == "HELLO"
        ? .send(Array("%1\r\n$6\r\nserver\r\n$5\r\nredis\r\n".utf8)) : .sendAndClose(Array("$10\r\nabc".utf8))
    }
    defer { server.stop() }
    let connection = try await RedisConnector(options: options).open(address(server))
    let error = await #expect(throws: ConnectionError.self) { try await connection.call("GET", "k") }
    #expect(error?.kind == .closed)
    #expect(
      error?.detail
        == "127.0.0.1:\(server.port) closed the connection while GET within 0.4 s was waiting for its reply")
  }

  @Test func silentServerTimesOutNamingTheCommand() async throws {
    let server = try FakeServer { words in
      words.first == "HELLO" ? .send(Array("%1\r\n$6\r\nserver\r\n$5\r\nredis\r\n".utf8)) : .silence
    }
    defer { server.stop() }
    let connection = try await RedisConnector(options: options).open(address(server))
    let clock = ContinuousClock()
    let start = clock.now
    let error = await #expect(throws: ConnectionError.self) { try await connection.call("CLUSTER", "NODES") }
    #expect(error?.kind == .timeout)
    #expect(error?.detail == "127.0.0.1:\(server.port) did not reply to CLUSTER NODES within 0.4 s")
    // Bounded: the wait ended (the exact duration is not asserted; see BENCHMARKS.md for timings).
    #expect(clock.now - start < .seconds(30))
    // After a timeout the stream is out of step: later commands fail too instead of reading stale replies.
    await #expect(throws: ConnectionError.self) { try await connection.call("PING") }
  }

  /// The reply bound limits silence within a reply, not the time a big reply takes to arrive.
  @Test func bigReplyArrivingSteadilyOutlastsTheBound() async throws {
    let elements = (0..<20_000).map { RESPValue.bulkString(Array("element-\($0)".utf8)) }
    let reply = RESPEncoder.encode(.array(elements))
    let server = try FakeServer { words in
      words.first == "HELLO"
        ? .send(Array("%1\r\n$6\r\nserver\r\n$5\r\nredis\r\n".utf8))
        : .sendInPieces(reply, pieces: 40, pause: .milliseconds(40))
    }
    defer { server.stop() }
    let slow = ConnectionOptions(connectTimeout: .seconds(2), commandTimeout: .seconds(1))
    let connection = try await RedisConnector(options: slow).open(address(server))
    // 40 pieces 40 ms apart: longer than the 1 s bound in all, never 1 s without a byte.
    #expect(try await connection.call("LRANGE", "big", "0", "-1") == .array(elements))
    #expect(try await connection.call("LRANGE", "big", "0", "-1") == .array(elements))
  }

  /// A reply that arrives in time is not failed because the connection's event loop was busy past
  /// the bound (NIO runs expired timers before it polls the sockets again).
  @Test func replyWaitingWhileTheLoopWasBusyIsNotATimeout() async throws {
    let pingAnswered = DispatchSemaphore(value: 0)
    let server = try FakeServer(replied: { if $0.first == "PING" { pingAnswered.signal() } }) { words in
      words.first == "HELLO"
        ? .send(Array("%1\r\n$6\r\nserver\r\n$5\r\nredis\r\n".utf8)) : .send(Array("+PONG\r\n".utf8))
    }
    defer { server.stop() }
    let connection = try await RedisConnector(options: options).open(address(server))
    // One task on the loop writes PING (arming its 200 ms bound), waits until the server has
    // written PONG, then keeps the loop busy past the bound, as a big decode elsewhere would. It
    // queues three more busy tasks of 30 ms (other connections' work): NIO runs every queued task
    // and expired timer before it polls, so the grace granted after the bound expires between them.
    let loop = connection.eventLoop
    let pending = try await loop.submit {
      let pending = connection.enqueue([[Array("PING".utf8)]], timeout: .milliseconds(200))
      let answered = pingAnswered.wait(timeout: .now() + 5) == .success
      Thread.sleep(forTimeInterval: 0.3)
      @Sendable func busy(_ left: Int) {
        guard left > 0 else { return }
        loop.execute {
          Thread.sleep(forTimeInterval: 0.03)
          busy(left - 1)
        }
      }
      busy(3)
      return (pending, answered)
    }.get()
    #expect(pending.1, "the fake server never answered PING")
    #expect(try await connection.replies(to: pending.0) == [.simpleString("PONG")])
  }

  @Test func replyStoppingPartWayTimesOut() async throws {
    let server = try FakeServer { words in
      words.first == "HELLO"
        ? .send(Array("%1\r\n$6\r\nserver\r\n$5\r\nredis\r\n".utf8))
        : .send(Array("*3\r\n:1\r\n$5\r\nab".utf8))
    }
    defer { server.stop() }
    let connection = try await RedisConnector(options: options).open(address(server))
    let error = await #expect(throws: ConnectionError.self) {
      try await connection.call("LRANGE", "k", "0", "-1")
    }
    #expect(error?.kind == .timeout)
    #expect(
      error?.detail
        == "127.0.0.1:\(server.port) did not reply to LRANGE within 0.4 s (its reply stopped arriving part-way)"
    )
  }

  @Test func silentHandshakeTimesOut() async throws {
    let server = try FakeServer { _ in .silence }
    defer { server.stop() }
    let quick = ConnectionOptions(connectTimeout: .milliseconds(300), commandTimeout: .milliseconds(300))
    let error = await #expect(throws: ConnectionError.self) {
      _ = try await RedisConnector(options: quick).open(address(server))
    }
    #expect(error?.kind == .timeout)
    #expect(error?.detail.contains("did not reply to HELLO") == true)
  }

  @Test func tlsAlertBytesSuggestTLS() async throws {
    // What a TLS-only port answers to plaintext: a TLS alert record.
    let server = try FakeServer { _ in .sendAndClose([0x15, 0x03, 0x01, 0x00, 0x02, 0x02, 0x46]) }
    defer { server.stop() }
    let error = await #expect(throws: ConnectionError.self) {
      _ = try await RedisConnector(options: options).open(address(server))
    }
    #expect(error?.detail.contains("\(Remedy.connectWithTLS)") == true)
  }

  @Test func fallsBackToRESP2AndAUTHWithoutHELLO() async throws {
    // A Redis 5 style server: no HELLO, AUTH with a password.
    let server = try FakeServer { words in
      switch words.first {
      case "HELLO": return .send(Array("-ERR unknown command 'HELLO'\r\n".utf8))
      case "AUTH":
        return .send(Array((words == ["AUTH", "s3cret"] ? "+OK\r\n" : "-ERR invalid password\r\n").utf8))
      default: return .send(Array("+PONG\r\n".utf8))
      }
    }
    defer { server.stop() }
    var o = options
    o.password = "s3cret"
    let connection = try await RedisConnector(options: o).open(address(server))
    #expect(connection.protocolVersion == 2)
    #expect(try await connection.call("PING") == .simpleString("PONG"))
    o.password = "wrong"
    let error = await #expect(throws: ConnectionError.self) {
      _ = try await RedisConnector(options: o).open(address(server))
    }
    #expect(error?.kind == .auth)
  }

  @Test func unexpectedReplyWithNoCommandPendingFailsTheConnection() async throws {
    let server = try FakeServer { words in
      words.first == "HELLO"
        ? .send(Array("%1\r\n$6\r\nserver\r\n$5\r\nredis\r\n+EXTRA\r\n".utf8))
        : .send(Array("+PONG\r\n".utf8))
    }
    defer { server.stop() }
    let connection = try? await RedisConnector(options: options).open(address(server))
    // Either the handshake or the next command sees the stray reply as a violation.
    if let connection {
      await #expect(throws: ConnectionError.self) { try await connection.call("PING") }
    }
  }

  @Test func refusedConnectionIsNamed() async throws {
    let server = try FakeServer { _ in .silence }
    let port = server.port
    server.stop()
    let error = await #expect(throws: ConnectionError.self) {
      _ = try await RedisConnector(options: options).open(NodeAddress(host: "127.0.0.1", port: port))
    }
    #expect(error?.kind == .refused)
    #expect(
      error?.detail
        == "could not connect to 127.0.0.1:\(port): connection refused (is redis-server running there?)")
  }
}
