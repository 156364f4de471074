import ClusterKit
import RESP
import RedisClient
import RedisCore
import Synchronization

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// What a line source gives the shell.
public enum ShellInput: Sendable, Equatable {
  case line(String)
  /// Ctrl-C at the prompt: the line was discarded.
  case interrupted
  case endOfInput
}

/// Where the shell reads lines: libedit on a terminal, plain standard input otherwise.
public protocol LineSource: Sendable {
  func read(prompt: String) async -> ShellInput
  /// Records a line in history; `persist` is false for lines that may hold secrets.
  func remember(_ line: String, persist: Bool)
}

/// The read-eval-print loop over a `ClusterRouter`, with built-ins (`:nodes`, `:slot`, `:connect`, `help`)
/// and streaming commands (SUBSCRIBE, PSUBSCRIBE, SSUBSCRIBE, MONITOR) shown until Ctrl-C.
public final class ShellSession: Sendable {
  public let router: ClusterRouter
  /// Turns a reply into the text printed (redis-cli style, raw, or JSON: the caller decides).
  let render: @Sendable (RESPValue) -> String
  let interactive: Bool
  /// Whole-cluster FLUSHALL/FLUSHDB without asking (piped input cannot answer).
  let assumeYes: Bool
  let write: @Sendable (String) -> Void
  let writeError: @Sendable (String) -> Void

  public init(
    router: ClusterRouter, render: @escaping @Sendable (RESPValue) -> String, interactive: Bool,
    assumeYes: Bool,
    write: @escaping @Sendable (String) -> Void, writeError: @escaping @Sendable (String) -> Void
  ) {
    self.router = router
    self.render = render
    self.interactive = interactive
    self.assumeYes = assumeYes
    self.write = write
    self.writeError = writeError
  }

  /// Whether `args` is a command that streams (SUBSCRIBE, PSUBSCRIBE, SSUBSCRIBE, MONITOR).
  public static func streams(_ args: [[UInt8]]) -> Bool { StreamingCommand(args) != nil }

  /// Runs until end of input or `quit`; returns 1 if any command failed (for scripts), else 0.
  public func run(_ source: any LineSource) async -> Int32 {
    CommandInterrupt.install()
    var failed = false
    while true {
      let prompt = interactive ? await promptText() : ""
      switch await source.read(prompt: prompt) {
      case .endOfInput: return failed ? 1 : 0
      case .interrupted: continue
      case .line(let line):
        let trimmed = line.drop(while: { $0 == " " || $0 == "\t" })
        if trimmed.isEmpty { continue }
        let args: [[UInt8]]
        do {
          args = try CommandLineParser.split(line)
        } catch {
          writeError("(error) \(error)")
          failed = true
          continue
        }
        let words = args.map { String(decoding: $0, as: UTF8.self) }
        source.remember(line, persist: !HistoryFilter.isSensitive(words))
        let lower = words[0].lowercased()
        if lower == "quit" || lower == "exit" { return failed ? 1 : 0 }
        // Ctrl-C is how a stream (SUBSCRIBE, MONITOR) ends: not a failure.
        let inTransaction = await router.inTransaction
        let stopsStream = StreamingCommand(args) != nil && !inTransaction
        let interrupted = stopsStream ? ("(stopped)", true) : ("(interrupted)", false)
        if !(await interruptible(interrupted) { await self.handle(args, words: words, source: source) }) {
          failed = true
        }
      }
    }
  }

  /// Piped input: lines are read in batches and plain keyed commands pipelined per node, so a
  /// script of 100k SETs costs round trips per batch, not per line. Replies keep input order.
  public func runPiped(batchSize: Int = 512, readLine: () -> String?) async -> Int32 {
    var failed = false
    var commands: [[[UInt8]]] = []
    func flush() async {
      if !(await flushBatch(commands)) { failed = true }
      commands = []
    }
    while let line = readLine() {
      if line.allSatisfy({ $0 == " " || $0 == "\t" }) { continue }
      let args: [[UInt8]]
      do {
        args = try CommandLineParser.split(line)
      } catch {
        await flush()
        writeError("(error) \(error)")
        failed = true
        continue
      }
      let first = String(decoding: args[0], as: UTF8.self).lowercased()
      if first == "quit" || first == "exit" { break }
      // Built-ins, whole-cluster and streaming commands run on their own, after what came before.
      if first.hasPrefix(":") || first == "help" || first == "flushall" || first == "flushdb"
        || StreamingCommand(args) != nil
      {
        await flush()
        if !(await handle(args, words: args.map { String(decoding: $0, as: UTF8.self) })) { failed = true }
        continue
      }
      commands.append(args)
      if commands.count >= batchSize { await flush() }
    }
    await flush()
    return failed ? 1 : 0
  }

