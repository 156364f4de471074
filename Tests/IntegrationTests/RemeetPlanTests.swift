import ClusterAdmin
import ClusterKit
import RESP
import RedisCore
import Testing

/// `fix --remeet` planning, without servers.
@Suite struct RemeetPlanTests {
  struct NoSession: NodeSession {
    var address: NodeAddress
    func send(_ commands: [[[UInt8]]], timeout: Duration?) async throws -> [RESPValue] { [] }
    func close() async {}
  }

  static func node(_ id: Character, at host: String, knows: [(Character, String, String)]) -> RemeetNode {
    let me = String(repeating: id, count: 40)
    var lines = ["\(me) \(host):6379@16379 myself,master - 0 0 1 connected"]
    for (other, otherHost, state) in knows {
      lines.append(
        "\(String(repeating: other, count: 40)) \(otherHost):6379@16379 master\(state) - 0 0 2 connected")
    }
    let view = try! ClusterNodesParser.parse(lines.joined(separator: "\n"))
    let address = NodeAddress(host: host, port: 6379)
    return RemeetNode(
      id: me, current: address, busPort: 16379, view: view, session: NoSession(address: address))
  }

  @Test func meetsOnlyStaleKnownNodes() throws {
    // a and b restarted on new IPs; c sees a at its old address and b as failed.
    let nodes = [
      Self.node("a", at: "127.0.0.11", knows: [("b", "127.0.0.12", ""), ("c", "127.0.0.13", "")]),
      Self.node("b", at: "127.0.0.12", knows: [("a", "127.0.0.11", ""), ("c", "127.0.0.13", "")]),
      Self.node("c", at: "127.0.0.13", knows: [("a", "127.0.0.1", ""), ("b", "127.0.0.12", ",fail")]),
    ]
    let meets = try Remeet.plan(nodes)
    #expect(
      Set(meets.map { "\($0.from.prefix(1))>\($0.to.prefix(1))@\($0.address.host)" }) == [
        "c>a@127.0.0.11", "c>b@127.0.0.12",
      ])
  }

  @Test func neverMergesSeparateClusters() {
    let nodes = [
      Self.node("a", at: "127.0.0.11", knows: [("b", "127.0.0.12", "")]),
      Self.node("b", at: "127.0.0.12", knows: [("a", "127.0.0.11", "")]),
      Self.node("c", at: "127.0.0.13", knows: [("d", "127.0.0.14", "")]),
      Self.node("d", at: "127.0.0.14", knows: [("c", "127.0.0.13", "")]),
    ]
    #expect(throws: ValidationProblems.self) { try Remeet.plan(nodes) }
  }

  @Test func refusesOneIDTwice() {
    let nodes = [
      Self.node("a", at: "127.0.0.11", knows: [("b", "127.0.0.12", "")]),
      Self.node("a", at: "127.0.0.15", knows: [("b", "127.0.0.12", "")]),
      Self.node("b", at: "127.0.0.12", knows: [("a", "127.0.0.11", "")]),
    ]
    #expect(throws: ValidationProblems.self) { try Remeet.plan(nodes) }
  }
}
