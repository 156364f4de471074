import CEditLine
import Synchronization

/// One libedit set-up or tear-down at a time in this process (terminfo's globals).
let terminfoLock = Mutex<Void>(())

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// What `LineEditor.readLine(prompt:)` read.
public enum LineEditorInput: Sendable, Equatable {
  /// A line, without its trailing newline.
  case line(String)
  /// Ctrl-C (or the reading task was cancelled): the partial line was discarded.
  case interrupted
  /// Ctrl-D on an empty line, end of input, or the editor was closed.
  case endOfInput
}

/// A libedit-backed prompt with history and Tab completion.
///
/// Use it only when stdin is a TTY; the caller reads plain lines otherwise.
///
/// - `readLine(prompt:)` runs libedit on a dedicated thread, so it never blocks the cooperative pool.
///   Only one read may be in progress at a time.
/// - While a prompt is up, SIGINT is caught (without `SA_RESTART`) and turns into `.interrupted`;
///   SIGCONT (after Ctrl-Z and `fg`) restores the editing mode and redraws the line, SIGWINCH adapts
///   to the new width. The previous dispositions are restored as soon as the line is read, so the
///   caller's own handling (e.g. stopping a long command on Ctrl-C) is in effect between prompts.
/// - History: every line passed to `addHistory` is recalled with Up/Down for the session; only the
///   ones added with `persist: true` are written to the history file (by `close()` or `saveHistory()`),
///   one per line with `\`, newline and carriage return escaped. Lines written by other sessions in
///   the meantime are kept.
/// - `init` sets `LC_CTYPE` from the environment (falling back to `C.UTF-8`), because libedit drops
///   non-ASCII input without a UTF-8 locale.
/// - `~/.editrc` (or `$EDITRC`) is sourced, so `rcadm:`-prefixed libedit settings apply.
public final class LineEditor: @unchecked Sendable {
  // libedit handles. Only touched by the thread that owns the editor: the reader while `busy`,
  // otherwise a caller holding `state`'s lock.
  private var editLine: OpaquePointer?
  private var history: OpaquePointer?
  private var promptPointer: UnsafeMutablePointer<CChar>?
  // The read in progress (editor thread only).
  private var currentGeneration: UInt64 = 0
  private var wakeReason: WakeReason?
  /// The terminal settings libedit uses while editing, re-applied after a stop (Ctrl-Z) and `fg`.
  private var editingTerminal: termios?

  private let historyFile: String?
  private let historySize: Int
  private let wakeRead: Int32
  private let wakeWrite: Int32
  private let state: Mutex<State>
  private let completerStorage = Mutex<(@Sendable (_ lineBeforeCursor: String) -> [String])?>(nil)
  private let generations = Atomic<UInt64>(0)
  private let cancelledGeneration = Atomic<UInt64>(0)

  private struct State: ~Copyable {
    var closed = false
    var busy = false
    var closeRequested = false
    /// Lines added while a read was in progress, entered into libedit's history after it.
    var pendingHistory: [String] = []
    /// Persistable lines loaded from the file or added this session (the file's view).
    var persisted: [String] = []
    /// Persistable lines added this session, appended to the file on save.
    var sessionEntries: [String] = []
  }

  private enum WakeReason { case interrupt, cancel, close }

  /// Tab completion: given the whole line buffer up to the cursor, returns candidate replacements for
  /// the current word (the text after the last space or tab, see `completionWord(in:)`). A candidate
  /// may also repeat earlier words of the line: `CLUSTER NODES` for `cluster n` replaces `n` by
  /// `NODES`. A unique candidate is inserted followed by a space; several are completed to their
  /// longest common prefix, or listed below the prompt when that adds nothing.
  /// Called on the editor thread while the prompt is up; keep it fast and non-blocking.
  public var completer: (@Sendable (_ lineBeforeCursor: String) -> [String])? {
    get { completerStorage.withLock { $0 } }
    set { completerStorage.withLock { $0 = newValue } }
  }

