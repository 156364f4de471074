// Shared by every libFuzzer harness in Fuzz/ (each binary is this file plus one harness file).
// Built by scripts/fuzz.sh with `swiftc -sanitize=fuzzer[,address]`; never part of `rcadm`.

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A violated property is a crash for libFuzzer: it saves the input and reports it.
func check(_ condition: Bool, _ message: @autoclosure () -> String) {
  guard condition else {
    printError("property violated: \(message())")
    abort()
  }
}

/// A line on standard error (the C `stderr` global is not concurrency-safe in Swift 6).
func printError(_ line: String) {
  var text = line + "\n"
  text.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
}

/// An error message fit for a terminal: one line, no control characters, not huge.
func isSentence(_ message: String, limit: Int = 300) -> Bool {
  !message.isEmpty && message.unicodeScalars.count <= limit
    && !message.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F }
}

/// The input as the parsers receive it: replies become Swift strings, invalid UTF-8 repaired.
func text(_ data: UnsafePointer<UInt8>?, _ size: Int) -> String {
  String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
}

/// Deterministic PRNG for the generated part of the seed corpus.
struct SplitMix64: RandomNumberGenerator {
  var state: UInt64

  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}

/// When `RCADM_FUZZ_SEEDS` names a directory, writes `seeds` there (one file each) before fuzzing
/// starts: the fixtures of the unit tests plus generated documents.
func writeSeeds(_ seeds: () -> [[UInt8]]) {
  guard let directory = getenv("RCADM_FUZZ_SEEDS").map({ String(cString: $0) }) else { return }
  for (index, seed) in seeds().enumerated() {
    guard let file = fopen("\(directory)/seed-\(index)", "wb") else {
      printError("cannot write seeds to \(directory)")
      exit(2)
    }
    _ = seed.withUnsafeBufferPointer { fwrite($0.baseAddress, 1, $0.count, file) }
    fclose(file)
  }
}

/// With `RCADM_FUZZ_SCALING` set, times `parse` on large inputs of each shape at two sizes, 4x
/// apart (CPU time, best of three, so other processes on the machine matter less), prints one
/// line per shape and exits: linear work grows about 4x, and more than 10x is reported as
/// superlinear (exit status 3). libFuzzer's short inputs cannot show a quadratic blow-up.
func runScalingProbe(_ parser: String, _ shapes: [(String, (Int) -> [UInt8])], parse: ([UInt8]) -> Void) {
  guard getenv("RCADM_FUZZ_SCALING") != nil else { return }
  func cpuSeconds(_ input: [UInt8]) -> Double {
    var best = Double.infinity
    for _ in 0..<3 {
      let start = clock()
      parse(input)
      best = min(best, Double(clock() - start) / Double(CLOCKS_PER_SEC))
    }
    return max(best, 1e-4)
  }
  var superlinear = 0
  for (name, make) in shapes {
    let small = make(1 << 19)
    let large = make(1 << 21)
    let (t1, t2) = (cpuSeconds(small), cpuSeconds(large))
    let ratio = t2 / t1
    if ratio > 10 { superlinear += 1 }
    let ms = { (t: Double) in String(Int((t * 1000).rounded())) }
    print(
      "scaling \(parser) \(name): \(small.count) B \(ms(t1)) ms, \(large.count) B \(ms(t2)) ms,"
        + " x\(Int(ratio.rounded())) \(ratio > 10 ? "SUPERLINEAR" : "ok")")
  }
  exit(superlinear == 0 ? 0 : 3)
}

/// `unit` repeated to about `size` bytes, between `head` and `tail`.
func repeated(_ head: String, _ unit: String, _ tail: String, _ size: Int) -> [UInt8] {
  Array((head + String(repeating: unit, count: max(1, size / unit.utf8.count)) + tail).utf8)
}
