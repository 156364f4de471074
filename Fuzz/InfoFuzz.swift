// libFuzzer harness: INFO / CLUSTER INFO text → InfoParser (parse, keyspaceKeys, replicas).
import ClusterKit
import RedisCore

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzInfo(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
  let info = InfoParser.parse(text(data, size))
  for (key, value) in info {
    check(!key.utf8.contains(UInt8(ascii: ":")) && key.utf8.first != UInt8(ascii: "#"), "bad key \(key)")
    check(!(key + value).utf8.contains { $0 == 10 || $0 == 13 }, "line break in \(key)")
  }
  check(InfoParser.parse(render(info)) == info, "fields did not print back the same")
  check(InfoParser.keyspaceKeys(info) >= 0, "negative key count")
  let replicas = InfoParser.replicas(info)
  check(replicas.allSatisfy { !$0.ip.isEmpty && (0...65535).contains($0.port) }, "bad replica address")
  // The same fields in a dictionary of another capacity iterate in another order.
  var copy: [String: String] = [:]
  copy.reserveCapacity(info.count * 4 + 7)
  for (key, value) in info.reversed() { copy[key] = value }
  check(InfoParser.replicas(copy) == replicas, "replica order depends on the dictionary")
  return 0
}

private func render(_ info: [String: String]) -> String {
  info.map { "\($0.key):\($0.value)\r\n" }.joined()
}

@_cdecl("LLVMFuzzerInitialize")
public func initialize(
  _ argc: UnsafeMutablePointer<CInt>?,
  _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>?
) -> CInt {
  runScalingProbe(
    "info",
    [
      ("many lines", { repeated("", "used_memory:1000\r\n", "", $0) }),
      ("many distinct keys", { size in Array((0..<(size / 16)).map { "key\($0):value\r\n" }.joined().utf8) }),
      (
        "many db and slave lines",
        { size in
          Array(
            (0..<(size / 64)).map { "db\($0):keys=5,expires=0\r\nslave\($0):ip=a,port=1,state=online\r\n" }
              .joined().utf8)
        }
      ),
      ("long replica line", { repeated("slave0:ip=10.0.0.1,port=7000", ",a=b", "\r\n", $0) }),
      ("one huge line", { repeated("x:", "y", "", $0) }),
    ]
  ) { bytes in
    let info = InfoParser.parse(String(decoding: bytes, as: UTF8.self))
    _ = (InfoParser.keyspaceKeys(info), InfoParser.replicas(info))
  }
  writeSeeds {
    var seeds = fixtures.map { Array($0.utf8) }
    var rng = SplitMix64(state: 3)
    for _ in 0..<200 {
      var text = "# Replication\r\nrole:master\r\n"
      for n in 0..<Int.random(in: 0...3, using: &rng) {
        text += "slave\(n):ip=10.0.0.\(n),port=\(Int.random(in: 1...65535, using: &rng)),state=online,"
        text +=
          "offset=\(Int.random(in: 0...1 << 40, using: &rng)),lag=\(Int.random(in: 0...3, using: &rng))\r\n"
      }
      text += "# Keyspace\r\n"
      for db in 0..<Int.random(in: 0...3, using: &rng) {
        text += "db\(db):keys=\(Int.random(in: 0...1 << 30, using: &rng)),expires=0,avg_ttl=0\r\n"
      }
      seeds.append(Array(text.utf8))
    }
    return seeds
  }
  return 0
}

/// The texts of Tests/ClusterKitTests/InfoParserTests.swift.
private let fixtures = [
  "cluster_state:ok\r\ncluster_slots_assigned:16384\r\ncluster_slots_ok:16384\r\ncluster_slots_pfail:0\r\n"
    + "cluster_slots_fail:0\r\ncluster_known_nodes:6\r\ncluster_size:3\r\ncluster_current_epoch:6\r\n"
    + "cluster_my_epoch:1\r\n",
  "# Server\nredis_version:7.0.15\nexecutable:/usr/bin/redis-server\nconfig_file:\n\n# Replication\n"
    + "role:slave\nmaster_host:::1\nmaster_port:7000\ngarbage line without colon\n",
  "# Keyspace\r\ndb0:keys=1500,expires=3,avg_ttl=0\r\ndb3:keys=25,expires=0,avg_ttl=0\r\n"
    + "dbx:keys=1000,expires=0\r\nused_memory:1000\r\n",
  "# Replication\r\nrole:master\r\nconnected_slaves:3\r\n"
    + "slave10:ip=10.0.0.12,port=7012,state=online,offset=900,lag=2\r\n"
    + "slave0:ip=127.0.0.1,port=31005,state=wait_bgsave,offset=0,lag=0\r\n"
    + "slave1:ip=::1,port=7001,state=online,offset=1234567,lag=1\r\n"
    + "slave2:ip=,port=7002,state=online,offset=1,lag=0\r\n"
    + "master_failover_state:no-failover\r\nmaster_replid:5cda7f1382f26bd4b57c4699cc3078386c7d163d\r\n"
    + "master_repl_offset:1234567\r\n",
]
