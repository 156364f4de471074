import ClusterAdmin
import Kubernetes
import Synchronization

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Ctrl-C during a slot move asks the mover to finish the slots in flight and stop (exit 3);
/// a second Ctrl-C kills the process at once.
enum Interrupt {
  static func catchDuringMoves() {
    signal(SIGINT) { _ in
      if stopRequested.exchange(true, ordering: .relaxed) {
        KubectlChildren.terminateAll()
        _exit(130)
      }
      let note = "\nrcadm: stopping after the slots in flight (Ctrl-C again to abort now)\n"
      note.withCString { _ = write(STDERR_FILENO, $0, strlen($0)) }
    }
  }
}
