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
          + "narrow the selector or \(Remedy.reachPodsDirectly)")
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

/// kubectl children of this process, for rcadm's own signal handlers.
public enum KubectlChildren {
  /// SIGTERM to every live kubectl child; safe to call from a signal handler.
  public static func terminateAll() { ChildRegistry.shared.terminateAll() }

  /// Creates the registry now, so a signal handler calling `terminateAll` never initialises it.
  public static func prepareForSignals() { _ = ChildRegistry.shared }
}
