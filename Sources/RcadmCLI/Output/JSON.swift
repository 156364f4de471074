import JSONDocument
import RESP
import Synchronization

extension JSON {
  /// `.string` for a value, `.null` for nil.
  static func optional(_ s: String?) -> JSON { s.map(JSON.string) ?? .null }
  static func optional(_ i: Int?) -> JSON { i.map(JSON.int) ?? .null }
}

/// Set once a command printed its JSON document, so a failure afterwards does not print a second.
let jsonDocumentPrinted = Atomic<Bool>(false)

/// Prints a command's one JSON document on standard output.
func emit(_ doc: JSON) {
  jsonDocumentPrinted.store(true, ordering: .relaxed)
  print(doc.render())
}

extension JSON {
  /// A reply as JSON: strings, numbers, arrays; maps with string keys become objects.
  init(resp value: RESPValue) {
    switch value {
    case .simpleString(let s), .bigNumber(let s): self = .string(s)
    case .bulkString(let b), .verbatimString(_, let b): self = .string(String(decoding: b, as: UTF8.self))
    case .error(let m), .bulkError(let m): self = .object([("error", .string(m))])
    case .integer(let i): self = .int(Int(i))
    case .double(let d): self = .double(d)
    case .boolean(let b): self = .bool(b)
    case .null: self = .null
    case .array(let a), .set(let a), .push(let a): self = .array(a.map(JSON.init(resp:)))
    case .map(let pairs):
      if pairs.allSatisfy({ $0.key.string != nil }) {
        self = .object(pairs.map { ($0.key.string!, JSON(resp: $0.value)) })
      } else {
        self = .array(pairs.map { .array([JSON(resp: $0.key), JSON(resp: $0.value)]) })
      }
    case .attributed(_, let v): self = JSON(resp: v)
    }
  }
}
