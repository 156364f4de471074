import Foundation
import LocalHost
import Synchronization

// Swift Testing comes with the toolchain's dynamic runtime only: a release build with a static
// standard library (bench) builds this target without it, and then nothing is checked.
#if canImport(Testing)
  import Testing
#endif

/// The result of running a program to completion.
public struct RunResult: Sendable, CustomStringConvertible {
  public var status: Int32
  public var stdout: String
  public var stderr: String
  public var timedOut: Bool

  public var description: String {
    "exit \(status)\(timedOut ? " (timed out)" : "")\n--- stdout\n\(stdout)\n--- stderr\n\(stderr)"
  }
}

/// Runs programs for tests: rcadm itself, redis-cli, python oracles.
public enum Run {
  /// The package root, found from this file's path.
  public static let packageRoot: String = {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<3 { url.deleteLastPathComponent() }
    return url.path
  }()

  /// The rcadm binary under test: $RCADM_BIN, or .build/debug/rcadm (build it with `swift build` first).
  public static var rcadmPath: String {
    if let p = ProcessInfo.processInfo.environment["RCADM_BIN"] { return p }
    return packageRoot + "/.build/debug/rcadm"
  }

  /// Runs rcadm with arguments; the process is killed after `timeout` seconds.
  public static func rcadm(
    _ args: [String], env: [String: String] = [:], stdin: String? = nil, timeout: Double = 120
  ) throws -> RunResult {
    guard FileManager.default.isExecutableFile(atPath: rcadmPath) else {
      throw TestClusterError("rcadm binary not found at \(rcadmPath): run `swift build` before `swift test`")
    }
    var environment = env
    environment["NO_COLOR"] = environment["NO_COLOR"] ?? "1"
    let result = try program(rcadmPath, args, env: environment, stdin: stdin, timeout: timeout)
    SecretWatch.check(result, arguments: args, environment: env)
    return result
  }

  /// Runs any program (looked up on PATH when not a path) and captures its output.
  public static func program(
    _ name: String, _ args: [String], env: [String: String] = [:], stdin: String? = nil, timeout: Double = 120
  ) throws -> RunResult {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: try which(name))
    process.arguments = args
    var environment = ProcessInfo.processInfo.environment
    for k in ["REDISCLI_AUTH", "RCADM_AUTH"] { environment.removeValue(forKey: k) }
    for (k, v) in env { environment[k] = v }
    process.environment = environment
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rcadm-run-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let out = dir.appendingPathComponent("out")
    let err = dir.appendingPathComponent("err")
    _ = FileManager.default.createFile(atPath: out.path, contents: nil)
    _ = FileManager.default.createFile(atPath: err.path, contents: nil)
    process.standardOutput = try FileHandle(forWritingTo: out)
    process.standardError = try FileHandle(forWritingTo: err)
    let input = Pipe()
    process.standardInput = stdin == nil ? FileHandle.nullDevice : input
    try process.run()
    if let stdin {
      input.fileHandleForWriting.write(Data(stdin.utf8))
      try? input.fileHandleForWriting.close()
    }
    let deadline = Date().addingTimeInterval(timeout)
    var timedOut = false
    while process.isRunning {
      if Date() > deadline {
        timedOut = true
        process.terminate()
        Thread.sleep(forTimeInterval: 0.2)
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        break
      }
      Thread.sleep(forTimeInterval: 0.01)
    }
    process.waitUntilExit()
    return RunResult(
      status: process.terminationStatus,
      stdout: (try? String(contentsOf: out, encoding: .utf8)) ?? "",
      stderr: (try? String(contentsOf: err, encoding: .utf8)) ?? "",
      timedOut: timedOut)
  }

  public static func which(_ name: String) throws -> String {
    if name.contains("/") { return name }
    if let path = Processes.find(name) { return path }
    throw TestClusterError("\(name) is not on PATH (install it: apt-get install redis-server redis-tools)")
  }
}

/// Every password the tests hand to servers or to rcadm, and the check, run on every rcadm the
/// tests start, that none of them ever shows in its output (README: the password never appears).
public enum SecretWatch {
  static let known = Mutex<Set<String>>([])

  /// A password some server requires (recorded when the server starts).
  public static func register(_ secret: String) { _ = known.withLock { $0.insert(secret) } }

  /// The secrets of one run: registered ones (typed on stdin too) and those its arguments or
  /// environment carry.
  static func secrets(arguments: [String], environment: [String: String]) -> Set<String> {
    var found = known.withLock { $0 }
    for (i, word) in arguments.enumerated() {
      if ["-a", "--pass", "--from-pass"].contains(word), i + 1 < arguments.count {
        found.insert(arguments[i + 1])
      }
      // redis://user:password@host or redis://password@host
      if let scheme = word.range(of: "://"), let at = word.range(of: "@", options: .backwards),
        scheme.upperBound < at.lowerBound
      {
        let userinfo = word[scheme.upperBound..<at.lowerBound]
        found.insert(String(userinfo.split(separator: ":", maxSplits: 1).last ?? userinfo))
      }
    }
    for name in ["REDISCLI_AUTH", "RCADM_AUTH"] { if let v = environment[name] { found.insert(v) } }
    // Shorter words could appear in any output by chance; tests use longer passwords.
    return found.filter { $0.count >= 5 }
  }

