import ArgumentParser
import ClusterKit
import JSONDocument
import RESP
import RedisClient
import RedisCore
import Shell

/// `rcadm repl`: an interactive shell that routes every command to the node owning its keys.
struct ReplCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "repl",
    abstract:
      "Interactive shell on a cluster (or a single node): commands go straight to the owner of their keys.",
    discussion: """
      Built-ins: :nodes (slot map), :slot KEY, :connect HOST:PORT, help COMMAND, quit. DBSIZE, KEYS, SCAN and \
      FLUSHALL cover every master; MGET/DEL/EXISTS/UNLINK/TOUCH split across slots. SUBSCRIBE, PSUBSCRIBE and \
      MONITOR stream from the current node, SSUBSCRIBE from the owner of its channel's slot (following the slot \
      when it moves), until Ctrl-C returns to the prompt. History: ~/.rcadm_history \
      (RCADM_HISTFILE overrides, /dev/null disables); secrets (AUTH, ACL SETUSER, CONFIG SET …pass…) are never \
      written. With standard input not a terminal, commands are read line by line.
      """,
    helpNames: [.long])

  @Argument(
    help: ArgumentHelp("Any node (host:port or URL); or give -h/-p.", valueName: "address"),
    completion: .custom(knownAddresses))
  var address: String?

  @Option(name: .customShort("h"), help: "Host, as in redis-cli.")
  var host: String?

  @Option(name: .customShort("p"), help: "Port, as in redis-cli.")
  var port: Int?

  @Flag(help: "Print replies raw (no quotes or types), like redis-cli --raw.")
  var raw = false

  @Flag(help: "Let FLUSHALL/FLUSHDB from piped input run on every master.")
  var yes = false

  @OptionGroup var output: OutputFlags
  @OptionGroup var connection: ConnectionFlags

  func run() async throws {
    let words: [String] =
      address.map { [$0] }
      ?? (connection.kube.kubeSelector != nil ? [] : [host ?? "127.0.0.1", String(port ?? 6379)])
    let reach = try await reach(words, connection)
    let router = ClusterRouter(seed: reach.seed, connector: reach.connector)
    do {
      try await router.start()
    } catch {
      throw RcadmError.usage("cannot open a shell on \(reach.seed): \(error)")
    }
    let interactive = Terminal.stdinIsTTY
    let session = ShellSession(
      router: router,
      render: replyRenderer(json: output.json, raw: raw || !Terminal.stdoutIsTTY && !output.json),
      interactive: interactive, assumeYes: yes, write: { print($0) }, writeError: { Terminal.error($0) })
    let status: Int32
    if interactive {
      let editor = LineEditor(historyFile: LineEditor.defaultHistoryPath(environment: Terminal.environment))
      editor.completer = await CommandCompleter.load(router).complete
      status = await session.run(EditorLines(editor: editor))
      editor.close()
    } else {
      status = await session.runPiped { Swift.readLine(strippingNewline: true) }
    }
    await router.closeAll()
    if status != 0 { throw ExitCode(status) }
  }
}

/// How replies print: JSON, redis-cli's raw style, or its quoted TTY style.
func replyRenderer(json: Bool, raw: Bool) -> @Sendable (RESPValue) -> String {
  if json {
    return { (reply: RESPValue) -> String in JSON(resp: reply).render(pretty: false) }
  }
  let style: RESPFormatter.Style = raw ? .raw : .quoted
  return { (reply: RESPValue) -> String in RESPFormatter.format(reply, style: style) }
}
