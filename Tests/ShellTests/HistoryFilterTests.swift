import Testing

@testable import Shell

@Suite struct HistoryFilterTests {
  @Test(
    arguments: [
      "AUTH secret",
      "auth default secret",
      "AUTH",
      "HELLO 3 AUTH default secret",
      "hello 3 setname me auth default secret",
      "HELLO AUTH default secret",
      "ACL SETUSER alice on >pass ~* +@all",
      "acl setuser alice reset",
      "ACL DELUSER alice",
      "ACL GETUSER alice",
      "CONFIG SET masterauth secret",
      "config set MASTERUSER replicator",
      "CONFIG SET requirepass secret",
      "CONFIG SET tls-key-file-pass secret",
      "CONFIG SET tls-client-key-file-pass secret",
      "CONFIG SET maxmemory 1gb requirepass secret",
      "MIGRATE 10.0.0.1 6379 key 0 5000 AUTH secret",
      "migrate 10.0.0.1 6379 \"\" 0 5000 COPY REPLACE auth2 user secret KEYS a b",
      "SENTINEL SET mymaster auth-pass secret",
      "sentinel set mymaster AUTH-USER admin",
      "SENTINEL CONFIG SET sentinel-pass secret",
      "SENTINEL CONFIG SET sentinel-user admin",
    ])
  func sensitive(line: String) throws {
    let args = try CommandLineParser.splitStrings(line)
    #expect(HistoryFilter.isSensitive(args))
    #expect(!HistoryFilter.mayPersist(line))
  }

  @Test(
    arguments: [
      "SET auth x",
      "GET auth",
      "CONFIG SET maxmemory 1",
      "CONFIG GET requirepass",
      "HELLO 3",
      "HELLO 3 SETNAME me",
      "ACL WHOAMI",
      "ACL LIST",
      "MIGRATE 10.0.0.1 6379 key 0 5000 REPLACE",
      "SENTINEL SET mymaster quorum 2",
      "SENTINEL CONFIG SET resolve-hostnames yes",
      "CLUSTER NODES",
      "sentinel masters",
    ])
  func notSensitive(line: String) throws {
    let args = try CommandLineParser.splitStrings(line)
    #expect(!HistoryFilter.isSensitive(args))
    #expect(HistoryFilter.mayPersist(line))
  }

  @Test func emptyArguments() {
    #expect(!HistoryFilter.isSensitive([]))
    #expect(!HistoryFilter.mayPersist("   "))
  }

  @Test func unparsableLinesAreStillChecked() {
    #expect(!HistoryFilter.mayPersist("AUTH \"secret"))
    #expect(!HistoryFilter.mayPersist("CONFIG SET requirepass 'se'cret"))
    #expect(HistoryFilter.mayPersist("SET k \"unbalanced"))
  }
}
