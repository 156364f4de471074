import RedisCore
import Testing

@testable import ClusterKit

private typealias ID = FixtureID

private let sixNodeView = ClusterFixture(Layout.sixNodes()).view

/// A replica of `ID.m1` announced at `address`, reached at `dial`.
private func replica(_ id: String, _ address: NodeAddress, dial: NodeAddress? = nil) -> NodeReport {
  let entry = ClusterNodeEntry(id: id, address: address, flags: .replica, masterId: ID.m1)
  return NodeReport(id: id, entry: entry, dialAddress: dial ?? address)
}

@Suite struct ClusterViewTests {
  // MARK: resolve

  @Test func resolvesAFullIdInAnyCase() {
    #expect(sixNodeView.resolve(ID.m3).map(\.id) == .success(ID.m3))
    #expect(sixNodeView.resolve(ID.r2.uppercased()).map(\.id) == .success(ID.r2))
  }

  @Test func resolvesAUniquePrefix() {
    #expect(sixNodeView.resolve("3c9a").map(\.id) == .success(ID.m3))
    #expect(sixNodeView.resolve("e7d1f").map(\.id) == .success(ID.m1))
    #expect(sixNodeView.resolve("E7D14A").map(\.id) == .success(ID.m2))
  }

  @Test func ambiguousPrefixListsTheCandidates() {
    let result = sixNodeView.resolve("e7d1").map(\.id)
    #expect(result == .failure(.ambiguous("e7d1", [ID.m1, ID.m2])))
    guard case .failure(let error) = result else { return }
    #expect(error.description == "'e7d1' matches 2 nodes (e7d1fe0b2a6c, e7d14a77c09b): give more of the id")
  }

  @Test(arguments: ["3c9", "3c9z", "node-1", "ffff", "", "127.0.0.1:7999", ID.stranger])
  func unknownNamesAreNotFound(name: String) {
    #expect(sixNodeView.resolve(name).map(\.id) == .failure(.notFound(name)))
  }

  @Test func notFoundMessage() {
    #expect(
      LookupError.notFound("3c9").description
        == "no node matches '3c9': give a node id, a unique id prefix (4+ characters) or host:port")
  }

  @Test func resolvesAnAnnouncedAddress() {
    #expect(sixNodeView.resolve("127.0.0.1:7005").map(\.id) == .success(ID.r2))
    #expect(sixNodeView.resolve("127.0.0.1:7001").map(\.id) == .success(ID.m1))
  }

  @Test func resolvesADialAddress() {
    // Kubernetes: the pod announces its pod IP, rcadm reaches it through a forwarded port.
    let pod = replica(
      ID.r1, NodeAddress(host: "10.244.1.7", port: 6379), dial: NodeAddress(host: "localhost", port: 31004))
    let other = replica(
      ID.r2, NodeAddress(host: "10.244.2.9", port: 6379), dial: NodeAddress(host: "localhost", port: 31005))
    let view = ClusterView(seed: NodeAddress(host: "localhost", port: 31004), nodes: [pod, other])
    #expect(view.resolve("localhost:31004").map(\.id) == .success(ID.r1))
    #expect(view.resolve("10.244.2.9:6379").map(\.id) == .success(ID.r2))
    #expect(view.resolve("[::1]:31004").map(\.id) == .failure(.notFound("[::1]:31004")))
  }

  @Test func resolvesAnIPv6Address() {
    let node = replica(ID.r1, NodeAddress(host: "::1", port: 7004))
    let view = ClusterView(seed: NodeAddress(host: "::1", port: 7004), nodes: [node])
    #expect(view.resolve("[::1]:7004").map(\.id) == .success(ID.r1))
  }

  // MARK: Order and lookups

  @Test func displayOrderIsMastersByFirstSlotThenReplicas() {
    let text =
      Layout.sixNodes(masterSlots: ["5461-10922", "0-99 16000-16383", "100-5460 10923-15999"]) + "\n"
      + "\(ID.n7) 127.0.0.1:7007@17007 master - 0 0 4 connected\n"
      + "\(ID.stranger) 127.0.0.1:7000@17000 master - 0 0 5 connected"
    let fixture = ClusterFixture(text)
    let shuffled = fixture.reports.values.sorted { $0.id > $1.id }
    let view = ClusterView(seed: local(7001), nodes: shuffled)
    // M2 (slot 0), M3 (100), M1 (5461), then masters without slots by address, then replicas.
    #expect(view.nodes.map(\.id) == [ID.m2, ID.m3, ID.m1, ID.stranger, ID.n7, ID.r1, ID.r2, ID.r3])
    #expect(view.masters.map(\.id) == [ID.m2, ID.m3, ID.m1, ID.stranger, ID.n7])
    #expect(view.replicas.map(\.id) == [ID.r1, ID.r2, ID.r3])
    #expect(view.replicas(of: ID.m1).map(\.id) == [ID.r1])
    #expect(view.replicas(of: ID.n7).isEmpty)
    #expect(view.node(id: ID.m3)?.label == "127.0.0.1:7003")
    #expect(view.node(id: "3c9a") == nil)
  }

  @Test func replicasAreOrderedByAddressNotByText() {
    let a = replica(ID.r1, local(10000))
    let b = replica(ID.r2, local(9000))
    let view = ClusterView(seed: local(9000), nodes: [a, b])
    #expect(view.nodes.map(\.id) == [ID.r2, ID.r1])
  }

  @Test func labelsAndShortIds() {
    var node = replica(ID.r1, NodeAddress(host: "::1", port: 7004))
    #expect(node.label == "[::1]:7004")
    #expect(node.shortId == "5b2e8c4a")
    node.entry.address = nil
    node.dialAddress = local(31004)
    #expect(node.label == "127.0.0.1:31004")
    node.dialAddress = nil
    #expect(node.label == "(no address)")
    #expect(node.isReachable)
    node.unreachableReason = "noaddr"
    #expect(!node.isReachable)
  }
}
