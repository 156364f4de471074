import ClusterKit
import RESP
import RedisClient
import RedisCore
import TestCluster
import Testing

/// The client against a real redis-server.
@Suite struct RealServerTests {
  @Test func helloNegotiatesRESP3AndPipelines() async throws {
    try await withTestCluster(
      1,
      options: {
        var o = ServerOptions(); o.clusterEnabled = false; return o
      }()
    ) { nodes in
      let c = try await nodes.session(0)
      defer { Task { await c.close() } }
      #expect(c.protocolVersion == 3)
      let n = 10_000
      let sets = (0..<n).map { ["SET", "key:\($0)", "value-\($0)"] }
      let replies = try await c.pipeline(sets)
      #expect(replies.count == n)
      #expect(replies.allSatisfy { $0 == .simpleString("OK") })
      let gets = try await c.pipeline((0..<n).map { ["GET", "key:\($0)"] })
      #expect(gets.enumerated().allSatisfy { $0.element.string == "value-\($0.offset)" })
      // RESP3 map reply, binary-safe values.
      try await c.call(["HSET", "h", "f", "a\r\nb\u{0}c"])
      let map = try await c.call("HGETALL", "h")
      #expect(map == .map([RESPPair(.bulkString(Array("f".utf8)), .bulkString(Array("a\r\nb\u{0}c".utf8)))]))
      // Error replies are values in a pipeline, and throw from call().
      let mixed = try await c.pipeline([["PING"], ["NOSUCHCOMMAND"], ["PING"]])
      #expect(mixed[1].errorMessage?.hasPrefix("ERR unknown command") == true)
      let error = await #expect(throws: ServerError.self) { try await c.call("INCR", "h") }
      #expect(error?.code == "WRONGTYPE")
    }
  }

  @Test func authWithUserAndPassword() async throws {
    var options = ServerOptions()
    options.clusterEnabled = false
    options.password = "pw1"
    try await withTestCluster(1, options: options) { nodes in
      let admin = try await nodes.session(0, password: "pw1")
      try await admin.call("ACL", "SETUSER", "alice", "on", ">alicepw", "+ping", "+get", "~*")
      await admin.close()
      let alice = try await RedisConnector(options: ConnectionOptions(user: "alice", password: "alicepw"))
        .open(nodes[0].address)
      #expect(try await alice.call("PING") == .simpleString("PONG"))
      let denied = await #expect(throws: ServerError.self) { try await alice.call("SET", "k", "v") }
      #expect(denied?.code == "NOPERM")
      await alice.close()
      let wrong = await #expect(throws: ConnectionError.self) {
        _ = try await RedisConnector(options: ConnectionOptions(user: "alice", password: "nope")).open(
          nodes[0].address)
      }
      #expect(wrong?.kind == .auth)
      #expect(wrong?.detail.contains("rejected the password for user 'alice'") == true)
      let missing = await #expect(throws: ConnectionError.self) {
        _ = try await RedisConnector(options: ConnectionOptions()).open(nodes[0].address)
      }
      #expect(
        missing?.detail
          == "\(nodes[0].address) requires a password: \(Remedy.givePassword)")
    }
  }

  @Test func tlsConnectsWithTheCAAndExplainsFailures() async throws {
    let certs = try TestCerts.make()
    var options = ServerOptions()
    options.clusterEnabled = false
    options.tls = certs
    try await withTestCluster(1, options: options) { nodes in
      let good = try await RedisConnector(options: ConnectionOptions(tls: TLSOptions(caCertFile: certs.ca)))
        .open(nodes[0].address)
      #expect(try await good.call("PING") == .simpleString("PONG"))
      await good.close()
      let dirTrust = try await RedisConnector(
        options: ConnectionOptions(tls: TLSOptions(caCertDir: certs.directory))
      ).open(nodes[0].address)
      await dirTrust.close()
      let insecure = try await RedisConnector(options: ConnectionOptions(tls: TLSOptions(insecure: true)))
        .open(nodes[0].address)
      await insecure.close()
      let untrusted = await #expect(throws: ConnectionError.self) {
        _ = try await RedisConnector(options: ConnectionOptions(tls: TLSOptions())).open(nodes[0].address)
      }
      #expect(untrusted?.kind == .tls)
      #expect(untrusted?.detail.contains("not trusted") == true)
      // Plaintext to a TLS port.
      let plain = await #expect(throws: ConnectionError.self) {
        _ = try await RedisConnector(options: ConnectionOptions(connectTimeout: .seconds(2))).open(
          nodes[0].address)
      }
      #expect(plain?.detail.contains("\(Remedy.connectWithTLS)") == true, "\(String(describing: plain))")
    }
  }

  @Test func tlsToAPlaintextPortIsExplained() async throws {
    let certs = try TestCerts.make()
    var options = ServerOptions()
    options.clusterEnabled = false
    try await withTestCluster(1, options: options) { nodes in
      let error = await #expect(throws: ConnectionError.self) {
        _ = try await RedisConnector(
          options: ConnectionOptions(tls: TLSOptions(caCertFile: certs.ca), connectTimeout: .seconds(1))
        ).open(nodes[0].address)
      }
      #expect(error?.kind == .tls)
      #expect(error?.detail.contains("does not speak TLS") == true)
    }
  }

  @Test func missingCertificateFileIsASentence() throws {
    let error = #expect(throws: ConnectionError.self) {
      _ = try RedisConnector(options: ConnectionOptions(tls: TLSOptions(caCertFile: "/nonexistent/ca.crt")))
    }
    #expect(error?.detail == "\(Setting.caFile) /nonexistent/ca.crt: file not found or not readable")
  }
}
