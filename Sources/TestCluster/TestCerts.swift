import Foundation

/// A throwaway CA with certificates made by the openssl CLI: a server certificate for
/// 127.0.0.1/localhost, a client certificate, one for another name only, and an expired one.
public struct TestCerts: Sendable {
  /// A certificate and its private key.
  public struct Pair: Sendable {
    public var cert: String
    public var key: String
  }

  public var ca: String
  public var serverCert: String
  public var serverKey: String
  public var directory: String
  /// Signed by the CA, for `tls-auth-clients yes` servers.
  public var client: Pair
  /// Valid and signed by the CA, but for `other.example.test` only (no IP entry).
  public var otherName: Pair
  /// For 127.0.0.1/localhost, signed by the CA, no longer valid (see `waitUntilExpired`).
  public var expired: Pair
  /// Self-signed: issued by no CA the servers trust.
  public var selfSigned: Pair

  public var server: Pair { Pair(cert: serverCert, key: serverKey) }

  /// Creates the files once per test process.
  public static func make() throws -> TestCerts {
    try lock.withLock {
      if let cached { return cached }
      let dir = NSTemporaryDirectory() + "rcadm-tests/certs-\(getpid())"
      try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
      func run(_ args: [String]) throws {
        let r = try Run.program("openssl", args, timeout: 60)
        guard r.status == 0 else { throw TestClusterError("openssl \(args[0]) failed: \(r)") }
      }
      try run([
        "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=rcadm test CA",
        "-keyout", "\(dir)/ca.key", "-out", "\(dir)/ca.crt",
      ])
      /// A key and a certificate signed by the CA, valid for `days` (0: it expires at once).
      func issue(_ name: String, subject: String, san: String?, days: Int) throws -> Pair {
        try run([
          "req", "-newkey", "rsa:2048", "-nodes", "-subj", subject, "-keyout", "\(dir)/\(name).key",
          "-out", "\(dir)/\(name).csr",
        ])
        var args = [
          "x509", "-req", "-in", "\(dir)/\(name).csr", "-CA", "\(dir)/ca.crt", "-CAkey", "\(dir)/ca.key",
          "-CAcreateserial", "-days", String(days), "-out", "\(dir)/\(name).crt",
        ]
        if let san {
          try "subjectAltName=\(san)\n".write(toFile: "\(dir)/\(name).ext", atomically: true, encoding: .utf8)
          args += ["-extfile", "\(dir)/\(name).ext"]
        }
        try run(args)
        return Pair(cert: "\(dir)/\(name).crt", key: "\(dir)/\(name).key")
      }
      try run([
        "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=stranger",
        "-keyout", "\(dir)/stranger.key", "-out", "\(dir)/stranger.crt",
      ])
      let server = try issue("server", subject: "/CN=localhost", san: "IP:127.0.0.1,DNS:localhost", days: 2)
      let certs = TestCerts(
        ca: "\(dir)/ca.crt", serverCert: server.cert, serverKey: server.key, directory: dir,
        client: try issue("client", subject: "/CN=rcadm test client", san: nil, days: 2),
        otherName: try issue(
          "other", subject: "/CN=other.example.test", san: "DNS:other.example.test", days: 2),
        expired: try issue("expired", subject: "/CN=localhost", san: "IP:127.0.0.1,DNS:localhost", days: 0),
        selfSigned: Pair(cert: "\(dir)/stranger.crt", key: "\(dir)/stranger.key"))
      cached = certs
      return certs
    }
  }

  /// Waits (bounded) until `expired` is past its end date: made with zero days, it expires
  /// within a second of its creation.
  public func waitUntilExpired() throws {
    for _ in 0..<100 {
      let r = try Run.program("openssl", ["x509", "-checkend", "0", "-noout", "-in", expired.cert])
      if r.status != 0 { return }
      Thread.sleep(forTimeInterval: 0.05)
    }
    throw TestClusterError("the expired test certificate is still valid after 5 s")
  }

  private static let lock = NSLock()
  nonisolated(unsafe) private static var cached: TestCerts?
}
