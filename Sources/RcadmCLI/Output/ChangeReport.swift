import ArgumentParser
import ClusterAdmin
import ClusterKit
import JSONDocument
import RedisClient
import RedisCore

/// What a command changed before it failed or was stopped, for the message and the JSON document.
struct ChangeReport {
  var command: String
  var failure: MutationFailure
  var next: [(step: NextStep, text: String)]

  var exitCode: Int32 { failure.interrupted ? 3 : 1 }

  /// "reshard stopped part way: …", what changed (ranges, not slots), what is left open, what next.
  var message: String {
    let why = failure.interrupted ? "was interrupted" : "stopped part way: \(explain(failure.cause))"
    var lines = ["\(command) \(why)."]
    // Slots opened and then moved read as "moved"; those still open are listed below.
    let done = failure.changes.summary.filter { $0.kind != .slotsOpened }
    let open = failure.changes.leftOpen
    if done.isEmpty && open.isEmpty {
      lines.append("Nothing was changed.")
    } else if !done.isEmpty {
      lines.append("What changed before it stopped:")
      for c in done.prefix(20) { lines.append("  - \(c.sentence)") }
      if done.count > 20 { lines.append("  - … and \(done.count - 20) more (see --json)") }
    }
    if open.isEmpty {
      if failure.changes.changes.contains(where: { $0.kind == .slotsOpened }) {
        lines.append("No slot was left open.")
      }
    } else {
      lines.append(
        "Left open: "
          + open.map { "slots \($0.slots.rangesDescription) on \($0.node)" }.joined(separator: "; "))
    }
    for (i, n) in next.enumerated() {
      if case .resume = n.step {
        lines.append("Resume with: \(n.text)")
      } else if case .resumeImport = n.step {
        lines.append("Resume with: \(n.text)")
      } else {
        lines.append((i == 0 ? "Next: " : "Then: ") + n.text)
      }
    }
    return lines.joined(separator: "\n")
  }

  var json: JSON {
    .object([
      ("ok", .bool(false)),
      ("exit_code", .int(Int(exitCode))),
      (
        "error",
        .object([
          ("code", .string(failure.interrupted ? "interrupted" : "partial_change")),
          ("message", .string(failure.interrupted ? "interrupted" : explain(failure.cause))),
        ])
      ),
      ("changes", .array(failure.changes.changes.map(\.json))),
      (
        "left_open",
        .array(
          failure.changes.leftOpen.map {
            .object([("node", .string($0.node)), ("slots", .string($0.slots.rangesDescription))])
          })
      ),
      ("next", .array(next.map { .string($0.text) })),
    ])
  }
}

extension Change {
  var json: JSON {
    .object([
      ("kind", .string(kind.rawValue)),
      ("node", .string(node)),
      ("peer", .optional(peer)),
      ("slots", .string(slots.isEmpty ? "" : slots.rangesDescription)),
      ("slot_count", .int(slots.count)),
      ("keys", .int(keys)),
      ("detail", .optional(detail)),
      ("certain", .bool(certain)),
    ])
  }
}
