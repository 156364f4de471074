import Subprocess
import SystemPackage

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Programs on this machine: the one PATH lookup, and starting a program to completion. Every
/// process rcadm starts goes through swift-subprocess (here and in Kubernetes' kubectl children),
/// which resets the child's signal mask and dispositions: runtime threads may block SIGTERM, and a
/// server started with it blocked could not be stopped by `sandbox down`.
public enum Processes {
  /// The executable `name` on PATH, or `name` itself when it is a path to an executable.
  public static func find(_ name: String) -> String? {
    if name.contains("/") { return access(name, X_OK) == 0 ? name : nil }
    let path = getenv("PATH").map { String(cString: $0) } ?? "/usr/local/bin:/usr/bin:/bin"
    for dir in path.split(separator: ":") {
      let candidate = "\(dir)/\(name)"
      if access(candidate, X_OK) == 0 { return candidate }
    }
    return nil
  }

  /// Runs a program to completion, its stdout and stderr appended to `logFile` (discarded without
  /// one); returns its exit status, or 128 + the signal that ended it, or -1 when it could not start.
  /// A cancelled caller still waits for it: the programs run here are short (a server that
  /// daemonizes), and killing one half way could leave the child it forked running, unknown to
  /// the caller's clean-up.
  public static func run(_ path: String, _ arguments: [String], logFile: String? = nil) async -> Int32 {
    await Task.detached { await runToCompletion(path, arguments, logFile: logFile) }.value
  }

  private static func runToCompletion(_ path: String, _ arguments: [String], logFile: String?) async -> Int32
  {
    var log: FileDescriptor?
    if let logFile {
      log = try? FileDescriptor.open(
        FilePath(logFile), .writeOnly, options: [.create, .append],
        permissions: [.ownerReadWrite, .groupRead, .otherRead])
      guard log != nil else { return -1 }
    }
    do {
      let status: TerminationStatus
      if let log {
        status = try await Subprocess.run(
          .path(FilePath(path)), arguments: Arguments(arguments), input: .none,
          output: .fileDescriptor(log, closeAfterSpawningProcess: false),
          error: .fileDescriptor(log, closeAfterSpawningProcess: false)
        ).terminationStatus
      } else {
        status = try await Subprocess.run(
          .path(FilePath(path)), arguments: Arguments(arguments), input: .none, output: .discarded,
          error: .discarded
        ).terminationStatus
      }
      try? log?.close()
      switch status {
      case .exited(let code): return code
      case .signaled(let signal): return 128 + signal
      }
    } catch {
      try? log?.close()
      return -1
    }
  }

  /// Whether the process runs. A daemonized server that exited stays a zombie until its new
  /// parent reaps it, and some container init processes are slow to: a zombie counts as ended.
  public static func isAlive(_ pid: Int32) -> Bool {
    guard pid > 0 && (kill(pid, 0) == 0 || errno == EPERM) else { return false }
    guard let stat = LocalFiles.readFile("/proc/\(pid)/stat"), let close = stat.lastIndex(of: ")") else {
      return true
    }
    return stat[stat.index(after: close)...].dropFirst().first != "Z"
  }

  public static func terminate(_ pid: Int32, force: Bool = false) {
    _ = kill(pid, force ? SIGKILL : SIGTERM)
  }
}
