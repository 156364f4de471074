import ClusterKit
import RedisCore
import Testing

@Suite struct InfoParserTests {
  @Test func clusterInfoWithCRLF() {
    let text =
      "cluster_state:ok\r\ncluster_slots_assigned:16384\r\ncluster_slots_ok:16384\r\n"
      + "cluster_slots_pfail:0\r\ncluster_slots_fail:0\r\ncluster_known_nodes:6\r\n"
      + "cluster_size:3\r\ncluster_current_epoch:6\r\ncluster_my_epoch:1\r\n"
    let info = InfoParser.parse(text)
    #expect(info.count == 9)
    #expect(info["cluster_state"] == "ok")
    #expect(info["cluster_slots_assigned"] == "16384")
    #expect(info["cluster_known_nodes"] == "6")
    #expect(info["cluster_my_epoch"] == "1")
  }

  @Test func sectionsBlankLinesAndColonsInValues() {
    let text = """
      # Server
      redis_version:7.0.15
      executable:/usr/bin/redis-server
      config_file:

      # Replication
      role:slave
      master_host:::1
      master_port:7000
      garbage line without colon
      """
    let info = InfoParser.parse(text)
    #expect(
      info == [
        "redis_version": "7.0.15", "executable": "/usr/bin/redis-server", "config_file": "",
        "role": "slave", "master_host": "::1", "master_port": "7000",
      ])
  }

  @Test func keyspaceKeys() {
    let info = InfoParser.parse(
      "# Keyspace\r\ndb0:keys=1500,expires=3,avg_ttl=0\r\ndb3:keys=25,expires=0,avg_ttl=0\r\n"
        + "dbx:keys=1000,expires=0\r\nused_memory:1000\r\n")
    #expect(InfoParser.keyspaceKeys(info) == 1525)
    #expect(InfoParser.keyspaceKeys(InfoParser.parse("# Keyspace\r\n")) == 0)
    #expect(InfoParser.keyspaceKeys(["db0": "expires=3"]) == 0)
  }

  /// Found by fuzzing: two huge counts trapped on overflow; a negative count lowered the total.
  @Test func keyspaceKeysSaturatesAndIgnoresNegativeCounts() {
    let info = InfoParser.parse(
      "db0:keys=9223372036854775807,expires=0\r\ndb1:keys=5,expires=0\r\ndb2:keys=-3,expires=0\r\n")
    #expect(InfoParser.keyspaceKeys(info) == Int.max)
    #expect(InfoParser.keyspaceKeys(["db0": "keys=10", "db1": "keys=-3"]) == 10)
  }

  @Test func replicationOfAMaster() {
    let text = """
      # Replication\r
      role:master\r
      connected_slaves:3\r
      slave10:ip=10.0.0.12,port=7012,state=online,offset=900,lag=2\r
      slave0:ip=127.0.0.1,port=31005,state=wait_bgsave,offset=0,lag=0\r
      slave1:ip=::1,port=7001,state=online,offset=1234567,lag=1\r
      slave2:ip=,port=7002,state=online,offset=1,lag=0\r
      master_failover_state:no-failover\r
      master_replid:5cda7f1382f26bd4b57c4699cc3078386c7d163d\r
      master_repl_offset:1234567\r
      """
    let replicas = InfoParser.replicas(InfoParser.parse(text))
    #expect(
      replicas == [
        ReplicaLine(ip: "127.0.0.1", port: 31005, state: "wait_bgsave", offset: 0, lag: 0),
        ReplicaLine(ip: "::1", port: 7001, state: "online", offset: 1_234_567, lag: 1),
        ReplicaLine(ip: "10.0.0.12", port: 7012, state: "online", offset: 900, lag: 2),
      ])
  }

  @Test func replicaLineWithMissingFields() {
    let replicas = InfoParser.replicas([
      "slave0": "ip=10.0.0.1,port=7000", "slave1": "ip=10.0.0.2,state=online", "slaveof": "x",
    ])
    #expect(replicas == [ReplicaLine(ip: "10.0.0.1", port: 7000, state: "", offset: 0, lag: 0)])
    #expect(InfoParser.replicas(["role": "slave"]) == [])
  }

  /// Found by fuzzing: ports outside 0-65535 were accepted, and two lines for the same N
  /// (`slave1`, `slave01`) came out in the dictionary's order, which changes from run to run.
  @Test func replicaLinesWithBadPortsOrTheSameNumber() {
    let info = [
      "slave0": "ip=10.0.0.1,port=5677655362", "slave1": "ip=10.0.0.3,port=-1",
      "slave2": "ip=10.0.0.2,port=7002", "slave02": "ip=10.0.0.9,port=7009", "slave3": "ip=10.0.0.4,port=0",
    ]
    let expected = [
      ReplicaLine(ip: "10.0.0.9", port: 7009, state: "", offset: 0, lag: 0),
      ReplicaLine(ip: "10.0.0.2", port: 7002, state: "", offset: 0, lag: 0),
      ReplicaLine(ip: "10.0.0.4", port: 0, state: "", offset: 0, lag: 0),
    ]
    #expect(InfoParser.replicas(info) == expected)
    var other: [String: String] = [:]
    other.reserveCapacity(64)
    for (key, value) in info.reversed() { other[key] = value }
    #expect(InfoParser.replicas(other) == expected)
  }
}
