import ArgumentParser
import ClusterKit
import Kubernetes

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The `rcadm` root command.
public struct Rcadm: AsyncParsableCommand {
  public static let version = "0.1.0"

  public static let configuration = CommandConfiguration(
    commandName: "rcadm",
    abstract:
      "Administer Redis Cluster and Valkey: create, check, fix, reshard, rebalance, add and remove nodes, fail over, and a routing shell.",
    discussion: """
      Exit codes: 0 success (cluster healthy); 1 the cluster has problems or an operation partly failed; \
      2 usage, connection, auth or validation error (nothing was changed); 3 interrupted mid-operation.
      """,
    version: version,
    subcommands: [
      Check.self, Info.self, Call.self, Create.self, AddNodeCommand.self, DelNodeCommand.self,
      FailoverCommand.self,
      SetTimeoutCommand.self, ReshardCommand.self, RebalanceCommand.self, FixCommand.self, ReplCommand.self,
      ExecCommand.self, Sandbox.self,
    ]
  )

  public init() {}

  /// Runs rcadm with exit codes 0/1/2/3: argument errors exit 2 (not ArgumentParser's 64).
  public static func main(_ arguments: [String]? = nil) async {
    do {
      var command = try parseAsRoot(arguments)
      if var asyncCommand = command as? any AsyncParsableCommand {
        try await asyncCommand.run()
      } else {
        try command.run()
      }
      await shutdownKubeClusters()
      Glibc.exit(0)
    } catch let error as RcadmError {
      await shutdownKubeClusters()
      if !error.description.isEmpty { Terminal.error("rcadm: \(error.description)") }
      Glibc.exit(error.exitCode)
    } catch let error as KubeError {
      await shutdownKubeClusters()
      Terminal.error("rcadm: \(error.description)")
      Glibc.exit(error.isUsage ? 2 : 1)
    } catch {
      await shutdownKubeClusters()
      let code = exitCode(for: error).rawValue
      if code == 0 {
        // --help, --version: print as ArgumentParser does, to stdout.
        let message = fullMessage(for: error)
        if !message.isEmpty { print(message) }
        Glibc.exit(0)
      }
      let message = fullMessage(for: error)
      if !message.isEmpty { Terminal.error(message) }
      Glibc.exit(code == 1 && !(error is ExitCode) ? 2 : (code == 64 ? 2 : code))
    }
  }
}

/// Output options shared by every command.
struct OutputFlags: ParsableArguments {
  @Flag(help: "Print one JSON document instead of text.")
  var json = false
}
