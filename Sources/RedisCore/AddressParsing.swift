/// A node address given on the command line that could not be understood.
public struct AddressError: Error, Hashable, Sendable, CustomStringConvertible {
  /// The text as the user gave it (URL passwords replaced by `***`).
  public var input: String
  /// A complete sentence saying what is wrong and, where possible, how to write it.
  public var description: String

  public init(input: String, description: String) {
    self.input = input
    self.description = description
  }

  /// "'input': problem", with any URL credentials hidden in the input. The problem quotes pieces
  /// of the input only through `AddressSyntax.shown`, which hides what of them lies in a password
  /// of the word they were cut from (scrubbing the finished message instead was fooled by words
  /// holding quotes, found by fuzzing).
  static func at(_ input: String, _ problem: String) -> AddressError {
    let shown = AddressSyntax.redacted(input)
    return AddressError(input: shown, description: "'\(shown)': \(problem)")
  }
}

/// The accepted spellings, repeated in messages so users can correct themselves.
private let accepted = "write host:port, [ipv6]:port or 'host port'"

extension NodeAddress {
  /// Parses `host:port` or `[ipv6]:port` (not the CLUSTER NODES `ip:port@cport` form).
  public static func parse(_ text: String) throws(AddressError) -> NodeAddress {
    try AddressSyntax.hostPort(text[...], input: text, defaultPort: nil)
  }
}

/// A node named by the user: its address plus connection options carried by a URL.
public struct NodeSpec: Hashable, Sendable {
  public var address: NodeAddress
  /// True for `rediss://`, false for `redis://`, nil when no URL scheme was given.
  public var tls: Bool?
  public var user: String?
  public var password: String?

  public init(address: NodeAddress, tls: Bool? = nil, user: String? = nil, password: String? = nil) {
    self.address = address
    self.tls = tls
    self.user = user
    self.password = password
  }

  /// Parses a seed node: one word (`host:port`, `[ipv6]:port`, `redis[s]://…` URL) or `host port`.
  public static func parse(_ words: [String]) throws(AddressError) -> NodeSpec {
    switch words.count {
    case 1:
      return try parseWord(words[0])
    case 2:
      // Each word hides its own credentials: across the joined text the last '@' may be another word's.
      let input = words.map(AddressSyntax.redacted).joined(separator: " ")
      let host = try AddressSyntax.standaloneHost(words[0], input: input)
      let port = try AddressSyntax.port(words[1][...], input: input)
      return NodeSpec(address: NodeAddress(host: host, port: port))
    default:
      let input = words.map(AddressSyntax.redacted).joined(separator: " ")
      let problem = words.isEmpty ? "no node given" : "expected one node"
      throw AddressError.at(
        input, "\(problem); write host:port, [ipv6]:port, a redis:// URL or 'host port'")
    }
  }

  /// Parses a list of nodes, one per word (each as in the one-word form of `parse`).
  public static func parseList(_ words: [String]) throws(AddressError) -> [NodeSpec] {
    var specs: [NodeSpec] = []
    for word in words {
      specs.append(try parseWord(word))
    }
    return specs
  }

  private static func parseWord(_ word: String) throws(AddressError) -> NodeSpec {
    let lower = word.lowercased()
    if lower.hasPrefix("redis://") {
      return try parseURL(word, schemeLength: 8, tls: false)
    }
    if lower.hasPrefix("rediss://") {
      return try parseURL(word, schemeLength: 9, tls: true)
    }
    if let scheme = AddressSyntax.scheme(of: word) {
      throw AddressError.at(
        word, "unknown scheme '\(AddressSyntax.shown(scheme))://'; use redis:// or rediss://")
    }
    return NodeSpec(address: try NodeAddress.parse(word))
  }

