import ArgumentParser
import ClusterAdmin
import ClusterKit
import JSONDocument
import LocalHost
import RedisCore
import Synchronization

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The manifest's format: written by `backup`, read by `backup --verify` and `restore`.
enum BackupManifest {
  static let file = "manifest.json"
  static let topologyFile = "topology.json"
  static let format = "rcadm-backup"

  struct Contents {
    var created: String
    var snapshots: [SnapshotRecord]
    var topologySHA256: String?
  }

  static func render(_ result: BackupResult, seed: String, nodes: Int, topologySHA256: String) -> JSON {
    .object([
      ("format", .string(format)),
      ("format_version", .int(1)),
      ("created", .string(utcTimestamp())),
      ("rcadm_version", .string(Rcadm.version)),
      ("seed", .string(seed)),
      ("nodes", .int(nodes)),
      ("seconds", .double(result.duration.seconds)),
      ("total_keys", .int(result.snapshots.reduce(0) { $0 + $1.keys })),
      ("total_bytes", .int(result.snapshots.reduce(0) { $0 + $1.bytes })),
      ("topology", .object([("file", .string(topologyFile)), ("sha256", .string(topologySHA256))])),
      (
        "snapshots",
        .array(
          result.snapshots.map { s in
            .object([
              ("node_id", .string(s.nodeId)), ("address", .string(s.address)), ("slots", .string(s.slots)),
              ("file", .string(s.file)), ("bytes", .int(s.bytes)), ("sha256", .string(s.sha256)),
              ("keys", .int(s.keys)), ("rdb_version", .optional(s.rdbVersion)),
              ("server", .optional(s.server?.name)), ("server_version", .optional(s.server?.version)),
              ("transfer", .string(s.diskless ? "diskless" : "disk")), ("seconds", .double(s.seconds)),
            ])
          })
      ),
    ])
  }

  /// Reads and checks `<directory>/manifest.json`; every problem is a usage error (exit 2).
  static func read(_ directory: String) throws -> Contents {
    guard let text = LocalFiles.readFile("\(directory)/\(file)") else {
      throw RcadmError.usage(
        "\(directory) has no \(file): it is not a complete rcadm backup (an interrupted or failed backup leaves none)"
      )
    }
    let doc: JSON
    do {
      doc = try JSON.parse(text)
    } catch {
      throw RcadmError.usage("\(directory)/\(file): \(error)")
    }
    guard doc["format"]?.string == format, let list = doc["snapshots"]?.array else {
      throw RcadmError.usage("\(directory)/\(file) is not an rcadm backup manifest")
    }
    var snapshots: [SnapshotRecord] = []
    for (i, s) in list.enumerated() {
      guard let id = s["node_id"]?.string, let file = s["file"]?.string, let bytes = s["bytes"]?.int,
        let sha = s["sha256"]?.string, let keys = s["keys"]?.int,
        !file.contains("/"), !file.hasPrefix(".")
      else {
        throw RcadmError.usage(
          "\(directory)/\(file): snapshot \(i + 1) lacks node_id, file, bytes, sha256 or keys")
      }
      let server = s["server"]?.string.flatMap { name in
        s["server_version"]?.string.map { ServerIdentity(name: name, version: $0) }
      }
      snapshots.append(
        SnapshotRecord(
          nodeId: id, address: s["address"]?.string ?? "", slots: s["slots"]?.string ?? "", file: file,
          bytes: bytes, sha256: sha, keys: keys, rdbVersion: s["rdb_version"]?.int, server: server,
          diskless: s["transfer"]?.string == "diskless", seconds: s["seconds"]?.double ?? 0))
    }
    return Contents(
      created: doc["created"]?.string ?? "an unknown time", snapshots: snapshots,
      topologySHA256: doc.path("topology", "sha256")?.string)
  }

  /// Writes under `<path>.part`, flushes, then renames: the final name only ever holds a whole file.
  static func write(_ text: String, to path: String) throws {
    let part = path + ".part"
    guard LocalFiles.writeFile(part, text), rename(part, path) == 0 else {
      unlink(part)
      throw RcadmError.problems("cannot write \(path): \(String(cString: strerror(errno)))")
    }
  }

  /// "2026-12-06T01:02:03Z".
  static func utcTimestamp() -> String {
    var now = time(nil)
    var parts = tm()
    gmtime_r(&now, &parts)
    func two(_ v: Int32) -> String { v < 10 ? "0\(v)" : "\(v)" }
    return
      "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))Z"
  }

  static func size(_ bytes: Int) -> String {
    if bytes >= 1 << 30 { return String(format1(Double(bytes) / Double(1 << 30))) + " GiB" }
    if bytes >= 1 << 20 { return String(format1(Double(bytes) / Double(1 << 20))) + " MiB" }
    if bytes >= 1 << 10 { return String(format1(Double(bytes) / Double(1 << 10))) + " KiB" }
    return "\(bytes) B"
  }

  static func format1(_ v: Double) -> String { String((v * 10).rounded() / 10) }
}
