import ArgumentParser
import ClusterKit
import RedisClient
import Synchronization

#if canImport(Glibc)
  import Glibc
#endif

/// Connection options every command takes, with redis-cli's names.
struct ConnectionFlags: ParsableArguments {
  @Option(
    name: [.customShort("a"), .customLong("pass")],
    help: "Password (prefer --askpass or REDISCLI_AUTH: argv is visible to other users).")
  var password: String?

  @Option(help: "ACL user name (with -a/--pass or --askpass).")
  var user: String?

  @Flag(help: "Prompt for the password on the terminal.")
  var askpass = false

  @Flag(help: "Do not warn about a password given on the command line (-a/--pass or a URL).")
  var noAuthWarning = false

  @Flag(help: "Connect with TLS.")
  var tls = false

  @Option(help: "CA certificate file to verify nodes with (implies --tls).", completion: .file())
  var cacert: String?

  @Option(help: "Directory of CA certificates (implies --tls).", completion: .directory)
  var cacertdir: String?

  @Option(help: "Client certificate for TLS (implies --tls).", completion: .file())
  var cert: String?

  @Option(help: "Private key of --cert.", completion: .file())
  var key: String?

  @Option(help: "TLS server name (SNI); with --tls-verify-hostname, the name each certificate must hold.")
  var sni: String?

  @Flag(
    help:
      "Also check that each node's certificate names it (its DNS name, its IP address, or --sni); by default, as in redis-cli, only the chain is verified."
  )
  var tlsVerifyHostname = false

  @Flag(help: "Do not verify the nodes' TLS certificates.")
  var insecure = false

  @Option(
    name: .customLong("timeout"),
    help:
      "Seconds any single wait may take: a connection, a reply (default 5), or a cluster-wide wait such as a join (default 60)."
  )
  var timeoutOption: Double?

  @OptionGroup(title: "Kubernetes Options")
  var kube: KubeFlags

  /// Seconds for connections and replies.
  var timeout: Double { timeoutOption ?? 5 }
  var timeoutGiven: Bool { timeoutOption != nil }

  func validate() throws {
    guard timeout > 0, timeout <= 86_400 else {
      throw ValidationError(
        "--timeout must be a number of seconds above 0 and at most 86400 (got \(timeout))")
    }
    if key != nil && cert == nil { throw ValidationError("--key needs --cert") }
    if tlsVerifyHostname && insecure {
      throw ValidationError("--tls-verify-hostname checks certificates and --insecure skips them: choose one")
    }
  }

  /// Options for connecting, merging flags, a URL's credentials and the environment.
  /// Order: --askpass, -a/--pass, URL, REDISCLI_AUTH, RCADM_AUTH.
  func options(for spec: NodeSpec? = nil) throws -> ConnectionOptions {
    if (password != nil || spec?.password != nil) && !noAuthWarning {
      warnAboutPasswordOnCommandLine()
    }
    var password = password ?? spec?.password ?? Terminal.env("REDISCLI_AUTH") ?? Terminal.env("RCADM_AUTH")
    if askpass {
      // Asked once per process, however many connectors a command builds.
      let typed = askedPassword.withLock { cached in
        if cached == nil { cached = Terminal.readSecret(prompt: "Please input password: ") }
        return cached
      }
      guard let typed else {
        throw RcadmError.usage("--askpass: no password could be read from the terminal")
      }
      password = typed
    }
    let wantsTLS =
      tls || spec?.tls == true || cacert != nil || cacertdir != nil || cert != nil || tlsVerifyHostname
    let tlsOptions =
      wantsTLS
      ? TLSOptions(
        caCertFile: cacert, caCertDir: cacertdir, certFile: cert, keyFile: key, serverName: sni,
        insecure: insecure, verifyHostname: tlsVerifyHostname)
      : nil
    return ConnectionOptions(
      user: user ?? spec?.user, password: password, tls: tlsOptions,
      connectTimeout: .milliseconds(Int(timeout * 1000)), commandTimeout: .milliseconds(Int(timeout * 1000)))
  }
}

