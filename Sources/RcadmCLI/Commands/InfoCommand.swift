import ArgumentParser
import ClusterKit
import ClusterLoading
import JSONDocument
import RedisCore

/// `rcadm info`: per master its slots, keys, memory and replicas with their lag.
struct InfoCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "info",
    abstract: "Show each master's slots, keys, memory and replicas (with replication lag).")

  @Argument(
    help: ArgumentHelp("Any node of the cluster.", valueName: "address"), completion: .custom(knownAddresses))
  var address: [String] = []

  func validate() throws { try requireAddress(address, connection) }

  @OptionGroup var output: OutputFlags
  @OptionGroup var connection: ConnectionFlags

  func run() async throws {
    let cluster = try await loadCluster(address, connection, fullInfo: true)
    await cluster.closeAll()
    let view = cluster.view
    let masters = view.masters.map { MasterInfo(master: $0, view: view) }
    if output.json {
      emit(
        JSON.object([
          ("masters", .array(masters.map(\.json))),
          (
            "totals",
            .object([
              ("masters", .int(masters.count)),
              ("replicas", .int(view.replicas.count)),
              ("keys", .int(masters.compactMap(\.master.keys).reduce(0, +))),
              ("slots", .int(masters.map(\.master.entry.slots.count).reduce(0, +))),
              ("used_memory", .int(masters.compactMap(\.usedMemory).reduce(0, +))),
            ])
          ),
        ]))
      return
    }
    for m in masters { print(m.text) }
    let keys = masters.compactMap(\.master.keys).reduce(0, +)
    let slots = masters.map(\.master.entry.slots.count).reduce(0, +)
    print(
      "[OK] \(keys) keys in \(masters.count) masters, \(view.replicas.count) replicas, \(slots) slots assigned."
    )
    print(String(format2: Double(keys) / 16384.0) + " keys per slot on average.")
  }
}

/// One master's line (and its replicas) in `info`.
struct MasterInfo {
  var master: NodeReport
  var replicas: [ReplicaInfo]

  struct ReplicaInfo {
    var node: NodeReport
    var offset: Int?
    var lagSeconds: Int?
    var bytesBehind: Int?
    var linkUp: Bool?
  }

  /// Health from CLUSTER SHARDS by node id (nil values on servers without it).
  var health: [String: String?] = [:]

  init(master: NodeReport, view: ClusterView) {
    self.master = master
    health[master.id] = view.health(of: master.id)
    for r in view.replicas(of: master.id) { health[r.id] = view.health(of: r.id) }
    let lines = InfoParser.replicas(master.info)
    let masterOffset = Int(master.info["master_repl_offset"] ?? "")
    replicas = view.replicas(of: master.id).map { r in
      let line = lines.first { $0.ip == r.address?.host && $0.port == r.address?.port }
      let offset = line?.offset ?? Int(r.info["slave_repl_offset"] ?? "")
      return ReplicaInfo(
        node: r, offset: offset, lagSeconds: line?.lag,
        bytesBehind: zip2(masterOffset, offset).map { max(0, $0 - $1) },
        linkUp: r.isReachable ? r.info["master_link_status"] == "up" : nil)
    }
  }

  var usedMemory: Int? { Int(master.info["used_memory"] ?? "") }

  var text: String {
    var s =
      "\(master.label) (\(master.shortId)) -> \(master.keys.map(String.init) ?? "?") keys | \(master.entry.slots.count) slots | \(replicas.count) replicas | \(master.info["used_memory_human"] ?? "?") used | \(master.server?.description ?? "server ?")"
    if !master.isReachable { s += "  " + Terminal.err("[unreachable]") }
    if let h = health[master.id] ?? nil, h != "online" { s += "  " + Terminal.warn("[\(h)]") }
    s += "\n   slots: \(master.entry.slots.rangesDescription)"
    for r in replicas {
      let lag = r.lagSeconds.map { "lag \($0)s" } ?? "lag ?"
      let behind = r.bytesBehind.map { "\($0) bytes behind" } ?? "offset ?"
      let link = r.linkUp == false ? "  " + Terminal.err("[link down]") : ""
      let server = r.node.server.map { ", \($0)" } ?? ""
      s += "\n   replica \(r.node.label) (\(r.node.shortId)): \(lag), \(behind)\(server)\(link)"
    }
    return s
  }

  var json: JSON {
    .object([
      ("id", .string(master.id)),
      ("address", .optional(master.address?.description)),
      ("slots", .string(master.entry.slots.isEmpty ? "" : master.entry.slots.rangesDescription)),
      ("slot_count", .int(master.entry.slots.count)),
      ("keys", .optional(master.keys)),
      ("used_memory", .optional(usedMemory)),
      ("reachable", .bool(master.isReachable)),
      ("health", .optional(health[master.id] ?? nil)),
      ("server", .optional(master.server?.name)),
      ("server_version", .optional(master.server?.version)),
      (
        "replicas",
        .array(
          replicas.map { r in
            .object([
              ("id", .string(r.node.id)),
              ("address", .optional(r.node.address?.description)),
              ("offset", .optional(r.offset)),
              ("lag_seconds", .optional(r.lagSeconds)),
              ("bytes_behind", .optional(r.bytesBehind)),
              ("link_up", r.linkUp.map(JSON.bool) ?? .null),
              ("health", .optional(health[r.node.id] ?? nil)),
              ("server", .optional(r.node.server?.name)),
              ("server_version", .optional(r.node.server?.version)),
            ])
          })
      ),
    ])
  }
}