  /// `redis://[[user]:password@]host[:port][/db]` or `redis://password@host`; the port defaults to 6379.
  private static func parseURL(_ url: String, schemeLength: Int, tls: Bool) throws(AddressError) -> NodeSpec {
    let scheme = url.prefix(schemeLength)
    let rest = url.dropFirst(schemeLength)
    var hostAndPath = rest
    var userText: Substring? = nil
    var passwordText: Substring? = nil
    // The last `@` ends the credentials, so an unencoded `@` or `/` in a password still works.
    if let at = rest.lastIndex(of: "@") {
      let userinfo = rest[..<at]
      hostAndPath = rest[rest.index(after: at)...]
      if let colon = userinfo.firstIndex(of: ":") {
        userText = userinfo[..<colon]
        passwordText = userinfo[userinfo.index(after: colon)...]
      } else {
        // As in redis-cli, a lone credential is the password of the default user.
        passwordText = userinfo
      }
    }
    var authority = hostAndPath
    if userText == nil && passwordText == nil && !AddressSyntax.passwordRanges(url).isEmpty {
      // `scheme://user:password` with the `@host` left out: the "port" is hidden, so say why.
      throw AddressError.at(
        url, "the port is not a number; credentials go before the host: \(scheme)user:password@host:port")
    }
    if let slash = hostAndPath.firstIndex(of: "/") {
      authority = hostAndPath[..<slash]
      let db = hostAndPath[hostAndPath.index(after: slash)...]
      if !db.isEmpty {
        guard db.allSatisfy(AddressSyntax.isDigit), let number = Int(db) else {
          throw AddressError.at(url, "database '\(AddressSyntax.shown(db))' is not a number")
        }
        guard number == 0 else {
          throw AddressError.at(url, "Redis Cluster has only database 0")
        }
      }
    }
    let address = try AddressSyntax.hostPort(authority, input: url, defaultPort: 6379)
    var user: String? = nil
    if let userText, !userText.isEmpty {
      user = try AddressSyntax.percentDecoded(userText, what: "user name", input: url)
    }
    var password: String? = nil
    if let passwordText {
      password = try AddressSyntax.percentDecoded(passwordText, what: "password", input: url)
    }
    return NodeSpec(address: address, tls: tls, user: user, password: password)
  }
}

/// The lexical pieces shared by the address forms.
enum AddressSyntax {
  // ASCII only: `Character` ordering puts "1\u{301}" between "0" and "9" and "a\u{301}" between
  // "a" and "z", which would let a decomposed accent into a port or host name.
  static func isDigit(_ c: Character) -> Bool { c.isASCII && c >= "0" && c <= "9" }

  static func isHexDigit(_ c: Character) -> Bool {
    isDigit(c) || (c.isASCII && ((c >= "a" && c <= "f") || (c >= "A" && c <= "F")))
  }

  /// Characters allowed in a host name or IPv4 address (and in an IPv6 zone id).
  static func isNameCharacter(_ c: Character) -> Bool {
    isDigit(c) || (c.isASCII && ((c >= "a" && c <= "z") || (c >= "A" && c <= "Z")))
      || c == "." || c == "-" || c == "_"
  }

  /// Loose IPv6 literal check (hex groups, `::`, embedded IPv4, `%zone`): enough to reject typos.
  static func looksLikeIPv6(_ text: Substring) -> Bool {
    var address = text
    if let percent = text.firstIndex(of: "%") {
      let zone = text[text.index(after: percent)...]
      guard !zone.isEmpty, zone.allSatisfy(isNameCharacter) else { return false }
      address = text[..<percent]
    }
    let colons = address.reduce(0) { $1 == ":" ? $0 + 1 : $0 }
    return colons >= 2 && address.allSatisfy { isHexDigit($0) || $0 == ":" || $0 == "." }
  }

  /// The `xyz` of `xyz://…` when the text starts with a URL scheme.
  static func scheme(of text: String) -> Substring? {
    guard let colon = text.firstIndex(of: ":"), text[colon...].hasPrefix("://") else { return nil }
    let name = text[..<colon]
    guard let first = name.first, first.isLetter,
      name.allSatisfy({ isNameCharacter($0) || $0 == "+" })
    else { return nil }
    return name
  }

