import ArgumentParser
import ClusterAdmin
import ClusterKit
import Kubernetes
import RedisClient
import RedisCore
import Synchronization

/// Options of commands that move keys (reshard, rebalance, fix).
struct MoverFlags: ParsableArguments {
  @Option(help: "Keys per GETKEYSINSLOT/MIGRATE batch (redis-cli's --cluster-pipeline; its default is 10).")
  var pipeline = 1000

  @Option(help: "Seconds one MIGRATE batch may take (redis-cli's --cluster-timeout).")
  var migrateTimeout: Double = 60

  @Flag(
    help:
      "Overwrite keys that already exist on the target with a different value (default: stop and list them).")
  var replace = false

  func validate() throws {
    guard pipeline >= 1 && pipeline <= 100_000 else {
      throw ValidationError("--pipeline must be between 1 and 100000 (got \(pipeline))")
    }
    guard migrateTimeout > 0 && migrateTimeout <= 86_400 else {
      throw ValidationError(
        "--migrate-timeout must be a number of seconds above 0 and at most 86400 (got \(migrateTimeout))")
    }
  }

  /// MIGRATE authenticates at the target itself, with the credentials every connection uses.
  func options(_ reach: Reach) -> MigrateOptions {
    var options = MigrateOptions(
      keysPerBatch: pipeline, timeout: .milliseconds(Int(migrateTimeout * 1000)), replace: replace,
      user: reach.options.user, password: reach.options.password)
    // The only warning is a key too big for the MIGRATE timeout.
    options.warn = { Terminal.error(Terminal.warn("[WARN] ") + $0 + " (raise --migrate-timeout)") }
    return options
  }
}
