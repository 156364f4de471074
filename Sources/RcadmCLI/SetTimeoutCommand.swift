import ArgumentParser
import ClusterAdmin
import ClusterKit

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

  @OptionGroup var output: OutputFlags
  @OptionGroup var connection: ConnectionFlags

  func validate() throws {
    guard milliseconds >= 100 else {
      throw ValidationError("the timeout must be at least 100 ms (got \(milliseconds))")
    }
  }

  func run() async throws {
    let cluster = try await loadCluster([address], connection)
    let outcomes = await SetTimeout.apply(cluster, milliseconds: milliseconds)
    await cluster.closeAll()
    let failed = outcomes.filter { $0.failure != nil }
    if output.json {
      print(
        JSON.object([
          ("milliseconds", .int(milliseconds)),
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
        ]).render())
    } else {
      for o in outcomes {
        print("\(o.node.label): " + (o.failure.map { Terminal.err($0) } ?? Terminal.ok("OK")))
      }
      print(
        "cluster-node-timeout \(milliseconds) ms: \(outcomes.count - failed.count) OK, \(failed.count) failed."
      )
    }
    if !failed.isEmpty { throw ExitCode(1) }
  }
}
