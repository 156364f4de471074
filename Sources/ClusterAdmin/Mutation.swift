import ClusterKit
import ClusterLoading
import RESP
import RedisCore
import Synchronization

/// A request to stop at the next safe point (Ctrl-C). Setting it is one atomic store, so a
/// signal handler may do it; operations read it between steps.
public final class StopToken: Sendable {
  private let flag = Atomic<Bool>(false)

  public init() {}

  /// Sets the flag; returns whether it was already set (a second Ctrl-C).
  @discardableResult
  public func request() -> Bool { flag.exchange(true, ordering: .relaxed) }

  public var isRequested: Bool { flag.load(ordering: .relaxed) }

  /// Throws `Interrupted` when a stop was requested: call it where stopping leaves nothing half-done.
  public func checkpoint() throws {
    if isRequested { throw Interrupted() }
  }

  /// Runs `body`, or throws `Interrupted` as soon as a stop is requested: for a wait that must not
  /// hold Ctrl-C (a frozen node, a long transfer). The body is then cancelled, which closes its
  /// connections; commands in flight may have taken effect.
  func racing<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) async throws -> T {
    try await withThrowingTaskGroup(of: T?.self) { group in
      group.addTask { try await body() }
      group.addTask {
        while !self.isRequested { try await Task.sleep(for: .milliseconds(50)) }
        throw Interrupted()
      }
      defer { group.cancelAll() }
      while let result = try await group.next() {
        if let result { return result }
      }
      throw Interrupted()
    }
  }
}

/// The operation stopped at a safe point because a stop was requested.
public struct Interrupted: Error, Sendable, CustomStringConvertible {
  public init() {}
  public var description: String { "interrupted" }
}

/// What an operation asks the user to run after it failed or stopped part way. The CLI turns
/// these into commands with flag names; the library never names flags.
public enum NextStep: Sendable, Hashable {
  /// Repair open or unowned slots.
  case fix
  /// Repair while a master with slots is gone (its keys cannot be considered).
  case fixWithUnreachableMasters
  /// Run the same command again: it plans from the current layout.
  case rerun
  /// Resume a move with the slots still to move.
  case resume(slotsLeft: Int)
  /// Look at the cluster: nothing to repair is known, but the outcome was not confirmed.
  case check
  /// Remove a node that joined part way (its id).
  case removeNode(String)
  /// Go on with an import from this SCAN cursor of its source.
  case resumeImport(cursor: UInt64)
}

/// One step that took effect on the cluster (or may have: `certain == false` when the command
/// was sent and no reply came).
public struct Change: Sendable, Hashable {
  public enum Kind: String, Sendable, Hashable {
    case slotsAssigned = "slots_assigned"
    case configEpochSet = "config_epoch_set"
    case met
    case replicated
    case slotsOpened = "slots_opened"
    case slotsMoved = "slots_moved"
    case slotsClaimed = "slots_claimed"
    case slotsClosed = "slots_closed"
    case forgotten
    case reset
    case failoverStarted = "failover_started"
    case configSet = "config_set"
    case functionsCopied = "functions_copied"
    case keysImported = "keys_imported"
  }

  public var kind: Kind
  /// The node that changed (its address as the cluster knows it, or its id).
  public var node: String
  /// The other node involved: the target of a move, the node met, the master replicated.
  public var peer: String?
  public var slots: SlotSet
  /// Keys moved with the slots.
  public var keys: Int
  /// What was set, for config changes.
  public var detail: String?
  public var certain: Bool

  public init(
    _ kind: Kind, node: String, peer: String? = nil, slots: SlotSet = SlotSet(), keys: Int = 0,
    detail: String? = nil, certain: Bool = true
  ) {
    self.kind = kind
    self.node = node
    self.peer = peer
    self.slots = slots
    self.keys = keys
    self.detail = detail
    self.certain = certain
  }

