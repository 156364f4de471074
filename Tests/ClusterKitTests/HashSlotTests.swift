import ClusterKit
import RedisCore
import Testing

@Suite struct HashSlotTests {
  @Test func crc16StandardCheckVector() {
    #expect(HashSlot.crc16(Array("123456789".utf8)) == 0x31C3)
    #expect(HashSlot.slot(for: "123456789") == 12739)
  }

  @Test func crc16OfEmptyInputIsZero() {
    #expect(HashSlot.crc16([UInt8]()) == 0)
    #expect(HashSlot.slot(for: "") == 0)
  }

  // Expected values from `redis-cli cluster keyslot` against Redis 7.0.15.
  @Test(arguments: [
    ("foo", 12182),
    ("bar", 5061),
    ("{user1000}.following", 3443),
    ("{user1000}.followers", 3443),
    ("foo{}{bar}", 8363),
    ("foo{{bar}}zap", 4015),
    ("foo{bar}{zap}", 5061),
    ("{}", 15257),
    ("a{b}", 3300),
    ("é", 10180),
  ])
  func knownSlots(key: String, slot: Int) {
    #expect(HashSlot.slot(for: key) == slot)
  }

  @Test func hashTagRules() {
    // Same tag, same slot.
    #expect(HashSlot.slot(for: "{user1000}.following") == HashSlot.slot(for: "{user1000}.followers"))
    #expect(HashSlot.slot(for: "{user1000}.following") == HashSlot.slot(for: "user1000"))
    // Empty first tag: the whole key is hashed, not "bar".
    #expect(HashSlot.slot(for: "foo{}{bar}") == Int(HashSlot.crc16(Array("foo{}{bar}".utf8)) & 0x3FFF))
    #expect(HashSlot.slot(for: "foo{}{bar}") != HashSlot.slot(for: "bar"))
    // The tag runs from the first '{' to the first '}' after it.
    #expect(HashSlot.slot(for: "foo{{bar}}zap") == HashSlot.slot(for: "{bar"))
    #expect(HashSlot.slot(for: "foo{bar}{zap}") == HashSlot.slot(for: "bar"))
    // No closing brace: the whole key.
    #expect(HashSlot.slot(for: "foo{bar") == Int(HashSlot.crc16(Array("foo{bar".utf8)) & 0x3FFF))
    // A '}' before the first '{' does not close anything.
    #expect(HashSlot.slot(for: "}x{y}") == HashSlot.slot(for: "y"))
  }

  @Test func byteAndStringOverloadsAgree() {
    let key = "{tag}rest"
    #expect(HashSlot.slot(for: Array(key.utf8)) == HashSlot.slot(for: key))
    #expect(HashSlot.slot(for: Array(key.utf8)[1...]) == HashSlot.slot(for: "tag}rest"))
  }

  @Test func slotsStayInRange() {
    for i in 0..<5000 {
      let slot = HashSlot.slot(for: "key:\(i)")
      #expect(slot >= 0 && slot < slotCount)
    }
  }
}
