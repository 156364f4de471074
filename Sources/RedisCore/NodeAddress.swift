/// Where a node listens for clients: a host (name, IPv4 or IPv6 literal without brackets) and a port.
public struct NodeAddress: Hashable, Sendable, Comparable, CustomStringConvertible, Codable {
  public var host: String
  public var port: Int

  public init(host: String, port: Int) {
    self.host = host
    self.port = port
  }

  /// `host:port`, with IPv6 literals in brackets: `[::1]:7000`.
  public var description: String {
    host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
  }

  public static func < (a: NodeAddress, b: NodeAddress) -> Bool {
    (a.host, a.port) < (b.host, b.port)
  }
}
