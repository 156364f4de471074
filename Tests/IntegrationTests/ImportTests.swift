import ClusterKit
import Foundation
import RESP
import RedisClient
import RedisCore
import TestCluster
import Testing

/// `rcadm import` from a standalone node: every key, type, value and TTL arrives (checked by
/// redis-py), --copy keeps the source, a different value stops the import unless --replace.
@Suite(.serialized) struct ImportTests {
  /// A snapshot of the source's keys (Tests/oracle/standalone.py) in a temporary file.
  func snapshot(_ source: TestServer, db: Int = 0) throws -> String {
    let r = try Run.program(
      "python3",
      [
        Run.packageRoot + "/Tests/oracle/standalone.py", "snapshot", source.address.description, "--db",
        String(db),
      ],
      timeout: 120)
    #expect(r.status == 0, "\(r)")
    let file = NSTemporaryDirectory() + "rcadm-import-\(UUID().uuidString).json"
    try r.stdout.write(toFile: file, atomically: true, encoding: .utf8)
    return file
  }

  /// A 3-master cluster and one standalone source node (`s[0]`) on `host`, both stopped afterwards.
  func withClusterAndSource(
    host: String, password: String? = nil, _ body: (TestCluster, TestCluster) async throws -> Void
  ) async throws {
    try await withTestCluster(3) { c in
      #expect(try Run.rcadm(["create"] + c.addressStrings + ["--yes"]).status == 0)
      var standalone = ServerOptions()
      standalone.clusterEnabled = false
      standalone.password = password
      try await withTestCluster(1, hosts: [host], options: standalone) { s in try await body(c, s) }
    }
  }

  /// Fills the source with `keys` keys of every type (Tests/oracle/standalone.py).
  func fill(_ source: TestServer, _ keys: Int, db: Int = 0) throws {
    let r = try Run.program(
      "python3",
      [
        Run.packageRoot + "/Tests/oracle/standalone.py", "fill", source.address.description, String(keys),
        "--db", String(db),
      ],
      timeout: 120)
    #expect(r.status == 0, "\(r)")
  }

  /// DBSIZE of one node's database, read with redis-cli.
  func dbsize(_ server: TestServer, db: Int = 0) throws -> Int? {
    let r = try Run.program(
      "redis-cli", ["-h", server.address.host, "-p", String(server.port), "-n", String(db), "DBSIZE"])
    return Int(r.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
  }

  func verify(_ seed: String, _ snapshot: String) throws {
    let r = try Run.program(
      "python3", [Run.packageRoot + "/Tests/oracle/standalone.py", "verify", seed, snapshot], timeout: 120)
    #expect(r.status == 0, "\(r)")
  }

  @Test func importCopyMoveReplaceAndBadInput() async throws {
    try await withClusterAndSource(host: "127.0.0.2") { c, s in
      let source = s[0]
      let seed = c.addressStrings[0]
      try fill(source, 3000, db: 2)
      let snap = try snapshot(source, db: 2)

      // Bad input: exit 2, nothing changed.
      let noSource = try Run.rcadm(["import", seed, "--from", "127.0.0.1:\(try closedPort())", "--yes"])
      #expect(noSource.status == 2, "\(noSource)")
      let itself = try Run.rcadm(["import", seed, "--from", c.addressStrings[1], "--yes"])
      #expect(itself.status == 2 && itself.stderr.contains("target cluster"), "\(itself)")
      let dry = try Run.rcadm([
        "import", seed, "--from", source.address.description, "--from-db", "2", "--dry-run",
      ])
      #expect(dry.status == 0 && dry.stdout.contains("3000 keys"), "\(dry)")
      #expect(try await call(c, 0, "DBSIZE").int == 0)

      // --copy: everything arrives, the source keeps its keys.
      let copied = try Run.rcadm([
        "import", seed, "--from", source.address.description, "--from-db", "2", "--copy", "--pipeline",
        "70",
        "--yes", "--json",
      ])
      #expect(copied.status == 0, "\(copied)")
      #expect(try parseJSON(copied.stdout)["keys_imported"] as? Int == 3000, "\(copied.stdout)")
      try verify(seed, snap)
      #expect(try dbsize(source, db: 2) == 3000)

      // Again: the same values are already there, so nothing stops it.
      let again = try Run.rcadm([
        "import", seed, "--from", source.address.description, "--from-db", "2", "--copy", "--yes",
      ])
      #expect(again.status == 0, "\(again)")

      // A different value in the cluster stops a move; nothing is overwritten; --replace wins.
      _ = try Run.program("redis-cli", ["-c", "-p", String(c[0].port), "SET", "imp:0", "cluster-side"])
      let refused = try Run.rcadm([
        "import", seed, "--from", source.address.description, "--from-db", "2", "--yes",
      ])
      #expect(refused.status == 1 && refused.stderr.contains("different value"), "\(refused)")
      let value = try Run.program("redis-cli", ["-c", "-p", String(c[0].port), "GET", "imp:0"])
      #expect(value.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "cluster-side")
      let replaced = try Run.rcadm([
        "import", seed, "--from", source.address.description, "--from-db", "2", "--replace", "--yes",
      ])
      #expect(replaced.status == 0, "\(replaced)")
      try verify(seed, snap)
      #expect(try dbsize(source, db: 2) == 0)
      try expectBothChecksPass(seed)
      try expectHealthyByIndependentTools(seed)
    }
  }

  /// Ctrl-C once keys are seen arriving: exit 3 and a resume command that finishes the import.
  @Test func ctrlCStopsAndTheResumeCommandFinishes() async throws {
    try await withClusterAndSource(host: "127.0.0.2") { c, s in
      let seed = c.addressStrings[0]
      let source = s[0].address.description
      try fill(s[0], 4000)
      let snap = try snapshot(s[0])
      let running = try Run.spawn("rcadm", ["import", seed, "--from", source, "--pipeline", "1", "--yes"])
      try pollUntil("keys arriving in the cluster") {
        try c.servers.compactMap { try dbsize($0) }.reduce(0, +) >= 50
      }
      running.signal(SIGINT)
      let stopped = running.wait()
      #expect(stopped.status == 3, "\(stopped)")
      let line = try #require(
        stopped.stderr.split(separator: "\n").first { $0.hasPrefix("Resume with: rcadm import") },
        "\(stopped)")
      let words = line.dropFirst("Resume with: rcadm ".count).split(separator: " ").map(String.init)
      #expect(words.contains("--from-cursor"), "\(line)")
      let resumed = try Run.rcadm(words + ["--yes"])
      #expect(resumed.status == 0, "\(resumed)")
      try verify(seed, snap)
      try expectBothChecksPass(seed)
    }
  }

