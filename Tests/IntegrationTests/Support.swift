import ClusterKit
import Foundation
import RESP
import RedisClient
import RedisCore
import TestCluster
import Testing

/// Parses rcadm's --json output.
func parseJSON(_ text: String) throws -> [String: Any] {
  let object = try JSONSerialization.jsonObject(with: Data(text.utf8))
  guard let dict = object as? [String: Any] else { throw TestClusterError("not a JSON object: \(text)") }
  return dict
}

/// The `code` of every finding in a check JSON document.
func findingCodes(_ doc: [String: Any]) -> [String] {
  ((doc["findings"] as? [[String: Any]]) ?? []).compactMap { $0["code"] as? String }
}

func findings(_ doc: [String: Any], code: String) -> [[String: Any]] {
  ((doc["findings"] as? [[String: Any]]) ?? []).filter { $0["code"] as? String == code }
}

/// The node id of a server, from CLUSTER MYID.
func nodeId(_ cluster: TestCluster, _ i: Int, password: String? = nil) async throws -> String {
  let s = try await cluster.session(i, password: password)
  defer { Task { await s.close() } }
  return try await s.text("CLUSTER", "MYID")
}

/// Index of the server that owns `slot` (as a master).
func owner(of slot: Int, in cluster: TestCluster, via: Int = 0, password: String? = nil) async throws -> Int {
  let s = try await cluster.session(via, password: password)
  defer { Task { await s.close() } }
  let entries = try ClusterNodesParser.parse(try await s.text("CLUSTER", "NODES"))
  guard let e = entries.first(where: { $0.isMaster && $0.slots.contains(slot) }),
    let i = cluster.servers.firstIndex(where: { $0.address == e.address })
  else { throw TestClusterError("no owner for slot \(slot)") }
  return i
}

/// Runs a command on node i and requires success.
@discardableResult
func call(_ cluster: TestCluster, _ i: Int, _ args: String..., password: String? = nil) async throws
  -> RESPValue
{
  let s = try await cluster.session(i, password: password)
  defer { Task { await s.close() } }
  return try await s.call(args)
}

/// Polls until `condition` holds (bounded), failing the test with `what` otherwise.
func eventually(_ what: String, timeout: Double = 30, _ condition: () async throws -> Bool) async throws {
  let deadline = Date().addingTimeInterval(timeout)
  while Date() < deadline {
    if (try? await condition()) == true { return }
    try await Task.sleep(for: .milliseconds(50))
  }
  throw TestClusterError("timed out after \(timeout) s waiting for: \(what)")
}

/// `eventually` for a condition that needs no await, polled on the calling thread every 10 ms.
/// Use it where the state to catch is short-lived: an async poll waits for a free thread of the
/// cooperative pool, which other suites' blocking process waits can hold for seconds.
func pollUntil(_ what: String, timeout: Double = 30, _ condition: () throws -> Bool) throws {
  let deadline = Date().addingTimeInterval(timeout)
  while Date() < deadline {
    if (try? condition()) == true { return }
    usleep(10_000)
  }
  throw TestClusterError("timed out after \(timeout) s waiting for: \(what)")
}

/// A free TCP port with nothing listening (for "unreachable seed" tests).
func closedPort() throws -> Int {
  let s = try FakeServer { _ in .silence }
  s.stop()
  return s.port
}

/// The independent oracles after a change: redis-cli's check and redis-py writing every slot.
func expectHealthyByIndependentTools(_ seed: String, password: String? = nil) throws {
  var cli = ["--cluster", "check", seed]
  if let password { cli += ["-a", password, "--no-auth-warning"] }
  let check = try Run.program("redis-cli", cli)
  #expect(check.status == 0, "redis-cli --cluster check: \(check)")
  var py = [Run.packageRoot + "/Tests/oracle/cluster_rw.py", seed]
  if let password { py += ["--password", password] }
  let oracle = try Run.program("python3", py)
  #expect(oracle.status == 0, "redis-py oracle: \(oracle)")
  #expect(oracle.stdout.contains("16384 keys in 16384 slots"), "\(oracle)")
}

