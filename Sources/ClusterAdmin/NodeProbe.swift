import ClusterKit
import RESP
import RedisCore

/// What create and add-node need to know about a node before touching it.
public struct ProbedNode: Sendable {
  public var given: NodeAddress
  public var session: any NodeSession
  public var id: String
  /// The IP the cluster should use for the node (host names resolved).
  public var ip: String
  public var busPort: Int
  public var clusterEnabled: Bool
  public var keys: Int
  public var knownNodes: Int
  public var ownSlots: Int
  public var configEpoch: Int
  public var hasFunctions: Bool

  /// The address the cluster will announce: resolved IP and port.
  public var clusterAddress: NodeAddress { NodeAddress(host: ip, port: given.port) }

  /// Why the node cannot join a new cluster, or nil when it is empty and ready.
  public var notEmptyReason: String? {
    if !clusterEnabled { return "cluster mode is off (start it with cluster-enabled yes)" }
    if keys > 0 {
      return "it holds \(keys) key(s); rcadm only joins empty nodes (FLUSHALL it if the data is not needed)"
    }
    if ownSlots > 0 { return "it already owns \(ownSlots) slot(s)" }
    if knownNodes > 1 {
      return
        "it already knows \(knownNodes - 1) other node(s) and is part of another cluster (CLUSTER RESET it first)"
    }
    return nil
  }
}

/// Connects to nodes and reads what validation needs, all in parallel.
public enum NodeProbe {
  public static func probe(_ addresses: [NodeAddress], connector: any NodeConnector) async -> [Result<
    ProbedNode, ProbeFailure
  >] {
    await mapConcurrently(addresses, limit: 64) { address in
      do {
        return .success(try await probe(address, connector: connector))
      } catch {
        return .failure(ProbeFailure(address: address, reason: String(describing: error)))
      }
    }
  }

  static func probe(_ address: NodeAddress, connector: any NodeConnector) async throws -> ProbedNode {
    let session = try await connector.connect(to: address)
    do {
      let replies = try await session.pipeline([
        ["INFO"], ["CLUSTER", "INFO"], ["CLUSTER", "NODES"], ["DBSIZE"], ["FUNCTION", "LIST"],
      ])
      let info = InfoParser.parse(replies[0].string ?? "")
      let clusterEnabled = info["cluster_enabled"] == "1"
      var node = ProbedNode(
        given: address, session: session, id: "", ip: HostResolver.resolve(address.host) ?? address.host,
        busPort: address.port + 10000, clusterEnabled: clusterEnabled, keys: replies[3].int ?? 0,
        knownNodes: 1,
        ownSlots: 0, configEpoch: 0, hasFunctions: !(replies[4].elements?.isEmpty ?? true))
      if let message = replies[0].errorMessage ?? replies[3].errorMessage {
        throw ServerError(message, node: address, command: ["INFO"])
      }
      if clusterEnabled {
        // A node whose cluster state cannot be read (an ACL without CLUSTER, say) is not known to
        // be empty: taking it for one would fail only after other nodes were changed.
        if let message = replies[1].errorMessage {
          throw ServerError(message, node: address, command: ["CLUSTER", "INFO"])
        }
        if let message = replies[2].errorMessage {
          throw ServerError(message, node: address, command: ["CLUSTER", "NODES"])
        }
        guard let text = replies[2].string,
          let me = try? ClusterNodesParser.parse(text).first(where: \.isMyself)
        else {
          throw ServerError(
            "its CLUSTER NODES reply does not describe the node itself", node: address,
            command: ["CLUSTER", "NODES"])
        }
        let clusterInfo = InfoParser.parse(replies[1].string ?? "")
        node.knownNodes = Int(clusterInfo["cluster_known_nodes"] ?? "") ?? 1
        node.id = me.id
        node.busPort = me.busPort ?? node.busPort
        node.ownSlots = me.slots.count
        node.configEpoch = me.configEpoch
      }
      return node
    } catch {
      await session.close()
      throw error
    }
  }
}

/// A node that could not be probed.
public struct ProbeFailure: Error, Sendable {
  public var address: NodeAddress
  public var reason: String
}
