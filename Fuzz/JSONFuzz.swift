// libFuzzer harness: bytes → JSON.parse (kubectl's JSON), then PodListParser on what parses.
import JSONDocument
import Kubernetes

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJSON(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
  let bytes = UnsafeBufferPointer(start: data, count: size)
  do throws(JSONParseError) {
    let value = try JSON.parse(bytes)
    check(depth(value) <= JSON.maxDepth, "deeper than the limit")
    check((try? JSON.parse(serialize(value))) == value, "did not print back the same")
    check((try? JSON.parse(value.render())) == value, "did not render back the same")
    // Invalid UTF-8 inside strings is repaired the way String(decoding:) repairs the whole input.
    check((try? JSON.parse(text(data, size))) == value, "repairing the UTF-8 first changed the value")
    if let pods = try? PodListParser.parse(value) {
      check(pods.map(\.name) == pods.map(\.name).sorted(), "pods not sorted")
    }
  } catch {
    check((0...size).contains(error.offset) && isSentence(error.reason), "bad error \(error)")
    if error.reason.hasPrefix("unexpected end of input") {
      check(error.offset == size, "end of input reported at \(error.offset) of \(size)")
    } else {
      // The input is a valid prefix up to the offset: cut there, it ends too early right there.
      do throws(JSONParseError) {
        _ = try JSON.parse(UnsafeBufferPointer(rebasing: bytes[..<error.offset]))
      } catch let cut {
        check(
          cut.offset == error.offset && cut.reason.hasPrefix("unexpected end of input"), "\(error) / \(cut)")
      }
    }
  }
  return 0
}

private func depth(_ value: JSON) -> Int {
  switch value {
  case .array(let elements): return 1 + (elements.map(depth).max() ?? 0)
  case .object(let members): return 1 + (members.map { depth($0.1) }.max() ?? 0)
  default: return 0
  }
}

/// Compact JSON that parses back to `value`, written apart from `JSON.render` (doubles in Swift's shortest
/// round-trip spelling, which always has a fraction or an exponent, so they stay doubles).
private func serialize(_ value: JSON) -> String {
  switch value {
  case .null: return "null"
  case .bool(let flag): return flag ? "true" : "false"
  case .int(let number): return "\(number)"
  case .double(let number): return "\(number)"
  case .string(let text): return quote(text)
  case .array(let elements): return "[" + elements.map(serialize).joined(separator: ",") + "]"
  case .object(let members):
    return "{" + members.map { quote($0.0) + ":" + serialize($0.1) }.joined(separator: ",") + "}"
  }
}

private func quote(_ text: String) -> String {
  var out = "\""
  for scalar in text.unicodeScalars {
    switch scalar {
    case "\"": out += "\\\""
    case "\\": out += "\\\\"
    case _ where scalar.value < 0x20:
      let hex = String(scalar.value, radix: 16)
      out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
    default: out.unicodeScalars.append(scalar)
    }
  }
  return out + "\""
}

@_cdecl("LLVMFuzzerInitialize")
public func initialize(
  _ argc: UnsafeMutablePointer<CInt>?,
  _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>?
) -> CInt {
  runScalingProbe(
    "json",
    [
      ("long integer", { repeated("1", "7", "", $0) }),
      ("long fraction", { repeated("0.", "3", "1", $0) }),
      ("long exponent", { repeated("1e", "9", "", $0) }),
      ("escaped string", { repeated("\"", "\\u00e9\\n", "\"", $0) }),
      ("big array", { repeated("[", "1,", "1]", $0) }),
      ("many small arrays", { repeated("[", "[1],", "1]", $0) }),
      (
        "many keys",
        { size in Array(("{" + (0..<(size / 12)).map { "\"k\($0)\":1" }.joined(separator: ",") + "}").utf8) }
      ),
      ("one key repeated", { repeated("{", "\"k\":1,", "\"k\":1}", $0) }),
      ("too deep, then long", { repeated(String(repeating: "[", count: 600), " ", "", $0) }),
    ]
  ) { bytes in
    if let value = try? JSON.parse(bytes) { _ = try? PodListParser.parse(value) }
  }
  writeSeeds {
    var seeds: [[UInt8]] = []
    // Each pod of the kubectl fixtures (Tests/KubernetesTests/Fixtures), compact, as its own seed:
    // whole lists are longer than the fuzzer's input length limit.
    let paths = getenv("RCADM_FUZZ_FIXTURES").map { String(cString: $0) } ?? ""
    for path in paths.split(separator: ":") {
      guard let list = try? JSON.parse(readFile(String(path))) else {
        check(false, "cannot read the fixture \(path)")
        return []
      }
      for item in list["items"]?.array ?? [] {
        seeds.append(Array(serialize(.object([("kind", .string("List")), ("items", .array([item]))])).utf8))
        seeds.append(Array(serialize(item).utf8))
      }
    }
    var rng = SplitMix64(state: 4)
    for _ in 0..<200 { seeds.append(Array(serialize(randomValue(&rng, depth: 0)).utf8)) }
    seeds.append(Array((String(repeating: "[", count: 512) + String(repeating: "]", count: 512)).utf8))
    return seeds
  }
  return 0
}

private func readFile(_ path: String) -> [UInt8] {
  guard let file = fopen(path, "rb") else { return [] }
  defer { fclose(file) }
  var bytes: [UInt8] = []
  var buffer = [UInt8](repeating: 0, count: 65536)
  while true {
    let count = fread(&buffer, 1, buffer.count, file)
    if count <= 0 { return bytes }
    bytes += buffer[..<count]
  }
}

private func randomValue(_ rng: inout SplitMix64, depth: Int) -> JSON {
  switch Int.random(in: 0..<(depth < 4 ? 7 : 4), using: &rng) {
  case 0: return .null
  case 1: return .bool(Bool.random(using: &rng))
  case 2:
    let d = Double(bitPattern: rng.next())
    return d.isFinite ? .double(d) : .int(Int.random(in: -100_000...100_000, using: &rng))
  case 3: return .string(["", "redis", "é\n\"\\", "😀", "\u{0}", "6379"].randomElement(using: &rng)!)
  case 4, 5:
    return .array((0..<Int.random(in: 0...4, using: &rng)).map { _ in randomValue(&rng, depth: depth + 1) })
  default:
    return .object(
      ["name", "ports", "env", "status", "a"].prefix(Int.random(in: 0...5, using: &rng)).map {
        ($0, randomValue(&rng, depth: depth + 1))
      })
  }
}
