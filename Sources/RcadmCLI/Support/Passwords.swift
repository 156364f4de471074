import ArgumentParser
import ClusterKit
import RedisClient
import RedisCore
import Synchronization

#if canImport(Glibc)
  import Glibc
#endif

/// The password typed for --askpass.
let askedPassword = Mutex<String?>(nil)

/// Printed once per process, as redis-cli does for -a.
private let passwordWarningShown = Atomic<Bool>(false)

func warnAboutPasswordOnCommandLine() {
  guard !passwordWarningShown.exchange(true, ordering: .relaxed) else { return }
  Terminal.error(
    Terminal.warn("Warning: ")
      + "a password on the command line may be seen by other users of this machine (rcadm hides it from ps once started); prefer REDISCLI_AUTH or --askpass, or pass --no-auth-warning"
  )
}

/// Overwrites the passwords in rcadm's own argv (after Swift copied the arguments) with `*`, so
/// `ps` and /proc/PID/cmdline no longer show one given with -a/--pass/--from-pass or inside a URL. Words
/// after `--` (a Redis command for exec) are left alone.
func hidePasswordsFromProcessList() {
  let argv = CommandLine.unsafeArgv
  var hideNext = false
  for i in 1..<Int(CommandLine.argc) {
    guard let word = argv[i] else { continue }
    let bytes = UnsafeMutableRawBufferPointer(start: word, count: strlen(word))
    let star = UInt8(ascii: "*")
    if hideNext {
      for j in bytes.indices { bytes[j] = star }
      hideNext = false
      continue
    }
    let text = Array(bytes)
    if text == Array("--".utf8) { return }
    if text == Array("-a".utf8) || text == Array("--pass".utf8) || text == Array("--from-pass".utf8) {
      hideNext = true
    } else if text.starts(with: Array("--pass=".utf8)) {
      for j in 7..<bytes.count { bytes[j] = star }
    } else if text.starts(with: Array("--from-pass=".utf8)) {
      for j in 12..<bytes.count { bytes[j] = star }
    } else if let range = urlPasswordRange(text) {
      for j in range { bytes[j] = star }
    }
  }
}

/// Where the password of `scheme://user:password@host` (or `scheme://password@host`) lies.
func urlPasswordRange(_ word: [UInt8]) -> Range<Int>? {
  let colon = UInt8(ascii: ":")
  let slash = UInt8(ascii: "/")
  guard
    let schemeEnd = word.indices.first(where: { i in
      i + 2 < word.count && word[i] == colon && word[i + 1] == slash && word[i + 2] == slash
    }), let at = word.lastIndex(of: UInt8(ascii: "@")), at > schemeEnd + 3
  else { return nil }
  let userinfo = (schemeEnd + 3)..<at
  let start = word[userinfo].firstIndex(of: colon).map { $0 + 1 } ?? userinfo.lowerBound
  return start..<at
}
