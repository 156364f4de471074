import ArgumentParser
import ClusterAdmin
import ClusterKit
import ClusterLoading
import RedisClient
import RedisCore

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
    throw RcadmError.usage("\(command): nothing was changed: \(explain(e))")
  } catch let e as NotReady {
    throw RcadmError.usage(explain(e))
  } catch let e as SeedError {
    throw RcadmError.usage(e.description)
  }
}
