// swift-tools-version:6.1
import PackageDescription

let strict: [SwiftSetting] = [
  .swiftLanguageMode(.v6),
  .enableUpcomingFeature("ExistentialAny"),
  .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
  name: "rcadm",
  platforms: [.macOS(.v14)],
  products: [
    .executable(name: "rcadm", targets: ["rcadm"])
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
    .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
    // Without its default Foundation trait: rcadm does not link Foundation.
    .package(url: "https://github.com/swiftlang/swift-subprocess", from: "1.0.2", traits: []),
    .package(url: "https://github.com/apple/swift-system", from: "1.8.1"),
  ],
  targets: [
    // RESP values, encoder and incremental decoder. No I/O, no dependencies.
    .target(name: "RESP", swiftSettings: strict),
    // One JSON type: parse + render, no dependencies.
    .target(name: "JSONDocument", swiftSettings: strict),
    // The bottom every other target shares: node addresses (and their parsing), the node-session
    // and connector protocols, server and connection errors. No I/O of its own.
    .target(name: "RedisCore", dependencies: ["RESP"], swiftSettings: strict),
    // The cluster model, pure: hash slots, CLUSTER NODES/SHARDS/INFO parsing, ClusterView, findings.
    .target(name: "ClusterKit", dependencies: ["RESP", "RedisCore"], swiftSettings: strict),
    // Reading a live cluster through sessions: the parallel loader, LiveCluster, key scans.
    .target(
      name: "ClusterLoading", dependencies: ["ClusterKit", "RedisCore", "RESP"], swiftSettings: strict),
    // One connection to one node over a byte stream (TCP, TLS, a pipe).
    .target(
      name: "RedisClient",
      dependencies: [
        "RESP", "RedisCore",
        .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "NIOPosix", package: "swift-nio"),
        .product(name: "NIOSSL", package: "swift-nio-ssl"),
        .product(name: "NIOTLS", package: "swift-nio"),
      ],
      swiftSettings: strict),
    // Pure plans: create allocation, reshard, rebalance, fix.
    .target(name: "SlotPlanner", dependencies: ["ClusterKit", "RedisCore"], swiftSettings: strict),
    // This machine: the one PATH lookup and process runner (swift-subprocess), files, free ports.
    .target(
      name: "LocalHost",
      dependencies: [
        .product(name: "Subprocess", package: "swift-subprocess"),
        .product(name: "SystemPackage", package: "swift-system"),
      ],
      swiftSettings: strict),
    // Executes plans against live nodes.
    .target(
      name: "ClusterAdmin",
      dependencies: ["SlotPlanner", "ClusterKit", "ClusterLoading", "LocalHost", "RedisCore", "RESP"],
      swiftSettings: strict),
    // Kubernetes: kubectl discovery, exec/port-forward transports, cluster address <-> pod mapping.
    .target(
      name: "Kubernetes",
      dependencies: [
        "ClusterKit", "JSONDocument", "LocalHost", "RedisCore", "RedisClient", "RESP",
        .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "NIOPosix", package: "swift-nio"),
        .product(name: "Subprocess", package: "swift-subprocess"),
        .product(name: "SystemPackage", package: "swift-system"),
      ],
      swiftSettings: strict),
    // The interactive shell: routing, line editing (libedit), history, completion.
    .systemLibrary(name: "CEditLine", pkgConfig: "libedit", providers: [.apt(["libedit-dev"])]),
    .target(
      name: "Shell", dependencies: ["CEditLine", "RedisClient", "ClusterKit", "RedisCore", "RESP"],
      swiftSettings: strict),
    .target(
      name: "RcadmCLI",
      dependencies: [
        "ClusterAdmin", "ClusterKit", "ClusterLoading", "JSONDocument", "LocalHost", "RedisCore",
        "RedisClient", "RESP", "SlotPlanner", "Shell",
        "Kubernetes",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ],
      swiftSettings: strict),
    .executableTarget(name: "rcadm", dependencies: ["RcadmCLI"], swiftSettings: strict),
    // Test support without servers: the seeded PRNG and the redis-cli create heuristic (a baseline
    // the planner's tests compare against; not part of the product).
    .target(
      name: "TestSupport", dependencies: ["SlotPlanner", "ClusterKit", "RedisCore"], swiftSettings: strict),
    // Test support: real redis-server processes on free loopback ports.
    .target(
      name: "TestCluster",
      dependencies: ["ClusterKit", "LocalHost", "RedisCore", "RedisClient", "RESP", "ClusterAdmin"],
      swiftSettings: strict),
    .testTarget(
      name: "KubernetesTests",
      dependencies: ["Kubernetes", "ClusterKit", "JSONDocument", "RedisCore", "TestSupport"],
      exclude: ["Fixtures"],
      swiftSettings: strict),
    .testTarget(name: "ShellTests", dependencies: ["Shell", "RESP"], swiftSettings: strict),
    .testTarget(name: "RESPTests", dependencies: ["RESP", "TestSupport"], swiftSettings: strict),
    .testTarget(
      name: "JSONDocumentTests", dependencies: ["JSONDocument", "TestSupport"], swiftSettings: strict),
    .testTarget(
      name: "ClusterAdminTests",
      dependencies: ["ClusterAdmin", "ClusterKit", "ClusterLoading", "RedisCore", "RESP", "SlotPlanner"],
      swiftSettings: strict),
    .testTarget(
      name: "ClusterKitTests", dependencies: ["ClusterKit", "RESP", "TestSupport"], swiftSettings: strict),
    .testTarget(
      name: "SlotPlannerTests", dependencies: ["SlotPlanner", "ClusterKit", "RedisCore", "TestSupport"],
      swiftSettings: strict),
    .testTarget(
      name: "RedisClientTests",
      dependencies: [
        "RedisClient", "RESP", "RedisCore", "TestCluster", .product(name: "NIOCore", package: "swift-nio"),
      ],
      swiftSettings: strict),
    .testTarget(
      name: "IntegrationTests",
      dependencies: [
        "TestCluster", "RedisClient", "ClusterKit", "ClusterLoading", "LocalHost", "RedisCore", "RESP",
        "ClusterAdmin", "RcadmCLI",
        "Kubernetes",
      ],
      swiftSettings: strict),
  ]
)
