#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// What the start of an RDB file says: its format version and, from the database-size record a
/// server writes before each database's keys, how many keys database 0 held at the fork. Only the
/// header is read (auxiliary fields, functions, then SELECTDB and RESIZEDB), never the keys.
public struct RDBSummary: Sendable, Equatable {
  /// "REDIS" (Redis, and Valkey up to 8) or "VALKEY" (later Valkey formats).
  public var isRDB: Bool
  public var version: Int?
  /// nil when the header has an opcode this reader does not skip (module data, say).
  public var keys: Int?

  /// Reads the first MiB of `path`; nil when the file cannot be read.
  public static func read(path: String) -> RDBSummary? {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    var bytes = [UInt8](repeating: 0, count: 1 << 20)
    var filled = 0
    while filled < bytes.count {
      let n = bytes.withUnsafeMutableBytes { readChunk(fd, $0.baseAddress! + filled, $0.count - filled) }
      if n < 0 && errno == EINTR { continue }
      if n <= 0 { break }
      filled += n
    }
    return parse(bytes[..<filled])
  }

  public static func parse(_ data: ArraySlice<UInt8>) -> RDBSummary {
    var reader = Reader(data: data)
    let magic: String
    if data.starts(with: Array("REDIS".utf8)) {
      magic = "REDIS"
    } else if data.starts(with: Array("VALKEY".utf8)) {
      magic = "VALKEY"
    } else {
      return RDBSummary(isRDB: false, version: nil, keys: nil)
    }
    reader.skip(magic.utf8.count)
    let digits = data.dropFirst(magic.utf8.count).prefix { $0 >= 48 && $0 <= 57 }
    let version = Int(String(decoding: digits, as: UTF8.self))
    reader.skip(digits.count)
    return RDBSummary(isRDB: true, version: version, keys: reader.databaseZeroKeys())
  }

  struct Reader {
    var data: ArraySlice<UInt8>
    var at: Int

    init(data: ArraySlice<UInt8>) {
      self.data = data
      at = data.startIndex
    }

    mutating func skip(_ n: Int) { at += n }

    mutating func byte() -> UInt8? {
      guard at < data.endIndex else { return nil }
      defer { at += 1 }
      return data[at]
    }

    /// A length; `special` is set for the string encodings (integer, compressed).
    mutating func length() -> (value: Int, special: Bool)? {
      guard let first = byte() else { return nil }
      switch first >> 6 {
      case 0: return (Int(first & 0x3f), false)
      case 1:
        guard let second = byte() else { return nil }
        return (Int(first & 0x3f) << 8 | Int(second), false)
      case 2:
        let width = first == 0x80 ? 4 : first == 0x81 ? 8 : 0
        guard width > 0, at + width <= data.endIndex else { return nil }
        var v = 0
        for _ in 0..<width { v = v << 8 | Int(byte()!) }
        return (v, false)
      default: return (Int(first & 0x3f), true)
      }
    }

    /// Skips one string: plain, an integer (1, 2 or 4 bytes) or LZF-compressed.
    mutating func skipString() -> Bool {
      guard let (value, special) = length() else { return false }
      if !special {
        at += value
      } else {
        switch value {
        case 0: at += 1
        case 1: at += 2
        case 2: at += 4
        case 3:
          guard let compressed = length(), length() != nil else { return false }
          at += compressed.value
        default: return false
        }
      }
      return at <= data.endIndex
    }

    /// Walks the opcodes before the first key: the count of database 0, 0 when the file ends
    /// before any database, nil on anything else.
    mutating func databaseZeroKeys() -> Int? {
      var database = 0
      while let opcode = byte() {
        switch opcode {
        case 0xFA:  // auxiliary field: two strings
          guard skipString(), skipString() else { return nil }
        case 0xF5:  // a function library
          guard skipString() else { return nil }
        case 0xFE:  // SELECTDB
          guard let (n, _) = length() else { return nil }
          database = n
        case 0xFB:  // RESIZEDB: keys, then keys with a TTL
          guard let (keys, _) = length(), length() != nil else { return nil }
          if database == 0 { return keys }
          return nil
        case 0xFF:  // end of file: no database has keys
          return 0
        default:
          return nil
        }
      }
      return nil
    }
  }
}

/// read(2), named apart from `RDBSummary.read(path:)`.
private func readChunk(_ fd: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int {
  read(fd, buffer, count)
}
