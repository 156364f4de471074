import ArgumentParser
import ClusterAdmin
import ClusterKit
import Kubernetes
import RedisClient
import RedisCore
import Synchronization

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

/// Progress of an import: keys done of those the source held when planned, keys/s.
final class ImportProgressPrinter: Sendable {
  let line = ProgressLine()

  func finish() { line.finish() }

  func report(_ p: ImportProgress) {
    guard let elapsed = line.due(final: false) else { return }
    let rate = elapsed > 0 ? Double(p.keysDone) / elapsed : 0
    line.show("keys \(p.keysDone)/\(p.keysTotal), \(Int(rate)) keys/s", final: false)
  }
}

/// Bytes received per master and the rate, on one progress line.
final class BackupProgressPrinter: Sendable {
  let line = ProgressLine()
  let received = Mutex<[String: (bytes: Int, done: Bool)]>([:])
  /// Masters in the backup, once planned.
  let masters = Atomic<Int>(0)

  func finish() { line.finish() }

  func report(_ p: BackupProgress) {
    let (total, done) = received.withLock { all in
      all[p.node] = (p.bytes, p.finished)
      return (all.values.reduce(0) { $0 + $1.bytes }, all.values.filter(\.done).count)
    }
    let count = masters.load(ordering: .relaxed)
    guard let elapsed = line.due(final: false) else { return }
    let rate = elapsed > 0 ? Double(total) / elapsed : 0
    line.show(
      "snapshots \(done)/\(count) done, \(BackupManifest.size(total)) received, \(BackupManifest.size(Int(rate)))/s",
      final: false)
  }
}