  /// Records a test issue for every secret found in the output of an rcadm run.
  static func check(_ result: RunResult, arguments: [String], environment: [String: String]) {
    for secret in secrets(arguments: arguments, environment: environment) {
      for (stream, text) in [("stdout", result.stdout), ("stderr", result.stderr)] where text.contains(secret)
      {
        #if canImport(Testing)
          Issue.record(
            "rcadm printed a password on \(stream): rcadm \(arguments.joined(separator: " "))\n\(result)")
        #endif
      }
    }
  }
}

/// A failure of the test harness itself.
public struct TestClusterError: Error, CustomStringConvertible {
  public var description: String
  public init(_ d: String) { description = d }
}

/// A program running in the background (a load generator, an rcadm to interrupt).
public final class Spawned: @unchecked Sendable {
  let process: Process
  let out: URL
  let err: URL
  /// For rcadm: its arguments and added environment, to check its output for passwords.
  var rcadmRun: (arguments: [String], environment: [String: String])?
  /// The write end of its standard input while the test keeps it open, and the queue that writes
  /// to it in order (off the caller's thread: a big input fills the pipe before the program reads).
  var input: FileHandle?
  let inputQueue = DispatchQueue(label: "rcadm.test.stdin")

  init(process: Process, out: URL, err: URL) {
    self.process = process
    self.out = out
    self.err = err
  }

  public func signal(_ sig: Int32) { kill(process.processIdentifier, sig) }

  /// Writes more standard input (spawned with `keepInputOpen`), after what was written before.
  public func send(_ text: String) {
    guard let input else { return }
    inputQueue.async { input.write(Data(text.utf8)) }
  }

  /// Ends standard input (spawned with `keepInputOpen`) once what was sent has been written.
  public func closeInput() {
    guard let input else { return }
    self.input = nil
    inputQueue.async { try? input.close() }
  }

  public var isRunning: Bool { process.isRunning }
  public var pid: Int32 { process.processIdentifier }

  /// What the program printed on standard error so far, to observe its progress from outside.
  public var stderrSoFar: String { (try? String(contentsOf: err, encoding: .utf8)) ?? "" }

  /// What the program printed on standard output so far.
  public var stdoutSoFar: String { (try? String(contentsOf: out, encoding: .utf8)) ?? "" }

  /// Waits (bounded) for the program to end and returns what it printed.
  public func wait(timeout: Double = 120) -> RunResult {
    let deadline = Date().addingTimeInterval(timeout)
    var timedOut = false
    while process.isRunning {
      if Date() > deadline {
        timedOut = true
        kill(process.processIdentifier, SIGKILL)
        break
      }
      Thread.sleep(forTimeInterval: 0.01)
    }
    process.waitUntilExit()
    defer { try? FileManager.default.removeItem(at: out.deletingLastPathComponent()) }
    let result = RunResult(
      status: process.terminationStatus, stdout: (try? String(contentsOf: out, encoding: .utf8)) ?? "",
      stderr: (try? String(contentsOf: err, encoding: .utf8)) ?? "", timedOut: timedOut)
    if let run = rcadmRun {
      SecretWatch.check(result, arguments: run.arguments, environment: run.environment)
    }
    return result
  }
}

extension Run {
  /// Starts a program in the background with output captured to files.
  public static func spawn(
    _ name: String, _ args: [String], env: [String: String] = [:], stdin: String? = nil,
    keepInputOpen: Bool = false
  ) throws -> Spawned {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: name == "rcadm" ? rcadmPath : try which(name))
    process.arguments = args
    var environment = ProcessInfo.processInfo.environment
    environment["NO_COLOR"] = "1"
    for (k, v) in env { environment[k] = v }
    process.environment = environment
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
      "rcadm-spawn-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    let out = dir.appendingPathComponent("out")
    let err = dir.appendingPathComponent("err")
    _ = FileManager.default.createFile(atPath: out.path, contents: nil)
    _ = FileManager.default.createFile(atPath: err.path, contents: nil)
    process.standardOutput = try FileHandle(forWritingTo: out)
    process.standardError = try FileHandle(forWritingTo: err)
    let input = Pipe()
    process.standardInput = stdin == nil ? FileHandle.nullDevice : input
    try process.run()
    let spawned = Spawned(process: process, out: out, err: err)
    if name == "rcadm" { spawned.rcadmRun = (args, env) }
    if let stdin {
      spawned.input = input.fileHandleForWriting
      spawned.send(stdin)
      if !keepInputOpen { spawned.closeInput() }
    }
    return spawned
  }
}
