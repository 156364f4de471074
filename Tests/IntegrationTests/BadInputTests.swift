import ClusterKit
import Foundation
import RedisCore
import TestCluster
import Testing

/// Every bad input: a clear sentence on stderr, exit code 2, nothing changed.
@Suite struct BadInputTests {
  @Test(arguments: [
    (["check", "nohost"], "'nohost': missing port"),
    (["check", "127.0.0.1:70000"], "port 70000 is out of range (1-65535)"),
    (["check", "127.0.0.1:0"], "port 0 is out of range"),
    (["check", "::1:7000"], "[::1]:7000"),
    (["check", "ftp://h:1"], "unknown scheme"),
    (["check", "127.0.0.1", "7000", "extra"], "expected one node"),
    (["check", "127.0.0.1:7000", "--timeout", "0"], "--timeout must be a number of seconds above 0"),
    (["check", "127.0.0.1:7000", "--replicas=-1"], "--replicas must be 0 or more"),
    (
      ["check", "127.0.0.1:7000", "--cacert", "/nonexistent.pem"],
      "--cacert /nonexistent.pem: file not found or not readable"
    ),
    (["check", "127.0.0.1:7000", "--no-such-flag"], "Unknown option '--no-such-flag'"),
    (["call", "127.0.0.1:7000"], "give the command to run after --"),
    (["call", "127.0.0.1:7000", "--masters-only", "--replicas-only", "--", "PING"], "exclude each other"),
    (["sandbox", "up", "--nodes", "0"], "--nodes must be between 1 and 500"),
    (["sandbox", "up", "--host", "10.1.2.3"], "--host must be a loopback address"),
  ])
  func rejectedWithExit2(args: [String], message: String) throws {
    let r = try Run.rcadm(args)
    #expect(r.status == 2, "\(r)")
    #expect(r.stderr.contains(message), "\(r)")
    #expect(r.stdout.isEmpty)
    // With --json the same failure is one document on stdout.
    let json = try Run.rcadm(args + ["--json"])
    if !args.contains("--") && args.first != "sandbox" {
      #expect(json.status == 2)
      #expect(try parseJSON(json.stdout)["exit_code"] as? Int == 2, "\(json)")
    }
  }

  @Test func unreachableSeed() throws {
    let port = try closedPort()
    let r = try Run.rcadm(["check", "127.0.0.1:\(port)", "--json"])
    #expect(r.status == 2)
    #expect(
      r.stderr.contains(
        "cannot read the cluster from 127.0.0.1:\(port): could not connect to 127.0.0.1:\(port): connection refused"
      ))
    // Scripts parse stdout: a failed --json run still prints one document saying nothing changed.
    let doc = try parseJSON(r.stdout)
    #expect(doc["exit_code"] as? Int == 2)
    #expect((doc["error"] as? [String: Any])?["code"] as? String == "usage")
    #expect((doc["changes"] as? [Any])?.isEmpty == true)
  }

  @Test(arguments: [
    ["reshard", "127.0.0.1:7000", "--from", "a", "--to", "b", "--slots", "5", "--migrate-timeout", "inf"],
    ["reshard", "127.0.0.1:7000", "--from", "a", "--to", "b", "--slots", "5", "--migrate-timeout", "1e16"],
    ["reshard", "127.0.0.1:7000", "--from", "a", "--to", "b", "--slots", "5", "--migrate-timeout", "nan"],
    ["fix", "127.0.0.1:7000", "--timeout", "inf"],
    ["rebalance", "127.0.0.1:7000", "--threshold", "inf"],
    ["set-timeout", "127.0.0.1:7000", "99999999999"],
  ])
  func hugeAndNonFiniteNumbersAreSentencesNotCrashes(args: [String]) throws {
    let r = try Run.rcadm(args + ["--json"])
    #expect(r.status == 2, "\(r)")
    #expect(r.stderr.contains("must be"), "\(r)")
    #expect(try parseJSON(r.stdout)["exit_code"] as? Int == 2, "\(r)")
  }

  @Test func passwordProblems() async throws {
    var options = ServerOptions()
    options.password = "right"
    try await withTestCluster(3, options: options) { c in
      try await c.createWithRedisCli(password: "right")
      let seed = c.addressStrings[0]
      let missing = try Run.rcadm(["check", seed])
      #expect(missing.status == 2)
      #expect(missing.stderr.contains("requires a password: pass -a/--pass, --askpass, or set REDISCLI_AUTH"))
      let wrong = try Run.rcadm(["check", seed, "-a", "wrong"])
      #expect(wrong.status == 2)
      #expect(wrong.stderr.contains("rejected the password for the default user"))
      // The password never shows up in output.
      #expect(!wrong.stderr.contains("wrong\"") && !wrong.stdout.contains("wrong"))
      #expect(try Run.rcadm(["check", seed, "-a", "right"]).status == 0)
      #expect(try Run.rcadm(["check", seed], env: ["REDISCLI_AUTH": "right"]).status == 0)
      #expect(try Run.rcadm(["check", seed], env: ["RCADM_AUTH": "right"]).status == 0)
      #expect(try Run.rcadm(["check", "redis://right@\(seed)"]).status == 0)
      #expect(try Run.rcadm(["check", "redis://default:right@\(seed)"]).status == 0)
      // An ACL user that may not run CLUSTER commands.
      for i in 0..<3 {
        try await call(c, i, "ACL", "SETUSER", "viewer", "on", ">viewerpw", "+ping", password: "right")
      }
      let denied = try Run.rcadm(["check", seed, "--user", "viewer", "-a", "viewerpw"])
      #expect(denied.status == 2)
      #expect(denied.stderr.contains("the user lacks permission for CLUSTER NODES"), "\(denied)")
    }
  }

  @Test func clusterModeDisabled() async throws {
    var options = ServerOptions()
    options.clusterEnabled = false
    try await withTestCluster(1, options: options) { c in
      let r = try Run.rcadm(["check", c.addressStrings[0]])
      #expect(r.status == 2)
      #expect(r.stderr.contains("is not a cluster node (cluster-enabled is no)"))
    }
  }

  @Test func tlsMismatchesBothWays() async throws {
    let certs = try TestCerts.make()
    var tlsOptions = ServerOptions()
    tlsOptions.tls = certs
    try await withTestCluster(3, options: tlsOptions) { c in
      // A TLS cluster checks clean over TLS; redis-cli formed it over TLS too.
      let create = try Run.program(
        "redis-cli",
        ["--tls", "--cacert", certs.ca, "--cluster", "create"] + c.addressStrings + ["--cluster-yes"])
      #expect(create.status == 0, "\(create)")
      try await eventually("TLS cluster healthy") {
        try Run.rcadm(["check", c.addressStrings[0], "--cacert", certs.ca]).status == 0
      }
      let plain = try Run.rcadm(["check", c.addressStrings[0], "--timeout", "2"])
      #expect(plain.status == 2)
      #expect(plain.stderr.contains("--tls"), "\(plain)")
    }
    var plainOptions = ServerOptions()
    plainOptions.clusterEnabled = false
    try await withTestCluster(1, options: plainOptions) { c in
      let r = try Run.rcadm(["check", c.addressStrings[0], "--tls", "--cacert", certs.ca, "--timeout", "1"])
      #expect(r.status == 2)
      #expect(r.stderr.contains("does not speak TLS"), "\(r)")
    }
  }
}