/// The password typed for --askpass.
let askedPassword = Mutex<String?>(nil)

/// Printed once per process, as redis-cli does for -a.
private let passwordWarningShown = Atomic<Bool>(false)

func warnAboutPasswordOnCommandLine() {
  guard !passwordWarningShown.exchange(true, ordering: .relaxed) else { return }
  Terminal.error(
    Terminal.warn("Warning: ")
      + "a password on the command line may be seen by other users of this machine (rcadm hides it from ps once started); prefer REDISCLI_AUTH or --askpass, or pass --no-auth-warning"
  )
}

/// Overwrites the passwords in rcadm's own argv (after Swift copied the arguments) with `*`, so
/// `ps` and /proc/PID/cmdline no longer show one given with -a/--pass/--from-pass or inside a URL. Words
/// after `--` (a Redis command for exec) are left alone.
func hidePasswordsFromProcessList() {
  let argv = CommandLine.unsafeArgv
  var hideNext = false
  for i in 1..<Int(CommandLine.argc) {
    guard let word = argv[i] else { continue }
    let bytes = UnsafeMutableRawBufferPointer(start: word, count: strlen(word))
    let star = UInt8(ascii: "*")
    if hideNext {
      for j in bytes.indices { bytes[j] = star }
      hideNext = false
      continue
    }
    let text = Array(bytes)
    if text == Array("--".utf8) { return }
    if text == Array("-a".utf8) || text == Array("--pass".utf8) || text == Array("--from-pass".utf8) {
      hideNext = true
    } else if text.starts(with: Array("--pass=".utf8)) {
      for j in 7..<bytes.count { bytes[j] = star }
    } else if text.starts(with: Array("--from-pass=".utf8)) {
      for j in 12..<bytes.count { bytes[j] = star }
    } else if let range = urlPasswordRange(text) {
      for j in range { bytes[j] = star }
    }
  }
}

/// Where the password of `scheme://user:password@host` (or `scheme://password@host`) lies.
func urlPasswordRange(_ word: [UInt8]) -> Range<Int>? {
  let colon = UInt8(ascii: ":")
  let slash = UInt8(ascii: "/")
  guard
    let schemeEnd = word.indices.first(where: { i in
      i + 2 < word.count && word[i] == colon && word[i + 1] == slash && word[i + 2] == slash
    }), let at = word.lastIndex(of: UInt8(ascii: "@")), at > schemeEnd + 3
  else { return nil }
  let userinfo = (schemeEnd + 3)..<at
  let start = word[userinfo].firstIndex(of: colon).map { $0 + 1 } ?? userinfo.lowerBound
  return start..<at
}

/// Parses the seed node words (`host:port`, `host port`, URL) into a spec, or a usage error.
func parseSeed(_ words: [String]) throws -> NodeSpec {
  do {
    return try NodeSpec.parse(words)
  } catch {
    throw RcadmError.usage(error.description)
  }
}

/// The ways rcadm ends other than success, mapped onto the documented exit codes.
enum RcadmError: Error, CustomStringConvertible {
  /// Bad arguments, unreachable seed, auth, validation: nothing was changed (exit 2).
  case usage(String)
  /// The cluster has problems or an operation partly failed (exit 1); the message is already printed if empty.
  case problems(String)
  /// Interrupted mid-operation; `rcadm fix` recovers (exit 3).
  case interrupted(String)
  /// A change failed or was stopped after some steps took effect (exit 1, or 3 when interrupted).
  case changed(ChangeReport)

  var description: String {
    switch self {
    case .usage(let m), .problems(let m), .interrupted(let m): return m
    case .changed(let report): return report.message
    }
  }

  var exitCode: Int32 {
    switch self {
    case .usage: return 2
    case .problems: return 1
    case .interrupted: return 3
    case .changed(let report): return report.exitCode
    }
  }
}
