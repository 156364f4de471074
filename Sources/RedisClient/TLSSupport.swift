import NIOSSL
import RedisCore

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Builds one NIOSSL client context from redis-cli style TLS options.
enum TLSSupport {
  static func makeContext(_ tls: TLSOptions) throws -> NIOSSLContext {
    var config = TLSConfiguration.makeClientConfiguration()
    // Like redis-cli, the chain and not the name unless asked: nodes are usually addressed by IP.
    config.certificateVerification =
      tls.insecure ? .none : tls.verifyHostname ? .fullVerification : .noHostnameVerification
    do {
      var roots: [NIOSSLCertificate] = []
      if let file = tls.caCertFile {
        roots += try NIOSSLCertificate.fromPEMFile(try readable(file, .caFile))
      }
      if let dir = tls.caCertDir {
        var unreadable: [String] = []
        for file in try pemFiles(in: dir) {
          if let certs = try? NIOSSLCertificate.fromPEMFile(file), !certs.isEmpty {
            roots += certs
          } else {
            unreadable.append(file)
          }
        }
        // A file that looks like a certificate but does not parse is named, never skipped silently:
        // the CA it was meant to hold would be missing from the trust store.
        if !unreadable.isEmpty {
          throw ConnectionError(
            .tls, node: nil,
            "\(Setting.caDirectory) \(dir): \(unreadable.map { String($0.split(separator: "/").last ?? "") }.joined(separator: ", ")) \(unreadable.count == 1 ? "is not a" : "are not") PEM certificate\(unreadable.count == 1 ? "" : "s")"
          )
        }
        if roots.isEmpty {
          throw ConnectionError(.tls, node: nil, "\(Setting.caDirectory) \(dir) holds no PEM certificates")
        }
      }
      if !roots.isEmpty { config.trustRoots = .certificates(roots) }
      if let cert = tls.certFile {
        config.certificateChain = try NIOSSLCertificate.fromPEMFile(try readable(cert, .clientCertificate))
          .map {
            .certificate($0)
          }
        guard let key = tls.keyFile else {
          throw ConnectionError(
            .tls, node: nil,
            "\(Setting.clientCertificate) needs \(Setting.clientKey) with the matching private key")
        }
        config.privateKey = .privateKey(
          try NIOSSLPrivateKey(file: try readable(key, .clientKey), format: .pem))
      }
      return try NIOSSLContext(configuration: config)
    } catch let e as ConnectionError {
      throw e
    } catch {
      throw ConnectionError(.tls, node: nil, "could not load TLS files: \(error)")
    }
  }

  private static func readable(_ path: String, _ setting: Setting) throws -> String {
    guard access(path, R_OK) == 0 else {
      throw ConnectionError(.tls, node: nil, "\(setting) \(path): file not found or not readable")
    }
    return path
  }

  private static func pemFiles(in dir: String) throws -> [String] {
    guard let d = opendir(dir) else {
      throw ConnectionError(
        .tls, node: nil, "\(Setting.caDirectory) \(dir): directory not found or not readable")
    }
    defer { closedir(d) }
    var files: [String] = []
    while let entry = readdir(d) {
      let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
        String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
      }
      if name.hasSuffix(".pem") || name.hasSuffix(".crt") || name.hasSuffix(".0") {
        files.append(dir + "/" + name)
      }
    }
    return files.sorted()
  }

  /// Why a TLS connection failed, in a sentence: from the error text and, when the handshake got
  /// that far, the certificate the node presented (its names, its validity dates).
  static func reason(_ text: String, peer: NIOSSLCertificate?, expectedName: String) -> String {
    if text.contains("ailedToValidateHostname") || text.contains("Couldn't find") {
      let names = peer.map(presentedNames) ?? "other names"
      return
        "its certificate is for \(names), not \(expectedName): connect to it by one of those names, or \(Remedy.checkAnotherName)"
    }
    if text.contains("CERTIFICATE_REQUIRED") || text.contains("PEER_DID_NOT_RETURN_A_CERTIFICATE") {
      return "it requires a client certificate: \(Remedy.presentClientCertificate)"
    }
    if text.contains("ALERT_UNKNOWN_CA") || text.contains("ALERT_BAD_CERTIFICATE") {
      return
        "it refused the certificate given as \(Setting.clientCertificate): it does not trust its issuer or the certificate is invalid"
    }
    if text.contains("CERTIFICATE_VERIFY_FAILED") {
      var now = time_t()
      time(&now)
      if let peer, peer.notValidAfter < now {
        return
          "its certificate expired on \(utcDate(peer.notValidAfter)) (renew it; \(Remedy.skipVerification))"
      }
      if let peer, peer.notValidBefore > now {
        return "its certificate is not valid before \(utcDate(peer.notValidBefore)) (check the clocks)"
      }
      return "its certificate is not trusted (\(Remedy.trustTheCA))"
    }
    if text.contains("WRONG_VERSION_NUMBER") || text.contains("uncleanShutdown")
      || text.contains("PACKET_LENGTH")
    {
      return "the port does not speak TLS (\(Remedy.connectWithoutTLS)?)"
    }
    // BoringSSL texts embed build paths; keep only the reason code.
    if let r = text.firstRange(of: "SSL routines:") {
      return String(text[r.upperBound...].prefix { $0 != ":" && $0 != "]" && $0 != ")" })
    }
    return text
  }

  /// "localhost, 127.0.0.1" from NIOSSL's description of a certificate (subject alternative
  /// names, else the common name).
  static func presentedNames(_ certificate: NIOSSLCertificate) -> String {
    let text = certificate.description
    func field(_ name: String) -> String? {
      guard let r = text.firstRange(of: name + "=") else { return nil }
      return String(text[r.upperBound...].prefix { $0 != ";" && $0 != ">" })
    }
    if let alt = field("alternative_names"), !alt.isEmpty {
      return alt.split(separator: ",").joined(separator: ", ")
    }
    return field("common_name").map { "\($0) (common name)" } ?? "no name"
  }

  static func utcDate(_ t: time_t) -> String {
    var time = t
    var parts = tm()
    gmtime_r(&time, &parts)
    var buffer = [CChar](repeating: 0, count: 32)
    let n = strftime(&buffer, buffer.count, "%Y-%m-%d %H:%M:%S UTC", &parts)
    return String(decoding: buffer.prefix(n).map { UInt8(bitPattern: $0) }, as: UTF8.self)
  }

  static func isIPAddress(_ host: String) -> Bool {
    host.contains(":") || host.allSatisfy { $0.isNumber || $0 == "." }
  }
}
