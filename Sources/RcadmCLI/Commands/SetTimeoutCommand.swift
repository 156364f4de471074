import ArgumentParser
import ClusterAdmin
import ClusterKit
import ClusterLoading
import JSONDocument
import RedisCore

/// `rcadm set-timeout ADDR MS`: cluster-node-timeout on every node, persisted.
struct SetTimeoutCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "set-timeout",
    abstract:
      "Set cluster-node-timeout on every node (CONFIG SET + CONFIG REWRITE); exit 1 if any node failed.")

  @Argument(
    help: ArgumentHelp("Any node of the cluster.", valueName: "address"), completion: .custom(knownAddresses))
  var address: String

  @Argument(help: ArgumentHelp("The new timeout in milliseconds (at least 100).", valueName: "milliseconds"))
  var milliseconds: Int

  @OptionGroup var mutation: MutationFlags
  @OptionGroup var output: OutputFlags
  @OptionGroup var connection: ConnectionFlags

  func validate() throws {
    guard milliseconds >= 100 && milliseconds <= 2_147_483_647 else {
      throw ValidationError("the timeout must be between 100 and 2147483647 ms (got \(milliseconds))")
    }
  }

  func run() async throws {
    let reach = try await reach([address], connection, mutating: true)
    let json = output.json
    let ms = milliseconds
    let result = try await runMutation(
      SetTimeout(load: { try await loadCluster(reach) }, milliseconds: ms), mutation, command: "set-timeout",
      question: "Set cluster-node-timeout on every node?",
      steps: NextStepTexts(seed: address, rerun: "rcadm set-timeout \(redactedSeed(address)) \(ms)")
    ) { plan in
      let nodes = plan.cluster.view.nodes
      if !json || mutation.dryRun {
        printOrJSON(
          json,
          text: "Plan: CONFIG SET cluster-node-timeout \(ms) and CONFIG REWRITE on \(nodes.count) node(s)"
            + nodes.filter { !$0.isReachable }.map { "\n  \($0.label) is unreachable and will be reported" }
            .joined(),
          json: [("milliseconds", .int(ms)), ("nodes", .array(nodes.map { .string($0.label) }))])
      }
    }
    guard case .applied(_, let outcomes, _) = result else { return }
    let failed = outcomes.filter { $0.failure != nil }
    if json {
      emit(
        JSON.object([
          ("milliseconds", .int(ms)),
          (
            "nodes",
            .array(
              outcomes.map {
                .object([
                  ("id", .string($0.node.id)), ("address", .string($0.node.label)),
                  ("ok", .bool($0.failure == nil)), ("error", .optional($0.failure)),
                ])
              })
          ),
          ("failed", .int(failed.count)),
        ]))
    } else {
      for o in outcomes {
        print("\(o.node.label): " + (o.failure.map { Terminal.err($0) } ?? Terminal.ok("OK")))
      }
      print("cluster-node-timeout \(ms) ms: \(outcomes.count - failed.count) OK, \(failed.count) failed.")
    }
    if !failed.isEmpty { throw ExitCode(1) }
  }
}
