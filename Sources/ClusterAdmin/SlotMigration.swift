import ClusterKit
import ClusterLoading
import RedisCore
import SlotPlanner

/// What a move should do, decided by the caller from the loaded view (names already resolved to ids).
public enum SlotMoveRequest: Sendable {
  /// `count` slots from `sources` (ids) to `target` (an id).
  case reshard(sources: [String], target: String, count: Int)
  /// Balance by weight (ids → shares; missing ids weigh 1).
  case rebalance(weights: [String: Double], useEmptyMasters: Bool, thresholdPercent: Double)
}

/// A reshard or rebalance, decided: the moves grouped by source→target pair.
public struct SlotMigrationPlan: Sendable {
  public var cluster: LiveCluster
  public var moves: [SlotMove]
  public var pairs: [(source: String, target: String, slots: [Int])]
  public var request: SlotMoveRequest
}

/// `reshard` and `rebalance` through the mutation pipeline: load a healthy cluster (waiting,
/// bounded, for one still settling), plan, move with the ledger, wait until every node agrees.
public struct SlotMigration: ClusterMutation {
  public var loader: ClusterLoader
  public var seed: NodeAddress
  /// Bound on waiting for a healthy start and on the final agreement.
  public var wait: Duration
  public var migrate: MigrateOptions
  /// Turns the loaded view into a request; its errors mean nothing changed.
  public var request: @Sendable (ClusterView) throws -> SlotMoveRequest
  public var progress: @Sendable (MoveProgress) -> Void

  public init(
    loader: ClusterLoader, seed: NodeAddress, wait: Duration, migrate: MigrateOptions,
    request: @escaping @Sendable (ClusterView) throws -> SlotMoveRequest,
    progress: @escaping @Sendable (MoveProgress) -> Void
  ) {
    self.loader = loader
    self.seed = seed
    self.wait = wait
    self.migrate = migrate
    self.request = request
    self.progress = progress
  }

  public func plan() async throws -> SlotMigrationPlan {
    try await Readiness.loadHealthy(seed: seed, loader: loader, timeout: wait).closingOnError { cluster in
      let request = try request(cluster.view)
      let moves = try Self.moves(for: request, cluster.view)
      return SlotMigrationPlan(cluster: cluster, moves: moves, pairs: moves.byPair, request: request)
    }
  }

  static func moves(for request: SlotMoveRequest, _ view: ClusterView) throws -> [SlotMove] {
    switch request {
    case .reshard(let sources, let target, let count):
      let moves: [SlotMove]
      do {
        moves = try ReshardPlanner.plan(
          masters: view.masters.map { MasterSlots(id: $0.id, slots: $0.entry.slots) }, sources: sources,
          target: target, count: count)
      } catch {
        throw ValidationProblems(["cannot plan the reshard: \(error)"])
      }
      guard moves.count == count else {
        throw ValidationProblems(["the plan moves \(moves.count) slots, not \(count); nothing was changed"])
      }
      return moves
    case .rebalance(let weights, let useEmptyMasters, let threshold):
      do {
        return try RebalancePlanner.plan(
          masters: view.masters.map {
            MasterSlots(id: $0.id, slots: $0.entry.slots, weight: weights[$0.id] ?? 1)
          },
          useEmptyMasters: useEmptyMasters, thresholdPercent: threshold
        ).moves
      } catch {
        throw ValidationProblems(["cannot plan the rebalance: \(error)"])
      }
    }
  }

  public func hasWork(_ plan: SlotMigrationPlan) -> Bool { !plan.moves.isEmpty }

  public func apply(_ plan: SlotMigrationPlan, _ context: ApplyContext) async throws -> MoveReport {
    let report = try await SlotMover(
      cluster: plan.cluster, migrate: migrate, ledger: context.ledger, stop: context.stop
    ).move(plan.pairs, progress: progress)
    if report.stoppedEarly { throw Interrupted() }
    return report
  }

  /// Replicas and other masters learn the new owners by gossip: wait until every node agrees.
  public func converge(_ plan: SlotMigrationPlan, _ outcome: MoveReport, _ context: ApplyContext) async throws
  {
    let cluster = plan.cluster
    try await Convergence.waitUntilAgreed(
      cluster.view.nodes.filter(\.isReachable).compactMap { cluster.session($0.id) },
      expectedNodes: cluster.view.nodes.count, serving: false, deadline: .now + wait, timeout: wait)
  }

  public func nextSteps(_ plan: SlotMigrationPlan, _ ledger: ChangeLedger, interrupted: Bool) -> [NextStep] {
    let moved = ledger.changes.filter { $0.kind == .slotsMoved }.reduce(0) { $0 + $1.slots.count }
    let left = plan.moves.count - moved
    var steps: [NextStep] = ledger.leftOpen.isEmpty ? [] : [.fix]
    if left > 0 {
      if case .reshard = plan.request { steps.append(.resume(slotsLeft: left)) } else { steps.append(.rerun) }
    }
    return steps.isEmpty ? [.check] : steps
  }

  public func close(_ plan: SlotMigrationPlan) async { await plan.cluster.closeAll() }
}
