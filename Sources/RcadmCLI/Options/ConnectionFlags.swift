import ArgumentParser
import ClusterKit
import RedisClient
import RedisCore
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

/// Parses the seed node words (`host:port`, `host port`, URL) into a spec, or a usage error.
func parseSeed(_ words: [String]) throws -> NodeSpec {
  do {
    return try NodeSpec.parse(words)
  } catch {
    throw RcadmError.usage(error.description)
  }
}
