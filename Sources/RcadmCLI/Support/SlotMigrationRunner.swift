import ClusterAdmin
import ClusterKit
import ClusterLoading
import JSONDocument
import RedisCore
import SlotPlanner

/// Shared by reshard and rebalance: print the plan, confirm, move with progress, report.
func runSlotMigration(
  _ migration: SlotMigration, _ reach: Reach, _ mutation: MutationFlags, _ output: OutputFlags,
  steps: NextStepTexts,
  command: String, title: @escaping (SlotMigrationPlan) -> String, nothingToDo: String = "Nothing to move.",
  nothingToDoJSON: [(String, JSON)] = [("needed", .bool(false))]
) async throws {
  let json = output.json
  let result = try await runMutation(
    migration, mutation, command: command, question: "Move these slots?", steps: steps
  ) { plan in
    guard !plan.moves.isEmpty else { return }
    if !json || mutation.dryRun { printMovePlan(plan, title: title(plan), json: json) }
  }
  switch result {
  case .dryRun(let plan):
    if plan.moves.isEmpty { fallthrough }
  case .nothingToDo:
    if json { emit(JSON.object(nothingToDoJSON)) } else { print(nothingToDo) }
  case .applied(let plan, let report, _):
    let rate = report.duration.seconds > 0 ? Int(Double(report.keysMoved) / report.duration.seconds) : 0
    if !json {
      progress(
        "Moved \(report.slotsMoved) slots and \(report.keysMoved) keys in \(report.duration.shortText) (\(rate) keys/s)"
      )
    }
    try await reportAfterChange(
      reach.at(plan.cluster.view.seed), json: json,
      extra: [
        ("slots_moved", .int(report.slotsMoved)), ("keys_moved", .int(report.keysMoved)),
        ("seconds", .double(report.duration.seconds)),
      ])
  }
}

/// Resolves a node name to a master with a clear usage error.
func resolveMaster(_ name: String, in view: ClusterView, flag: String) throws -> NodeReport {
  switch view.resolve(name) {
  case .success(let n) where n.isMaster: return n
  case .success(let n): throw RcadmError.usage("\(flag) \(name): \(n.label) is a replica, not a master")
  case .failure(let e): throw RcadmError.usage("\(flag): \(e)")
  }
}

/// A value for a missing option: asked on a terminal, an error naming the flag otherwise.
func askIfMissing(_ value: String?, flag: String, question: String) throws -> String {
  if let value { return value }
  guard Terminal.stdinIsTTY else {
    throw RcadmError.usage("\(flag) is required (rcadm asks only when standard input is a terminal)")
  }
  Terminal.errorInline("\(question) ")
  guard let line = readLine(), !line.trimmingSpaces.isEmpty else {
    throw RcadmError.usage("no answer for \(flag); nothing was changed")
  }
  return line.trimmingSpaces
}
