import ArgumentParser
import ClusterKit
import ClusterLoading
import JSONDocument
import RESP
import RedisCore

/// `rcadm call`: one command on every node in parallel.
struct CallCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "call",
    abstract: "Run one command on every node (or only masters / replicas) in parallel.",
    discussion:
      "Example: rcadm call 127.0.0.1:7000 --masters-only -- CONFIG GET maxmemory. Exit 1 if any node returned an error or could not be reached."
  )

  @Argument(
    help: ArgumentHelp("Any node of the cluster (host:port or URL).", valueName: "address"),
    completion: .custom(knownAddresses))
  var address: String

  @Argument(
    parsing: .postTerminator,
    help: ArgumentHelp("The command and its arguments, after --.", valueName: "command"))
  var command: [String] = []

  @Flag(help: "Only masters.")
  var mastersOnly = false

  @Flag(help: "Only replicas.")
  var replicasOnly = false

  @OptionGroup var output: OutputFlags
  @OptionGroup var connection: ConnectionFlags

  func validate() throws {
    if mastersOnly && replicasOnly {
      throw ValidationError("--masters-only and --replicas-only exclude each other")
    }
    if command.isEmpty {
      throw ValidationError("give the command to run after --, e.g. rcadm call 127.0.0.1:7000 -- PING")
    }
  }

  func run() async throws {
    let cluster = try await loadCluster([address], connection)
    let targets = cluster.view.nodes.filter { mastersOnly ? $0.isMaster : replicasOnly ? $0.isReplica : true }
    let words = command
    let replies = await mapConcurrently(targets, limit: 64) { node -> Result<RESPValue, NodeFailure> in
      guard let session = cluster.session(node.id) else {
        return .failure(NodeFailure(message: node.unreachableReason ?? "not connected"))
      }
      do {
        return .success(try await session.send([words.map { Array($0.utf8) }], timeout: nil)[0])
      } catch {
        return .failure(NodeFailure(message: String(describing: error)))
      }
    }
    await cluster.closeAll()
    var failed = 0
    var rows: [JSON] = []
    for (node, reply) in zip(targets, replies) {
      switch reply {
      case .success(let value):
        if value.isError { failed += 1 }
        if output.json {
          rows.append(
            .object([
              ("id", .string(node.id)), ("address", .string(node.label)), ("role", .string(node.roleName)),
              ("reply", value.isError ? .null : JSON(resp: value)), ("error", .optional(value.errorMessage)),
            ]))
        } else {
          let text = RESPFormatter.format(value, style: .raw)
          let body = text.contains("\n") ? "\n" + text : " " + text
          print("\(node.label) (\(node.roleName)):" + (value.isError ? Terminal.err(body) : body))
        }
      case .failure(let failure):
        let message = failure.message
        failed += 1
        if output.json {
          rows.append(
            .object([
              ("id", .string(node.id)), ("address", .string(node.label)), ("role", .string(node.roleName)),
              ("reply", .null), ("error", .string(message)),
            ]))
        } else {
          print("\(node.label) (\(node.roleName)): " + Terminal.err("(failed) \(message)"))
        }
      }
    }
    if output.json {
      emit(
        JSON.object([
          ("command", .string(words.first ?? "")), ("nodes", .array(rows)), ("failed", .int(failed)),
        ]))
    }
    if failed > 0 { throw ExitCode(1) }
  }
}

/// Why a node gave no reply.
struct NodeFailure: Error {
  var message: String
}
