import CEditLine
import Synchronization

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

// MARK: - Process-wide signal state while a prompt is up

let caughtSignals: [Int32] = [SIGINT, SIGCONT, SIGWINCH]
let sigintPending = Atomic<Bool>(false)
let sigcontPending = Atomic<Bool>(false)
let sigwinchPending = Atomic<Bool>(false)
/// The wake pipe of the editor that is reading (-1 when none is).
let signalWakeFD = Atomic<Int32>(-1)

/// Handler installed while `el_gets` runs: records the signal and wakes the reader through its pipe,
/// whichever thread the signal was delivered to (async-signal-safe: atomics and write(2) only).
func handleSignal(_ signal: Int32) {
  let savedErrno = errno
  switch signal {
  case SIGINT: sigintPending.store(true, ordering: .sequentiallyConsistent)
  case SIGCONT: sigcontPending.store(true, ordering: .sequentiallyConsistent)
  case SIGWINCH: sigwinchPending.store(true, ordering: .sequentiallyConsistent)
  default: break
  }
  let fd = signalWakeFD.load(ordering: .sequentiallyConsistent)
  if fd >= 0 {
    var byte: UInt8 = 1
    _ = write(fd, &byte, 1)
  }
  errno = savedErrno
}