  /// A sentence: "moved slots 0-511 (512) from A to B with 1200 keys".
  public var sentence: String {
    let s = slots.isEmpty ? "" : "slots \(slots.rangesDescription) (\(slots.count))"
    let maybe = certain ? "" : " (sent, outcome unknown)"
    let text: String
    switch kind {
    case .slotsAssigned: text = "assigned \(s) to \(node)"
    case .configEpochSet: text = "set the config epoch of \(node)\(detail.map { " to \($0)" } ?? "")"
    case .met: text = "\(node) met \(peer ?? "a node")"
    case .replicated: text = "\(node) now replicates \(peer ?? "a master")"
    case .slotsOpened:
      text = "opened \(s) on \(node)\(detail.map { " (\($0))" } ?? "")\(peer.map { " towards \($0)" } ?? "")"
    case .slotsMoved:
      text = "moved \(s) from \(node) to \(peer ?? "another master")\(keys > 0 ? " with \(keys) keys" : "")"
    case .slotsClaimed: text = "made \(node) the owner of \(s)"
    case .slotsClosed: text = "closed \(s) on \(node)"
    case .forgotten: text = "\(node) forgot \(peer ?? "a node")"
    case .reset: text = "reset \(node)"
    case .failoverStarted: text = "asked \(node) to take over from \(peer ?? "its master")"
    case .configSet: text = "set \(detail ?? "a setting") on \(node)"
    case .functionsCopied: text = "copied functions to \(node)"
    case .keysImported: text = "imported \(keys) keys into \(node)\(peer.map { " from \($0)" } ?? "")"
    }
    return text + maybe
  }
}

/// Every step an apply took, in order. Thread-safe: concurrent pairs of a move record into one.
public final class ChangeLedger: Sendable {
  private let entries = Mutex<[Change]>([])

  public init() {}

  public func record(_ change: Change) {
    entries.withLock { $0.append(change) }
  }

  public var changes: [Change] { entries.withLock { $0 } }
  public var isEmpty: Bool { entries.withLock { $0.isEmpty } }

  /// Changes of one kind between the same nodes merged into one (slot sets joined, keys added),
  /// so a message names ranges, not one clause per slot or batch.
  public var summary: [Change] {
    var merged: [Change] = []
    var index: [String: Int] = [:]
    for c in changes {
      let key = "\(c.kind.rawValue)|\(c.node)|\(c.peer ?? "")|\(c.detail ?? "")|\(c.certain)"
      if let i = index[key] {
        merged[i].slots = merged[i].slots.union(c.slots)
        merged[i].keys += c.keys
      } else {
        index[key] = merged.count
        merged.append(c)
      }
    }
    return merged
  }

  /// Slots opened (IMPORTING/MIGRATING) per node and not moved or closed afterwards.
  public var leftOpen: [(node: String, slots: SlotSet)] {
    var open: [String: SlotSet] = [:]
    var order: [String] = []
    for c in changes {
      switch c.kind {
      case .slotsOpened:
        if open[c.node] == nil { order.append(c.node) }
        open[c.node, default: SlotSet()] = open[c.node, default: SlotSet()].union(c.slots)
      case .slotsMoved, .slotsClosed:
        // A move closes the slots on both of its nodes; one whose outcome is unknown closes nothing.
        guard c.certain else { continue }
        for n in [c.node, c.peer].compactMap({ $0 }) { open[n] = open[n]?.subtracting(c.slots) }
      default: break
      }
    }
    return order.compactMap { n in open[n].flatMap { $0.isEmpty ? nil : (n, $0) } }
  }
}

extension ChangeLedger {
  /// Sends commands that change the cluster. When no reply comes they may have taken effect, so
  /// `change` is recorded as of unknown outcome before the error goes on. Replies, error replies
  /// included, are the caller's to judge and record.
  public func send(_ commands: [[String]], to session: any NodeSession, changing change: Change)
    async throws -> [RESPValue]
  {
    try await send(commands, to: session, changing: [change])
  }

  /// `send` for one write that makes several changes (each recorded as of unknown outcome).
  public func send(_ commands: [[String]], to session: any NodeSession, changing changes: [Change])
    async throws -> [RESPValue]
  {
    do {
      return try await session.pipeline(commands)
    } catch {
      for var c in changes {
        c.certain = false
        record(c)
      }
      throw error
    }
  }
}

extension LiveCluster {
  /// Runs `body` (a plan's decision) on this cluster; when it throws, the sessions are closed
  /// before the error goes on, since no apply will follow to close them.
  func closingOnError<T>(_ body: (LiveCluster) async throws -> T) async throws -> T {
    do {
      return try await body(self)
    } catch {
      await closeAll()
      throw error
    }
  }
}

