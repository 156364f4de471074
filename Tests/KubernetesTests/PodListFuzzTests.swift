import JSONDocument
import TestSupport
import Testing

@testable import Kubernetes

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

@Suite struct PodListFuzzTests {
  /// The pod list parser reads whatever JSON kubectl printed: edited fixtures never make it trap,
  /// and a list it accepts gives one pod per item.
  @Test func editedPodListsNeverTrap() throws {
    var rng = SplitMix64(seed: 72)
    let fixtures = try ["ot-pods.json", "bitnami-pods.json"].map(PodParsingTests.load)
    for _ in 0..<FuzzBudget.rounds(300) {
      var document = fixtures.randomElement(using: &rng)!
      for _ in 0..<Int.random(in: 1...6, using: &rng) {
        document = edit(document, rng: &rng)
      }
      if let pods = try? PodListParser.parse(document) {
        let items = document["kind"]?.string == "Pod" ? 1 : document["items"]?.array?.count
        #expect(pods.count == items)
        #expect(pods.map(\.name) == pods.map(\.name).sorted())
      }
    }
  }

  /// Replaces one random node of the tree (found by a random walk) with a generated value.
  private func edit(_ value: JSON, rng: inout SplitMix64) -> JSON {
    switch value {
    case .array(var elements) where !elements.isEmpty && Int.random(in: 0..<5, using: &rng) > 0:
      let i = Int.random(in: 0..<elements.count, using: &rng)
      elements[i] = edit(elements[i], rng: &rng)
      return .array(elements)
    case .object(var members) where !members.isEmpty && Int.random(in: 0..<5, using: &rng) > 0:
      let i = Int.random(in: 0..<members.count, using: &rng)
      members[i].1 = edit(members[i].1, rng: &rng)
      return .object(members)
    default:
      return randomValue(&rng, depth: 0)
    }
  }

  /// A small value made of what pod lists hold: their keys, port-like numbers, quoted numbers, flags.
  private func randomValue(_ rng: inout SplitMix64, depth: Int) -> JSON {
    switch Int.random(in: 0..<(depth < 2 ? 8 : 5), using: &rng) {
    case 0: return .null
    case 1: return .bool(Bool.random(using: &rng))
    case 2:
      return [.int(6379), .int(-1), .int(.max), .double(6379), .double(1.5), .double(-0.0)].randomElement(
        using: &rng)!
    case 3, 4:
      return .string(
        ["", "Pod", "List", "redis", "6379", "True", "Ready", "-1", "é\n"].randomElement(using: &rng)!)
    case 5, 6:
      return .array((0..<Int.random(in: 0...4, using: &rng)).map { _ in randomValue(&rng, depth: depth + 1) })
    default:
      let keys = [
        "name", "kind", "items", "ports", "containerPort", "env", "value", "ready", "type", "status",
      ]
      return .object(
        keys.shuffled(using: &rng).prefix(Int.random(in: 0...4, using: &rng)).map {
          ($0, randomValue(&rng, depth: depth + 1))
        })
    }
  }
}
