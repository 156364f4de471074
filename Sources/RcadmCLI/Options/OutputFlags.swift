import ArgumentParser
import ClusterKit
import Kubernetes
import RedisClient
import RedisCore
import Synchronization

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Output options shared by every command.
struct OutputFlags: ParsableArguments {
  @Flag(help: "Print one JSON document instead of text.")
  var json = false
}
