import ClusterKit
import ClusterLoading
import RedisCore

/// The cluster is not in a state where a change may start; nothing was changed.
public struct NotReady: Error, Sendable, CustomStringConvertible, SuggestsRemedies {
  public var findings: [Finding]
  public var remedies: [Remedy] { [.check] }
  public var description: String {
    "the cluster is not healthy, so nothing was changed: "
      + findings.map(\.message).joined(separator: "; ")
  }
}

/// Loads the cluster until it checks clean, for commands that must start from a healthy cluster.
public enum Readiness {
  /// Loads and checks repeatedly (every 100 ms) until no errors remain or `timeout` passes, so a
  /// script can run a command right after another one finished changing the cluster.
  public static func loadHealthy(
    seed: NodeAddress, loader: ClusterLoader, timeout: Duration, ignoring: Set<String> = []
  ) async throws -> LiveCluster {
    let deadline = ContinuousClock.now + timeout
    while true {
      let cluster = try await loader.load(seed: seed)
      let errors = HealthCheck.findings(cluster.view).filter {
        $0.severity == .error && !ignoring.contains($0.code)
      }
      if errors.isEmpty { return cluster }
      await cluster.closeAll()
      if ContinuousClock.now > deadline { throw NotReady(findings: errors) }
      try await Task.sleep(for: .milliseconds(100))
    }
  }
}
