import ClusterKit
import RedisCore
import TestSupport
import Testing

/// Builds random seed-node words: `host:port`, `[ipv6]:port`, `host port`, and `redis[s]://` URLs
/// with percent-encoded credentials, together with the `NodeSpec` they mean.
struct AddressGenerator {
  var rng: SplitMix64

  init(seed: UInt64) {
    rng = SplitMix64(seed: seed)
  }

  private mutating func chance(_ p: Double) -> Bool { Double.random(in: 0..<1, using: &rng) < p }

  /// A host as given by the user (IPv6 without brackets) and whether it is IPv6.
  mutating func host() -> (String, ipv6: Bool) {
    switch Int.random(in: 0..<4, using: &rng) {
    case 0:
      let alphabet = Array("abcdefghijklmnopqrstuvwxyzABCXYZ0123456789.-_")
      return (
        String((0..<Int.random(in: 1...20, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! }),
        false
      )
    case 1:
      return ((0..<4).map { _ in String(Int.random(in: 0...255, using: &rng)) }.joined(separator: "."), false)
    case 2:
      return (
        ["::1", "2001:db8::7", "fe80::1%eth0", "::ffff:10.0.0.1", "FE80::A:b"].randomElement(using: &rng)!,
        true
      )
    default:
      return (
        ["localhost", "redis-0.redis-headless.ns.svc.cluster.local", "my_host"].randomElement(using: &rng)!,
        false
      )
    }
  }

  /// A credential and its spelling in a URL: `%` always encoded, other bytes sometimes.
  private mutating func credential(allowColon: Bool) -> (decoded: String, encoded: String) {
    let pool: [String] = ["a", "Z", "9", "@", ":", "/", "%", "é", "€", " ", "?", "#", "x"]
    let decoded = (0..<Int.random(in: 1...10, using: &rng)).map { _ in pool.randomElement(using: &rng)! }
      .joined()
    var encoded = ""
    for character in decoded {
      let mustEncode = character == "%" || (character == ":" && !allowColon)
      if mustEncode || chance(0.3) {
        for byte in character.utf8 {
          let hex = String(byte, radix: 16, uppercase: chance(0.5))
          encoded += "%" + (hex.count == 1 ? "0" + hex : hex)
        }
      } else {
        encoded.append(character)
      }
    }
    return (decoded, encoded)
  }

  /// Words and the spec they parse to.
  mutating func words() -> ([String], NodeSpec) {
    let (host, ipv6) = host()
    let port = Int.random(in: 1...65535, using: &rng)
    let bracketed = ipv6 ? "[\(host)]" : host
    switch Int.random(in: 0..<4, using: &rng) {
    case 0:
      return (["\(bracketed):\(port)"], NodeSpec(address: NodeAddress(host: host, port: port)))
    case 1:
      let hostWord = ipv6 && chance(0.5) ? host : bracketed
      return ([hostWord, String(port)], NodeSpec(address: NodeAddress(host: host, port: port)))
    default:
      let tls = chance(0.5)
      var scheme = tls ? "rediss" : "redis"
      if chance(0.2) { scheme = scheme.uppercased() }
      var url = scheme + "://"
      var spec = NodeSpec(address: NodeAddress(host: host, port: port), tls: tls)
      switch Int.random(in: 0..<4, using: &rng) {
      case 0:
        // A lone credential is a password; without the leading ':' its colons must be encoded.
        let colon = chance(0.5)
        let password = credential(allowColon: colon)
        url += "\(colon ? ":" : "")\(password.encoded)@"
        spec.password = password.decoded
      case 1:
        let user = credential(allowColon: false)
        let password = credential(allowColon: true)
        url += "\(user.encoded):\(password.encoded)@"
        (spec.user, spec.password) = (user.decoded, password.decoded)
      default: break
      }
      url += bracketed
      if chance(0.3) {
        spec.address.port = 6379
      } else {
        url += ":\(port)"
      }
      url += ["", "", "/", "/0"].randomElement(using: &rng)!
      return ([url], spec)
    }
  }
}

/// The text between `scheme://` and the last `@`, which a message must never repeat when it holds
/// a password: everything after the first `:` (or all of it).
private func secret(in word: String) -> Substring? {
  guard let schemeEnd = word.range(of: "://")?.upperBound, let at = word.lastIndex(of: "@"), at > schemeEnd
  else { return nil }
  let userinfo = word[schemeEnd..<at]
  let colon = userinfo.firstIndex(of: ":")
  let secret = colon.map { userinfo[userinfo.index(after: $0)...] } ?? userinfo
  // Too short or repeated outside the password (the user name may be shown): it may appear in a
  // message for another reason.
  let elsewhere =
    String(word[..<schemeEnd]) + String(userinfo[..<(colon ?? userinfo.startIndex)]) + String(word[at...])
  return secret.count >= 3 && !elsewhere.contains(secret) ? secret : nil
}

extension String {
  /// `range(of:)` without Foundation.
  fileprivate func range(of needle: String) -> Range<Index>? {
    var start = startIndex
    while start < endIndex {
      if self[start...].hasPrefix(needle) { return start..<index(start, offsetBy: needle.count) }
      start = index(after: start)
    }
    return nil
  }
}

/// What `NodeAddress` may hold after parsing: an ASCII host name or IPv4 address, or an IPv6
/// literal (hex digits, colons, dots, an ASCII `%zone`), and a port 1-65535.
private func isAcceptable(_ address: NodeAddress) -> Bool {
  let name = address.host.unicodeScalars.allSatisfy {
    $0.isASCII
      && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || ".-_".unicodeScalars.contains($0))
  }
  let parts = address.host.split(separator: "%", maxSplits: 1)
  let ipv6 =
    address.host.contains(":")
    && (parts.first ?? "").unicodeScalars.allSatisfy {
      $0.isASCII && ($0.properties.isASCIIHexDigit || ":.".unicodeScalars.contains($0))
    }
    && (parts.count == 1 || parts[1].unicodeScalars.allSatisfy { $0.isASCII && $0.value > 0x20 })
  return !address.host.isEmpty && (name || ipv6) && (1...65535).contains(address.port)
}

