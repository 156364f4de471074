import ClusterKit
import RedisClient

/// Loads the cluster a command works on; a seed that cannot be read is a usage error (exit 2).
func loadCluster(_ words: [String], _ connection: ConnectionFlags, fullInfo: Bool = false) async throws
  -> LiveCluster
{
  try await loadCluster(try await reach(words, connection), fullInfo: fullInfo)
}

func loadCluster(_ reach: Reach, fullInfo: Bool = false) async throws -> LiveCluster {
  do {
    return try await ClusterLoader(connector: reach.connector, infoSection: fullInfo ? nil : "replication")
      .load(
        seed: reach.seed)
  } catch let e as SeedError {
    throw RcadmError.usage(e.description)
  }
}

/// Human text for slot sets: "0-5460 (5461 slots)".
func slotSummary(_ slots: SlotSet) -> String {
  slots.isEmpty ? "no slots" : "\(slots.rangesDescription) (\(slots.count) slots)"
}

extension NodeReport {
  var roleName: String { isMaster ? "master" : isReplica ? "replica" : "unknown" }

  /// The node as JSON, with the fields README documents.
  var json: JSON {
    .object([
      ("id", .string(id)),
      ("address", .optional(address?.description)),
      ("hostname", .optional(entry.hostname)),
      ("role", .string(roleName)),
      ("master_id", .optional(entry.masterId)),
      ("flags", .array(entry.flags.names.map(JSON.string))),
      ("slots", .string(entry.slots.isEmpty ? "" : entry.slots.rangesDescription)),
      ("slot_count", .int(entry.slots.count)),
      ("keys", .optional(keys)),
      ("config_epoch", .int(entry.configEpoch)),
      ("reachable", .bool(isReachable)),
      ("error", .optional(unreachableReason)),
      ("server", .optional(server?.name)),
      ("server_version", .optional(server?.version)),
    ])
  }
}

extension Finding {
  var json: JSON {
    .object([
      ("severity", .string(severity.rawValue)),
      ("code", .string(code)),
      ("message", .string(message)),
      ("nodes", .array(nodes.map(JSON.string))),
      ("slots", .optional(slots)),
    ])
  }
}
