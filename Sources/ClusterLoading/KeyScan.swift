import ClusterKit
import RESP
import RedisCore

/// Finds keys stored in slots their node does not own (redis-cli's --cluster-search-multiple-owners).
public enum KeyScan {
  /// One pipelined COUNTKEYSINSLOT per unowned slot per reachable master, masters in parallel.
  /// redis-cli sends the same 16384 × masters commands one round trip at a time.
  public static func keysInUnownedSlots(_ cluster: LiveCluster) async -> [Int: [KeyHolder]] {
    let masters = cluster.view.masters.filter(\.isReachable)
    let counts = await mapConcurrently(masters, limit: 16) { master -> [(Int, Int)] in
      guard let session = cluster.session(master.id) else { return [] }
      let unowned = Array(master.entry.slots.complement)
      var found: [(Int, Int)] = []
      // Chunks keep each pipeline's reply buffer small.
      for start in stride(from: 0, to: unowned.count, by: 4096) {
        let chunk = Array(unowned[start..<min(start + 4096, unowned.count)])
        guard
          let replies = try? await session.pipeline(chunk.map { ["CLUSTER", "COUNTKEYSINSLOT", String($0)] })
        else {
          return found
        }
        for (slot, reply) in zip(chunk, replies) where (reply.int ?? 0) > 0 {
          found.append((slot, reply.int!))
        }
      }
      return found
    }
    var result: [Int: [KeyHolder]] = [:]
    for (master, found) in zip(masters, counts) {
      for (slot, n) in found { result[slot, default: []].append(KeyHolder(nodeId: master.id, keys: n)) }
    }
    return result
  }
}
