// libFuzzer harness: seed-node words → NodeAddress.parse / NodeSpec.parse / NodeSpec.parseList.
import ClusterKit
import RedisCore

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
    // The parts of the problem quoted from the input (the fixed wording may contain any short text,
    // and quotes 'host port' itself).
    let quoted = error.description.dropFirst(quotedInput.count).split(separator: "'").enumerated()
      .filter { $0.offset % 2 == 1 && $0.element != "host port" }.map(\.element)
    // A password may show only where the user also typed its text as something else (a host,
    // another word), or where it is part of what the redacted words show (`user:***@host`).
    let given = data[0] % 4 < 2 ? [input] : data[0] % 4 == 2 ? Array(words.prefix(2)) : words
    let typed = given.map(passwordAndShownText)
    let shown = typed.map(\.shown).joined(separator: " ")
    // A password with `***` in it cannot be told from the stars that hide others.
    for secret in typed.flatMap(\.passwords)
    where secret.count >= 3 && !shown.contains(secret) && !secret.contains("***") {
      check(
        !error.input.contains(secret) && !quoted.contains { $0.contains(secret) },
        "password «\(secret)» in the message: \(error.description)"
      )
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

/// The passwords of a word and the word as it may be shown with them starred: a
/// `scheme://[user:]password@host` word's (up to the last `@`, as the URL parser reads it), then
/// those of each `scheme://user:password` with no `@` after it, where what follows the colon is
/// neither a port nor part of an IPv6 address.
private func passwordAndShownText(_ word: String) -> (passwords: [Substring], shown: String) {
  var passwords: [Substring] = []
  var shown = ""
  var start = word.startIndex
  func hide(_ password: Substring) {
    passwords.append(password)
    shown += word[start..<password.startIndex] + "***"
    start = password.endIndex
  }
  let schemes = word.ranges(of: "://")
  let at = schemes.first.flatMap { word[$0.upperBound...].lastIndex(of: "@") }
  if let first = schemes.first, let at {
    let userinfo = word[first.upperBound..<at]
    hide(userinfo.firstIndex(of: ":").map { userinfo[userinfo.index(after: $0)...] } ?? userinfo)
  }
  for (i, scheme) in schemes.enumerated() where at.map({ scheme.lowerBound > $0 }) ?? true {
    let part = word[scheme.upperBound..<(i + 1 < schemes.count ? schemes[i + 1].lowerBound : word.endIndex)]
    let authority = part.prefix { $0 != "/" }
    let address = authority.split(separator: "%", maxSplits: 1, omittingEmptySubsequences: false)
    let ipv6 =
      authority.first == "["
      || (address[0].count(where: { $0 == ":" }) >= 2
        && address[0].allSatisfy { $0.isHexDigit || ":.".contains($0) }
        && address.dropFirst().allSatisfy {
          !$0.isEmpty && $0.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || ".-_".contains($0)) }
        })
    guard !ipv6, let colon = part.firstIndex(of: ":") else { continue }
    let password = part[part.index(after: colon)...]
    let port = password.prefix { $0 != "/" }
    if !password.isEmpty && (port.isEmpty || !port.allSatisfy(\.isWholeNumber)) { hide(password) }
  }
  return (passwords, shown + word[start...])
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
