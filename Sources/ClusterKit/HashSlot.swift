import RedisCore

/// Key → hash slot mapping, exactly as Redis Cluster computes it.
public enum HashSlot {
  /// CRC16-CCITT (XMODEM) lookup table: one entry per possible high byte, computed once.
  private static let table: [UInt16] = (0..<256).map { byte in
    var crc = UInt16(byte) << 8
    for _ in 0..<8 {
      crc = crc & 0x8000 != 0 ? (crc << 1) ^ 0x1021 : crc << 1
    }
    return crc
  }

  /// CRC16-CCITT XMODEM (polynomial 0x1021, initial value 0), the checksum Redis Cluster uses.
  public static func crc16(_ bytes: some Collection<UInt8>) -> UInt16 {
    var crc: UInt16 = 0
    for byte in bytes {
      crc = (crc << 8) ^ table[Int(UInt8(truncatingIfNeeded: crc >> 8) ^ byte)]
    }
    return crc
  }

  /// The hash slot (0-16383) of a key given as bytes, honouring `{hash tags}`.
  public static func slot(for key: some Collection<UInt8>) -> Int {
    // Only the bytes between the first `{` and the first `}` after it are hashed, provided
    // there is at least one; otherwise (no tag, or `{}`) the whole key is hashed.
    if let open = key.firstIndex(of: UInt8(ascii: "{")) {
      let start = key.index(after: open)
      if let close = key[start...].firstIndex(of: UInt8(ascii: "}")), close != start {
        return Int(crc16(key[start..<close]) & 0x3FFF)
      }
    }
    return Int(crc16(key) & 0x3FFF)
  }

  /// The hash slot (0-16383) of a key, hashing its UTF-8 bytes.
  public static func slot(for key: String) -> Int {
    slot(for: key.utf8)
  }
}
