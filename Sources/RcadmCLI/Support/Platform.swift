#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Ends the process with `code` (the C library's exit: flushes stdout, runs no Swift cleanup).
func exitProcess(_ code: Int32) -> Never {
  exit(code)
}
