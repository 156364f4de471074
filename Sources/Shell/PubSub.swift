import ClusterKit
import RESP

/// The commands whose replies keep coming until the user stops them, instead of answering once.
/// The shell runs each on a connection of its own (see `ShellSession.stream`).
enum StreamingCommand: String, Sendable, CaseIterable {
  case subscribe = "SUBSCRIBE"
  case psubscribe = "PSUBSCRIBE"
  case ssubscribe = "SSUBSCRIBE"
  case monitor = "MONITOR"

  /// The streaming command `args` starts with (any case), or nil.
  init?(_ args: [[UInt8]]) {
    guard let first = args.first else { return nil }
    self.init(rawValue: String(decoding: first, as: UTF8.self).uppercased())
  }
}

/// SSUBSCRIBE's channels live in the slot of their name, like keys; one SSUBSCRIBE is served by
/// one node, so all its channels must share a slot.
enum ShardChannels {
  /// The slot of every channel, or the error sentence when they span several slots. Nil for no
  /// channel at all (the server answers the arity error itself).
  static func slot(of channels: [[UInt8]]) -> Result<Int?, ShardChannelsError> {
    let slots = Set(channels.map { HashSlot.slot(for: $0) })
    guard slots.count <= 1 else { return .failure(ShardChannelsError(slots: slots.sorted())) }
    return .success(slots.first)
  }
}

struct ShardChannelsError: Error, Equatable, CustomStringConvertible {
  var slots: [Int]

  var description: String {
    let shown = slots.prefix(5).map(String.init).joined(separator: ", ")
    return
      "CROSSSLOT rcadm did not send SSUBSCRIBE: its channels are in \(slots.count) slots (\(shown)\(slots.count > 5 ? ", …" : "")); the shard channels of one SSUBSCRIBE must hash to one slot (use a {hash tag})"
  }
}

/// What a pub/sub frame says, whether it came as a RESP3 push or a RESP2 array.
enum PubSubFrame: Equatable {
  /// `subscribe`, `psubscribe`, `ssubscribe`: the server confirms one channel or pattern;
  /// `count` is how many subscriptions of that family the connection now has.
  case subscribed(kind: String, channel: [UInt8], count: Int)
  /// `unsubscribe`, `punsubscribe`, `sunsubscribe`. A `sunsubscribe` nobody asked for means the
  /// channel's slot left the node.
  case unsubscribed(kind: String, channel: [UInt8], count: Int)
  /// `message`, `smessage` (`pattern` nil) or `pmessage`.
  case message(pattern: [UInt8]?, channel: [UInt8], payload: [UInt8])

  init?(_ frame: RESPValue) {
    let items: [RESPValue]
    switch frame.unwrapped {
    case .push(let a), .array(let a): items = a
    default: return nil
    }
    guard let kind = items.first?.string?.lowercased() else { return nil }
    switch (kind, items.count) {
    case ("subscribe", 3), ("psubscribe", 3), ("ssubscribe", 3):
      guard let channel = items[1].bytes, let count = items[2].int else { return nil }
      self = .subscribed(kind: kind, channel: channel, count: count)
    case ("unsubscribe", 3), ("punsubscribe", 3), ("sunsubscribe", 3):
      // A connection unsubscribed from everything may name no channel (a null).
      guard let count = items[2].int else { return nil }
      self = .unsubscribed(kind: kind, channel: items[1].bytes ?? [], count: count)
    case ("message", 3), ("smessage", 3):
      guard let channel = items[1].bytes, let payload = items[2].bytes else { return nil }
      self = .message(pattern: nil, channel: channel, payload: payload)
    case ("pmessage", 4):
      guard let pattern = items[1].bytes, let channel = items[2].bytes, let payload = items[3].bytes else {
        return nil
      }
      self = .message(pattern: pattern, channel: channel, payload: payload)
    default:
      return nil
    }
  }

  /// The shard channel this frame says the server dropped, if it is a `sunsubscribe`.
  var shardChannelDropped: [UInt8]? {
    if case .unsubscribed("sunsubscribe", let channel, _) = self { return channel }
    return nil
  }
}
