import ArgumentParser
import ClusterKit
import RESP
import RedisClient
import RedisCore
import Shell

/// `rcadm exec`: one routed command for scripts.
struct ExecCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "exec",
    abstract: "Run one command on the node that owns its keys; exit 1 on an error reply.")

  @Argument(
    help: ArgumentHelp("Any node (host:port or URL).", valueName: "address"),
    completion: .custom(knownAddresses))
  var address: String

  @Argument(
    parsing: .postTerminator,
    help: ArgumentHelp("The command and its arguments, after --.", valueName: "command"))
  var command: [String] = []

  @Flag(help: "Print the reply raw.")
  var raw = false

  @OptionGroup var output: OutputFlags
  @OptionGroup var connection: ConnectionFlags

  func validate() throws {
    if command.isEmpty {
      throw ValidationError("give the command after --, e.g. rcadm exec 127.0.0.1:7000 -- GET foo")
    }
  }

  func run() async throws {
    let reach = try await reach([address], connection)
    let router = ClusterRouter(seed: reach.seed, connector: reach.connector)
    do {
      try await router.start()
    } catch {
      throw RcadmError.usage("cannot reach \(reach.seed): \(error)")
    }
    let reply: RESPValue
    do {
      reply = try await router.execute(command.map { Array($0.utf8) })
    } catch {
      await router.closeAll()
      throw RcadmError.usage("\(error)")
    }
    await router.closeAll()
    let failed = reply.isError
    if output.json {
      print(replyRenderer(json: true, raw: false)(reply))
    } else {
      // In pieces, giving the reply up as it prints: a reply of millions of elements is neither
      // built as one more string nor freed in a pass of its own.
      let style: RESPFormatter.Style = raw || !Terminal.stdoutIsTTY ? .raw : .quoted
      RESPFormatter.write(consume reply, style: style) { print($0, terminator: "") }
      print()
    }
    if failed { throw ExitCode(1) }
  }
}
