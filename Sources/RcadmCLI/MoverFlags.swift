import ArgumentParser
import ClusterAdmin
import ClusterKit
import Kubernetes
import RedisClient
import Synchronization

/// Options of commands that move keys (reshard, rebalance, fix).
struct MoverFlags: ParsableArguments {
  @Option(help: "Keys per GETKEYSINSLOT/MIGRATE batch (redis-cli's --cluster-pipeline; its default is 10).")
  var pipeline = 1000

  @Option(help: "Seconds one MIGRATE batch may take (redis-cli's --cluster-timeout).")
  var migrateTimeout: Double = 60

  @Flag(
    help:
      "Overwrite keys that already exist on the target with a different value (default: stop and list them).")
  var replace = false

  func validate() throws {
    guard pipeline >= 1 && pipeline <= 100_000 else {
      throw ValidationError("--pipeline must be between 1 and 100000 (got \(pipeline))")
    }
    guard migrateTimeout > 0 && migrateTimeout <= 86_400 else {
      throw ValidationError(
        "--migrate-timeout must be a number of seconds above 0 and at most 86400 (got \(migrateTimeout))")
    }
  }

  /// MIGRATE authenticates at the target itself, with the credentials every connection uses.
  func options(_ reach: Reach) -> MigrateOptions {
    var options = MigrateOptions(
      keysPerBatch: pipeline, timeout: .milliseconds(Int(migrateTimeout * 1000)), replace: replace,
      user: reach.options.user, password: reach.options.password)
    options.warn = { Terminal.error(Terminal.warn("[WARN] ") + $0) }
    return options
  }
}

/// A progress line on stderr: rewritten in place on a terminal (at most every 100 ms), a line
/// every few seconds otherwise; `final` lines always show.
final class ProgressLine: Sendable {
  let clock = ContinuousClock()
  let start: ContinuousClock.Instant
  let lastPrint = Mutex<ContinuousClock.Instant?>(nil)
  /// A progress line is on the terminal without its newline.
  let lineOpen = Atomic<Bool>(false)

  init() { start = clock.now }

  /// Seconds since the start, or nil when the line is not due yet.
  func due(final: Bool) -> Double? {
    let now = clock.now
    let due = lastPrint.withLock { last -> Bool in
      let interval: Duration = Terminal.stderrIsTTY ? .milliseconds(100) : .seconds(5)
      if let l = last, now - l < interval, !final { return false }
      last = now
      return true
    }
    return due ? (now - start).seconds : nil
  }

  func show(_ line: String, final: Bool) {
    if Terminal.stderrIsTTY {
      Terminal.errorInline("\r\u{1B}[2K" + line + (final ? "\n" : ""))
      lineOpen.store(!final, ordering: .relaxed)
    } else {
      Terminal.error(line)
    }
  }

  /// Ends an open progress line, so what follows starts on a line of its own.
  func finish() {
    if lineOpen.exchange(false, ordering: .relaxed) { Terminal.errorInline("\n") }
  }
}

/// Progress of a move: slots and keys done, keys/s, time left.
final class MoveProgressPrinter: Sendable {
  let line = ProgressLine()

  func report(_ p: MoveProgress) {
    let final = p.slotsDone == p.slotsTotal
    guard let elapsed = line.due(final: final) else { return }
    let rate = elapsed > 0 ? Double(p.keysMoved) / elapsed : 0
    let left = p.slotsDone > 0 ? elapsed * Double(p.slotsTotal - p.slotsDone) / Double(p.slotsDone) : 0
    line.show(
      "slots \(p.slotsDone)/\(p.slotsTotal), keys \(p.keysMoved), \(Int(rate)) keys/s, ETA \(Int(left.rounded())) s",
      final: final)
  }
}