  /// A decimal port 1-65535.
  static func port(_ text: Substring, input: String) throws(AddressError) -> Int {
    guard !text.isEmpty else {
      throw AddressError.at(input, "missing port; \(accepted)")
    }
    if text.contains("@") {
      throw AddressError.at(
        input, "'@busport' is CLUSTER NODES syntax; give only the client port, e.g. host:7000")
    }
    guard text.allSatisfy(isDigit) else {
      throw AddressError.at(input, "port '\(shown(text))' is not a decimal number")
    }
    guard let port = Int(text), port >= 1, port <= 65535 else {
      throw AddressError.at(input, "port \(shown(text)) is out of range (1-65535)")
    }
    return port
  }

  /// A host name or IPv4 address (no brackets, no colon).
  static func name(_ host: Substring, input: String) throws(AddressError) -> String {
    guard !host.isEmpty else {
      throw AddressError.at(input, "empty host; \(accepted)")
    }
    if let bad = host.first(where: { !isNameCharacter($0) }) {
      throw AddressError.at(input, "invalid character '\(bad)' in host '\(shown(host))'")
    }
    return String(host)
  }

  /// The inside of `[…]`, which must be an IPv6 literal.
  static func bracketed(_ host: Substring, input: String) throws(AddressError) -> String {
    guard !host.isEmpty else {
      throw AddressError.at(input, "empty host; \(accepted)")
    }
    guard looksLikeIPv6(host) else {
      throw AddressError.at(
        input, "'\(shown(host))' is not an IPv6 address (brackets are for IPv6 only)")
    }
    return String(host)
  }

  /// `host:port` or `[ipv6]:port`; the port may be left out only when there is a default.
  static func hostPort(_ text: Substring, input: String, defaultPort: Int?) throws(AddressError)
    -> NodeAddress
  {
    guard !text.isEmpty else {
      throw AddressError.at(input, "empty address; \(accepted)")
    }
    if text.first == "[" {
      guard let close = text.firstIndex(of: "]") else {
        throw AddressError.at(input, "missing ']' after the IPv6 address")
      }
      let host = try bracketed(text[text.index(after: text.startIndex)..<close], input: input)
      let rest = text[text.index(after: close)...]
      if rest.isEmpty, let defaultPort {
        return NodeAddress(host: host, port: defaultPort)
      }
      guard rest.isEmpty || rest.first == ":" else {
        throw AddressError.at(input, "expected ':' and a port after ']'")
      }
      return NodeAddress(host: host, port: try port(rest.dropFirst(), input: input))
    }
    let colons = text.reduce(0) { $1 == ":" ? $0 + 1 : $0 }
    if colons == 0 {
      let host = try name(text, input: input)
      guard let defaultPort else {
        throw AddressError.at(input, "missing port; \(accepted)")
      }
      return NodeAddress(host: host, port: defaultPort)
    }
    if colons > 1 {
      throw ambiguous(text, input: input)
    }
    let colon = text.firstIndex(of: ":")!
    let host = try name(text[..<colon], input: input)
    return NodeAddress(host: host, port: try port(text[text.index(after: colon)...], input: input))
  }

  /// The host word of the two-word form, where a bare IPv6 literal is unambiguous.
  static func standaloneHost(_ word: String, input: String) throws(AddressError) -> String {
    if word.first == "[" && word.last == "]" && word.count >= 2 {
      return try bracketed(word.dropFirst().dropLast(), input: input)
    }
    if word.contains(":") {
      guard looksLikeIPv6(word[...]) else {
        throw AddressError.at(input, "give either host:port or 'host port', not both")
      }
      return word
    }
    return try name(word[...], input: input)
  }

