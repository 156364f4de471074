import ClusterKit
import NIOCore
import NIOPosix
import RESP
import RedisClient
import RedisCore
import Subprocess
import Synchronization
import SystemPackage

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

enum ExecTransport {
  /// Opens a connection to `pod` through `kubectl exec`. `address` is the pod's cluster address.
  static func connect(
    pod: KubePod, address: NodeAddress, kubectl: Kubectl, options: ConnectionOptions
  ) async throws -> any NodeSession {
    try ChildRegistry.shared.requireRoom()
    var toChild: [Int32] = [0, 0]
    var fromChild: [Int32] = [0, 0]
    guard makePipe(&toChild) else {
      throw ConnectionError(.other, node: address, "could not create a pipe for kubectl exec: errno \(errno)")
    }
    guard makePipe(&fromChild) else {
      close(toChild[0])
      close(toChild[1])
      throw ConnectionError(.other, node: address, "could not create a pipe for kubectl exec: errno \(errno)")
    }
    let args = [
      "exec", "-i", pod.name, "-c", pod.container, "--", "sh", "-c", RelayScript.text, "sh", String(pod.port),
    ]
    // At most 8 exec streams start at once: each start is an API-server round trip and an upgrade.
    await StartGate.exec.enter()
    defer { Task { await StartGate.exec.leave() } }
    let child: KubectlChild
    do {
      child = try await KubectlChild.spawn(
        kubectl, args,
        stdin: SystemPackage.FileDescriptor(rawValue: toChild[0]),
        stdout: SystemPackage.FileDescriptor(rawValue: fromChild[1]))
    } catch {
      for fd in [toChild[1], fromChild[0]] { close(fd) }
      throw error
    }
    let channel: any Channel
    do {
      channel = try await NIOPipeBootstrap(group: MultiThreadedEventLoopGroup.singleton)
        .channelOption(.autoRead, value: false)
        .takingOwnershipOfDescriptors(input: fromChild[0], output: toChild[1]).get()
    } catch {
      // NIO owns the descriptors once it took them; closing them here could close reused numbers.
      await child.stop()
      throw ConnectionError(.other, node: address, "could not attach to kubectl exec's pipes: \(error)")
    }
    let preamble =
      pod.passwordVariable.map { "the relay's AUTH with the pod's own \($0)" } ?? "the relay's PING"
    do {
      let connection = try await RedisConnection.start(
        on: channel, address: address, options: options, preamble: preamble)
      return ExecSession(address: address, connection: connection, child: child, pod: pod.name)
    } catch let error as ConnectionError {
      try? await channel.close()
      // The stream ended early: kubectl's stderr says why (RBAC, no shell, no relay tool, pod gone).
      if let end = await child.exited(within: .seconds(2)), error.kind != .auth {
        await child.stop()
        throw ConnectionError(.unreachable, node: address, "pod \(pod.name): " + reason(end, pod: pod.name))
      }
      await child.stop()
      throw error
    }
  }

  /// A pipe whose ends other children do not inherit.
  static func makePipe(_ fds: inout [Int32]) -> Bool {
    guard pipe(&fds) == 0 else { return false }
    for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
    return true
  }

  /// One sentence for how a kubectl exec child ended.
  static func reason(_ end: ChildExit, pod: String) -> String {
    let err = end.stderr
    if err.contains("rcadm-relay: no nc or bash") {
      return
        "the container has neither nc nor bash to carry the connection; \(Remedy.usePortForward)"
    }
    if err.contains("executable file not found") || err.contains("no such file or directory")
      || end.status == 126 || (end.status == 127 && !err.contains("Forbidden"))
    {
      return "the container cannot run sh (exit \(end.status)); \(Remedy.usePortForward)"
    }
    if end.status == 111 { return "the relay in the pod could not connect to Redis inside the pod" }
    if err.isEmpty {
      return "kubectl exec ended (exit \(end.status))"
    }
    return Kubectl.explain(err, status: end.status, what: "exec")
  }
}

/// The first of: the child's exit, the timeout, cancellation. Resumes its continuation once.
final class ExitRace: Sendable {
  private let state = Mutex<(continuation: CheckedContinuation<ChildExit?, Never>?, result: ChildExit??)>(
    (nil, nil))

  func start(_ continuation: CheckedContinuation<ChildExit?, Never>) {
    let done = state.withLock { s -> ChildExit?? in
      if s.result == nil { s.continuation = continuation }
      return s.result
    }
    if let done { continuation.resume(returning: done) }
  }

  func finish(_ value: ChildExit?) {
    let c = state.withLock { s -> CheckedContinuation<ChildExit?, Never>? in
      guard s.result == nil else { return nil }
      s.result = .some(value)
      defer { s.continuation = nil }
      return s.continuation
    }
    c?.resume(returning: value)
  }
}

/// Lets a few starts run at once; the rest wait their turn (each start is bounded by the connect timeout).
actor StartGate {
  static let exec = StartGate(permits: 8)
  private var free: Int
  private var waiting: [CheckedContinuation<Void, Never>] = []

  init(permits: Int) { free = permits }

  func enter() async {
    if free > 0 {
      free -= 1
      return
    }
    await withCheckedContinuation { waiting.append($0) }
  }

  func leave() {
    if waiting.isEmpty {
      free += 1
    } else {
      waiting.removeFirst().resume()
    }
  }
}
