import CEditLine
import Synchronization

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// The history file's format: one entry per line, newlines and backslashes escaped.
extension LineEditor {
  /// The entries of a history file (nil if it cannot be read or is not a regular file).
  static func loadHistoryFile(_ path: String) -> [String]? {
    var info = stat()
    guard stat(path, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { return nil }
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return nil }
    defer { _ = closeDescriptor(fd) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 65536)
    while true {
      let n = read(fd, &chunk, chunk.count)
      if n < 0, errno == EINTR { continue }
      if n <= 0 { break }
      bytes += chunk[0..<n]
    }
    return parseHistory(String(decoding: bytes, as: UTF8.self))
  }

  /// Writes entries to `path` through a temporary file and rename (mode 0600). A `path` that exists
  /// and is not a regular file (e.g. /dev/null) is left alone; a symlink's target is replaced.
  static func writeHistoryFile(_ path: String, entries: [String]) -> Bool {
    var target = path
    if let resolved = realpath(path, nil) {
      target = String(cString: resolved)
      free(resolved)
    }
    var info = stat()
    if stat(target, &info) == 0, info.st_mode & S_IFMT != S_IFREG { return false }
    let temporary = target + ".tmp.\(getpid())"
    let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
    guard fd >= 0 else { return false }
    let bytes = Array(formatHistory(entries).utf8)
    var written = 0
    while written < bytes.count {
      let n = bytes[written...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
      if n < 0, errno == EINTR { continue }
      if n <= 0 { break }
      written += n
    }
    let closed = closeDescriptor(fd) == 0
    guard written == bytes.count, closed, rename(temporary, target) == 0 else {
      unlink(temporary)
      return false
    }
    return true
  }

  /// One entry per line; `\` is written `\\`, a newline `\n`, a carriage return `\r`.
  static func formatHistory(_ entries: [String]) -> String {
    var output = ""
    for entry in entries {
      for character in entry.unicodeScalars {
        switch character {
        case "\\": output += "\\\\"
        case "\n": output += "\\n"
        case "\r": output += "\\r"
        default: output.unicodeScalars.append(character)
        }
      }
      output += "\n"
    }
    return output
  }

  /// The inverse of `formatHistory`; empty lines are skipped, an unknown escape is kept as is.
  static func parseHistory(_ text: String) -> [String] {
    var entries: [String] = []
    for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
      var entry = ""
      var escaped = false
      for character in line.unicodeScalars {
        if escaped {
          switch character {
          case "n": entry += "\n"
          case "r": entry += "\r"
          case "\\": entry += "\\"
          default: entry += "\\" + String(character)
          }
          escaped = false
        } else if character == "\\" {
          escaped = true
        } else {
          entry.unicodeScalars.append(character)
        }
      }
      if escaped { entry += "\\" }
      entries.append(entry)
    }
    return entries
  }
}
