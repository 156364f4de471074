/// An error reply from a node (`-ERR …`, `-MOVED …`), with the command that caused it.
public struct ServerError: Error, Hashable, Sendable, CustomStringConvertible {
  public var message: String
  public var node: NodeAddress?
  public var command: [String]

  public init(_ message: String, node: NodeAddress? = nil, command: [String] = []) {
    self.message = message
    self.node = node
    self.command = command
  }

  /// The error code: the first word of the message (`ERR`, `MOVED`, `NOPERM`, `WRONGPASS`…).
  public var code: String { String(message.prefix { $0 != " " }) }

  /// The redirect carried by a `MOVED` or `ASK` error, if any.
  public var redirect: Redirect? { Redirect(errorMessage: message) }

  /// True for errors that go away by themselves: retry after a short pause.
  public var isTransient: Bool {
    ["TRYAGAIN", "CLUSTERDOWN", "LOADING", "BUSY", "MASTERDOWN"].contains(code)
  }

  public var isAuthError: Bool {
    ["WRONGPASS", "NOAUTH"].contains(code) || message.hasPrefix("ERR invalid password")
      || message.hasPrefix("ERR AUTH <password> called without any password configured")
  }

  public var description: String {
    let cmd = command.prefix(2).joined(separator: " ").uppercased()
    let on = node.map { " on \($0)" } ?? ""
    return cmd.isEmpty ? "\(message)\(on)" : "\(cmd) failed\(on): \(message)"
  }
}

/// Where a `MOVED` or `ASK` error sends a command.
public struct Redirect: Hashable, Sendable {
  public enum Kind: String, Hashable, Sendable { case moved = "MOVED", ask = "ASK" }
  public var kind: Kind
  public var slot: Int
  /// Nil when the node announces no endpoint (`MOVED 3999 :6381`): keep the current host.
  public var host: String?
  public var port: Int

  /// Parses `MOVED <slot> <host>:<port>` / `ASK …`; the port follows the last colon, so IPv6 works.
  public init?(errorMessage: String) {
    let parts = errorMessage.split(separator: " ", omittingEmptySubsequences: true)
    guard parts.count == 3, let kind = Kind(rawValue: String(parts[0])), let slot = Int(parts[1]),
      slot >= 0, slot < slotCount, let colon = parts[2].lastIndex(of: ":"),
      let port = Int(parts[2][parts[2].index(after: colon)...]), port > 0, port <= 65535
    else { return nil }
    var host = String(parts[2][..<colon])
    if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
    self.kind = kind
    self.slot = slot
    self.host = host.isEmpty ? nil : host
    self.port = port
  }

  /// The target, using `current` when the server sent no host.
  public func address(relativeTo current: NodeAddress) -> NodeAddress {
    NodeAddress(host: host ?? current.host, port: port)
  }
}

/// A failure to reach or talk to a node: not a reply from it.
public struct ConnectionError: Error, Hashable, Sendable, CustomStringConvertible {
  public enum Kind: String, Hashable, Sendable, Codable {
    case refused, unreachable, timeout, closed, protocolViolation, tls, auth, other
  }
  public var kind: Kind
  public var node: NodeAddress?
  /// A sentence for a person: what failed and, where it helps, what to do.
  public var detail: String

  public init(_ kind: Kind, node: NodeAddress?, _ detail: String) {
    self.kind = kind
    self.node = node
    self.detail = detail
  }

  public var description: String { detail }
}
