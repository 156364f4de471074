import ArgumentParser
import ClusterAdmin
import ClusterKit
import RedisClient

/// Flags of every command that changes a cluster: plan, ask, apply.
struct MutationFlags: ParsableArguments {
  @Flag(name: [.customShort("y"), .long], help: "Apply without asking.")
  var yes = false

  @Flag(help: "Print the plan and exit without changing anything.")
  var dryRun = false
}

/// Asks before a change unless --yes; without a terminal it refuses and names --yes.
func confirm(_ question: String, _ flags: MutationFlags) throws {
  if flags.yes { return }
  guard Terminal.stdinIsTTY else {
    throw RcadmError.usage(
      "not applying: standard input is not a terminal, so rcadm cannot ask. Pass --yes to apply, or --dry-run to only see the plan."
    )
  }
  Terminal.error("\(question) Type 'yes' to continue: ")
  guard let answer = readLine(), answer.trimmingSpaces.lowercased() == "yes" else {
    throw RcadmError.usage("not applied: the answer was not 'yes'; nothing was changed")
  }
}

/// How a command's next steps read as commands: the seed as the user wrote it (password hidden)
/// and the command's own resume and rerun forms.
struct NextStepTexts {
  var seed: String
  var rerun: String
  var resume: (Int) -> String = { _ in "" }
  var resumeImport: (UInt64) -> String = { _ in "" }

  init(
    seed: String, rerun: String, resume: @escaping (Int) -> String = { _ in "" },
    resumeImport: @escaping (UInt64) -> String = { _ in "" }
  ) {
    self.seed = redactedSeed(seed)
    self.rerun = rerun
    self.resume = resume
    self.resumeImport = resumeImport
  }

  func text(_ step: NextStep) -> String {
    switch step {
    case .fix: return "rcadm fix \(seed)"
    case .fixWithUnreachableMasters: return "rcadm fix \(seed) --fix-with-unreachable-masters"
    case .rerun: return rerun
    case .resume(let left): return resume(left)
    case .check: return "rcadm check \(seed)"
    case .removeNode(let id): return "rcadm del-node \(seed) \(id)"
    case .resumeImport(let cursor): return resumeImport(cursor)
    }
  }
}

/// A seed word with any URL password replaced by `***`.
func redactedSeed(_ word: String) -> String {
  let chars = Array(word)
  guard let scheme = word.firstRange(of: "://"), let at = chars.lastIndex(of: "@") else { return word }
  let start = word.distance(from: word.startIndex, to: scheme.upperBound)
  guard start < at else { return word }
  let userinfo = chars[start..<at]
  // `redis://user:password@host`, or `redis://password@host` where all of it is the password.
  let secretStart = userinfo.firstIndex(of: ":").map { $0 + 1 } ?? start
  return String(chars[..<secretStart]) + "***" + String(chars[at...])
}

/// Runs a changing command through ClusterAdmin's pipeline with the CLI's plan printer, prompt,
/// Ctrl-C handling and progress. Validation failures become usage errors (exit 2, nothing
/// changed); a failure or stop after changes becomes `RcadmError.changed` with the ledger.
func runMutation<M: ClusterMutation>(
  _ mutation: M, _ flags: MutationFlags, command: String, question: String, steps: NextStepTexts,
  show: (M.Plan) -> Void
) async throws -> MutationResult<M.Plan, M.Outcome> {
  do {
    return try await MutationPipeline.run(
      mutation, dryRun: flags.dryRun, show: show,
      confirm: {
        try confirm(question, flags)
        // From here on Ctrl-C stops at the next safe point instead of killing the process.
        Interrupt.install()
      }, stop: processStop, log: progress)
  } catch let failure as MutationFailure {
    throw RcadmError.changed(
      ChangeReport(command: command, failure: failure, next: failure.next.map { ($0, steps.text($0)) }))
  } catch let e as ValidationProblems {
    throw RcadmError.usage("\(command): nothing was changed: \(e)")
  } catch let e as NotReady {
    throw RcadmError.usage(e.description)
  } catch let e as SeedError {
    throw RcadmError.usage(e.description)
  }
}

/// What a command changed before it failed or was stopped, for the message and the JSON document.
struct ChangeReport {
  var command: String
  var failure: MutationFailure
  var next: [(step: NextStep, text: String)]

  var exitCode: Int32 { failure.interrupted ? 3 : 1 }

  /// "reshard stopped part way: …", what changed (ranges, not slots), what is left open, what next.
  var message: String {
    let why = failure.interrupted ? "was interrupted" : "stopped part way: \(failure.cause)"
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
          ("message", .string(failure.interrupted ? "interrupted" : "\(failure.cause)")),
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

/// Progress lines go to standard error so standard output stays a clean report (or JSON).
@Sendable func progress(_ line: String) {
  Terminal.error(Terminal.dim(">>> ") + line)
}

extension String {
  var trimmingSpaces: String {
    String(drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
  }
}

extension ConnectionFlags {
  /// How long cluster-wide waits (join, agreement, failover) may take: --timeout when given, else `fallback`.
  func waitBound(default fallback: Duration) -> Duration {
    timeoutGiven ? .milliseconds(Int(timeout * 1000)) : fallback
  }

  /// The loader every command reads a cluster with.
  func loader(_ reach: Reach, fullInfo: Bool = false) -> ClusterLoader {
    ClusterLoader(connector: reach.connector, infoSection: fullInfo ? nil : "replication")
  }
}
