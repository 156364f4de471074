import ClusterKit
import RESP
import RedisCore
import Synchronization
import TestCluster
import Testing

@testable import RedisClient

/// The replication snapshot stream against scripted servers: both payload framings, the end mark
/// split across reads, bytes after the snapshot, refusals, silence and a cut connection.
@Suite struct SnapshotStreamTests {
  let options = ConnectionOptions(connectTimeout: .seconds(2), commandTimeout: .seconds(2))

  final class Collected: SnapshotSink {
    let bytes = Mutex<[UInt8]>([])
    func append(_ chunk: UnsafeRawBufferPointer) throws { bytes.withLock { $0 += chunk } }
  }

  static let hello = Array("%1\r\n$6\r\nserver\r\n$5\r\nredis\r\n".utf8)
  static let payload = Array("REDIS0010".utf8) + (0..<5000).map { UInt8(truncatingIfNeeded: $0 * 7) }
  static let mark = Array("0123456789abcdef0123456789abcdef01234567".utf8)

  /// A server answering the handshake and REPLCONF, and SYNC with `sync`.
  func server(_ sync: @escaping @Sendable () -> FakeServer.Action) throws -> FakeServer {
    try FakeServer { words in
      switch words.first?.uppercased() {
      case "HELLO": return .send(Self.hello)
      case "REPLCONF": return .send(Array("+OK\r\n".utf8))
      case "SYNC": return sync()
      default: return .send(Array("-ERR unexpected\r\n".utf8))
      }
    }
  }

  func stream(_ server: FakeServer, silence: Duration = .seconds(5)) async throws -> (
    SnapshotTransfer, [UInt8]
  ) {
    let connection = try await RedisConnector(options: options).open(
      NodeAddress(host: "127.0.0.1", port: server.port))
    let sink = Collected()
    let transfer = try await connection.streamSnapshot(SnapshotRequest(silenceBound: silence), into: sink)
    return (transfer, sink.bytes.withLock { $0 })
  }

  @Test func disklessPayloadEndsAtItsMarkEvenSplitAcrossReads() async throws {
    // Keep-alive newlines, the header, the payload, the mark, then a replication feed not to be read.
    let bytes =
      Array("\n\n\n$EOF:".utf8) + Self.mark + Array("\r\n".utf8) + Self.payload + Self.mark
      + Array("*1\r\n$4\r\nPING\r\n".utf8)
    for pieces in [1, 7, 13, 97] {
      let s = try server { .sendInPieces(bytes, pieces: pieces, pause: .milliseconds(2)) }
      defer { s.stop() }
      let (transfer, received) = try await stream(s)
      #expect(transfer == SnapshotTransfer(bytes: Self.payload.count, diskless: true), "pieces \(pieces)")
      #expect(received == Self.payload, "pieces \(pieces)")
    }
  }

  @Test func sizedPayloadStopsAtItsLength() async throws {
    let bytes = Array("\n$\(Self.payload.count)\r\n".utf8) + Self.payload + Array("+PING\r\n".utf8)
    let s = try server { .sendInPieces(bytes, pieces: 5, pause: .milliseconds(2)) }
    defer { s.stop() }
    let (transfer, received) = try await stream(s)
    #expect(transfer == SnapshotTransfer(bytes: Self.payload.count, diskless: false))
    #expect(received == Self.payload)
  }

  @Test func aRefusalIsTheServersError() async throws {
    let s = try server {
      .send(Array("-NOPERM this user has no permissions to run the 'sync' command\r\n".utf8))
    }
    defer { s.stop() }
    let error = await #expect(throws: ServerError.self) { _ = try await stream(s) }
    #expect(error?.message.contains("NOPERM") == true)
  }

  @Test func silenceAndACutConnectionAreNamed() async throws {
    let silent = try server { .send(Array("\n\n$100000\r\nREDIS".utf8)) }
    defer { silent.stop() }
    let timeout = await #expect(throws: ConnectionError.self) {
      _ = try await stream(silent, silence: .milliseconds(300))
    }
    #expect(timeout?.kind == .timeout)
    #expect(timeout?.detail.contains("sent nothing for") == true, "\(String(describing: timeout))")

    let cut = try server { .sendAndClose(Array("$100000\r\nREDIS0010".utf8)) }
    defer { cut.stop() }
    let closed = await #expect(throws: ConnectionError.self) { _ = try await stream(cut) }
    #expect(closed?.kind == .closed)
    #expect(closed?.detail.contains("after 9 bytes of its snapshot") == true, "\(String(describing: closed))")

    let garbage = try server { .send(Array("+FULLRESYNC abc 0\r\n".utf8)) }
    defer { garbage.stop() }
    let violation = await #expect(throws: ConnectionError.self) { _ = try await stream(garbage) }
    #expect(violation?.kind == .protocolViolation)
  }
}
