import ArgumentParser
import ClusterAdmin
import ClusterKit
import JSONDocument
import RedisClient
import RedisCore

/// `rcadm sandbox up|down|status`: local redis-server processes to try rcadm on.
struct SandboxCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "sandbox",
    abstract: "Start, stop or list local cluster-enabled redis-server processes for trying rcadm out.",
    subcommands: [Up.self, Down.self, Status.self])

  struct Location: ParsableArguments {
    @Option(
      help: "Directory holding the nodes' files (default /tmp/rcadm-sandbox-<uid>).", completion: .directory)
    var dir: String?

    var layout: SandboxLayout { SandboxLayout(directory: dir ?? SandboxLayout.defaultDirectory) }
  }

  struct Up: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "up",
      abstract: "Start N empty nodes on consecutive loopback ports.")

    @Option(help: "How many nodes to start.")
    var nodes = 6

    @Option(help: "Port of the first node; node i listens on base-port + i and its bus on that + 10000.")
    var basePort = 7000

    @Option(help: "Loopback address to bind.")
    var host = "127.0.0.1"

    @Option(help: "redis-server (or valkey-server) executable to run.", completion: .file())
    var redisServer: String?

    @Option(help: "Replicas per master when forming the cluster.")
    var replicas = 1

    @Flag(help: "Leave the nodes empty and unjoined (to try 'rcadm create' by hand).")
    var noCreate = false

    @OptionGroup var location: Location
    @OptionGroup var output: OutputFlags

    func validate() throws {
      guard (1...500).contains(nodes) else {
        throw ValidationError("--nodes must be between 1 and 500 (got \(nodes))")
      }
      guard basePort >= 1, basePort + nodes - 1 + 10000 <= 65535 else {
        throw ValidationError(
          "--base-port \(basePort): every port and its bus port (+10000) must stay below 65536")
      }
      guard replicas >= 0 else { throw ValidationError("--replicas must be 0 or more (got \(replicas))") }
      guard host.hasPrefix("127.") || host == "localhost" || host == "::1" else {
        throw ValidationError("--host must be a loopback address (127.x.x.x), got \(host)")
      }
    }

    func run() async throws {
      let sandbox: ClusterAdmin.Sandbox
      do {
        sandbox = ClusterAdmin.Sandbox(
          layout: location.layout, redisServer: try ClusterAdmin.Sandbox.locateServer(redisServer), host: host
        )
      } catch let e as SandboxError {
        throw RcadmError.usage(explain(e))
      }
      let connector = try RedisConnector(
        options: ConnectionOptions(connectTimeout: .seconds(1), commandTimeout: .seconds(2)))
      let addresses: [NodeAddress]
      do {
        addresses = try await sandbox.up(
          count: nodes, basePort: basePort, timeout: .seconds(10), connector: connector)
      } catch let e as SandboxError {
        throw RcadmError.usage(explain(e))
      }
      if !output.json {
        print("Started \(addresses.count) nodes in \(location.layout.directory):")
        print(addresses.map(\.description).joined(separator: " "))
      }
      if !noCreate {
        // The sandbox forms its cluster with rcadm's own create.
        do {
          let prepared = try await ClusterCreate.prepare(addresses, replicas: replicas, connector: connector)
          let quiet = output.json
          let log: @Sendable (String) -> Void = { line in if !quiet { progress(line) } }
          do {
            try await ClusterCreate.apply(
              prepared, timeout: .seconds(60),
              context: ApplyContext(ledger: ChangeLedger(), stop: processStop, log: log))
          } catch {
            await prepared.closeAll()
            throw error
          }
          await prepared.closeAll()
        } catch let e as ValidationProblems {
          throw RcadmError.usage(
            "the nodes started but cannot form a cluster: \(e). Use more --nodes, fewer --replicas, or --no-create."
          )
        } catch let e as OperationError {
          throw RcadmError.problems("the nodes started but forming the cluster failed: \(e)")
        }
      }
      if output.json {
        emit(
          JSON.object([
            ("directory", .string(location.layout.directory)),
            ("nodes", .array(addresses.map { .string($0.description) })),
            ("cluster", .bool(!noCreate)),
          ]))
      } else if !noCreate {
        print("Cluster formed. Try: rcadm check \(addresses[0])")
      }
    }
  }

  struct Down: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "down",
      abstract: "Stop the sandbox's nodes and delete their files.")

    @Flag(help: "Keep the directory (logs, nodes.conf) after stopping.")
    var keep = false

    @OptionGroup var location: Location
    @OptionGroup var output: OutputFlags

    func run() async throws {
      let sandbox = ClusterAdmin.Sandbox(layout: location.layout, redisServer: "")
      let stopped = try await sandbox.down(timeout: .seconds(10), keep: keep)
      let running = stopped.filter(\.running)
      if output.json {
        emit(JSON.object([("stopped", .array(running.map { .string($0.address.description) }))]))
      } else if running.isEmpty {
        print("No sandbox nodes were running in \(location.layout.directory).")
      } else {
        print("Stopped \(running.count) nodes: \(running.map(\.address.description).joined(separator: " "))")
      }
    }
  }

  struct Status: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "status",
      abstract: "List the sandbox's nodes and whether they run.")

    @OptionGroup var location: Location
    @OptionGroup var output: OutputFlags

    func run() async throws {
      let nodes = location.layout.nodes()
      if output.json {
        emit(
          JSON.object([
            ("directory", .string(location.layout.directory)),
            (
              "nodes",
              .array(
                nodes.map { n in
                  .object([
                    ("address", .string(n.address.description)),
                    ("pid", n.pid.map { .int(Int($0)) } ?? .null), ("running", .bool(n.running)),
                  ])
                })
            ),
          ]))
      } else if nodes.isEmpty {
        print("No sandbox in \(location.layout.directory). Start one with 'rcadm sandbox up'.")
      } else {
        for n in nodes {
          print(
            "\(n.address)  \(n.running ? Terminal.ok("running") : Terminal.err("stopped"))  pid \(n.pid.map(String.init) ?? "-")"
          )
        }
      }
      if nodes.contains(where: { !$0.running }) { throw ExitCode(1) }
    }
  }
}
