import JSONDocument
import Testing

@Suite struct JSONRenderTests {
  static let document = JSON.object([
    ("ok", .bool(true)), ("count", .int(3)), ("ratio", .double(0.5)), ("none", .null),
    ("names", .array([.string("a"), .string("b")])), ("empty", .array([])),
    ("nested", .object([("x", .object([]))])),
  ])

  // MARK: Layout

  @Test func rendersPrettyWithTwoSpaces() {
    #expect(
      Self.document.render() == """
        {
          "ok": true,
          "count": 3,
          "ratio": 0.5,
          "none": null,
          "names": [
            "a",
            "b"
          ],
          "empty": [],
          "nested": {
            "x": {}
          }
        }
        """)
    #expect(Self.document.render(pretty: true) == Self.document.render())
  }

  @Test func rendersCompact() {
    #expect(
      Self.document.render(pretty: false)
        == #"{"ok":true,"count":3,"ratio":0.5,"none":null,"names":["a","b"],"empty":[],"nested":{"x":{}}}"#)
  }

  @Test(
    arguments: [
      (JSON.null, "null"), (.bool(false), "false"), (.string(""), #""""#), (.array([]), "[]"),
      (.object([]), "{}"),
      (.array([.array([])]), "[\n  []\n]"),
    ])
  func rendersScalarsAndEmptyContainers(value: JSON, text: String) {
    #expect(value.render() == text)
    #expect(value.render(pretty: false) == text.filter { $0 != "\n" && $0 != " " })
  }

  /// Keys come out in the order they were given, repeated ones too: the renderer never sorts or merges.
  @Test func keepsKeyOrderAsGiven() {
    let object = JSON.object([("z", .int(1)), ("a", .int(2)), ("m", .int(3)), ("a", .int(4))])
    #expect(object.render(pretty: false) == #"{"z":1,"a":2,"m":3,"a":4}"#)
    #expect(object["a"] == .int(4))
  }

  // MARK: Numbers

  @Test(
    arguments: [
      (JSON.int(0), "0"), (.int(-5), "-5"), (.int(.max), "9223372036854775807"),
      (.int(.min), "-9223372036854775808"),
      (.double(1), "1.0"), (.double(0.1), "0.1"), (.double(-12.25), "-12.25"), (.double(1e20), "1e+20"),
      (.double(.leastNonzeroMagnitude), "5e-324"), (.double(-0.0), "-0.0"), (.double(.nan), "null"),
      (.double(.infinity), "null"),
      (.double(-.infinity), "null"),
    ])
  func rendersNumbers(value: JSON, text: String) {
    #expect(value.render() == text)
  }

  // MARK: Strings

  @Test func escapesStrings() {
    let text = "q\" b\\ n\n r\r t\t nul\u{0} us\u{1F} bs\u{08} ff\u{0C} / é 😀 del\u{7F} \u{2028}"
    #expect(
      JSON.string(text).render()
        == #""q\" b\\ n\n r\r t\t nul\u0000 us\u001f bs\u0008 ff\u000c / é 😀 del"# + "\u{7F} \u{2028}\"")
    #expect(JSON.object([("k\"\n", .null)]).render(pretty: false) == #"{"k\"\n":null}"#)
  }

  // MARK: Round trips

  /// Rendered text parses back to the same value, and canonical text renders back to itself.
  @Test func roundTrips() throws {
    let values: [JSON] = [
      Self.document,
      .object([("b", .int(1)), ("a", .double(1)), ("c", .double(-0.0)), ("d", .int(-0))]),
      .array([
        .int(.max), .int(.min), .double(0x1p63), .double(1e20), .double(.leastNonzeroMagnitude), .double(0.1),
      ]),
      .string("q\" b\\ \n\r\t\u{0}\u{1F}\u{7F} / é 😀 \u{10FFFF}"),
      .object([("", .object([("", .array([.null, .bool(true), .string("")]))]))]),
    ]
    for value in values {
      #expect(try JSON.parse(value.render()) == value)
      #expect(try JSON.parse(value.render(pretty: false)) == value)
      #expect(try JSON.parse(value.render()).render() == value.render())
    }
    let canonical = #"{"z":[1,1.0,-0.0,1e+20,-7,0.5],"a":{"y":null,"b":false},"m":"\u0001\n"}"#
    #expect(try JSON.parse(canonical).render(pretty: false) == canonical)
  }

  /// Only finite numbers survive a round trip: NaN and infinities render as `null`.
  @Test func nonFiniteDoublesComeBackAsNull() throws {
    #expect(
      try JSON.parse(JSON.array([.double(.nan), .double(-.infinity)]).render()) == .array([.null, .null]))
  }

  // MARK: Equality

  /// `.int` and `.double` stay apart, however equal their numbers: they render differently.
  @Test func intsAndDoublesAreDistinct() throws {
    #expect(JSON.int(1) != .double(1))
    #expect(Set([JSON.int(1), .double(1), .int(1), .double(1)]).count == 2)
    #expect(try JSON.parse("1") == .int(1))
    #expect(try JSON.parse("1.0") == .double(1))
    #expect(try JSON.parse("1e0") == .double(1))
    // Both read as either number.
    for text in ["1", "1.0", "1e0"] {
      let value = try JSON.parse(text)
      #expect(value.int == 1 && value.double == 1)
    }
  }

  @Test func equalityIsStructural() throws {
    #expect(JSON.double(0) != .double(-0.0))
    #expect(JSON.double(.nan) == .double(.nan))
    #expect(JSON.double(.nan) != .null)
    #expect(JSON.object([("a", .int(1)), ("b", .int(2))]) != .object([("b", .int(2)), ("a", .int(1))]))
    #expect(JSON.object([("a", .int(1))]) != .object([("a", .int(1)), ("a", .int(1))]))
    #expect(JSON.array([.null]) != .object([]))
    #expect(JSON.string("1") != .int(1))
    let a = try JSON.parse(#"{"x":[1,2.5,"é"],"y":{"z":null}}"#)
    let b = try JSON.parse("{ \"x\" : [ 1 , 25e-1 , \"\\u00e9\" ] , \"y\" : { \"z\" : null } }")
    #expect(a == b)
    #expect(a.hashValue == b.hashValue)
    #expect(Set([a, b, Self.document]).count == 2)
  }
}