  /// The source's own password, from the --from URL or RCADM_FROM_AUTH, reaches it and shows nowhere
  /// (SecretWatch checks every rcadm output for it).
  @Test func aPasswordProtectedSource() async throws {
    try await withClusterAndSource(host: "127.0.0.3", password: "src-Secret-42") { c, s in
      let seed = c.addressStrings[0]
      let host = "\(s[0].address.host):\(s[0].port)"
      for i in 0..<20 {
        try await call(s, 0, "SET", "pw:\(i)", "v\(i)", password: "src-Secret-42")
      }
      let refused = try Run.rcadm(["import", seed, "--from", host, "--copy", "--yes"])
      #expect(refused.status == 2 && refused.stderr.contains("password"), "\(refused)")
      let viaURL = try Run.rcadm([
        "import", seed, "--from", "redis://:src-Secret-42@\(host)", "--copy", "--yes", "--no-auth-warning",
      ])
      #expect(viaURL.status == 0, "\(viaURL)")
      let viaEnv = try Run.rcadm(
        ["import", seed, "--from", host, "--yes", "--json"], env: ["RCADM_FROM_AUTH": "src-Secret-42"])
      #expect(viaEnv.status == 0, "\(viaEnv)")
      #expect(try parseJSON(viaEnv.stdout)["keys_imported"] as? Int == 20, "\(viaEnv.stdout)")
      let value = try Run.program("redis-cli", ["-c", "-p", String(c[0].port), "GET", "pw:7"])
      #expect(value.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "v7")
    }
  }

  /// Another cluster as the source: every master is scanned, keys of every type arrive.
  @Test func fromAnotherCluster() async throws {
    try await withTestCluster(6) { both in
      let target = Array(both.addressStrings.prefix(3))
      let source = Array(both.addressStrings.suffix(3))
      #expect(try Run.rcadm(["create"] + target + ["--yes"]).status == 0)
      #expect(try Run.rcadm(["create"] + source + ["--yes"]).status == 0)
      let digest = try fillDataset(source[0], keys: 3000)
      let copied = try Run.rcadm(["import", target[0], "--from", source[1], "--copy", "--yes", "--json"])
      #expect(copied.status == 0, "\(copied)")
      #expect(try datasetDigest(target[0]) == digest)
      #expect(try datasetDigest(source[0]) == digest)
      // A cursor belongs to one node's SCAN: refused for a cluster source, nothing changed.
      let cursor = try Run.rcadm(["import", target[0], "--from", source[0], "--from-cursor", "5", "--yes"])
      #expect(cursor.status == 2, "\(cursor)")
      try expectBothChecksPass(target[0])
    }
  }
}
