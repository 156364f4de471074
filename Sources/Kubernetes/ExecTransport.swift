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

/// The script `kubectl exec` runs in the pod: it relays raw RESP between kubectl's stdin/stdout
/// and Redis inside the pod. It first sends AUTH with the pod's own password (so the password never
/// leaves the pod), or PING when there is none: either way exactly one reply precedes ours.
/// `RCADM_LOCAL_ADDR` is a test seam (unset in real pods).
enum RelayScript {
  static let text = #"""
    port="$1"; addr="${RCADM_LOCAL_ADDR:-127.0.0.1}"
    pre() {
      pw="${REDIS_PASSWORD:-${REDISCLI_AUTH:-${VALKEY_PASSWORD:-}}}"
      if [ -z "$pw" ] && [ -n "${REDIS_PASSWORD_FILE:-}" ] && [ -r "$REDIS_PASSWORD_FILE" ]; then
        pw="$(cat "$REDIS_PASSWORD_FILE")"
      fi
      if [ -n "$pw" ]; then
        n=$(( $(printf %s "$pw" | wc -c) ))
        printf '*2\r\n$4\r\nAUTH\r\n$%d\r\n%s\r\n' "$n" "$pw"
      else
        printf '*1\r\n$4\r\nPING\r\n'
      fi
    }
    # Only the process reading from Redis may hold kubectl's stdout: when Redis closes (QUIT, idle
    # timeout, CLIENT KILL) kubectl then sees end of file at once. A background list reads
    # /dev/null unless told otherwise, hence stdin kept as fd 4.
    exec 3>&1 4<&0 >/dev/null </dev/null
    if command -v nc >/dev/null 2>&1; then
      { exec 3>&-; pre; cat <&4; } | nc "$addr" "$port" >&3 3>&- 4<&- &
    elif command -v bash >/dev/null 2>&1; then
      { exec 3>&-; pre; cat <&4; } | bash -c '
        exec 5<>"/dev/tcp/$1/$0" 6<&0 || exit 111
        cat <&5 & r=$!
        { cat <&6 >&5; sleep 1; kill $r 2>/dev/null; } >/dev/null & w=$!
        wait $r; kill $w 2>/dev/null; exit 0' "$port" "$addr" >&3 3>&- 4<&- &
    else
      echo "rcadm-relay: no nc or bash in container" >&2; exit 127
    fi
    exec 3>&- 4<&-
    wait $!
    """#
}

/// What a kubectl child printed when it ended.
struct ChildExit: Sendable {
  var status: Int32
  var stderr: String
}

/// A running kubectl child: its own pid (signals go to it, never to a group) and its end.
final class KubectlChild: Sendable {
  let pid: pid_t
  private let exit: Task<ChildExit, Never>

  init(pid: pid_t, exit: Task<ChildExit, Never>) {
    self.pid = pid
    self.exit = exit
  }

  /// True once the child was reaped.
  var hasExited: Bool { !ChildRegistry.shared.contains(pid) }

  /// The exit, or nil if the child is still running after `within` (or the caller is cancelled).
  /// Not a task group: a group would wait for the child's end before returning, whatever the timeout.
  func exited(within: Duration) async -> ChildExit? {
    let exit = self.exit
    let race = ExitRace()
    return await withTaskCancellationHandler {
      await withCheckedContinuation { continuation in
        race.start(continuation)
        Task { race.finish(await exit.value) }
        Task {
          try? await Task.sleep(for: within)
          race.finish(nil)
        }
      }
    } onCancel: {
      race.finish(nil)
    }
  }

  /// Waits up to `patience` for the child to end by itself, then SIGTERM to its own pid, then SIGKILL.
  /// A child that was already reaped has left the registry and is never signalled (its pid may be reused).
  func stop(patience: Duration = .milliseconds(20), grace: Duration = .seconds(1)) async {
    if await exited(within: patience) == nil {
      ChildRegistry.shared.signal(pid, SIGTERM)
      if await exited(within: grace) == nil { ChildRegistry.shared.signal(pid, SIGKILL) }
    }
    _ = await exit.value
  }

  /// Starts `kubectl argv` with stdout (and stdin, or none) on the given descriptors, which the
  /// child takes over; stderr is collected. Returns once the child exists. The child gets its own
  /// process group, so a Ctrl-C at the terminal reaches rcadm only (which then decides), and none of
  /// rcadm's password variables.
  static func spawn(
    _ kubectl: Kubectl, _ args: [String], stdin: SystemPackage.FileDescriptor?,
    stdout: SystemPackage.FileDescriptor
  ) async throws -> KubectlChild {
    let started = AsyncStream<Result<pid_t, any Error>>.makeStream()
    let argv = Arguments(kubectl.scope + args)
    let exe = Executable.path(FilePath(kubectl.executable))
    let environment = Kubectl.childEnvironment
    var platform = PlatformOptions()
    platform.processGroupID = 0
    let task = Task<ChildExit, Never> {
      func status(_ t: TerminationStatus) -> Int32 {
        switch t {
        case .exited(let c): return c
        case .signaled(let s): return 128 + s
        }
      }
      let registered = Mutex<pid_t>(0)
      ChildRegistry.shared.starts()
      func begin(_ pid: pid_t) {
        ChildRegistry.shared.add(pid)
        registered.withLock { $0 = pid }
        started.continuation.yield(.success(pid))
      }
      // Reaped: out of the registry before anyone could signal a reused pid.
      defer { ChildRegistry.shared.remove(registered.withLock { $0 }) }
      do {
        guard let stdin else {
          let r = try await Subprocess.run(
            exe, arguments: argv, environment: environment, platformOptions: platform, input: .none,
            output: .fileDescriptor(stdout, closeAfterSpawningProcess: true), error: .string(limit: 1 << 20)
          ) { execution in
            begin(execution.processIdentifier.value)
          }
          return ChildExit(status: status(r.terminationStatus), stderr: r.standardError)
        }
        let r = try await Subprocess.run(
          exe, arguments: argv, environment: environment, platformOptions: platform,
          input: .fileDescriptor(stdin, closeAfterSpawningProcess: true),
          output: .fileDescriptor(stdout, closeAfterSpawningProcess: true), error: .string(limit: 1 << 20)
        ) { execution in
          begin(execution.processIdentifier.value)
        }
        return ChildExit(status: status(r.terminationStatus), stderr: r.standardError)
      } catch {
        if registered.withLock({ $0 }) == 0 { ChildRegistry.shared.startFailed() }
        started.continuation.yield(.failure(error))
        return ChildExit(status: 127, stderr: "\(error)")
      }
    }
    var iterator = started.stream.makeAsyncIterator()
    switch await iterator.next() {
    case .success(let pid): return KubectlChild(pid: pid, exit: task)
    case .failure(let error): throw KubeError.usage("could not start \(kubectl.executable): \(error)")
    case nil: throw KubeError.usage("could not start \(kubectl.executable)")
    }
  }
}

/// Pids of live kubectl children. They must not outlive rcadm (a killed kubectl exec can leave the
/// in-pod relay running), so they are stopped at exit and on SIGTERM/SIGHUP/SIGINT too. Slots are
/// atomics, so the signal handler reads them without taking a lock.
final class ChildRegistry: Sendable {
  static let shared = ChildRegistry()
  /// Live kubectl children at most: each pod stream is one, and each costs the API server an upgrade.
  static let limit = 256
  private let slots = InlineArray<256, Atomic<Int32>> { _ in Atomic<Int32>(0) }
  private let live = Atomic<Int>(0)
  private let lock = Mutex<Void>(())
  /// Children being started (spawned, maybe, but not registered yet) and the signal that is
  /// ending rcadm: such a child is stopped as soon as it is registered, then rcadm ends.
  private let starting = Atomic<Int>(0)
  private let ending = Atomic<Int32>(0)

  private init() {
    atexit { ChildRegistry.shared.terminateAll() }
    for sig in [SIGTERM, SIGHUP, SIGINT] {
      // Only where nobody else handles it (the shell and the slot mover install their own SIGINT).
      var current = sigaction()
      sigaction(sig, nil, &current)
      guard current.__sigaction_handler.sa_handler == nil else { continue }
      Glibc.signal(sig) { received in
        let registry = ChildRegistry.shared
        Glibc.signal(received, SIG_DFL)
        registry.ending.store(received, ordering: .sequentiallyConsistent)
        registry.terminateAll()
        // A child started but not yet registered would outlive rcadm: its registration ends
        // rcadm instead (`startFinished`), or SIGALRM does if that never comes.
        if registry.starting.load(ordering: .sequentiallyConsistent) == 0 {
          raise(received)
        } else {
          alarm(2)
        }
      }
    }
  }

  /// Checked before any pipe is made, so a refusal leaks nothing.
  func requireRoom() throws(KubeError) {
    guard live.load(ordering: .relaxed) < Self.limit else {
      throw KubeError.failure(
        "rcadm already runs \(Self.limit) kubectl children (one per pod stream); "
          + "narrow the selector or run rcadm where pod IPs are reachable (--kube-transport direct)")
    }
  }

  /// Before a child is spawned; `add` (or `startFailed`) ends the start.
  func starts() { starting.add(1, ordering: .sequentiallyConsistent) }

  func startFailed() { startFinished() }

  func add(_ pid: pid_t) {
    lock.withLock { _ in
      for i in slots.indices
      where slots[i].compareExchange(expected: 0, desired: pid, ordering: .sequentiallyConsistent).exchanged {
        live.add(1, ordering: .relaxed)
        return
      }
    }
    if ending.load(ordering: .sequentiallyConsistent) != 0 { kill(pid, SIGTERM) }
    startFinished()
  }

  private func startFinished() {
    guard starting.subtract(1, ordering: .sequentiallyConsistent).newValue == 0 else { return }
    let signal = ending.load(ordering: .sequentiallyConsistent)
    if signal != 0 { raise(signal) }
  }

  func remove(_ pid: pid_t) {
    guard pid > 0 else { return }
    lock.withLock { _ in
      for i in slots.indices
      where slots[i].compareExchange(expected: pid, desired: 0, ordering: .relaxed).exchanged {
        live.subtract(1, ordering: .relaxed)
        return
      }
    }
  }

  func contains(_ pid: pid_t) -> Bool {
    lock.withLock { _ in slots.indices.contains { slots[$0].load(ordering: .relaxed) == pid } }
  }

  /// Signals `pid` only while it is a registered, unreaped child.
  func signal(_ pid: pid_t, _ sig: Int32) {
    lock.withLock { _ in
      for i in slots.indices where slots[i].load(ordering: .relaxed) == pid {
        kill(pid, sig)
        return
      }
    }
  }

  /// SIGTERM to every live child; async-signal-safe (atomic loads and kill only).
  func terminateAll() {
    for i in slots.indices {
      let pid = slots[i].load(ordering: .sequentiallyConsistent)
      if pid > 0 { kill(pid, SIGTERM) }
    }
  }
}

/// A connection carried by `kubectl exec -i POD -- sh -c RELAY`: RESP over the child's pipes.
final class ExecSession: NodeSession {
  let address: NodeAddress
  private let connection: RedisConnection
  private let child: KubectlChild
  private let pod: String

  init(address: NodeAddress, connection: RedisConnection, child: KubectlChild, pod: String) {
    self.address = address
    self.connection = connection
    self.child = child
    self.pod = pod
  }

  var server: ServerIdentity? { connection.server }

  func send(_ commands: [[[UInt8]]], timeout: Duration?) async throws -> [RESPValue] {
    do {
      return try await connection.send(commands, timeout: timeout)
    } catch let error as ConnectionError where error.kind == .closed {
      // Say why the stream ended when kubectl tells (exec dropped, pod deleted, RBAC…).
      if let end = await child.exited(within: .milliseconds(500)) {
        throw ConnectionError(
          .closed, node: address,
          "kubectl exec into pod \(pod) ended mid-operation: "
            + ExecTransport.reason(end, pod: pod))
      }
      throw error
    }
  }

  /// QUIT first, so Redis closes its side and the relay ends inside the pod; then the child.
  func close() async {
    _ = try? await connection.send([[Array("QUIT".utf8)]], timeout: .seconds(1))
    await connection.close()
    await child.stop(patience: .seconds(2))
  }
}

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
        "the container has neither nc nor bash to carry the connection; use --kube-transport port-forward"
    }
    if err.contains("executable file not found") || err.contains("no such file or directory")
      || end.status == 126 || (end.status == 127 && !err.contains("Forbidden"))
    {
      return "the container cannot run sh (exit \(end.status)); use --kube-transport port-forward"
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

/// kubectl children of this process, for rcadm's own signal handlers.
public enum KubectlChildren {
  /// SIGTERM to every live kubectl child; safe to call from a signal handler.
  public static func terminateAll() { ChildRegistry.shared.terminateAll() }

  /// Creates the registry now, so a signal handler calling `terminateAll` never initialises it.
  public static func prepareForSignals() { _ = ChildRegistry.shared }
}
