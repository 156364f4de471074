import ArgumentParser
import ClusterKit
import RedisClient
import RedisCore
import Synchronization

#if canImport(Glibc)
  import Glibc
#endif

/// The ways rcadm ends other than success, mapped onto the documented exit codes.
enum RcadmError: Error, CustomStringConvertible {
  /// Bad arguments, unreachable seed, auth, validation: nothing was changed (exit 2).
  case usage(String)
  /// The cluster has problems or an operation partly failed (exit 1); the message is already printed if empty.
  case problems(String)
  /// Interrupted mid-operation; `rcadm fix` recovers (exit 3).
  case interrupted(String)
  /// A change failed or was stopped after some steps took effect (exit 1, or 3 when interrupted).
  case changed(ChangeReport)

  var description: String {
    switch self {
    case .usage(let m), .problems(let m), .interrupted(let m): return m
    case .changed(let report): return report.message
    }
  }

  var exitCode: Int32 {
    switch self {
    case .usage: return 2
    case .problems: return 1
    case .interrupted: return 3
    case .changed(let report): return report.exitCode
    }
  }
}
