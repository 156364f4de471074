#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Files, directories and ports on this machine, without Foundation (sandbox, backup, restore).
public enum LocalFiles {
  public static func readFile(_ path: String) -> String? {
    guard let f = fopen(path, "r") else { return nil }
    defer { fclose(f) }
    var bytes: [UInt8] = []
    var buf = [UInt8](repeating: 0, count: 4096)
    while true {
      let n = fread(&buf, 1, buf.count, f)
      if n <= 0 { break }
      bytes += buf[0..<n]
    }
    return String(decoding: bytes, as: UTF8.self)
  }

  public static func writeFile(_ path: String, _ text: String) -> Bool {
    guard let f = fopen(path, "w") else { return false }
    defer { fclose(f) }
    return text.utf8CString.withUnsafeBufferPointer {
      fwrite($0.baseAddress, 1, $0.count - 1, f) == $0.count - 1
    }
  }

  public static func makeDirectory(_ path: String) -> Bool {
    var partial = path.hasPrefix("/") ? "" : "."
    for part in path.split(separator: "/") {
      partial += "/" + part
      if mkdir(partial, 0o755) != 0 && errno != EEXIST { return false }
    }
    return true
  }

  /// Names of the entries of a directory (without . and ..).
  public static func list(_ dir: String) -> [String] {
    guard let d = opendir(dir) else { return [] }
    defer { closedir(d) }
    var names: [String] = []
    while let entry = readdir(d) {
      let name = withUnsafeBytes(of: entry.pointee.d_name) {
        String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self)
      }
      if name != "." && name != ".." { names.append(name) }
    }
    return names.sorted()
  }

  /// Removes `path` and everything under it (symbolic links are removed, never followed); true when
  /// nothing is left. Done here rather than by `rm -rf`: no process to start, and it works where
  /// a task was cancelled.
  @discardableResult
  public static func removeTree(_ path: String) -> Bool {
    var info = stat()
    guard lstat(path, &info) == 0 else { return errno == ENOENT }
    if (info.st_mode & S_IFMT) == S_IFDIR {
      for name in list(path) { removeTree(path + "/" + name) }
      return rmdir(path) == 0
    }
    return unlink(path) == 0
  }
}

/// Ports on this machine.
public enum LocalPorts {
  /// True when both `port` and `port + 10000` (the cluster bus) can be bound on `host`.
  public static func portsFree(host: String, port: Int) -> Bool {
    canBind(host: host, port: port) && (port + 10000 > 65535 || canBind(host: host, port: port + 10000))
  }

  public static func canBind(host: String, port: Int) -> Bool {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { return false }
    defer { close(fd) }
    // redis-server binds with SO_REUSEADDR, so a port held only by TIME_WAIT sockets is usable.
    var yes: Int32 = 1
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_port = in_port_t(UInt16(port).bigEndian)
    guard inet_pton(AF_INET, host == "localhost" ? "127.0.0.1" : host, &addr.sin_addr) == 1 else {
      return false
    }
    return withUnsafePointer(to: &addr) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
      }
    }
  }
}