/// An apply that stopped after changing the cluster: what was done, why it stopped, what next.
public struct MutationFailure: Error, Sendable, CustomStringConvertible {
  /// Why it stopped (the original error; `Interrupted` for a requested stop).
  public var cause: any Error
  public var changes: ChangeLedger
  public var interrupted: Bool
  public var next: [NextStep]

  public init(cause: any Error, changes: ChangeLedger, interrupted: Bool, next: [NextStep]) {
    self.cause = cause
    self.changes = changes
    self.interrupted = interrupted
    self.next = next
  }

  public var description: String { "\(cause)" }
}

/// What an apply may use: the ledger it must record into, the stop token, a progress log.
public struct ApplyContext: Sendable {
  public let ledger: ChangeLedger
  public let stop: StopToken
  public let log: @Sendable (String) -> Void

  public init(ledger: ChangeLedger, stop: StopToken, log: @escaping @Sendable (String) -> Void) {
    self.ledger = ledger
    self.stop = stop
    self.log = log
  }
}

/// A changing command as the pipeline runs it: plan (reads only), apply (records every step),
/// converge (a bounded wait until the nodes agree).
public protocol ClusterMutation: Sendable {
  associatedtype Plan: Sendable
  associatedtype Outcome: Sendable

  /// Loads what it needs and decides. Throws (nothing changed) on anything invalid.
  func plan() async throws -> Plan
  /// False when the plan changes nothing: no confirmation, no apply.
  func hasWork(_ plan: Plan) -> Bool
  func apply(_ plan: Plan, _ context: ApplyContext) async throws -> Outcome
  /// Waits, bounded, until the cluster agrees on the result.
  func converge(_ plan: Plan, _ outcome: Outcome, _ context: ApplyContext) async throws
  /// What to run when apply or converge failed after `ledger`'s changes.
  func nextSteps(_ plan: Plan, _ ledger: ChangeLedger, interrupted: Bool) -> [NextStep]
  /// Closes the sessions the plan holds.
  func close(_ plan: Plan) async
}

extension ClusterMutation {
  public func hasWork(_ plan: Plan) -> Bool { true }
  public func converge(_ plan: Plan, _ outcome: Outcome, _ context: ApplyContext) async throws {}
  public func nextSteps(_ plan: Plan, _ ledger: ChangeLedger, interrupted: Bool) -> [NextStep] {
    ledger.leftOpen.isEmpty ? [.check] : [.fix]
  }
}

/// How a pipeline run ended without an error.
public enum MutationResult<Plan: Sendable, Outcome: Sendable>: Sendable {
  /// `--dry-run`: the plan was shown, nothing applied.
  case dryRun(Plan)
  /// The plan had nothing to do.
  case nothingToDo(Plan)
  case applied(Plan, Outcome, ChangeLedger)
}

/// The one path every changing command takes: plan → show → dry run stops → confirm → apply →
/// converge. Errors before apply mean nothing changed and pass through unchanged; an error or a
/// stop during apply or converge becomes a `MutationFailure` carrying the ledger, unless the
/// ledger is empty and no stop was requested (then nothing changed and the error passes through).
public enum MutationPipeline {
  public static func run<M: ClusterMutation>(
    _ mutation: M, dryRun: Bool, show: (M.Plan) -> Void, confirm: () throws -> Void, stop: StopToken,
    log: @escaping @Sendable (String) -> Void
  ) async throws -> MutationResult<M.Plan, M.Outcome> {
    let plan = try await mutation.plan()
    show(plan)
    if dryRun || !mutation.hasWork(plan) {
      await mutation.close(plan)
      return dryRun ? .dryRun(plan) : .nothingToDo(plan)
    }
    do {
      try confirm()
    } catch {
      await mutation.close(plan)
      throw error
    }
    let context = ApplyContext(ledger: ChangeLedger(), stop: stop, log: log)
    do {
      try stop.checkpoint()
      let outcome = try await mutation.apply(plan, context)
      try await mutation.converge(plan, outcome, context)
      await mutation.close(plan)
      return .applied(plan, outcome, context.ledger)
    } catch {
      await mutation.close(plan)
      let interrupted = error is Interrupted || stop.isRequested
      if context.ledger.isEmpty && !interrupted { throw error }
      throw MutationFailure(
        cause: error, changes: context.ledger, interrupted: interrupted,
        next: mutation.nextSteps(plan, context.ledger, interrupted: interrupted))
    }
  }
}