/// True when the node has no slots and knows only itself (so nothing was changed on it).
func isUntouched(_ cluster: TestCluster, _ i: Int) async throws -> Bool {
  let s = try await cluster.session(i)
  defer { Task { await s.close() } }
  let info = InfoParser.parse(try await s.text("CLUSTER", "INFO"))
  return info["cluster_known_nodes"] == "1" && info["cluster_slots_assigned"] == "0"
}

/// "<count> <sha256>" of every key's type and content (Tests/oracle/dataset.py).
func datasetDigest(_ seed: String, password: String? = nil) throws -> String {
  let r = try Run.program(
    "python3",
    [Run.packageRoot + "/Tests/oracle/dataset.py", "digest", seed]
      + (password.map { ["--password", $0] } ?? []),
    timeout: 120)
  #expect(r.status == 0, "\(r)")
  return r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
}

/// Every key as each master holds it ("<content hash> <key> on <node>" lines), to name what a failed
/// digest comparison changed.
func datasetListing(_ seed: String) throws -> [String] {
  let r = try Run.program(
    "python3", [Run.packageRoot + "/Tests/oracle/dataset.py", "list", seed], timeout: 120)
  #expect(r.status == 0, "\(r)")
  return r.stdout.split(separator: "\n").map(String.init)
}

/// The keys (with content) of `before` missing from `after` and the other way round, wherever
/// they live, at most `limit` of each.
func listingDifference(_ before: [String], _ after: [String], limit: Int = 20) -> String {
  func content(_ line: String) -> Substring { line.split(separator: " on ").first ?? Substring(line) }
  let (b, a) = (Set(before.map(content)), Set(after.map(content)))
  let gone = before.filter { !a.contains(content($0)) }.prefix(limit)
  let new = after.filter { !b.contains(content($0)) }.prefix(limit)
  let twice = Dictionary(grouping: after, by: content).filter { $0.value.count > 1 }.values.prefix(limit)
  return """
    gone (\(before.count) keys before): \(gone.joined(separator: "; "))
    new or changed (\(after.count) after): \(new.joined(separator: "; "))
    on two masters: \(twice.map { $0.joined(separator: " & ") }.joined(separator: "; "))
    """
}

/// Fills the cluster with every data type, hash tags and a few 1 MiB values; returns the digest.
func fillDataset(_ seed: String, keys: Int, password: String? = nil) throws -> String {
  let r = try Run.program(
    "python3",
    [Run.packageRoot + "/Tests/oracle/dataset.py", "fill", seed, String(keys)]
      + (password.map { ["--password", $0] } ?? []), timeout: 300)
  #expect(r.status == 0, "\(r)")
  return r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
}

/// The id of the master that owns `slot`, read from node `via`.
func ownerId(of slot: Int, in cluster: TestCluster, via: Int = 0) async throws -> String {
  try await nodeId(cluster, try await owner(of: slot, in: cluster, via: via))
}

/// The master ids of a cluster, by first slot.
func masterIds(_ cluster: TestCluster, via: Int = 0, password: String? = nil) async throws -> [String] {
  let s = try await cluster.session(via, password: password)
  defer { Task { await s.close() } }
  return try ClusterNodesParser.parse(try await s.text("CLUSTER", "NODES")).filter {
    $0.isMaster && !$0.slots.isEmpty
  }
  .sorted { ($0.slots.first ?? 0) < ($1.slots.first ?? 0) }.map(\.id)
}

/// rcadm check and redis-cli --cluster check both pass.
func expectBothChecksPass(_ seed: String) throws {
  let ours = try Run.rcadm(["check", seed])
  #expect(ours.status == 0, "rcadm check: \(ours)")
  let theirs = try Run.program("redis-cli", ["--cluster", "check", seed])
  #expect(theirs.status == 0, "redis-cli --cluster check: \(theirs)")
}

