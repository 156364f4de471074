/// How rcadm connects to every node: credentials, TLS, protocol and deadlines.
public struct ConnectionOptions: Sendable {
  public var user: String?
  public var password: String?
  /// Nil for plaintext TCP.
  public var tls: TLSOptions?
  public var connectTimeout: Duration
  /// Default deadline for each command's reply; a call may pass its own.
  public var commandTimeout: Duration
  /// Ask for RESP3 with `HELLO 3`; servers without HELLO fall back to RESP2.
  public var preferRESP3: Bool

  public init(
    user: String? = nil, password: String? = nil, tls: TLSOptions? = nil,
    connectTimeout: Duration = .seconds(5), commandTimeout: Duration = .seconds(5), preferRESP3: Bool = true
  ) {
    self.user = user
    self.password = password
    self.tls = tls
    self.connectTimeout = connectTimeout
    self.commandTimeout = commandTimeout
    self.preferRESP3 = preferRESP3
  }
}

/// TLS settings with redis-cli's names (`--cacert`, `--cacertdir`, `--cert`, `--key`, `--sni`, `--insecure`).
public struct TLSOptions: Sendable, Hashable {
  public var caCertFile: String?
  public var caCertDir: String?
  public var certFile: String?
  public var keyFile: String?
  /// The name sent in SNI, and the name checked when `verifyHostname` is on.
  public var serverName: String?
  /// Skip certificate verification entirely.
  public var insecure: Bool
  /// Also check that each node's certificate names it (`serverName`, else the host it is
  /// addressed by: a DNS name, or an IP address against the certificate's IP entries). Off by
  /// default, as in redis-cli: cluster nodes are mostly addressed by IPs their certificates
  /// seldom list, so only the chain is verified.
  public var verifyHostname: Bool

  public init(
    caCertFile: String? = nil, caCertDir: String? = nil, certFile: String? = nil, keyFile: String? = nil,
    serverName: String? = nil, insecure: Bool = false, verifyHostname: Bool = false
  ) {
    self.caCertFile = caCertFile
    self.caCertDir = caCertDir
    self.certFile = certFile
    self.keyFile = keyFile
    self.serverName = serverName
    self.insecure = insecure
    self.verifyHostname = verifyHostname
  }
}
