import ClusterKit
import LocalHost
import RESP
import RedisCore

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A throwaway, non-cluster server on 127.0.0.1 that loads one RDB file, so `restore` can import
/// its keys: the server reads every format it writes, so rcadm never parses values itself. It
/// runs with a random password, saves nothing, and lives in its own temporary directory.
struct LocalServer: Sendable {
  var address: NodeAddress
  var password: String
  var binary: String
  var directory: String

  /// Why no candidate server could load the file.
  struct LoadFailure: Error, CustomStringConvertible {
    var description: String
  }

  /// Starts the first of `binaries` that loads `rdb` (an older server refuses a newer RDB format:
  /// the next one is tried) and waits, within `timeout`, until it has loaded it.
  static func start(
    loading rdb: String, binaries: [String], timeout: Duration,
    connector: @Sendable (String) throws -> any NodeConnector
  ) async throws -> (LocalServer, any NodeSession) {
    var reasons: [String] = []
    for binary in binaries {
      // A port can be taken between the check and the server's bind: try a few.
      for _ in 0..<4 {
        try Task.checkCancellation()
        let server = try prepare(rdb: rdb, binary: binary)
        do {
          let session = try await server.waitUntilLoaded(
            timeout: timeout, connector: try connector(server.password))
          return (server, session)
        } catch let failure as LoadFailure {
          server.stop()
          if failure.description.contains("Address already in use") { continue }
          reasons.append("\(binary): \(failure.description)")
          break
        } catch {
          server.stop()
          throw error
        }
      }
    }
    throw OperationError(
      "no local server could load \(rdb): \(reasons.joined(separator: "; "))"
        + " (a newer RDB format needs a newer redis-server or valkey-server)")
  }

  static func prepare(rdb: String, binary: String) throws -> LocalServer {
    var template = Array("/tmp/rcadm-restore-XXXXXX".utf8CString)
    guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
      throw OperationError("cannot create a temporary directory: \(String(cString: strerror(errno)))")
    }
    let directory = String(cString: made)
    let absolute = rdb.hasPrefix("/") ? rdb : Self.workingDirectory() + "/" + rdb
    guard symlink(absolute, "\(directory)/dump.rdb") == 0 else {
      throw OperationError("cannot link \(rdb) into \(directory): \(String(cString: strerror(errno)))")
    }
    var port = 0
    for _ in 0..<100 {
      let candidate = Int.random(in: 20_000..<32_000)
      if LocalPorts.canBind(host: "127.0.0.1", port: candidate) {
        port = candidate
        break
      }
    }
    guard port > 0 else { throw OperationError("no free port on 127.0.0.1 for a local server") }
    let password = (0..<4).map { _ in String(UInt64.random(in: .min ... .max), radix: 16) }.joined()
    let config = """
      port \(port)
      bind 127.0.0.1
      dir \(directory)
      dbfilename dump.rdb
      daemonize yes
      pidfile \(directory)/server.pid
      logfile \(directory)/server.log
      save ""
      appendonly no
      requirepass \(password)

      """
    guard LocalFiles.writeFile("\(directory)/server.conf", config) else {
      throw OperationError("cannot write \(directory)/server.conf")
    }
    chmod("\(directory)/server.conf", 0o600)
    return LocalServer(
      address: NodeAddress(host: "127.0.0.1", port: port), password: password, binary: binary,
      directory: directory)
  }

  static func workingDirectory() -> String {
    var buffer = [CChar](repeating: 0, count: 4096)
    return getcwd(&buffer, buffer.count).map { String(cString: $0) } ?? "."
  }

  var pid: Int32? {
    LocalFiles.readFile("\(directory)/server.pid").flatMap { Int32($0.filter(\.isNumber)) }
  }

  /// The last lines of the server's log, for messages.
  var logTail: String {
    let log = LocalFiles.readFile("\(directory)/server.log") ?? ""
    let lines = log.split(separator: "\n").suffix(3).map { line in
      // Redis prefixes "pid:role date time level": keep the message.
      line.split(separator: " ", maxSplits: 5).last.map(String.init) ?? String(line)
    }
    return lines.joined(separator: " / ")
  }

  /// Daemonizes the server, then polls PING every 20 ms until it answers PONG (not LOADING).
  func waitUntilLoaded(timeout: Duration, connector: any NodeConnector) async throws -> any NodeSession {
    let status = await Processes.run(
      binary, ["\(directory)/server.conf"], logFile: "\(directory)/startup.log")
    guard status == 0 else {
      throw LoadFailure(
        description:
          "exited with status \(status): \(LocalFiles.readFile("\(directory)/startup.log") ?? "")")
    }
    let clock = ContinuousClock()
    let deadline = clock.now + timeout
    var session: (any NodeSession)?
    while clock.now < deadline {
      if let pid, !Processes.isAlive(pid) { throw LoadFailure(description: logTail) }
      if session == nil { session = try? await connector.connect(to: address) }
      if let s = session {
        do {
          let reply = try await s.pipeline([["PING"]])[0]
          if reply.string == "PONG" { return s }
          if let m = reply.errorMessage, !m.hasPrefix("LOADING") { throw LoadFailure(description: m) }
        } catch is LoadFailure {
          throw LoadFailure(description: logTail)
        } catch {
          await s.close()
          session = nil
        }
      }
      try await Task.sleep(for: .milliseconds(20))
    }
    await session?.close()
    throw OperationError(
      "the local \(binary) on \(address) did not finish loading \(directory)/dump.rdb within \(timeout.shortText)"
    )
  }

  /// SIGTERM (the server saves nothing: `save ""`), SIGKILL after 5 s; removes the directory.
  /// Blocking, not async: it must finish also when the task that started the server is cancelled.
  func stop() {
    // A daemonized server writes its pid file just after it forks: one started a moment ago (a
    // restore cancelled right then) may not have written it yet.
    var pid = self.pid
    let patience = ContinuousClock.now + .milliseconds(500)
    while pid == nil && ContinuousClock.now < patience {
      usleep(10_000)
      pid = self.pid
    }
    if let pid, Processes.isAlive(pid) {
      Processes.terminate(pid)
      let deadline = ContinuousClock.now + .seconds(5)
      while Processes.isAlive(pid) && ContinuousClock.now < deadline { usleep(10_000) }
      if Processes.isAlive(pid) { Processes.terminate(pid, force: true) }
    }
    LocalFiles.removeTree(directory)
  }
}
