import Foundation
import LocalHost
import TestCluster
import Testing

/// `rcadm sandbox`: the README's first command. Nodes start as real processes, form a cluster that
/// redis-cli finds healthy, and `down` stops every one of them (a signal mask inherited from a
/// runtime thread would leave them running) and removes their files.
@Suite struct SandboxTests {
  @Test func upFormsAClusterAndDownStopsEveryNode() throws {
    let base = try PortAllocator.shared.nextRun(6, host: "127.0.0.2")
    let dir = NSTemporaryDirectory() + "rcadm-sandbox-test-\(getpid())-\(base)"
    let where_ = ["--dir", dir]
    defer { _ = try? Run.rcadm(["sandbox", "down"] + where_) }
    let up = try Run.rcadm(
      ["sandbox", "up", "--nodes", "6", "--replicas", "1", "--host", "127.0.0.2", "--base-port", "\(base)"]
        + where_)
    #expect(up.status == 0, "\(up)")
    #expect(up.stdout.contains("Cluster formed"), "\(up)")
    let check = try Run.program("redis-cli", ["--cluster", "check", "127.0.0.2:\(base)"])
    #expect(check.status == 0 && check.stdout.contains("[OK] All 16384 slots covered"), "\(check)")
    let status = try Run.rcadm(["sandbox", "status", "--json"] + where_)
    #expect(status.status == 0, "\(status)")
    let pids = (0..<6).compactMap { i in
      LocalFiles.readFile("\(dir)/node-\(base + i)/redis.pid").flatMap {
        Int32($0.trimmingCharacters(in: .whitespacesAndNewlines))
      }
    }
    #expect(pids.count == 6, "pid files: \(pids)")
    #expect(pids.allSatisfy(Processes.isAlive))

    let down = try Run.rcadm(["sandbox", "down"] + where_)
    #expect(down.status == 0, "\(down)")
    #expect(down.stdout.contains("Stopped 6 nodes"), "\(down)")
    #expect(
      pids.allSatisfy { !Processes.isAlive($0) },
      "still running after down: \(pids.filter(Processes.isAlive))")
    #expect(!FileManager.default.fileExists(atPath: dir), "\(dir) was left behind")
  }
}
