#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// How many rounds the seeded fuzz tests run: a modest count keeps CI's default run to a few
/// seconds; `RCADM_FUZZ_SCALE=N` multiplies it for a longer local run (`scripts/fuzz.sh` is the
/// long, coverage-guided one).
public enum FuzzBudget {
  public static let scale: Int = {
    guard let text = getenv("RCADM_FUZZ_SCALE"), let n = Int(String(cString: text)), n > 0 else { return 1 }
    return n
  }()

  public static func rounds(_ base: Int) -> Int { base * scale }
}