  /// - Parameters:
  ///   - programName: the name libedit matches in `~/.editrc` (`rcadm:bind ...`).
  ///   - historyFile: where persisted history is loaded from and saved to; nil keeps history in memory.
  ///   - historySize: how many entries are kept (in memory and in the file).
  public init(programName: String = "rcadm", historyFile: String?, historySize: Int = 1000) {
    self.historyFile = historyFile
    self.historySize = max(1, historySize)
    var fds: [Int32] = [-1, -1]
    if pipe(&fds) == 0 {
      for fd in fds {
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
      }
    }
    wakeRead = fds[0]
    wakeWrite = fds[1]

    var initial = State()
    if let historyFile, let entries = Self.loadHistoryFile(historyFile) {
      initial.persisted = Array(entries.suffix(self.historySize))
    }
    let loaded = initial.persisted
    state = Mutex(initial)

    _ = rcadm_use_utf8_ctype()
    promptPointer = strdup("")
    history = history_init()
    // libedit sets the terminal up through terminfo, whose state is global and not thread-safe.
    editLine = terminfoLock.withLock { _ in
      el_init(programName, rcadm_stdin(), rcadm_stdout(), rcadm_stderr())
    }
    guard let editLine, let history else { return }

    rcadm_history_setsize(history, Int32(clamping: self.historySize))
    rcadm_history_setunique(history, 1)
    for line in loaded { rcadm_history_enter(history, line) }

    rcadm_el_set_clientdata(editLine, Unmanaged.passUnretained(self).toOpaque())
    rcadm_el_set_editor(editLine, "emacs")
    // libedit's own signal handling re-raises SIGINT to the whole process group; we catch it ourselves.
    rcadm_el_set_signal(editLine, 0)
    rcadm_el_set_hist(editLine, history)
    rcadm_el_set_prompt(editLine) { el in
      guard let editor = LineEditor.editor(of: el) else { return nil }
      return editor.promptPointer
    }
    rcadm_el_set_getcfn(editLine) { el, character in
      guard let editor = LineEditor.editor(of: el), let character else { return -1 }
      return editor.readCharacter(into: character)
    }
    rcadm_el_addfn(editLine, "rcadm-complete", "Complete the current word") { el, _ in
      guard let el, let editor = LineEditor.editor(of: el) else { return UInt8(CC_ERROR) }
      return editor.complete(el)
    }
    rcadm_el_bind(editLine, "^I", "rcadm-complete")
    el_source(editLine, nil)
  }

  deinit {
    close()
    if wakeRead >= 0 { _ = closeDescriptor(wakeRead) }
    if wakeWrite >= 0 { _ = closeDescriptor(wakeWrite) }
  }

  /// The history file to use by default: `RCADM_HISTFILE` if set and not empty (nil if it is
  /// `/dev/null`, which disables the file), else `$HOME/.rcadm_history` (nil without a HOME).
  public static func defaultHistoryPath(environment: [String: String]) -> String? {
    if let path = environment["RCADM_HISTFILE"], !path.isEmpty {
      return path == "/dev/null" ? nil : path
    }
    guard let home = environment["HOME"], !home.isEmpty else { return nil }
    return home.hasSuffix("/") ? home + ".rcadm_history" : home + "/.rcadm_history"
  }

  // MARK: - Reading

  /// Reads one line with `prompt`. Returns `.line(text)` (without trailing newline), `.interrupted`
  /// (Ctrl-C or task cancellation: the line is discarded) or `.endOfInput` (Ctrl-D on an empty line,
  /// end of input, or the editor was closed).
  public func readLine(prompt: String) async -> LineEditorInput {
    if Task.isCancelled { return .interrupted }
    let generation = nextGeneration()
    return await withTaskCancellationHandler {
      await withCheckedContinuation { (continuation: CheckedContinuation<LineEditorInput, Never>) in
        Self.runOnNewThread {
          continuation.resume(returning: self.readLineBlocking(prompt: prompt, generation: generation))
        }
      }
    } onCancel: {
      cancelledGeneration.store(generation, ordering: .sequentiallyConsistent)
      poke()
    }
  }

