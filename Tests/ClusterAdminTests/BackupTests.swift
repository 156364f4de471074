import Testing

@testable import ClusterAdmin

/// The pieces of backup that need no server: SHA-256 against the standard's vectors, and the
/// RDB header reader against hand-built headers.
@Suite struct BackupTests {
  func digest(_ bytes: [UInt8], chunk: Int = .max) -> String {
    var h = SHA256()
    var at = 0
    while at < bytes.count {
      let end = min(bytes.count, at + chunk)
      h.update(Array(bytes[at..<end]))
      at = end
    }
    return h.finalize()
  }

  @Test func sha256MatchesTheStandardVectors() {
    #expect(digest([]) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    #expect(digest(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    let twoBlocks = Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)
    #expect(digest(twoBlocks) == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    // The same bytes fed in pieces of every awkward size hash the same.
    let million = [UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)
    for chunk in [1_000_000, 63, 64, 65, 4096 + 7] {
      #expect(
        digest(million, chunk: chunk) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }
  }

  /// "REDIS0011", two aux fields (one integer-encoded), a function, SELECTDB 0, RESIZEDB.
  @Test func rdbHeaderGivesTheVersionAndTheKeyCount() {
    var rdb = Array("REDIS0011".utf8)
    rdb += [0xFA, 9] + Array("redis-ver".utf8) + [6] + Array("7.2.4".utf8) + [0x30]
    rdb += [0xFA, 10] + Array("redis-bits".utf8) + [0xC0, 64]
    rdb += [0xFA, 5] + Array("ctime".utf8) + [0xC2, 1, 2, 3, 4]
    rdb += [0xF5, 3] + Array("lib".utf8)
    rdb += [0xFE, 0, 0xFB, 0x41, 0x2C, 5]  // 14-bit length: 0x12C = 300 keys, 5 with a TTL
    rdb += [0x00, 1, UInt8(ascii: "k"), 1, UInt8(ascii: "v")]
    let summary = RDBSummary.parse(rdb[...])
    #expect(summary == RDBSummary(isRDB: true, version: 11, keys: 300))
    // An empty dataset: the end-of-file opcode right after the aux fields.
    #expect(
      RDBSummary.parse((Array("REDIS0010".utf8) + [0xFF] + [UInt8](repeating: 0, count: 8))[...]).keys == 0)
    // A 32-bit length, and module data this reader does not skip: the count is unknown.
    #expect(
      RDBSummary.parse((Array("REDIS0009".utf8) + [0xFE, 0, 0xFB, 0x80, 0, 1, 0, 0, 0])[...]).keys == 65536)
    #expect(RDBSummary.parse((Array("REDIS0011".utf8) + [0xF7, 1, 2])[...]).keys == nil)
    #expect(RDBSummary.parse(Array("HTTP/1.1".utf8)[...]).isRDB == false)
  }
}
