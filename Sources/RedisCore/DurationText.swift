extension Duration {
  /// Seconds as a Double, for messages and NIO time amounts.
  public var seconds: Double {
    let c = components
    return Double(c.seconds) + Double(c.attoseconds) / 1e18
  }

  /// "0.42 s", "12 s": how waits and timings are named in messages.
  public var shortText: String {
    let s = seconds
    if s >= 10 || s == s.rounded() { return "\(Int(s.rounded())) s" }
    return "\((s * 100).rounded() / 100) s"
  }
}
