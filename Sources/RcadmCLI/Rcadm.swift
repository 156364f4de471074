import ArgumentParser
import ClusterKit
import JSONDocument
import Kubernetes
import RedisClient
import RedisCore
import Synchronization

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
      CheckCommand.self, InfoCommand.self, CallCommand.self, CreateCommand.self, AddNodeCommand.self,
      DelNodeCommand.self, FailoverCommand.self, SetTimeoutCommand.self, ReshardCommand.self,
      RebalanceCommand.self, FixCommand.self, ImportCommand.self, BackupCommand.self, RestoreCommand.self,
      ReplCommand.self, ExecCommand.self,
      SandboxCommand.self,
    ]
  )

  public init() {}

  /// Runs rcadm with exit codes 0/1/2/3: argument errors exit 2 (not ArgumentParser's 64). With
  /// --json, a run that ends in an error still prints exactly one JSON document on stdout.
  public static func main(_ arguments: [String]? = nil) async {
    let words = arguments ?? Array(CommandLine.arguments.dropFirst())
    if arguments == nil { hidePasswordsFromProcessList() }
    Phrasebook.install(cliPhrasebook)
    let wantsJSON = words.prefix { $0 != "--" }.contains("--json")
    func fail(_ code: Int32, _ errorCode: String, _ message: String, report: ChangeReport? = nil) async
      -> Never
    {
      await shutdownKubeClusters()
      if !message.isEmpty { Terminal.error(message) }
      if wantsJSON && !jsonDocumentPrinted.load(ordering: .relaxed) {
        emit(report?.json ?? failureDocument(code: code, errorCode: errorCode, message: message))
      }
      exitProcess(code)
    }
    do {
      var command = try parseAsRoot(arguments)
      if var asyncCommand = command as? any AsyncParsableCommand {
        try await asyncCommand.run()
      } else {
        try command.run()
      }
      await shutdownKubeClusters()
      exitProcess(0)
    } catch let error as RcadmError {
      let message = error.description.isEmpty ? "" : "rcadm: \(error.description)"
      switch error {
      case .changed(let report): await fail(error.exitCode, "", message, report: report)
      case .usage: await fail(2, "usage", message)
      case .problems: await fail(1, "problems", message)
      case .interrupted: await fail(3, "interrupted", message)
      }
    } catch let error as KubeError {
      await fail(error.isUsage ? 2 : 1, "kubernetes", "rcadm: \(error.description)")
    } catch let error as ConnectionError {
      await fail(2, error.kind == .auth ? "auth" : "connection", "rcadm: \(error.description)")
    } catch let error as ServerError {
      await fail(2, "server_error", "rcadm: \(error.description)")
    } catch let error where error is any SuggestsRemedies {
      // A library refusal that says what to do about it (ReplicaNotLinked, say): nothing changed.
      await fail(2, "usage", "rcadm: \(explain(error))")
    } catch let exit as ExitCode {
      // Thrown after the command printed its own report (check's findings, exec's error reply).
      await shutdownKubeClusters()
      exitProcess(exit.rawValue)
    } catch {
      let code = exitCode(for: error).rawValue
      if code == 0 {
        // --help, --version: print as ArgumentParser does, to stdout.
        await shutdownKubeClusters()
        let message = fullMessage(for: error)
        if !message.isEmpty { print(message) }
        exitProcess(0)
      }
      let mapped: Int32 = code == 1 && !(error is ExitCode) ? 2 : (code == 64 ? 2 : code)
      await fail(mapped, "usage", fullMessage(for: error))
    }
  }

  /// The document a failed run prints under --json: nothing was changed unless it says so.
  static func failureDocument(code: Int32, errorCode: String, message: String) -> JSON {
    let text = message.hasPrefix("rcadm: ") ? String(message.dropFirst(7)) : message
    return .object([
      ("ok", .bool(false)),
      ("exit_code", .int(Int(code))),
      ("error", .object([("code", .string(errorCode)), ("message", .string(text))])),
      ("changes", .array([])),
      ("left_open", .array([])),
      ("next", .array([])),
    ])
  }
}