@Suite struct AddressFuzzTests {
  /// Generated words parse to the spec they were made from, and an address prints back to itself.
  @Test func generatedWordsParseBackExactly() throws {
    var generator = AddressGenerator(seed: 41)
    for _ in 0..<FuzzBudget.rounds(2000) {
      let (words, expected) = generator.words()
      let spec = try NodeSpec.parse(words)
      let ok = spec == expected && (try? NodeAddress.parse(spec.address.description)) == spec.address
      #expect(ok, "\(words)")
      if !ok { return }
    }
  }

  /// Mutated words either parse to an acceptable address that prints back to itself, or throw an
  /// error that quotes the input — with any URL password replaced by `***`.
  @Test(arguments: 0..<2)
  func mutatedWords(shard: Int) {
    var generator = AddressGenerator(seed: 700 + UInt64(shard))
    var rng = SplitMix64(seed: 800 + UInt64(shard))
    var mutator = ByteMutator(
      tokens: [
        ":", "[", "]", "@", "/", "%", "%4", "://", "redis://", "http://", "::", ".", " ", "%zone", "0",
      ]
      .map { Array($0.utf8) })
    var outcomes = (parsed: 0, failed: 0)
    for _ in 0..<FuzzBudget.rounds(3000) {
      var (words, _) = generator.words()
      let which = Int.random(in: 0..<words.count, using: &rng)
      var bytes = Array(words[which].utf8)
      mutator.mutate(&bytes, using: &rng)
      words[which] = String(decoding: bytes, as: UTF8.self)
      var violation: String?
      do {
        let spec = try NodeSpec.parse(words)
        outcomes.parsed += 1
        if !isAcceptable(spec.address) || (try? NodeAddress.parse(spec.address.description)) != spec.address {
          violation = "accepted \(spec.address.host.debugDescription) port \(spec.address.port)"
        }
      } catch {
        outcomes.failed += 1
        let quotedInput = "'\(error.input)'"
        if !error.description.hasPrefix(quotedInput) { violation = "message does not quote the input" }
        // The parts of the problem quoted from the input (the fixed wording may contain any short text).
        let quoted = error.description.dropFirst(quotedInput.count).split(separator: "'").enumerated()
          .filter { $0.offset % 2 == 1 }.map(\.element)
        for word in words {
          if let secret = secret(in: word),
            error.input.contains(secret) || quoted.contains(where: { $0.contains(secret) })
          {
            violation = "the password is in the message"
          }
        }
      }
      // A single word also goes through `NodeAddress.parse`, which must agree on what it accepts.
      if words.count == 1, !words[0].contains("://"), let address = try? NodeAddress.parse(words[0]),
        !isAcceptable(address)
      {
        violation = "NodeAddress accepted \(address.host.debugDescription)"
      }
      if let violation {
        Issue.record("\(violation): \(words.map(\.debugDescription))")
        return
      }
    }
    #expect(outcomes.parsed > 100 && outcomes.failed > 100)
  }
}
