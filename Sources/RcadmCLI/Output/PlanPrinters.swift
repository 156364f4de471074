import ClusterAdmin
import ClusterKit
import ClusterLoading
import JSONDocument
import RedisCore
import SlotPlanner

func printMovePlan(_ plan: SlotMigrationPlan, title: String, json: Bool) {
  let view = plan.cluster.view
  if json {
    emit(
      JSON.object([
        ("dry_run", .bool(true)),
        (
          "moves",
          .array(
            plan.pairs.map { p in
              .object([
                ("source", .string(p.source)), ("target", .string(p.target)),
                ("count", .int(p.slots.count)),
                ("slots", .string(SlotSet(slots: p.slots).rangesDescription)),
              ])
            })
        ),
        ("total", .int(plan.moves.count)),
      ]))
    return
  }
  print(Terminal.bold(title))
  for p in plan.pairs {
    let from = view.node(id: p.source)?.label ?? p.source
    let to = view.node(id: p.target)?.label ?? p.target
    print("  \(p.slots.count) slots \(from) -> \(to): \(SlotSet(slots: p.slots).rangesDescription)")
  }
}