  private func flushBatch(_ commands: [[[UInt8]]]) async -> Bool {
    guard !commands.isEmpty else { return true }
    let replies = await router.executeBatch(commands)
    for r in replies { write(render(r)) }
    return !replies.contains { $0.isError }
  }

  /// Runs a command so that Ctrl-C stops it (a blocking BLPOP, say) without ending the shell:
  /// the command's task is cancelled, which closes its connection; the next command reconnects.
  /// After Ctrl-C, `interrupted` gives the note shown and the result.
  func interruptible(
    _ interrupted: (note: String, result: Bool) = ("(interrupted)", false),
    _ body: @escaping @Sendable () async -> Bool
  ) async -> Bool {
    CommandInterrupt.reset()
    let result = await withTaskGroup(of: Bool?.self) { group in
      group.addTask { await body() }
      group.addTask {
        while !Task.isCancelled {
          if CommandInterrupt.pending { return nil }
          try? await Task.sleep(for: .milliseconds(50))
        }
        return true
      }
      let first = await group.next() ?? nil
      group.cancelAll()
      return first
    }
    guard let result else {
      writeError(interrupted.note)
      return interrupted.result
    }
    return result
  }

  func promptText() async -> String {
    let node = await router.lastNode
    return "\(node)\(await router.inTransaction ? "(TX)" : "")> "
  }

  /// Runs one line; false when it produced an error.
  public func handle(_ args: [[UInt8]], words: [String], source: (any LineSource)? = nil) async -> Bool {
    switch words[0].lowercased() {
    case ":nodes":
      for (node, slots) in await router.slotMap() {
        write("\(node)  \(slots.rangesDescription) (\(slots.count) slots)")
      }
      return true
    case ":slot":
      guard words.count == 2 else {
        writeError("usage: :slot KEY")
        return false
      }
      let slot = HashSlot.slot(for: args[1])
      write("slot \(slot), served by \(await router.owner(ofSlot: slot).map(\.description) ?? "no node")")
      return true
    case ":connect":
      guard words.count == 2, let address = try? NodeAddress.parse(words[1]) else {
        writeError("usage: :connect HOST:PORT")
        return false
      }
      do {
        try await router.connect(to: address)
        return true
      } catch {
        writeError("(error) \(error)")
        return false
      }
    case "help":
      return await help(words)
    case "subscribe", "psubscribe", "ssubscribe", "monitor":
      // In a transaction the router answers (it does not queue them).
      let inTransaction = await router.inTransaction
      guard let command = StreamingCommand(args), !inTransaction else { return await run(args) }
      return await stream(command, args)
    case "flushall", "flushdb":
      if await router.isCluster && !assumeYes {
        guard interactive, let source else {
          writeError(
            "(error) \(words[0].uppercased()) empties every master; \(Remedy.confirmInAdvance)"
          )
          return false
        }
        guard
          case .line(let answer) = await source.read(
            prompt: "\(words[0].uppercased()) deletes every key on every master. Type 'yes' to continue: "),
          answer == "yes"
        else {
          write("not sent")
          return true
        }
      }
      return await run(args)
    default:
      return await run(args)
    }
  }

  func run(_ args: [[UInt8]]) async -> Bool {
    do {
      let reply = try await router.execute(args)
      write(render(reply))
      return !reply.isError
    } catch {
      writeError("(error) \(error)")
      return false
    }
  }

  func help(_ words: [String]) async -> Bool {
    guard words.count >= 2 else {
      write("Type a Redis command, or: :nodes (slot map), :slot KEY, :connect HOST:PORT, help COMMAND, quit")
      write("SUBSCRIBE, PSUBSCRIBE, SSUBSCRIBE and MONITOR show what arrives until Ctrl-C")
      return true
    }
    let name = words[1...].joined(separator: "|").lowercased()
    let reply = (try? await router.execute(["COMMAND", "DOCS", name].map { Array($0.utf8) })) ?? .null
    guard let doc = reply.pairs?.first?.value else {
      writeError("no help for \(words[1...].joined(separator: " "))")
      return false
    }
    write("\(words[1...].joined(separator: " ").uppercased()): \(doc["summary"]?.string ?? "")")
    if let since = doc["since"]?.string { write("  since: \(since)") }
    if let group = doc["group"]?.string { write("  group: \(group)") }
    return true
  }
}

/// Ctrl-C while a command runs (between prompts the line editor is not listening).
enum CommandInterrupt {
  static let flag = Atomic<Bool>(false)
  static var pending: Bool { flag.load(ordering: .relaxed) }
  static func reset() { flag.store(false, ordering: .relaxed) }
  static func install() {
    signal(SIGINT) { _ in CommandInterrupt.flag.store(true, ordering: .relaxed) }
  }
}
