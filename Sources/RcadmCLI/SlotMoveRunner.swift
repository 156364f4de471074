import ArgumentParser
import ClusterAdmin
import ClusterKit
import SlotPlanner

/// Shared by reshard and rebalance: print the plan, confirm, move with progress, report.
struct SlotMoveRunner {
  var cluster: LiveCluster
  var reach: Reach
  /// The seed as the user wrote it (an address or k8s:// target), for the hints.
  var seedWord: String
  var connection: ConnectionFlags
  var mover: MoverFlags
  var mutation: MutationFlags
  var json: Bool
  /// The command that resumes after an interruption, shown on exit 3.
  var resumeHint: String

  func run(_ moves: [SlotMove], title: String) async throws {
    let pairs = moves.byPair
    if !json || mutation.dryRun { printPlan(pairs, title: title) }
    if mutation.dryRun { return await cluster.closeAll() }
    let report: MoveReport
    do {
      try confirm("Move these slots?", mutation)
      Interrupt.catchDuringMoves()
      let printer = MoveProgressPrinter()
      report = try await SlotMover(cluster: cluster, migrate: try mover.options(connection, reach)).move(
        pairs.map { ($0.source, $0.target, $0.slots) }, progress: printer.report)
      // Replicas learn the new owners by gossip: wait until every node agrees before reporting.
      let wait = connection.waitBound(default: .seconds(30))
      try await Convergence.waitUntilAgreed(
        cluster.view.nodes.filter(\.isReachable).compactMap { cluster.session($0.id) },
        expectedNodes: cluster.view.nodes.count, serving: false, deadline: .now + wait, timeout: wait)
    } catch let e as OperationError {
      await cluster.closeAll()
      throw RcadmError.problems(
        "the move stopped: \(e.description). Slots already moved stay moved; run 'rcadm fix \(seedWord)' to close any open slot, then \(resumeHint)"
      )
    } catch {
      await cluster.closeAll()
      throw error
    }
    await cluster.closeAll()
    if report.stoppedEarly {
      throw RcadmError.interrupted(
        "interrupted after \(report.slotsMoved) of \(moves.count) slots (\(report.keysMoved) keys); no slot was left open. Resume with: \(resumeHint)"
      )
    }
    let rate = report.duration.seconds > 0 ? Int(Double(report.keysMoved) / report.duration.seconds) : 0
    if !json {
      progress(
        "Moved \(report.slotsMoved) slots and \(report.keysMoved) keys in \(report.duration.shortText) (\(rate) keys/s)"
      )
    }
    try await reportAfterChange(
      reach, json: json,
      extra: [
        ("slots_moved", .int(report.slotsMoved)), ("keys_moved", .int(report.keysMoved)),
        ("seconds", .double(report.duration.seconds)),
      ])
  }

  func printPlan(_ pairs: [(source: String, target: String, slots: [Int])], title: String) {
    let view = cluster.view
    if json {
      print(
        JSON.object([
          ("dry_run", .bool(true)),
          (
            "moves",
            .array(
              pairs.map { p in
                .object([
                  ("source", .string(p.source)), ("target", .string(p.target)),
                  ("count", .int(p.slots.count)),
                  ("slots", .string(SlotSet(slots: p.slots).rangesDescription)),
                ])
              })
          ),
          ("total", .int(pairs.reduce(0) { $0 + $1.slots.count })),
        ]).render())
      return
    }
    print(Terminal.bold(title))
    for p in pairs {
      let from = view.node(id: p.source)?.label ?? p.source
      let to = view.node(id: p.target)?.label ?? p.target
      print("  \(p.slots.count) slots \(from) -> \(to): \(SlotSet(slots: p.slots).rangesDescription)")
    }
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

extension MasterSlots {
  init(_ node: NodeReport, weight: Double = 1) {
    self.init(id: node.id, slots: node.entry.slots, weight: weight)
  }
}
