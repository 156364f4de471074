import ClusterKit
import RedisCore
import Testing

@Suite struct NodeAddressParseTests {
  @Test(arguments: [
    ("127.0.0.1:7000", "127.0.0.1", 7000),
    ("localhost:6379", "localhost", 6379),
    ("redis-0.redis.ns.svc.cluster.local:1", "redis-0.redis.ns.svc.cluster.local", 1),
    ("my_host:65535", "my_host", 65535),
    ("[::1]:7000", "::1", 7000),
    ("[fe80::1%eth0]:7001", "fe80::1%eth0", 7001),
    ("[2001:db8::7]:30001", "2001:db8::7", 30001),
    ("[::ffff:10.0.0.1]:7000", "::ffff:10.0.0.1", 7000),
    ("10.0.0.1:007000", "10.0.0.1", 7000),
  ])
  func accepted(text: String, host: String, port: Int) throws {
    let address = try NodeAddress.parse(text)
    #expect(address == NodeAddress(host: host, port: port))
  }

  @Test func ipv6RoundTripsThroughDescription() throws {
    let address = try NodeAddress.parse("[2001:db8::7]:30001")
    #expect(address.description == "[2001:db8::7]:30001")
    #expect(try NodeAddress.parse(address.description) == address)
  }

  @Test(arguments: [
    ("127.0.0.1:99999", "'127.0.0.1:99999': port 99999 is out of range (1-65535)"),
    ("127.0.0.1:0", "'127.0.0.1:0': port 0 is out of range (1-65535)"),
    ("127.0.0.1:65536", "'127.0.0.1:65536': port 65536 is out of range (1-65535)"),
    (
      "h:99999999999999999999999",
      "'h:99999999999999999999999': port 99999999999999999999999 is out of range (1-65535)"
    ),
    ("localhost", "'localhost': missing port; write host:port, [ipv6]:port or 'host port'"),
    ("localhost:", "'localhost:': missing port; write host:port, [ipv6]:port or 'host port'"),
    ("[::1]", "'[::1]': missing port; write host:port, [ipv6]:port or 'host port'"),
    ("[::1]:", "'[::1]:': missing port; write host:port, [ipv6]:port or 'host port'"),
    ("::1:7000", "'::1:7000' is ambiguous: write IPv6 addresses as [::1]:7000"),
    ("2001:db8::7:30001", "'2001:db8::7:30001' is ambiguous: write IPv6 addresses as [2001:db8::7]:30001"),
    ("::1", "'::1' is ambiguous: write IPv6 addresses as [ipv6]:port"),
    ("a:b:c", "'a:b:c' is ambiguous: write IPv6 addresses as [ipv6]:port"),
    ("", "'': empty address; write host:port, [ipv6]:port or 'host port'"),
    (":7000", "':7000': empty host; write host:port, [ipv6]:port or 'host port'"),
    ("[]:7000", "'[]:7000': empty host; write host:port, [ipv6]:port or 'host port'"),
    ("host:abc", "'host:abc': port 'abc' is not a decimal number"),
    ("host:+7000", "'host:+7000': port '+7000' is not a decimal number"),
    ("host:-1", "'host:-1': port '-1' is not a decimal number"),
    ("host: 7000", "'host: 7000': port ' 7000' is not a decimal number"),
    (
      "127.0.0.1:7000@17000",
      "'127.0.0.1:7000@17000': '@busport' is CLUSTER NODES syntax; give only the client port, e.g. host:7000"
    ),
    ("ho st:7000", "'ho st:7000': invalid character ' ' in host 'ho st'"),
    ("[::1:7000", "'[::1:7000': missing ']' after the IPv6 address"),
    ("[::1]7000", "'[::1]7000': expected ':' and a port after ']'"),
    (
      "[localhost]:7000",
      "'[localhost]:7000': 'localhost' is not an IPv6 address (brackets are for IPv6 only)"
    ),
    ("[::1%]:7000", "'[::1%]:7000': '::1%' is not an IPv6 address (brackets are for IPv6 only)"),
  ])
  func rejected(text: String, message: String) {
    #expect(throws: AddressError(input: text, description: message)) {
      try NodeAddress.parse(text)
    }
  }

  @Test func errorCarriesInputAndSentence() {
    do {
      _ = try NodeAddress.parse("127.0.0.1:99999")
      Issue.record("expected an error")
    } catch {
      #expect(error.input == "127.0.0.1:99999")
      #expect("\(error)" == "'127.0.0.1:99999': port 99999 is out of range (1-65535)")
    }
  }
}

