/// Small text helpers shared by the renderers.

/// Progress lines go to standard error so standard output stays a clean report (or JSON).
@Sendable func progress(_ line: String) {
  Terminal.error(Terminal.dim(">>> ") + line)
}

extension String {
  var trimmingSpaces: String {
    String(drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
  }
}

func zip2<A, B>(_ a: A?, _ b: B?) -> (A, B)? {
  guard let a, let b else { return nil }
  return (a, b)
}

extension String {
  /// Two decimals without Foundation's String(format:).
  init(format2 value: Double) {
    let scaled = (value * 100).rounded()
    let whole = Int(scaled / 100)
    let frac = abs(Int(scaled) % 100)
    self = "\(whole).\(frac < 10 ? "0" : "")\(frac)"
  }
}
