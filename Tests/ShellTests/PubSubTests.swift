import RESP
import Testing

@testable import Shell

@Suite struct PubSubTests {
  private func bulk(_ s: String) -> RESPValue { .bulkString(Array(s.utf8)) }
  private func bytes(_ s: String) -> [UInt8] { Array(s.utf8) }

  @Test func streamingCommandsAreRecognizedInAnyCase() {
    #expect(StreamingCommand([bytes("subscribe"), bytes("a")]) == .subscribe)
    #expect(StreamingCommand([bytes("PSubscribe"), bytes("a*")]) == .psubscribe)
    #expect(StreamingCommand([bytes("SSUBSCRIBE"), bytes("a")]) == .ssubscribe)
    #expect(StreamingCommand([bytes("monitor")]) == .monitor)
    #expect(StreamingCommand([bytes("UNSUBSCRIBE")]) == nil)
    #expect(StreamingCommand([bytes("PUBLISH"), bytes("a"), bytes("m")]) == nil)
    #expect(StreamingCommand([]) == nil)
  }

  /// RESP3 pushes and RESP2 arrays say the same.
  @Test(arguments: [true, false]) func framesAreReadFromPushesAndArrays(push: Bool) {
    func frame(_ items: RESPValue...) -> RESPValue { push ? .push(items) : .array(items) }
    #expect(
      PubSubFrame(frame(bulk("subscribe"), bulk("news"), .integer(1)))
        == .subscribed(kind: "subscribe", channel: bytes("news"), count: 1))
    #expect(
      PubSubFrame(frame(bulk("ssubscribe"), bulk("orders"), .integer(2)))
        == .subscribed(kind: "ssubscribe", channel: bytes("orders"), count: 2))
    #expect(
      PubSubFrame(frame(bulk("message"), bulk("news"), bulk("hi\r\n")))
        == .message(pattern: nil, channel: bytes("news"), payload: bytes("hi\r\n")))
    #expect(
      PubSubFrame(frame(bulk("smessage"), bulk("orders"), bulk("x")))
        == .message(pattern: nil, channel: bytes("orders"), payload: bytes("x")))
    #expect(
      PubSubFrame(frame(bulk("pmessage"), bulk("n*"), bulk("news"), bulk("hi")))
        == .message(pattern: bytes("n*"), channel: bytes("news"), payload: bytes("hi")))
    let dropped = PubSubFrame(frame(bulk("sunsubscribe"), bulk("orders"), .integer(0)))
    #expect(dropped == .unsubscribed(kind: "sunsubscribe", channel: bytes("orders"), count: 0))
    #expect(dropped?.shardChannelDropped == bytes("orders"))
    // An unsubscribe from everything names no channel.
    #expect(
      PubSubFrame(frame(bulk("unsubscribe"), .null, .integer(0)))
        == .unsubscribed(kind: "unsubscribe", channel: [], count: 0))
    #expect(PubSubFrame(frame(bulk("unsubscribe"), bulk("news"), .integer(0)))?.shardChannelDropped == nil)
  }

  @Test func otherFramesAreNotPubSub() {
    #expect(PubSubFrame(.simpleString("OK")) == nil)
    #expect(PubSubFrame(.simpleString("1700000000.1 [0 127.0.0.1:1] \"GET\" \"k\"")) == nil)
    #expect(PubSubFrame(.error("MOVED 1 127.0.0.1:7001")) == nil)
    #expect(PubSubFrame(.array([bulk("message"), bulk("news")])) == nil)  // too short
    #expect(PubSubFrame(.array([bulk("pong"), bulk("")])) == nil)
    #expect(PubSubFrame(.push([bulk("invalidate"), .array([bulk("k")])])) == nil)
    #expect(PubSubFrame(.array([bulk("subscribe"), bulk("news"), bulk("not a number")])) == nil)
  }

  @Test func shardChannelsMustShareOneSlot() throws {
    // "foo" is in slot 12182, "bar" in 5061; a hash tag keeps channels together.
    #expect(try ShardChannels.slot(of: [bytes("foo")]).get() == 12182)
    #expect(try ShardChannels.slot(of: [bytes("foo"), bytes("{foo}.audit"), bytes("foo")]).get() == 12182)
    #expect(try ShardChannels.slot(of: []).get() == nil)
    let error = #expect(throws: ShardChannelsError.self) {
      try ShardChannels.slot(of: [bytes("foo"), bytes("bar")]).get()
    }
    #expect(error?.slots == [5061, 12182])
    #expect(
      error?.description
        == "CROSSSLOT rcadm did not send SSUBSCRIBE: its channels are in 2 slots (5061, 12182); the shard channels of one SSUBSCRIBE must hash to one slot (use a {hash tag})"
    )
  }
}
