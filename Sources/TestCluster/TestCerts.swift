import Foundation

/// A throwaway CA and a server certificate for 127.0.0.1/localhost, made with the openssl CLI.
public struct TestCerts: Sendable {
  public var ca: String
  public var serverCert: String
  public var serverKey: String
  public var directory: String

  /// Creates the files once per test process.
  public static func make() throws -> TestCerts {
    try lock.withLock {
      if let cached { return cached }
      let dir = NSTemporaryDirectory() + "rcadm-tests/certs-\(getpid())"
      try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
      let ext = dir + "/san.ext"
      try "subjectAltName=IP:127.0.0.1,DNS:localhost\n".write(toFile: ext, atomically: true, encoding: .utf8)
      let steps: [[String]] = [
        [
          "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=rcadm test CA",
          "-keyout", "\(dir)/ca.key", "-out", "\(dir)/ca.crt",
        ],
        [
          "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost", "-keyout", "\(dir)/server.key",
          "-out", "\(dir)/server.csr",
        ],
        [
          "x509", "-req", "-in", "\(dir)/server.csr", "-CA", "\(dir)/ca.crt", "-CAkey", "\(dir)/ca.key",
          "-CAcreateserial",
          "-days", "2", "-extfile", ext, "-out", "\(dir)/server.crt",
        ],
      ]
      for args in steps {
        let r = try Run.program("openssl", args, timeout: 60)
        guard r.status == 0 else { throw TestClusterError("openssl \(args[0]) failed: \(r)") }
      }
      let certs = TestCerts(
        ca: "\(dir)/ca.crt", serverCert: "\(dir)/server.crt", serverKey: "\(dir)/server.key", directory: dir)
      cached = certs
      return certs
    }
  }

  private static let lock = NSLock()
  nonisolated(unsafe) private static var cached: TestCerts?
}
