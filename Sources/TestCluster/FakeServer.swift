import Foundation
import RESP

/// A scripted TCP server for protocol faults: garbage bytes, truncated replies, silence.
///
/// Each accepted connection is served on its own thread: every complete RESP command read is
/// passed to `respond`, whose bytes (if any) are written back; `.close` ends the connection.
public final class FakeServer: @unchecked Sendable {
  public enum Action: Sendable {
    case send([UInt8])
    case sendAndClose([UInt8])
    /// The bytes in `pieces` writes with `pause` between them: a big reply arriving slowly.
    case sendInPieces([UInt8], pieces: Int, pause: Duration)
    case silence
  }

  public let port: Int
  private let listener: Int32
  private let respond: @Sendable ([String]) -> Action
  private let greeting: [UInt8]?
  private let replied: (@Sendable ([String]) -> Void)?

  /// `greeting` is written as soon as a client connects (before any command); `replied` is told
  /// each command once its reply has been written (`.send` only).
  public init(
    greeting: [UInt8]? = nil, replied: (@Sendable ([String]) -> Void)? = nil,
    respond: @escaping @Sendable ([String]) -> Action
  ) throws {
    self.respond = respond
    self.greeting = greeting
    self.replied = replied
    let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    var yes: Int32 = 1
    setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_port = 0
    inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr)
    let bound = withUnsafePointer(to: &addr) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
      }
    }
    guard bound == 0, listen(listener, 16) == 0 else {
      throw TestClusterError("fake server: bind/listen failed")
    }
    var len = socklen_t(MemoryLayout<sockaddr_in>.size)
    withUnsafeMutablePointer(to: &addr) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { _ = getsockname(listener, $0, &len) }
    }
    self.listener = listener
    port = Int(UInt16(bigEndian: addr.sin_port))
    let thread = Thread { [self] in acceptLoop() }
    thread.start()
  }

  public func stop() {
    shutdown(listener, Int32(SHUT_RDWR))
    close(listener)
  }

  private func acceptLoop() {
    while true {
      let fd = accept(listener, nil, nil)
      if fd < 0 { return }
      let thread = Thread { [self] in serve(fd) }
      thread.start()
    }
  }

  private func serve(_ fd: Int32) {
    defer { close(fd) }
    if let greeting, !write(fd, greeting) { return }
    var buffer: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 65536)
    let decoder = RESPDecoder()
    while true {
      let n = read(fd, &chunk, chunk.count)
      if n <= 0 { return }
      buffer += chunk[0..<n]
      while let (value, consumed) = (try? decoder.decode(buffer)) ?? nil {
        buffer.removeFirst(consumed)
        let words = value.elements?.compactMap(\.string) ?? []
        switch respond(words) {
        case .send(let bytes):
          if !write(fd, bytes) { return }
          replied?(words)
        case .sendAndClose(let bytes):
          _ = write(fd, bytes)
          return
        case .sendInPieces(let bytes, let pieces, let pause):
          let size = max(1, (bytes.count + pieces - 1) / pieces)
          for start in stride(from: 0, to: bytes.count, by: size) {
            let (seconds, attoseconds) = pause.components
            if start > 0 { Thread.sleep(forTimeInterval: Double(seconds) + Double(attoseconds) / 1e18) }
            if !write(fd, Array(bytes[start..<min(bytes.count, start + size)])) { return }
          }
        case .silence: break
        }
      }
    }
  }

  private func write(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
    bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) } == bytes.count
  }
}