  /// An unbracketed text with several colons: suggest the bracketed spelling when we can.
  static func ambiguous(_ text: Substring, input: String) -> AddressError {
    let colon = text.lastIndex(of: ":")!
    let host = text[..<colon]
    let port = text[text.index(after: colon)...]
    let shown = redacted(input)
    // No hint quoting the text when part of it was hidden as a password.
    if shown == input, looksLikeIPv6(host), !port.isEmpty, port.allSatisfy(isDigit) {
      return AddressError(
        input: shown, description: "'\(shown)' is ambiguous: write IPv6 addresses as [\(host)]:\(port)")
    }
    return AddressError(
      input: shown, description: "'\(shown)' is ambiguous: write IPv6 addresses as [ipv6]:port")
  }

  /// The word with the credentials of its `scheme://user:password@…` hidden (`user:***`, or
  /// `***` for a lone credential), whatever the scheme: a mistyped scheme must not
  /// put a password in a message, a log or a JSON document.
  static func redacted(_ text: String) -> String {
    var shown = ""
    var start = text.startIndex
    for range in passwordRanges(text) {
      shown += text[start..<range.lowerBound] + "***"
      start = range.upperBound
    }
    return shown + text[start...]
  }

  /// A piece cut from a word, for quoting in a message: what of it lies in one of the word's
  /// passwords is `***`. Working on the piece's place in its word (not on the finished message)
  /// holds whatever the word contains, quotes included.
  static func shown(_ piece: Substring) -> String {
    let word = piece.base
    var out = ""
    var start = piece.startIndex
    for range in passwordRanges(word)
    where range.upperBound > piece.startIndex && range.lowerBound < piece.endIndex {
      let hidden = max(range.lowerBound, piece.startIndex)..<min(range.upperBound, piece.endIndex)
      if hidden.lowerBound >= start {
        out += word[start..<hidden.lowerBound] + "***"
        start = hidden.upperBound
      }
    }
    return out + word[start..<piece.endIndex]
  }

  /// Where the passwords are in one word (spaces included, as the URL parser reads it): after a
  /// `scheme://` the credentials up to the last `@` after `user:`; then, in each `scheme://name:…` with no
  /// `@` after it, what follows the colon unless it is a port or part of an IPv6 address (a
  /// password whose `@host` was left out).
  static func passwordRanges(_ text: String) -> [Range<String.Index>] {
    var ranges: [Range<String.Index>] = []
    let word = text[...]
    var next = word.firstRange(of: "://")
    if let separator = next, let at = word[separator.upperBound...].lastIndex(of: "@") {
      let colon = word[separator.upperBound..<at].firstIndex(of: ":")
      ranges.append((colon.map { word.index(after: $0) } ?? separator.upperBound)..<at)
      next = word[at...].firstRange(of: "://")
    }
    while let separator = next {
      next = word[separator.upperBound...].firstRange(of: "://")
      let part = word[separator.upperBound..<(next?.lowerBound ?? word.endIndex)]
      guard part.first != "[", !looksLikeIPv6(part.prefix { $0 != "/" }),
        let colon = part.firstIndex(of: ":")
      else { continue }
      let after = part[part.index(after: colon)...]
      let port = after.prefix { $0 != "/" }
      if after.isEmpty || (!port.isEmpty && port.allSatisfy(isDigit)) { continue }
      ranges.append(after.startIndex..<after.endIndex)
    }
    return ranges
  }

  /// Decodes `%XX` escapes (bytes, then UTF-8); an empty result means "not given".
  static func percentDecoded(_ text: Substring, what: String, input: String) throws(AddressError)
    -> String?
  {
    guard !text.isEmpty else { return nil }
    var bytes: [UInt8] = []
    var iterator = text.utf8.makeIterator()
    while let byte = iterator.next() {
      guard byte == UInt8(ascii: "%") else {
        bytes.append(byte)
        continue
      }
      guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue)
      else {
        throw AddressError.at(input, "invalid percent-encoding in the \(what) (expected %XX)")
      }
      bytes.append(high << 4 | low)
    }
    return String(decoding: bytes, as: UTF8.self)
  }

  private static func hexValue(_ byte: UInt8) -> UInt8? {
    switch byte {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
    default: return nil
    }
  }
}
