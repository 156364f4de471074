import Foundation
import TestCluster
import Testing

/// TLS that checks, against real redis-server TLS ports: client certificates required by the
/// server, an expired certificate, a certificate for another name (verified only with
/// --tls-verify-hostname, as redis-cli verifies only the chain), unreadable --cacertdir files.
@Suite(.serialized) struct TLSTests {
  /// One standalone TLS server with `configure` applied to the options.
  func withTLSServer(_ configure: (inout ServerOptions) -> Void, _ body: (TestCluster) async throws -> Void)
    async throws
  {
    var options = ServerOptions()
    options.clusterEnabled = false
    options.tls = try TestCerts.make()
    configure(&options)
    try await withTestCluster(1, options: options, body)
  }

  func ping(_ c: TestCluster, _ flags: [String]) throws -> RunResult {
    try Run.rcadm(["exec", c.addressStrings[0], "--timeout", "3"] + flags + ["--", "PING"])
  }

  @Test func clientCertificateRequired() async throws {
    let certs = try TestCerts.make()
    try await withTLSServer({ $0.tlsAuthClients = true }) { c in
      let with = try ping(c, ["--cacert", certs.ca, "--cert", certs.client.cert, "--key", certs.client.key])
      #expect(with.status == 0 && with.stdout.contains("PONG"), "\(with)")
      let without = try ping(c, ["--cacert", certs.ca])
      #expect(without.status == 2, "\(without)")
      #expect(without.stderr.contains("requires a client certificate: pass --cert and --key"), "\(without)")
      // A client certificate from a CA the server does not trust.
      let stranger = try ping(
        c, ["--cacert", certs.ca, "--cert", certs.selfSigned.cert, "--key", certs.selfSigned.key])
      #expect(stranger.status == 2, "\(stranger)")
      #expect(stranger.stderr.contains("refused the certificate given as --cert"), "\(stranger)")
      let keyless = try ping(c, ["--cacert", certs.ca, "--cert", certs.client.cert])
      #expect(keyless.status == 2 && keyless.stderr.contains("--cert needs --key"), "\(keyless)")
    }
  }

  @Test func expiredCertificate() async throws {
    let certs = try TestCerts.make()
    try certs.waitUntilExpired()
    try await withTLSServer({ $0.tlsCertificate = certs.expired }) { c in
      let r = try ping(c, ["--cacert", certs.ca])
      #expect(r.status == 2, "\(r)")
      #expect(r.stderr.contains("its certificate expired on 20"), "\(r)")
      // --insecure is the operator's explicit way past it.
      #expect(try ping(c, ["--cacert", certs.ca, "--insecure"]).status == 0)
    }
  }

  @Test func nameMismatchIsCheckedOnlyWhenAsked() async throws {
    let certs = try TestCerts.make()
    try await withTLSServer({ $0.tlsCertificate = certs.otherName }) { c in
      // As redis-cli: the chain is trusted, the name is not checked.
      let chainOnly = try ping(c, ["--cacert", certs.ca])
      #expect(chainOnly.status == 0, "\(chainOnly)")
      let checked = try ping(c, ["--cacert", certs.ca, "--tls-verify-hostname"])
      #expect(checked.status == 2, "\(checked)")
      #expect(
        checked.stderr.contains("its certificate is for other.example.test, not 127.0.0.1"), "\(checked)")
      let named = try ping(c, ["--cacert", certs.ca, "--tls-verify-hostname", "--sni", "other.example.test"])
      #expect(named.status == 0, "\(named)")
      let wrongName = try ping(
        c, ["--cacert", certs.ca, "--tls-verify-hostname", "--sni", "third.example.test"])
      #expect(wrongName.stderr.contains("not third.example.test"), "\(wrongName)")
      let both = try ping(c, ["--tls-verify-hostname", "--insecure"])
      #expect(both.status == 2 && both.stderr.contains("choose one"), "\(both)")
    }
    // The right certificate passes the name check by IP address (its IP entry) and by DNS name.
    try await withTLSServer({ _ in }) { c in
      #expect(try ping(c, ["--cacert", certs.ca, "--tls-verify-hostname"]).status == 0)
      let byName = try Run.rcadm(
        ["exec", "localhost:\(c[0].port)", "--cacert", certs.ca, "--tls-verify-hostname", "--", "PING"])
      #expect(byName.status == 0, "\(byName)")
    }
  }

  @Test func unreadableCACertificateDirectoryFilesAreNamed() async throws {
    let certs = try TestCerts.make()
    let dir = NSTemporaryDirectory() + "rcadm-cadir-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    try FileManager.default.copyItem(atPath: certs.ca, toPath: dir + "/ca.pem")
    try await withTLSServer({ _ in }) { c in
      #expect(try ping(c, ["--cacertdir", dir]).status == 0)
      try "not a certificate\n".write(toFile: dir + "/broken.crt", atomically: true, encoding: .utf8)
      let r = try ping(c, ["--cacertdir", dir])
      #expect(r.status == 2, "\(r)")
      #expect(r.stderr.contains("broken.crt is not a PEM certificate"), "\(r)")
    }
  }
}