  /// The blocking body of `readLine`; runs on the editor thread.
  func readLineBlocking(prompt: String, generation: UInt64? = nil) -> LineEditorInput {
    let canRead = state.withLock { state -> Bool in
      if state.closed || state.closeRequested { return false }
      precondition(!state.busy, "LineEditor.readLine called while another read is in progress")
      enterHistory(&state)
      state.busy = true
      return true
    }
    guard canRead else { return .endOfInput }
    defer { finishRead() }
    guard let editLine else { return .endOfInput }

    let previousPrompt = promptPointer
    promptPointer = strdup(prompt)
    free(previousPrompt)
    currentGeneration = generation ?? nextGeneration()
    wakeReason = nil

    editingTerminal = nil
    sigintPending.store(false, ordering: .sequentiallyConsistent)
    sigcontPending.store(false, ordering: .sequentiallyConsistent)
    sigwinchPending.store(false, ordering: .sequentiallyConsistent)
    signalWakeFD.store(wakeWrite, ordering: .sequentiallyConsistent)
    var previousActions = Array(repeating: sigaction(), count: caughtSignals.count)
    for (index, signal) in caughtSignals.enumerated() {
      rcadm_signal_install(signal, handleSignal, &previousActions[index])
    }
    var count: Int32 = 0
    let raw = el_gets(editLine, &count)
    for (index, signal) in caughtSignals.enumerated() {
      rcadm_signal_restore(signal, &previousActions[index])
    }
    signalWakeFD.store(-1, ordering: .sequentiallyConsistent)

    if let raw, count > 0 {
      var bytes = Array(UnsafeBufferPointer(start: raw, count: Int(count)).map { UInt8(bitPattern: $0) })
      if bytes.last == 0x0A { bytes.removeLast() }
      return .line(String(decoding: bytes, as: UTF8.self))
    }
    // Leave the cursor on a fresh line (the prompt and partial line stay on screen).
    let interactive = isatty(STDIN_FILENO) == 1
    switch wakeReason {
    case .interrupt:
      if interactive { writeOutput("^C\n") }
      return .interrupted
    case .cancel:
      if interactive { writeOutput("\n") }
      return .interrupted
    case .close, nil:
      if interactive { writeOutput("\n") }
      return .endOfInput
    }
  }

  private func finishRead() {
    let closeNow = state.withLock { state -> Bool in
      state.busy = false
      enterHistory(&state)
      return state.closeRequested
    }
    if closeNow { close() }
  }

  private func nextGeneration() -> UInt64 {
    generations.add(1, ordering: .relaxed).newValue
  }

