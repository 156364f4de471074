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
