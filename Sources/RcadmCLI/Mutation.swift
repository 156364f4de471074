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
}