@Suite struct NodeSpecParseTests {
  @Test func oneWordHostPort() throws {
    #expect(
      try NodeSpec.parse(["10.0.0.5:7000"]) == NodeSpec(address: NodeAddress(host: "10.0.0.5", port: 7000)))
    let v6 = try NodeSpec.parse(["[::1]:7000"])
    #expect(v6 == NodeSpec(address: NodeAddress(host: "::1", port: 7000), tls: nil, user: nil, password: nil))
  }

  @Test(arguments: [
    (["localhost", "7000"], "localhost", 7000),
    (["10.0.0.1", "6379"], "10.0.0.1", 6379),
    (["::1", "7000"], "::1", 7000),
    (["[::1]", "7000"], "::1", 7000),
    (["fe80::1%eth0", "7002"], "fe80::1%eth0", 7002),
  ])
  func twoWords(words: [String], host: String, port: Int) throws {
    #expect(try NodeSpec.parse(words) == NodeSpec(address: NodeAddress(host: host, port: port)))
  }

  @Test(arguments: [
    ("redis://localhost", NodeSpec(address: NodeAddress(host: "localhost", port: 6379), tls: false)),
    ("redis://10.0.0.1:7000", NodeSpec(address: NodeAddress(host: "10.0.0.1", port: 7000), tls: false)),
    ("rediss://10.0.0.1:7000", NodeSpec(address: NodeAddress(host: "10.0.0.1", port: 7000), tls: true)),
    ("REDISS://h", NodeSpec(address: NodeAddress(host: "h", port: 6379), tls: true)),
    ("redis://[::1]:7000", NodeSpec(address: NodeAddress(host: "::1", port: 7000), tls: false)),
    ("rediss://[::1]", NodeSpec(address: NodeAddress(host: "::1", port: 6379), tls: true)),
    ("redis://h:7000/", NodeSpec(address: NodeAddress(host: "h", port: 7000), tls: false)),
    ("redis://h:7000/0", NodeSpec(address: NodeAddress(host: "h", port: 7000), tls: false)),
    ("redis://h/0", NodeSpec(address: NodeAddress(host: "h", port: 6379), tls: false)),
    (
      "redis://alice:s3cret@h:7000",
      NodeSpec(address: NodeAddress(host: "h", port: 7000), tls: false, user: "alice", password: "s3cret")
    ),
    (
      // As in redis-cli, a lone credential is a password.
      "redis://alice@h:7000",
      NodeSpec(address: NodeAddress(host: "h", port: 7000), tls: false, user: nil, password: "alice")
    ),
    (
      "redis://:s3cret@h",
      NodeSpec(address: NodeAddress(host: "h", port: 6379), tls: false, user: nil, password: "s3cret")
    ),
    (
      "rediss://default:p%40ss%3Aw%2Frd%25@[::1]:7000/0",
      NodeSpec(
        address: NodeAddress(host: "::1", port: 7000), tls: true, user: "default", password: "p@ss:w/rd%")
    ),
    (
      "redis://j%C3%BCrgen:%E2%82%AC@h",
      NodeSpec(address: NodeAddress(host: "h", port: 6379), tls: false, user: "jürgen", password: "€")
    ),
    (
      // Unencoded '@' and ':' in the password: the last '@' ends the credentials.
      "redis://u:a@b:c@h:7000",
      NodeSpec(address: NodeAddress(host: "h", port: 7000), tls: false, user: "u", password: "a@b:c")
    ),
    (
      "redis://u:@h",
      NodeSpec(address: NodeAddress(host: "h", port: 6379), tls: false, user: "u", password: nil)
    ),
  ])
  func urls(url: String, expected: NodeSpec) throws {
    #expect(try NodeSpec.parse([url]) == expected)
  }

  @Test(arguments: [
    ([String](), "'': no node given; write host:port, [ipv6]:port, a redis:// URL or 'host port'"),
    (
      ["a:1", "b:2", "c:3"],
      "'a:1 b:2 c:3': expected one node; write host:port, [ipv6]:port, a redis:// URL or 'host port'"
    ),
    (["127.0.0.1:7000", "7001"], "'127.0.0.1:7000 7001': give either host:port or 'host port', not both"),
    (["localhost", "0"], "'localhost 0': port 0 is out of range (1-65535)"),
    (["localhost", "65536"], "'localhost 65536': port 65536 is out of range (1-65535)"),
    (["localhost", "x"], "'localhost x': port 'x' is not a decimal number"),
    (["localhost", ""], "'localhost ': missing port; write host:port, [ipv6]:port or 'host port'"),
    (["", "7000"], "' 7000': empty host; write host:port, [ipv6]:port or 'host port'"),
    (["[]", "7000"], "'[] 7000': empty host; write host:port, [ipv6]:port or 'host port'"),
    (["localhost"], "'localhost': missing port; write host:port, [ipv6]:port or 'host port'"),
    (["::1:7000"], "'::1:7000' is ambiguous: write IPv6 addresses as [::1]:7000"),
    (["http://h:7000"], "'http://h:7000': unknown scheme 'http://'; use redis:// or rediss://"),
    (["redis://"], "'redis://': empty address; write host:port, [ipv6]:port or 'host port'"),
    (["redis://:7000"], "'redis://:7000': empty host; write host:port, [ipv6]:port or 'host port'"),
    (["redis://h:0"], "'redis://h:0': port 0 is out of range (1-65535)"),
    (["redis://h:65536"], "'redis://h:65536': port 65536 is out of range (1-65535)"),
    (["redis://h:"], "'redis://h:': missing port; write host:port, [ipv6]:port or 'host port'"),
    (["redis://h:7000/3"], "'redis://h:7000/3': Redis Cluster has only database 0"),
    (["redis://h:7000/x"], "'redis://h:7000/x': database 'x' is not a number"),
    (["redis://::1:7000"], "'redis://::1:7000' is ambiguous: write IPv6 addresses as [::1]:7000"),
    // The password never appears in the message.
    (["redis://u:hunter2@h:99999"], "'redis://u:***@h:99999': port 99999 is out of range (1-65535)"),
    (
      ["redis://u:bad%zz@h"],
      "'redis://u:***@h': invalid percent-encoding in the password (expected %XX)"
    ),
    (
      ["redis://bad%4@h"],
      "'redis://***@h': invalid percent-encoding in the password (expected %XX)"
    ),
  ])
  func rejected(words: [String], message: String) {
    #expect(throws: AddressError.self) { try NodeSpec.parse(words) }
    do {
      _ = try NodeSpec.parse(words)
    } catch {
      #expect(error.description == message)
    }
  }

  /// Found by fuzzing: a URL with a mistyped scheme was echoed whole, password included.
  @Test(arguments: [
    (
      ["http://alice:hunter2@h:7000"],
      "'http://alice:***@h:7000': unknown scheme 'http://'; use redis:// or rediss://"
    ),
    (["reliss://hunter2@h"], "'reliss://***@h': unknown scheme 'reliss://'; use redis:// or rediss://"),
    (
      ["redis://u:hunter2@h", "7000"],
      "'redis://u:***@h 7000': give either host:port or 'host port', not both"
    ),
    (["1x://u:hunter2@h:7000"], "'1x://u:***@h:7000' is ambiguous: write IPv6 addresses as [ipv6]:port"),
    // Found by libFuzzer: the last '@' of the two words joined was the second word's, and a
    // bracketed "host" was quoted raw.
    (
      ["redis://hunter2@h", "u:p@7000"],
      "'redis://***@h u:***@7000': give either host:port or 'host port', not both"
    ),
    (
      ["[redis://u:hunter2@h]", "7000"],
      "'[redis://u:***@h] 7000': 'redis://u:***@h' is not an IPv6 address (brackets are for IPv6 only)"
    ),
  ])
  func credentialsHiddenWhateverTheScheme(words: [String], message: String) {
    do {
      _ = try NodeSpec.parse(words)
      Issue.record("expected an error")
    } catch {
      #expect(error.description == message)
      #expect(!error.input.contains("hunter2"))
    }
  }

  /// Found by fuzzing: `Character` comparisons let a decomposed accent (`e` + U+0301) pass as a
  /// host name letter or a digit, while the composed spelling of the same text was refused.
  @Test func decomposedAccentsAreRejectedLikeComposedOnes() {
    for host in ["caf\u{E9}", "cafe\u{301}"] {
      #expect(throws: AddressError.self) { try NodeAddress.parse("\(host):7000") }
      #expect(throws: AddressError.self) { try NodeSpec.parse([host, "7000"]) }
    }
    #expect(
      throws: AddressError(
        input: "h:7\u{301}000", description: "'h:7\u{301}000': port '7\u{301}000' is not a decimal number")
    ) {
      try NodeAddress.parse("h:7\u{301}000")
    }
    #expect(throws: AddressError.self) { try NodeAddress.parse("[fe80::a\u{301}]:7000") }
  }

  @Test func redactedInputInError() {
    do {
      _ = try NodeSpec.parse(["rediss://admin:topsecret@[::1]:0"])
      Issue.record("expected an error")
    } catch {
      #expect(error.input == "rediss://admin:***@[::1]:0")
      #expect(!error.description.contains("topsecret"))
    }
  }

  /// A URL password whose `@host` was left out is hidden too, alone or in the two-word form
  /// (inputs from the address fuzzer, which found both quoted in full).
  @Test func passwordWithoutAHostIsHidden() {
    #expect(
      throws: AddressError(
        input: "rediss://default:***",
        description:
          "'rediss://default:***': the port is not a number; credentials go before the host: rediss://user:password@host:port"
      )
    ) {
      try NodeSpec.parse(["rediss://default:p%40rerd%25%zone"])
    }
    let cases: [([String], String)] = [
      (["rediss://default:p%40rerd%25@0", "rediss://default:p%40rerd%25%zone"], "rerd"),
      (["s://j%d@", "redis://h:j%d/x"], "j%d"), (["redis://u:pa:ss"], "pa:ss"),
      (["redis://u:pa:ss:7000"], "pa:ss"), (["x://u:s3cret/0", "7000"], "s3cret"),
      (["h", "redis://u:s3cret"], "s3cret"), (["[redis://u:s3cret@h]:7000"], "s3cret"),
      (["redis://u:p1@h redis://v:s3cret"], "s3cret"), (["rediss://x/%61 s3cret@h:0"], "s3cret"),
      (["redis://u:x:y/s3cret"], "s3cret"),
      // A quote in the word: scrubbing the finished message by its quotes showed these.
      (["h", "'redis://u:s3cret'x"], "s3cret"), (["h", "'re://::99999:1x"], "99999"),
    ]
    for (words, secret) in cases {
      do {
        _ = try NodeSpec.parse(words)
        Issue.record("expected an error for \(words)")
      } catch {
        #expect(!error.description.contains(secret), "\(error.description)")
      }
    }
    // What is not a password stays visible: a port, a database, an IPv6 address.
    #expect(
      throws: AddressError(
        input: "redis://h:7000/x", description: "'redis://h:7000/x': database 'x' is not a number")
    ) {
      try NodeSpec.parse(["redis://h:7000/x"])
    }
    #expect(
      throws: AddressError(
        input: "redis://::1:7000",
        description: "'redis://::1:7000' is ambiguous: write IPv6 addresses as [::1]:7000")
    ) {
      try NodeSpec.parse(["redis://::1:7000"])
    }
  }

  @Test func listOfNodes() throws {
    let specs = try NodeSpec.parseList(["127.0.0.1:7000", "[::1]:7001", "rediss://h:7002", "redis://u:p@h"])
    #expect(
      specs == [
        NodeSpec(address: NodeAddress(host: "127.0.0.1", port: 7000)),
        NodeSpec(address: NodeAddress(host: "::1", port: 7001)),
        NodeSpec(address: NodeAddress(host: "h", port: 7002), tls: true),
        NodeSpec(address: NodeAddress(host: "h", port: 6379), tls: false, user: "u", password: "p"),
      ])
    #expect(try NodeSpec.parseList([]) == [])
  }

  @Test func listHasNoTwoWordForm() {
    #expect(
      throws: AddressError(
        input: "localhost",
        description: "'localhost': missing port; write host:port, [ipv6]:port or 'host port'")
    ) {
      try NodeSpec.parseList(["localhost", "7000"])
    }
    #expect(throws: AddressError(input: "h:0", description: "'h:0': port 0 is out of range (1-65535)")) {
      try NodeSpec.parseList(["h:1", "h:0"])
    }
  }
}
