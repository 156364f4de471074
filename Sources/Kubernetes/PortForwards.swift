import ClusterKit
import NIOCore
import NIOPosix
import RedisCore
import Synchronization
import SystemPackage

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// One supervised `kubectl port-forward` per pod, shared by every connection to that pod and
/// started again when it has died (kubectl port-forward is known to drop: kubectl#1169).
actor PortForwards {
  struct Forward: Sendable {
    var child: KubectlChild
    var localPort: Int
  }

  private let kubectl: Kubectl
  private let timeout: Duration
  private var live: [String: Forward] = [:]
  private var starting: [String: Task<Forward, any Error>] = [:]

  init(kubectl: Kubectl, timeout: Duration) {
    self.kubectl = kubectl
    self.timeout = timeout
  }

  /// The local port forwarding to `pod`. The forward is replaced when its child has exited, or when
  /// `failed` names its port (a connection to it was refused); one start per pod at a time, and
  /// every caller in between gets its result.
  func localPort(for pod: KubePod, replacing failed: Int? = nil) async throws -> Int {
    if let pending = starting[pod.name] { return try await pending.value.localPort }
    if let f = live[pod.name], f.localPort != failed, !f.child.hasExited { return f.localPort }
    // No await between the checks above and registering the start below: callers cannot interleave.
    let old = live.removeValue(forKey: pod.name)
    let kubectl = self.kubectl
    let timeout = self.timeout
    let task = Task {
      if let old { await old.child.stop() }
      return try await Self.start(pod, kubectl: kubectl, timeout: timeout)
    }
    starting[pod.name] = task
    defer { starting[pod.name] = nil }
    let forward = try await task.value
    live[pod.name] = forward
    return forward.localPort
  }

  func stopAll() async {
    for f in live.values { await f.child.stop() }
    live = [:]
  }

  /// Starts the child and waits for its "Forwarding from 127.0.0.1:N -> P" line.
  static func start(_ pod: KubePod, kubectl: Kubectl, timeout: Duration) async throws -> Forward {
    let port = AsyncStream<Int>.makeStream()
    // kubectl's stdout is read through NIO line by line: the "Forwarding from" line comes at once,
    // then "Handling connection" lines for as long as the child lives.
    try ChildRegistry.shared.requireRoom()
    var fds: [Int32] = [0, 0]
    guard ExecTransport.makePipe(&fds) else {
      throw KubeError.failure("could not create a pipe for kubectl port-forward: errno \(errno)")
    }
    let child: KubectlChild
    do {
      child = try await KubectlChild.spawn(
        kubectl, ["port-forward", "pod/\(pod.name)", ":\(pod.port)", "--address", "127.0.0.1"],
        stdin: nil,
        stdout: SystemPackage.FileDescriptor(rawValue: fds[1]))
    } catch {
      close(fds[0])
      throw error
    }
    do {
      _ = try await NIOPipeBootstrap(group: MultiThreadedEventLoopGroup.singleton)
        .channelInitializer { channel in
          channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.addHandler(
              LineHandler { line in
                if let n = parseForwardingLine(line) { port.continuation.yield(n) }
              })
          }
        }
        .takingOwnershipOfDescriptor(input: fds[0]).get()
    } catch {
      await child.stop()
      throw KubeError.failure("could not read kubectl port-forward's output: \(error)")
    }
    let found: Int? = await withTaskGroup(of: Int?.self) { group in
      group.addTask {
        var it = port.stream.makeAsyncIterator()
        return await it.next()
      }
      group.addTask {
        // The child ending first means it failed: stop waiting for its line.
        _ = await child.exited(within: timeout)
        return nil
      }
      let first = await group.next()!
      group.cancelAll()
      port.continuation.finish()
      return first
    }
    guard let found else {
      let end = await child.exited(within: .milliseconds(200))
      await child.stop()
      let why =
        end.map { Kubectl.explain($0.stderr, status: $0.status, what: "port-forward") }
        ?? "it printed no 'Forwarding from' line within \(timeout.shortText)"
      throw KubeError.failure("kubectl port-forward to pod \(pod.name) failed: \(why)")
    }
    return Forward(child: child, localPort: found)
  }

  /// `Forwarding from 127.0.0.1:41234 -> 6379` → 41234.
  static func parseForwardingLine(_ line: String) -> Int? {
    guard line.hasPrefix("Forwarding from 127.0.0.1:") else { return nil }
    let rest = line.dropFirst("Forwarding from 127.0.0.1:".count)
    return Int(rest.prefix { $0.isNumber })
  }
}

/// Splits a byte stream into lines for a callback.
final class LineHandler: ChannelInboundHandler, Sendable {
  typealias InboundIn = ByteBuffer
  private let pending = Mutex<[UInt8]>([])
  private let onLine: @Sendable (String) -> Void

  init(_ onLine: @escaping @Sendable (String) -> Void) { self.onLine = onLine }

  func channelRead(context: ChannelHandlerContext, data: NIOAny) {
    var buffer = unwrapInboundIn(data)
    let bytes = buffer.readBytes(length: buffer.readableBytes) ?? []
    let lines = pending.withLock { p -> [String] in
      p += bytes
      var out: [String] = []
      while let nl = p.firstIndex(of: UInt8(ascii: "\n")) {
        out.append(String(decoding: p[..<nl], as: UTF8.self))
        p.removeSubrange(...nl)
      }
      // A runaway line without newline is not kubectl's: keep memory bounded.
      if p.count > 64 << 10 { p.removeAll() }
      return out
    }
    for line in lines { onLine(line) }
  }
}
