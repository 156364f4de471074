import ArgumentParser
import ClusterAdmin
import ClusterKit
import ClusterLoading
import RedisClient
import RedisCore

/// Flags of every command that changes a cluster: plan, ask, apply.
struct MutationFlags: ParsableArguments {
  @Flag(name: [.customShort("y"), .long], help: "Apply without asking.")
  var yes = false

  @Flag(help: "Print the plan and exit without changing anything.")
  var dryRun = false
}

extension ConnectionFlags {
  /// How long cluster-wide waits (join, agreement, failover) may take: --timeout when given, else `fallback`.
  func waitBound(default fallback: Duration) -> Duration {
    timeoutGiven ? .milliseconds(Int(timeout * 1000)) : fallback
  }

  /// The loader every command reads a cluster with.
  func loader(_ reach: Reach, fullInfo: Bool = false) -> ClusterLoader {
    ClusterLoader(connector: reach.connector, infoSection: fullInfo ? nil : "replication")
  }
}
