#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Writing to the terminal: colour only on a TTY and never with NO_COLOR.
enum Terminal {
  static let stdoutIsTTY = isatty(STDOUT_FILENO) == 1
  static let stderrIsTTY = isatty(STDERR_FILENO) == 1
  static let stdinIsTTY = isatty(STDIN_FILENO) == 1
  static let colour: Bool = {
    guard stdoutIsTTY, getenv("NO_COLOR") == nil else { return false }
    if let term = getenv("TERM"), String(cString: term) == "dumb" { return false }
    return true
  }()

  static func paint(_ text: String, _ code: String) -> String {
    colour ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
  }
  static func ok(_ t: String) -> String { paint(t, "32") }
  static func err(_ t: String) -> String { paint(t, "1;31") }
  static func warn(_ t: String) -> String { paint(t, "33") }
  static func bold(_ t: String) -> String { paint(t, "1") }
  static func dim(_ t: String) -> String { paint(t, "2") }

  /// Prints a line to standard error.
  static func error(_ line: String) {
    var text = line + "\n"
    text.withUTF8 { buf in _ = write(STDERR_FILENO, buf.baseAddress, buf.count) }
  }

  /// Writes to standard error without a newline (progress lines).
  static func errorInline(_ text: String) {
    var t = text
    t.withUTF8 { buf in _ = write(STDERR_FILENO, buf.baseAddress, buf.count) }
  }

  /// The process environment as a dictionary.
  static var environment: [String: String] {
    var out: [String: String] = [:]
    var p = environ
    while let entry = p.pointee {
      let text = String(cString: entry)
      if let eq = text.firstIndex(of: "=") {
        out[String(text[..<eq])] = String(text[text.index(after: eq)...])
      }
      p += 1
    }
    return out
  }

  static func env(_ name: String) -> String? {
    guard let v = getenv(name) else { return nil }
    return String(cString: v)
  }

  /// Reads a line from the terminal with echo off (for --askpass); nil at EOF.
  static func readSecret(prompt: String) -> String? {
    let fd = open("/dev/tty", O_RDWR)
    let input = fd >= 0 ? fd : STDIN_FILENO
    defer { if fd >= 0 { close(fd) } }
    _ = prompt.withCString { write(input == fd ? fd : STDERR_FILENO, $0, strlen($0)) }
    var saved = termios()
    let hasTTY = tcgetattr(input, &saved) == 0
    if hasTTY {
      var quiet = saved
      quiet.c_lflag &= ~tcflag_t(ECHO)
      tcsetattr(input, TCSAFLUSH, &quiet)
    }
    defer {
      if hasTTY {
        tcsetattr(input, TCSAFLUSH, &saved)
        _ = "\n".withCString { write(input == fd ? fd : STDERR_FILENO, $0, 1) }
      }
    }
    var bytes: [UInt8] = []
    var c: UInt8 = 0
    while read(input, &c, 1) == 1 {
      if c == 10 || c == 13 { return String(decoding: bytes, as: UTF8.self) }
      bytes.append(c)
    }
    return bytes.isEmpty ? nil : String(decoding: bytes, as: UTF8.self)
  }
}
