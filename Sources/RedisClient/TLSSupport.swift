import ClusterKit
import NIOSSL

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Builds one NIOSSL client context from redis-cli style TLS options.
enum TLSSupport {
  static func makeContext(_ tls: TLSOptions) throws -> NIOSSLContext {
    var config = TLSConfiguration.makeClientConfiguration()
    // Like redis-cli: verify the chain, not the name, since nodes are usually addressed by IP.
    config.certificateVerification = tls.insecure ? .none : .noHostnameVerification
    do {
      var roots: [NIOSSLCertificate] = []
      if let file = tls.caCertFile {
        roots += try NIOSSLCertificate.fromPEMFile(try readable(file, "--cacert"))
      }
      if let dir = tls.caCertDir {
        for file in try pemFiles(in: dir) { roots += (try? NIOSSLCertificate.fromPEMFile(file)) ?? [] }
        if roots.isEmpty {
          throw ConnectionError(.tls, node: nil, "--cacertdir \(dir) holds no PEM certificates")
        }
      }
      if !roots.isEmpty { config.trustRoots = .certificates(roots) }
      if let cert = tls.certFile {
        config.certificateChain = try NIOSSLCertificate.fromPEMFile(try readable(cert, "--cert")).map {
          .certificate($0)
        }
        guard let key = tls.keyFile else {
          throw ConnectionError(.tls, node: nil, "--cert needs --key with the matching private key")
        }
        config.privateKey = .privateKey(try NIOSSLPrivateKey(file: try readable(key, "--key"), format: .pem))
      }
      return try NIOSSLContext(configuration: config)
    } catch let e as ConnectionError {
      throw e
    } catch {
      throw ConnectionError(.tls, node: nil, "could not load TLS files: \(error)")
    }
  }

  private static func readable(_ path: String, _ flag: String) throws -> String {
    guard access(path, R_OK) == 0 else {
      throw ConnectionError(.tls, node: nil, "\(flag) \(path): file not found or not readable")
    }
    return path
  }

  private static func pemFiles(in dir: String) throws -> [String] {
    guard let d = opendir(dir) else {
      throw ConnectionError(.tls, node: nil, "--cacertdir \(dir): directory not found or not readable")
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

  static func isIPAddress(_ host: String) -> Bool {
    host.contains(":") || host.allSatisfy { $0.isNumber || $0 == "." }
  }
}
