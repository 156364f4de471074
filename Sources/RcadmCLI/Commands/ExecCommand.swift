import ArgumentParser
import ClusterKit
import RESP
import RedisClient
import RedisCore
import Shell

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

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
    let args = command.map { Array($0.utf8) }
    if ShellSession.streams(args) {
      // Messages print as they arrive (one JSON line each under --json) until the connection ends
      // or the process is stopped, as redis-cli does.
      let session = ShellSession(
        router: router,
        render: replyRenderer(json: output.json, raw: raw || !Terminal.stdoutIsTTY && !output.json),
        interactive: false, assumeYes: false,
        write: { line in
          // Unbuffered, so each message reaches a pipe as it arrives.
          let bytes = Array((line + "\n").utf8)
          var sent = 0
          while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { Glibc.write(STDOUT_FILENO, $0.baseAddress, $0.count) }
            if n <= 0 { break }
            sent += n
          }
        }, writeError: { Terminal.error($0) })
      let ok = await session.handle(args, words: command)
      await router.closeAll()
      if !ok { throw ExitCode(1) }
      return
    }
    let reply: RESPValue
    do {
      reply = try await router.execute(args)
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
