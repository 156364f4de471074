import ClusterKit
import RedisCore

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Turns host names into IP addresses: CLUSTER MEET takes IPs only, and failure domains must not
/// tell `localhost` from `127.0.0.1` (redis-cli compares the strings).
public enum HostResolver {
  /// The first IPv4 (else IPv6) address of `host`; an IP literal comes back unchanged.
  public static func resolve(_ host: String) -> String? {
    if isIPLiteral(host) { return host }
    var hints = addrinfo()
    hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
    var result: UnsafeMutablePointer<addrinfo>?
    guard getaddrinfo(host, nil, &hints, &result) == 0, let first = result else { return nil }
    defer { freeaddrinfo(result) }
    var candidates: [(Int32, String)] = []
    var p: UnsafeMutablePointer<addrinfo>? = first
    while let info = p {
      var buffer = [CChar](repeating: 0, count: Int(NI_MAXHOST))
      if getnameinfo(
        info.pointee.ai_addr, info.pointee.ai_addrlen, &buffer, socklen_t(buffer.count), nil, 0,
        NI_NUMERICHOST) == 0
      {
        let text = buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        candidates.append((info.pointee.ai_family, text))
      }
      p = info.pointee.ai_next
    }
    return candidates.first(where: { $0.0 == AF_INET })?.1 ?? candidates.first?.1
  }

  public static func isIPLiteral(_ host: String) -> Bool {
    var v4 = in_addr()
    var v6 = in6_addr()
    return inet_pton(AF_INET, host, &v4) == 1 || inet_pton(AF_INET6, host, &v6) == 1
  }
}
