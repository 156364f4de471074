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

/// Progress of a move on stderr: a rewritten line on a terminal, a line every few seconds otherwise.
final class MoveProgressPrinter: Sendable {
  let clock = ContinuousClock()
  let start: ContinuousClock.Instant
  let lastPrint = Mutex<ContinuousClock.Instant?>(nil)

  init() { start = clock.now }

  func report(_ p: MoveProgress) {
    let now = clock.now
    let due = lastPrint.withLock { last -> Bool in
      let interval: Duration = Terminal.stderrIsTTY ? .milliseconds(100) : .seconds(5)
      if let l = last, now - l < interval, p.slotsDone < p.slotsTotal { return false }
      last = now
      return true
    }
    guard due else { return }
    let elapsed = (now - start).seconds
    let rate = elapsed > 0 ? Double(p.keysMoved) / elapsed : 0
    let left = p.slotsDone > 0 ? elapsed * Double(p.slotsTotal - p.slotsDone) / Double(p.slotsDone) : 0
    let line =
      "slots \(p.slotsDone)/\(p.slotsTotal), keys \(p.keysMoved), \(Int(rate)) keys/s, ETA \(Int(left.rounded())) s"
    if Terminal.stderrIsTTY {
      Terminal.errorInline("\r\u{1B}[2K" + line + (p.slotsDone == p.slotsTotal ? "\n" : ""))
    } else {
      Terminal.error(line)
    }
  }
}
