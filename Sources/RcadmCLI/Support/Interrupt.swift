import ClusterAdmin
import Kubernetes
import Synchronization

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The stop token every changing command passes to ClusterAdmin; Ctrl-C sets it.
let processStop = StopToken()

/// Ctrl-C during a change asks the operation to stop at its next safe point (the slots in flight
/// finish; exit 3 with what to run next); a second Ctrl-C ends the process at once.
enum Interrupt {
  static func install() {
    // Everything the handler touches is set up here, outside it: a signal handler must not run
    // a global's first-time initialisation (it allocates and takes locks).
    _ = processStop.isRequested
    KubectlChildren.prepareForSignals()
    signal(SIGINT) { _ in
      if processStop.request() {
        KubectlChildren.terminateAll()
        _exit(130)
      }
      let note: StaticString = "\nrcadm: stopping at the next safe point (Ctrl-C again to abort now)\n"
      _ = write(STDERR_FILENO, note.utf8Start, note.utf8CodeUnitCount)
    }
  }
}
