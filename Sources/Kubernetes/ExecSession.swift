import ClusterKit
import NIOCore
import NIOPosix
import RESP
import RedisClient
import RedisCore
import Subprocess
import Synchronization
import SystemPackage

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A connection carried by `kubectl exec -i POD -- sh -c RELAY`: RESP over the child's pipes.
final class ExecSession: NodeSession {
  let address: NodeAddress
  private let connection: RedisConnection
  private let child: KubectlChild
  private let pod: String

  init(address: NodeAddress, connection: RedisConnection, child: KubectlChild, pod: String) {
    self.address = address
    self.connection = connection
    self.child = child
    self.pod = pod
  }

  var server: ServerIdentity? { connection.server }

  func send(_ commands: [[[UInt8]]], timeout: Duration?) async throws -> [RESPValue] {
    do {
      return try await connection.send(commands, timeout: timeout)
    } catch let error as ConnectionError where error.kind == .closed {
      // Say why the stream ended when kubectl tells (exec dropped, pod deleted, RBAC…).
      if let end = await child.exited(within: .milliseconds(500)) {
        throw ConnectionError(
          .closed, node: address,
          "kubectl exec into pod \(pod) ended mid-operation: "
            + ExecTransport.reason(end, pod: pod))
      }
      throw error
    }
  }

  /// QUIT first, so Redis closes its side and the relay ends inside the pod; then the child.
  func close() async {
    _ = try? await connection.send([[Array("QUIT".utf8)]], timeout: .seconds(1))
    await connection.close()
    await child.stop(patience: .seconds(2))
  }
}