/// Opens `slot` as a migration from node `o` to node `t` (IMPORTING, then MIGRATING) and moves up
/// to 2 of its keys, so its keys sit on two nodes, as an interrupted move leaves them.
func halfMigrate(
  _ slot: Int, from o: Int, to t: Int, in c: TestCluster, ids: [String], password: String? = nil
) async throws {
  try await call(c, t, "CLUSTER", "SETSLOT", String(slot), "IMPORTING", ids[o], password: password)
  try await call(c, o, "CLUSTER", "SETSLOT", String(slot), "MIGRATING", ids[t], password: password)
  let keys =
    try await call(c, o, "CLUSTER", "GETKEYSINSLOT", String(slot), "2", password: password).elements?
    .compactMap(
      \.string) ?? []
  if !keys.isEmpty {
    let auth = password.map { ["AUTH", $0] } ?? []
    try await call(
      c, o, ["MIGRATE", c[t].address.host, String(c[t].port), "", "0", "5000"] + auth + ["KEYS"] + keys,
      password: password)
  }
}

/// The last steps of a pty script: Ctrl-D once the prompt is back, then the exit. Between two lines
/// the terminal is in cooked mode, where an EOF typed ahead is dropped when libedit switches to raw
/// mode (under load CI sent it there and the shell never saw it). `exitStatus` nil: any status.
func endWithCtrlD(exitStatus: Int32?) -> [[String: Any]] {
  [
    ["expect": "> "], ["send": "\u{4}", "noecho": true],
    ["expect_exit": exitStatus.map { Int($0) as Any } ?? NSNull(), "timeout": 10],
  ]
}

/// Runs rcadm in a real pseudo-terminal with a pty_repl.py script (Tests/oracle/pty_repl.py) and
/// returns its summary (ok, transcript, exit status).
func runInPty(_ steps: [[String: Any]], _ args: [String], env: [String: String] = [:]) throws -> [String: Any]
{
  let script = NSTemporaryDirectory() + "rcadm-pty-\(UUID().uuidString).json"
  try JSONSerialization.data(withJSONObject: steps).write(to: URL(fileURLWithPath: script))
  defer { try? FileManager.default.removeItem(atPath: script) }
  let envArgs = env.flatMap { ["--env", "\($0.key)=\($0.value)"] }
  let r = try Run.program(
    "python3",
    [Run.packageRoot + "/Tests/oracle/pty_repl.py"] + envArgs + [script, "--", Run.rcadmPath] + args,
    timeout: 120)
  let doc = try parseJSON(r.stdout)
  #expect(doc["ok"] as? Bool == true, "\(r.stdout)")
  return doc
}

/// Local ports of the established TCP connections process `pid` holds to 127.x `port` (read
/// from /proc, to observe from outside when a program opens a new connection).
func connectionPorts(of pid: Int32, toPort port: Int) -> Set<Int> {
  let fdDir = "/proc/\(pid)/fd"
  var inodes = Set<String>()
  for fd in (try? FileManager.default.contentsOfDirectory(atPath: fdDir)) ?? [] {
    if let link = try? FileManager.default.destinationOfSymbolicLink(atPath: fdDir + "/" + fd),
      link.hasPrefix("socket:[")
    {
      inodes.insert(String(link.dropFirst(8).dropLast()))
    }
  }
  // Read to the end: procfs files report a size of 0.
  guard let data = FileHandle(forReadingAtPath: "/proc/\(pid)/net/tcp")?.readDataToEndOfFile() else {
    return []
  }
  let table = String(decoding: data, as: UTF8.self)
  var ports = Set<Int>()
  for line in table.split(separator: "\n").dropFirst() {
    let f = line.split(separator: " ")
    // sl local rem st tx:rx tr:when retrnsmt uid timeout inode
    guard f.count > 9, f[3] == "01", inodes.contains(String(f[9])),
      let remote = f[2].split(separator: ":").last.flatMap({ Int($0, radix: 16) }), remote == port,
      let local = f[1].split(separator: ":").last.flatMap({ Int($0, radix: 16) })
    else { continue }
    ports.insert(local)
  }
  return ports
}
