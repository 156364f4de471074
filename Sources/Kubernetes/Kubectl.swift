import ClusterKit
import JSONDocument
import LocalHost
import RedisCore
import Subprocess
import Synchronization
import SystemPackage

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Runs kubectl. Every call is an argv array (no shell), names the context and namespace, and is
/// bounded in time; failures become sentences that say what to do.
public struct Kubectl: Sendable {
  /// The resolved kubectl executable.
  public let executable: String
  public let context: String?
  public let namespace: String

  /// Finds kubectl: `path` as given (`--kubectl`), else `RCADM_KUBECTL`, else `kubectl` on PATH.
  public init(path: String?, context: String?, namespace: String) throws(KubeError) {
    let wanted = path ?? getenv("RCADM_KUBECTL").map { String(cString: $0) } ?? "kubectl"
    guard let resolved = Processes.find(wanted) else {
      throw KubeError.usage(
        wanted.contains("/")
          ? "kubectl not found at \(wanted) (or not executable)"
          : "kubectl was not found on PATH; install it or \(Remedy.kubectlPath)")
    }
    self.executable = resolved
    self.context = context
    self.namespace = namespace
  }

  /// `--context C -n NS` for every call, so a later change of the current context cannot redirect rcadm.
  public var scope: [String] {
    (context.map { ["--context", $0] } ?? []) + ["-n", namespace]
  }

  /// What a finished kubectl printed.
  public struct Output: Sendable {
    public var status: Int32
    public var stdout: String
    public var stderr: String
  }

  /// What every kubectl child inherits: rcadm's environment without the Redis password variables
  /// (kubectl needs none of them, and a child's environment is readable by its user's processes).
  static let childEnvironment = Environment.inherit.updating(["REDISCLI_AUTH": nil, "RCADM_AUTH": nil])

  /// Runs `kubectl <scope> <args>`, killing it after `timeout`.
  public func run(_ args: [String], timeout: Duration) async throws(KubeError) -> Output {
    let argv = scope + args
    let pid = PidBox()
    let what = "kubectl " + args.prefix(2).joined(separator: " ")
    do {
      return try await withThrowingTaskGroup(of: Output?.self) { group in
        group.addTask {
          let result = try await Subprocess.run(
            .path(.init(executable)), arguments: .init(argv), environment: Self.childEnvironment,
            input: .none,
            output: .string(limit: 64 << 20),
            error: .string(limit: 1 << 20)
          ) { execution in
            pid.value.withLock { $0 = execution.processIdentifier.value }
          }
          let status: Int32
          switch result.terminationStatus {
          case .exited(let code): status = code
          case .signaled(let signal): status = 128 + signal
          }
          return Output(status: status, stdout: result.standardOutput, stderr: result.standardError)
        }
        group.addTask {
          try await Task.sleep(for: timeout)
          return nil
        }
        let first = try await group.next()!
        group.cancelAll()
        guard let first else {
          let p = pid.value.withLock { $0 }
          if p > 0 { kill(p, SIGKILL) }
          throw KubeError.usage(
            "\(what) did not finish within \(timeout.shortText) (is the API server reachable?)")
        }
        return first
      }
    } catch let e as KubeError {
      throw e
    } catch {
      throw KubeError.usage("could not run \(executable): \(error)")
    }
  }

  /// Runs and returns stdout, or throws the classified failure.
  public func output(_ args: [String], timeout: Duration) async throws(KubeError) -> String {
    let out = try await run(args, timeout: timeout)
    guard out.status == 0 else {
      throw KubeError.usage(
        Self.explain(out.stderr, status: out.status, what: args.prefix(2).joined(separator: " ")))
    }
    return out.stdout
  }

  /// Ready-to-use pods matching `selector`; not-ready ones are returned too, marked.
  public func pods(selector: String, container: String?, timeout: Duration) async throws(KubeError)
    -> [KubePod]
  {
    let text = try await output(["get", "pods", "-l", selector, "-o", "json"], timeout: timeout)
    let json: JSON
    do {
      json = try JSON.parse(text)
    } catch {
      throw KubeError.usage("kubectl get pods printed something that is not JSON: \(error)")
    }
    return try PodListParser.parse(json, container: container)
  }