  /// libedit's character reader (EL_GETCFN): waits for stdin or the wake pipe, so Ctrl-C,
  /// cancellation and `close()` interrupt a read whichever thread receives the signal.
  private func readCharacter(into character: UnsafeMutablePointer<wchar_t>) -> Int32 {
    if editingTerminal == nil, isatty(STDIN_FILENO) == 1 {
      // libedit switched the terminal to its editing mode before calling us.
      var settings = termios()
      if tcgetattr(STDIN_FILENO, &settings) == 0 { editingTerminal = settings }
    }
    var pending: [UInt8] = []
    while true {
      var fds = [
        pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0),
        pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0),
      ]
      let ready = poll(&fds, nfds_t(fds.count), -1)
      if ready < 0 {
        if errno == EINTR { continue }
        character.pointee = 0
        return -1
      }
      if fds[0].revents != 0 {
        drainWakePipe()
        handleTerminalSignals()
        if let reason = currentWakeReason() {
          wakeReason = reason
          character.pointee = 0
          return -1
        }
        continue  // a stale wake-up from an earlier read
      }
      guard fds[1].revents != 0 else { continue }
      var byte: UInt8 = 0
      let n = read(STDIN_FILENO, &byte, 1)
      if n < 0 {
        if errno == EINTR || errno == EAGAIN { continue }
        character.pointee = 0
        return errno == EIO ? 0 : -1  // EIO: the terminal went away
      }
      if n == 0 {
        character.pointee = 0
        return 0
      }
      pending.append(byte)
      while !pending.isEmpty {
        var decoded: wchar_t = 0
        var shift = mbstate_t()
        let used = pending.withUnsafeBufferPointer { buffer in
          buffer.withMemoryRebound(to: CChar.self) { mbrtowc(&decoded, $0.baseAddress, $0.count, &shift) }
        }
        if used == -2 {  // incomplete sequence: read another byte
          if pending.count >= 8 { pending.removeAll() }
          break
        }
        if used == -1 {  // invalid: drop it (or all but the last byte, which may start a character)
          pending = pending.count > 1 ? [pending.last!] : []
          continue
        }
        character.pointee = decoded
        return 1
      }
    }
  }

  /// After SIGCONT: back to the editing mode (the shell restored its own) and redraw the line from
  /// the start of the cursor's row; after SIGWINCH: take the new size (as libedit's own handler does;
  /// the next keystroke redraws). Runs inside `el_gets`, where libedit handles these itself.
  private func handleTerminalSignals() {
    guard let editLine else { return }
    let continued = sigcontPending.exchange(false, ordering: .sequentiallyConsistent)
    let resized = sigwinchPending.exchange(false, ordering: .sequentiallyConsistent)
    if resized || continued { el_resize(editLine) }
    if continued {
      if var settings = editingTerminal { _ = tcsetattr(STDIN_FILENO, TCSADRAIN, &settings) }
      writeOutput("\r")
      rcadm_el_refresh(editLine)
      fflush(rcadm_stdout())
    }
  }

  private func currentWakeReason() -> WakeReason? {
    if sigintPending.load(ordering: .sequentiallyConsistent) { return .interrupt }
    if cancelledGeneration.load(ordering: .sequentiallyConsistent) == currentGeneration {
      return .cancel
    }
    if state.withLock({ $0.closeRequested }) { return .close }
    return nil
  }

  private func poke() {
    var byte: UInt8 = 1
    _ = write(wakeWrite, &byte, 1)
  }

  private func drainWakePipe() {
    var buffer = [UInt8](repeating: 0, count: 64)
    while read(wakeRead, &buffer, buffer.count) > 0 {}
  }

  private func writeOutput(_ text: String) {
    fputs(text, rcadm_stdout())
    fflush(rcadm_stdout())
  }

  // MARK: - History

  /// Adds a line to the in-memory history (recalled with Up/Down); it is written to the history file
  /// only if `persist` is true. Empty lines are ignored. Safe to call while a read is in progress.
  public func addHistory(_ line: String, persist: Bool) {
    var entry = line
    while entry.last == "\n" || entry.last == "\r" { entry.removeLast() }
    guard entry.contains(where: { $0 != " " && $0 != "\t" }) else { return }
    state.withLock { state in
      guard !state.closed else { return }
      state.pendingHistory.append(entry)
      if persist, historyFile != nil, state.persisted.last != entry {
        state.persisted.append(entry)
        state.sessionEntries.append(entry)
        if state.persisted.count > historySize { state.persisted.removeFirst() }
      }
      if !state.busy { enterHistory(&state) }
    }
  }

  /// Writes the persisted entries of this session to the history file, after the file's current
  /// entries (so concurrent sessions do not lose each other's lines), keeping the last `historySize`.
  /// Returns false if there is no history file or writing failed.
  @discardableResult
  public func saveHistory() -> Bool {
    guard let historyFile else { return false }
    let session = state.withLock { state -> [String] in
      let entries = state.sessionEntries
      state.sessionEntries = []
      return entries
    }
    if session.isEmpty { return true }
    var entries = Self.loadHistoryFile(historyFile) ?? []
    for entry in session where entries.last != entry { entries.append(entry) }
    return Self.writeHistoryFile(historyFile, entries: Array(entries.suffix(historySize)))
  }

  /// Moves lines added with `addHistory` into libedit's history. Called with the lock held and no
  /// read in progress (libedit is not thread-safe).
  private func enterHistory(_ state: inout State) {
    guard !state.closed, let history else { return }
    for line in state.pendingHistory { rcadm_history_enter(history, line) }
    state.pendingHistory = []
  }

  // MARK: - Closing

  /// Saves the history file (persisted entries only) and frees libedit. A read in progress ends
  /// with `.endOfInput`. Further reads return `.endOfInput` at once.
  public func close() {
    let action = state.withLock { state -> CloseAction in
      if state.closed { return .none }
      if state.busy {
        state.closeRequested = true
        return .wake
      }
      state.closed = true
      return .teardown
    }
    switch action {
    case .none: return
    case .wake: poke()
    case .teardown:
      saveHistory()
      state.withLock { _ in
        if let editLine { terminfoLock.withLock { _ in el_end(editLine) } }
        if let history { history_end(history) }
        editLine = nil
        history = nil
        free(promptPointer)
        promptPointer = nil
      }
    }
  }

  private enum CloseAction { case none, wake, teardown }

  // MARK: - Completion (the layout of candidates: LineEditor+Completion.swift)

  private func complete(_ el: OpaquePointer) -> UInt8 {
    guard let info = el_line(el)?.pointee, let buffer = info.buffer, let cursor = info.cursor,
      let completer = self.completer
    else { return UInt8(CC_ERROR) }
    let before = String(
      decoding: UnsafeRawBufferPointer(start: buffer, count: buffer.distance(to: cursor)),
      as: UTF8.self)
    let word = Self.completionWord(in: before)
    switch Self.completionAction(lineBeforeCursor: before, candidates: completer(before)) {
    case .none:
      return UInt8(CC_REFRESH_BEEP)
    case .replace(let text, let complete):
      let nextIsSpace =
        info.lastchar.map { cursor < $0 && (cursor.pointee == 0x20 || cursor.pointee == 0x09) } ?? false
      let insertion = text + (complete && !nextIsSpace ? " " : "")
      if !word.isEmpty { el_deletestr(el, Int32(word.unicodeScalars.count)) }
      if !insertion.isEmpty { _ = el_insertstr(el, insertion) }
      return UInt8(CC_REFRESH)
    case .list(let candidates):
      let shown = candidates.prefix(Self.maximumListed)
      var text = "\n" + Self.formatColumns(Array(shown), width: Int(rcadm_el_columns(el)))
      if candidates.count > shown.count {
        text += "… and \(candidates.count - shown.count) more\n"
      }
      writeOutput(text)
      return UInt8(CC_REDISPLAY)
    }
  }

  private static let maximumListed = 300

  // MARK: - Plumbing

  private static func editor(of el: OpaquePointer?) -> LineEditor? {
    guard let el, let data = rcadm_el_get_clientdata(el) else { return nil }
    return Unmanaged<LineEditor>.fromOpaque(data).takeUnretainedValue()
  }

  /// Runs `body` on a new detached thread (libedit blocks in read()); inline if none can be created.
  private static func runOnNewThread(_ body: @escaping @Sendable () -> Void) {
    let box = Unmanaged.passRetained(ThreadBody(body)).toOpaque()
    #if canImport(Darwin)
      var thread: pthread_t?
    #else
      var thread = pthread_t()
    #endif
    let created = pthread_create(
      &thread, nil,
      { raw in
        let body = Unmanaged<ThreadBody>.fromOpaque(unwrap(raw)).takeRetainedValue()
        body.run()
        return nil
      }, box)
    if created == 0 {
      #if canImport(Darwin)
        if let thread { pthread_detach(thread) }
      #else
        pthread_detach(thread)
      #endif
    } else {
      Unmanaged<ThreadBody>.fromOpaque(box).takeRetainedValue().run()
    }
  }
}

private final class ThreadBody: Sendable {
  let run: @Sendable () -> Void
  init(_ run: @escaping @Sendable () -> Void) { self.run = run }
}

func closeDescriptor(_ fd: Int32) -> Int32 {
  close(fd)
}

private func unwrap(_ pointer: UnsafeMutableRawPointer?) -> UnsafeMutableRawPointer {
  pointer!
}
