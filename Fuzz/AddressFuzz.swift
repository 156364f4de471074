// libFuzzer harness: seed-node words → NodeAddress.parse / NodeSpec.parse / NodeSpec.parseList.
import ClusterKit

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzAddress(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
  guard size > 0, let data else { return 0 }
  // The first byte picks the entry point; the rest is the command-line text.
  let input = text(data + 1, size - 1)
  let words = input.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
  do {
    switch data[0] % 4 {
    case 0: checkAddress(try NodeAddress.parse(input))
    case 1: checkAddress(try NodeSpec.parse([input]).address)
    case 2: checkAddress(try NodeSpec.parse(Array(words.prefix(2))).address)
    default: try NodeSpec.parseList(words).forEach { checkAddress($0.address) }
    }
  } catch {
    let quotedInput = "'\(error.input)'"
    check(error.description.hasPrefix(quotedInput), "message does not quote the input")
    // What was parsed as one unit: the whole text, the two words, or each word of the list.
    let units = data[0] % 4 < 2 ? [input] : data[0] % 4 == 2 ? Array(words.prefix(2)) : words
    // The parts of the problem quoted from the input (the fixed wording may contain any short text).
    let quoted = error.description.dropFirst(quotedInput.count).split(separator: "'").enumerated()
      .filter { $0.offset % 2 == 1 }.map(\.element)
    for unit in units {
      if let secret = secret(in: unit) {
        check(
          !error.input.contains(secret) && !quoted.contains { $0.contains(secret) }, "password in the message"
        )
      }
    }
  }
  return 0
}

/// An ASCII host name or IPv4 address, or an IPv6 literal, with a port 1-65535, that prints and
/// parses back to itself.
private func checkAddress(_ address: NodeAddress) {
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
  check(!address.host.isEmpty && (name || ipv6) && (1...65535).contains(address.port), "accepted \(address)")
  check((try? NodeAddress.parse(address.description)) == address, "\(address) does not print back")
}

/// The password of a `scheme://user:password@host` word, when it could not appear in a message
/// for another reason (long enough, not repeated in the user name or the host).
private func secret(in word: String) -> Substring? {
  guard let scheme = word.firstRange(of: "://"), let at = word.lastIndex(of: "@"), at > scheme.upperBound
  else { return nil }
  let userinfo = word[scheme.upperBound..<at]
  let colon = userinfo.firstIndex(of: ":")
  let secret = colon.map { userinfo[userinfo.index(after: $0)...] } ?? userinfo
  let elsewhere =
    String(word[..<scheme.upperBound]) + userinfo[..<(colon ?? userinfo.startIndex)] + word[at...]
  return secret.count >= 3 && !elsewhere.contains(secret) ? secret : nil
}

@_cdecl("LLVMFuzzerInitialize")
public func initialize(
  _ argc: UnsafeMutablePointer<CInt>?,
  _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>?
) -> CInt {
  runScalingProbe(
    "address",
    [
      ("long host", { repeated("", "a", ":7000", $0) }),
      ("many colons", { repeated("", "1:", "7000", $0) }),
      ("long bracketed host", { repeated("[", "1:", "]:7000", $0) }),
      ("URL with many @", { repeated("redis://u:", "p@", "h:7000", $0) }),
      ("long encoded password", { repeated("redis://u:", "%41", "@h:7000", $0) }),
      ("many words", { repeated("", "h:1 ", "h:1", $0) }),
    ]
  ) { bytes in
    let input = String(decoding: bytes, as: UTF8.self)
    _ = try? NodeAddress.parse(input)
    _ = try? NodeSpec.parse([input])
    _ = try? NodeSpec.parseList(input.split(separator: " ").map(String.init))
  }
  writeSeeds {
    // The accepted and rejected spellings of Tests/ClusterKitTests/AddressParsingTests.swift.
    let words = [
      "127.0.0.1:7000", "localhost:6379", "redis-0.redis.ns.svc.cluster.local:1", "my_host:65535",
      "[::1]:7000",
      "[fe80::1%eth0]:7001", "[2001:db8::7]:30001", "[::ffff:10.0.0.1]:7000", "10.0.0.1:007000",
      "127.0.0.1:99999", "::1:7000", "127.0.0.1:7000@17000", "[localhost]:7000", "localhost 7000", "::1 7000",
      "[::1] 7000", "fe80::1%eth0 7002", "redis://localhost", "rediss://10.0.0.1:7000", "REDISS://h",
      "redis://[::1]:7000", "redis://h:7000/0", "redis://alice:s3cret@h:7000", "redis://alice@h:7000",
      "redis://:s3cret@h", "rediss://default:p%40ss%3Aw%2Frd%25@[::1]:7000/0",
      "redis://j%C3%BCrgen:%E2%82%AC@h",
      "redis://u:a@b:c@h:7000", "http://h:7000", "redis://h:7000/3", "redis://u:bad%zz@h", "a:1 b:2 c:3",
    ]
    return words.flatMap { word in (0..<4).map { [UInt8($0)] + Array(word.utf8) } }
  }
  return 0
}