  /// Zones of Kubernetes nodes; empty when nodes cannot be listed (often forbidden to namespace users).
  public func zones(timeout: Duration) async -> [String: String] {
    guard let out = try? await run(["get", "nodes", "-o", "json"], timeout: timeout), out.status == 0,
      let json = try? JSON.parse(out.stdout)
    else { return [:] }
    return PodListParser.zones(json)
  }

  /// Reads one key of a Secret. The value travels only through kubectl's stdout, never an argv.
  public func secret(_ ref: SecretKeyRef, timeout: Duration) async throws(KubeError) -> String {
    // Dots in a key must be escaped inside a jsonpath.
    let key = ref.key.replacingDots()
    let encoded = try await output(
      ["get", "secret", ref.name, "-o", "jsonpath={.data.\(key)}"], timeout: timeout)
    guard !encoded.isEmpty else {
      throw KubeError.usage("secret \(ref.name) in namespace \(namespace) has no key '\(ref.key)'")
    }
    guard let bytes = Base64.decode(encoded.trimmingWhitespace()) else {
      throw KubeError.usage("secret \(ref.name)/\(ref.key) is not valid base64")
    }
    // kubectl users often store the password with a trailing newline (echo without -n).
    return String(decoding: bytes, as: UTF8.self).trimmingWhitespace()
  }

  /// A sentence for kubectl's stderr: RBAC, context, API server, missing objects.
  public static func explain(_ stderr: String, status: Int32, what: String) -> String {
    let lines = stderr.split(whereSeparator: \.isNewline).map(String.init).filter {
      !$0.hasPrefix("Defaulted container")
    }
    let first = lines.first ?? "exit code \(status)"
    if stderr.contains("current-context is not set") || stderr.contains("context was not found")
      || (stderr.contains("context \"") && stderr.contains("does not exist"))
    {
      return
        "kubectl has no usable context (\(first)); \(Remedy.kubeContext)"
    }
    if stderr.contains("localhost:8080") {
      // kubectl with no configured cluster falls back to localhost:8080.
      return
        "kubectl has no cluster configured (it fell back to localhost:8080); set KUBECONFIG, or \(Remedy.kubeContext)"
    }
    if stderr.contains("(Forbidden)") {
      return
        "kubectl \(what) was forbidden by RBAC: \(first). rcadm needs get/list on pods, create on pods/exec "
        + "(exec transport) or pods/portforward (port-forward transport), and get on secrets for \(Setting.kubeSecret)"
    }
    if stderr.contains("Unable to connect to the server") || stderr.contains("was refused - did you specify")
    {
      return "kubectl cannot reach the Kubernetes API server: \(first)"
    }
    if stderr.contains("(NotFound)") { return "kubectl \(what): \(first)" }
    return "kubectl \(what) failed (exit \(status)): \(lines.prefix(3).joined(separator: " / "))"
  }

}

extension String {
  func trimmingWhitespace() -> String {
    var s = Substring(self)
    while let c = s.first, c.isWhitespace { s = s.dropFirst() }
    while let c = s.last, c.isWhitespace { s = s.dropLast() }
    return String(s)
  }

  fileprivate func replacingDots() -> String {
    var out = ""
    for c in self { out += c == "." ? "\\." : String(c) }
    return out
  }
}

/// Standard base64, as Secret data is.
enum Base64 {
  static func decode(_ text: String) -> [UInt8]? {
    var table = [Int16](repeating: -1, count: 256)
    for (i, c) in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8.enumerated() {
      table[Int(c)] = Int16(i)
    }
    var out: [UInt8] = []
    var buffer = 0
    var bits = 0
    for c in text.utf8 where c != UInt8(ascii: "=") {
      let v = table[Int(c)]
      guard v >= 0 else { return nil }
      buffer = (buffer << 6) | Int(v)
      bits += 6
      if bits >= 8 {
        bits -= 8
        out.append(UInt8((buffer >> bits) & 0xFF))
      }
    }
    return out
  }
}

/// The pid of a child, set once it runs.
final class PidBox: Sendable {
  let value = Mutex<pid_t>(0)
}
