import JSONDocument
import TestSupport
import Testing

@Suite struct JSONParseTests {
  // MARK: Values

  @Test(
    arguments: [
      ("null", JSON.null),
      ("true", .bool(true)),
      ("false", .bool(false)),
      ("0", .int(0)),
      ("42", .int(42)),
      ("4.5", .double(4.5)),
      ("\"\"", .string("")),
      ("\"hello\"", .string("hello")),
      ("[]", .array([])),
      ("{}", .object([])),
      (" \t\r\n[ 1 , \"a\" , null ]\n", .array([.int(1), .string("a"), .null])),
      ("{ \"a\" : true , \"b\" : [ ] }", .object([("a", .bool(true)), ("b", .array([]))])),
      ("{ \"b\" : 1 , \"a\" : 2 }", .object([("b", .int(1)), ("a", .int(2))])),
    ])
  func parsesEveryKind(text: String, expected: JSON) throws {
    #expect(try JSON.parse(text) == expected)
    #expect(try JSON.parse(Array(text.utf8)) == expected)
  }

  @Test func parsesNestedObjects() throws {
    let value = try JSON.parse(
      #"{"kind":"Pod","metadata":{"name":"redis-0","labels":{"app":"redis","tier":"cache"}},"#
        + #""spec":{"containers":[{"name":"redis","ports":[{"containerPort":6379},{"containerPort":16379}]}]}}"#
    )
    #expect(value["kind"] == .string("Pod"))
    #expect(
      value.path("metadata", "labels") == .object([("app", .string("redis")), ("tier", .string("cache"))]))
    let ports = value.path("spec", "containers")?[0]?["ports"]
    #expect(ports?.array?.compactMap { $0["containerPort"]?.int } == [6379, 16379])
  }

  @Test func accepts512LevelsOfNesting() throws {
    let text = String(repeating: "[", count: 512) + String(repeating: "]", count: 512)
    var value = try JSON.parse(text)
    var depth = 1
    while let inner = value[0] {
      value = inner
      depth += 1
    }
    #expect(depth == 512)
    #expect(value == .array([]))
    let objects = String(repeating: #"{"a":"#, count: 511) + "{}" + String(repeating: "}", count: 511)
    var member = try JSON.parse(objects)
    for _ in 0..<511 { member = try #require(member["a"]) }
    #expect(member == .object([]))
  }

  /// The last value wins, at the place of the first: the parsed object has one member per key.
  @Test func duplicateKeysLastWins() throws {
    #expect(try JSON.parse(#"{"a":1,"b":2,"a":3}"#) == .object([("a", .int(3)), ("b", .int(2))]))
    #expect(try JSON.parse(#"{"a":1,"a":{"x":null}}"#) == .object([("a", .object([("x", .null)]))]))
    // Past 16 members the parser indexes the keys: the same rule holds.
    let keys = (0..<40).map { "k\($0)" }
    let text =
      "{" + (keys + keys.reversed()).enumerated().map { #""\#($1)":\#($0)"# }.joined(separator: ",") + "}"
    let members = try #require(try JSON.parse(text).object)
    #expect(members.map(\.0) == keys)
    #expect(members.map { $0.1.int } == (0..<40).map { 79 - $0 })
  }

  @Test func parsesAnyByteCollection() throws {
    let bytes = Array(#"{"a":[1,2]}"#.utf8)
    let expected = JSON.object([("a", .array([.int(1), .int(2)]))])
    #expect(try JSON.parse(bytes[...]) == expected)
    #expect(try JSON.parse(bytes.lazy.map { $0 }) == expected)
    #expect(try JSON.parse(#"{"a":[1,2]}"#.utf8) == expected)
    #expect(try JSON.parse(String(#"x{"a":[1,2]}"#.dropFirst())) == expected)
  }

  // MARK: Strings

  @Test(
    arguments: [
      (#""\"\\\/\b\f\n\r\t""#, "\"\\/\u{08}\u{0C}\n\r\t"),
      (#""a\"b""#, "a\"b"),
      (#""\u0041\u00e9\u20AC""#, "Aé€"),
      (#""\u0000""#, "\u{0}"),
      (#""\uD83D\uDE00""#, "😀"),
      (#""\ud83d\ude00 ok""#, "😀 ok"),
      (#""x\uDBFF\uDFFFy""#, "x\u{10FFFF}y"),
      (#""héllo wörld 😀 日本""#, "héllo wörld 😀 日本"),
      (#""mixed é \n 😀""#, "mixed é \n 😀"),
      // Lone surrogates become U+FFFD; the escape after an unpaired high surrogate still counts.
      (#""\uD83D""#, "\u{FFFD}"),
      (#""\uD83Dx""#, "\u{FFFD}x"),
      (#""\uDE00""#, "\u{FFFD}"),
      (#""\uD83D\u0041""#, "\u{FFFD}A"),
      (#""\uD83D\uD83D\uDE00""#, "\u{FFFD}😀"),
      (#""\uD83D\n""#, "\u{FFFD}\n"),
    ])
  func decodesStrings(text: String, expected: String) throws {
    #expect(try JSON.parse(text) == .string(expected))
  }

  @Test func repairsInvalidUTF8() throws {
    #expect(try JSON.parse([0x22, 0x61, 0xFF, 0x62, 0x22]) == .string("a\u{FFFD}b"))
    #expect(try JSON.parse([0x22, 0xC3, 0x5C, 0x6E, 0x22]) == .string("\u{FFFD}\n"))
  }

  @Test func longStringsWithManyEscapes() throws {
    let unit = #"line \"quoted\" \u00e9\t"#
    let text = "\"" + String(repeating: unit, count: 1000) + "\""
    let expected = String(repeating: "line \"quoted\" é\t", count: 1000)
    #expect(try JSON.parse("[\(text),\(text)]") == .array([.string(expected), .string(expected)]))
  }

  // MARK: Numbers

  /// An integer literal that fits in `Int` is an `.int`; a fraction, an exponent or a larger integer makes a
  /// `.double`.
  @Test(
    arguments: [
      ("0", JSON.int(0)),
      ("6379", .int(6379)),
      ("-1", .int(-1)),
      ("9007199254740993", .int(9_007_199_254_740_993)),
      ("9223372036854775807", .int(.max)),
      ("-9223372036854775808", .int(.min)),
      ("9223372036854775808", .double(9_223_372_036_854_775_808)),
      ("-9223372036854775809", .double(-9_223_372_036_854_775_808)),
      ("10000000000000000000", .double(1e19)),
      ("123456789012345678901234567890", .double(1.2345678901234568e29)),
      ("1.0", .double(1)),
      ("1e0", .double(1)),
      ("1e3", .double(1000)),
      ("1E+3", .double(1000)),
      ("1.5E-2", .double(0.015)),
      ("-12.25", .double(-12.25)),
      ("0.1", .double(0.1)),
      ("0.000001", .double(0.000_001)),
      ("123.456e2", .double(12345.6)),
      ("1.7976931348623157e308", .double(.greatestFiniteMagnitude)),
      ("5e-324", .double(.leastNonzeroMagnitude)),
      ("2.2250738585072014e-308", .double(.leastNormalMagnitude)),
      ("1e-400", .double(0)),
      ("0e99999999999999999999", .double(0)),
      ("3.141592653589793238462643383279", .double(.pi)),
    ])
  func parsesNumbers(text: String, expected: JSON) throws {
    #expect(try JSON.parse(text) == expected)
  }

  @Test func negativeZeroKeepsItsSign() throws {
    let value = try JSON.parse("-0")
    #expect(value.double?.sign == .minus)
    #expect(value.double == 0)
    #expect(try JSON.parse("-0.0e5").double?.sign == .minus)
    #expect(value.int == 0)
    #expect(value == .double(-0.0))
    #expect(value != .double(0))
    #expect(try JSON.parse("0") == .int(0))
  }

  /// Shortest round-trip descriptions exercise both the fast path and the standard library fallback.
  @Test func roundTripsRandomDoubles() throws {
    var generator = SplitMix64(seed: 0x5EED)
    var checked = 0
    while checked < 5000 {
      let bits = generator.next()
      let value =
        checked.isMultiple(of: 2)
        ? Double(bitPattern: bits) : Double(Int64(bitPattern: bits) >> (bits & 63)) / 1000
      guard value.isFinite else { continue }
      #expect(try JSON.parse("\(value)") == .double(value), "\(value)")
      checked += 1
    }
  }

  // MARK: Errors

  @Test(
    arguments: [
      ("", 0, "unexpected end of input: expected a value"),
      ("   ", 3, "unexpected end of input: expected a value"),
      (#"{"a":1"#, 6, "unexpected end of input: expected ',' or '}' in an object"),
      (#"{"a":"#, 5, "unexpected end of input: expected a value"),
      (#"{"a""#, 4, "unexpected end of input: expected ':' after an object key"),
      (#"{"#, 1, "unexpected end of input: expected a string key"),
      (#"["#, 1, "unexpected end of input: expected a value"),
      ("[1,2", 4, "unexpected end of input: expected ',' or ']' in an array"),
      (#""abc"#, 4, "unexpected end of input: unterminated string"),
      (#""a\"#, 3, "unexpected end of input: unterminated escape in a string"),
      (#""\u12"#, 5, "unexpected end of input: expected four hex digits after \\u"),
      ("tru", 3, "unexpected end of input: expected 'true'"),
      ("-", 1, "unexpected end of input: expected a digit"),
      ("1.", 2, "unexpected end of input: expected a digit after the decimal point"),
      ("1e+", 3, "unexpected end of input: expected a digit in the exponent"),
      ("[1,2,]", 5, "trailing comma in an array"),
      (#"{"a":1,}"#, 7, "trailing comma in an object"),
      (#"{"a":1, }"#, 8, "trailing comma in an object"),
      (#"{"a" 1}"#, 5, "expected ':' after an object key"),
      (#"{"a",1}"#, 4, "expected ':' after an object key"),
      ("{a:1}", 1, "expected a string key"),
      (#"{"a":1 "b":2}"#, 7, "expected ',' or '}' in an object"),
      ("[1 2]", 3, "expected ',' or ']' in an array"),
      ("[,1]", 1, "expected a value"),
      (#""\x""#, 1, "invalid escape sequence in a string"),
      (#""ok\'""#, 3, "invalid escape sequence in a string"),
      (#""\u12G4""#, 5, "expected four hex digits after \\u"),
      (#""\uD83D\uZZZZ""#, 9, "expected four hex digits after \\u"),
      ("\"a\nb\"", 2, "unescaped control character in a string"),
      ("\"a\tb\"", 2, "unescaped control character in a string"),
      ("\"a\\nb\u{1}\"", 5, "unescaped control character in a string"),
      ("{} x", 3, "unexpected data after the JSON value"),
      ("[1] [2]", 4, "unexpected data after the JSON value"),
      ("1 2", 2, "unexpected data after the JSON value"),
      ("truex", 4, "unexpected data after the JSON value"),
      ("nulL", 3, "expected 'null'"),
      ("True", 0, "expected a value"),
      ("01", 1, "leading zeros are not allowed in a number"),
      ("-01", 2, "leading zeros are not allowed in a number"),
      ("+1", 0, "expected a value"),
      (".5", 0, "expected a value"),
      ("--1", 1, "expected a digit"),
      ("1.e3", 2, "expected a digit after the decimal point"),
      ("1ex", 2, "expected a digit in the exponent"),
      ("[1e400]", 1, "number out of range"),
      ("-1e309", 0, "number out of range"),
      ("NaN", 0, "expected a value"),
      ("\u{FEFF}{}", 0, "expected a value"),
      ("/* c */ {}", 0, "expected a value"),
    ])
  func reportsErrorsWithTheirOffset(text: String, offset: Int, reason: String) {
    let error = #expect(throws: JSONParseError.self) { try JSON.parse(text) }
    #expect(error?.offset == offset, "\(text.debugDescription)")
    #expect(error?.reason == reason, "\(text.debugDescription)")
  }

  @Test func rejectsNestingBeyond512() {
    let arrays = String(repeating: "[", count: 513) + String(repeating: "]", count: 513)
    let error = #expect(throws: JSONParseError.self) { try JSON.parse(arrays) }
    #expect(error?.offset == 512)
    #expect(error?.reason == "nesting deeper than 512 levels")
    // Deep enough to overflow the stack if the limit were not enforced.
    let objects = "[" + String(repeating: #"{"a":"#, count: 100_000)
    let deep = #expect(throws: JSONParseError.self) { try JSON.parse(objects) }
    #expect(deep?.offset == 1 + 5 * 511)
  }

  @Test func describesErrors() {
    let error = JSONParseError(offset: 17, reason: "expected ':' after an object key")
    #expect(error.description == "invalid JSON at byte 17: expected ':' after an object key")
    #expect("\(error)" == error.description)
  }

  // MARK: Accessors

  @Test func readsIntegers() throws {
    let value = try JSON.parse(
      #"[8080, "8080", "-3", -3, 1.5, "1.5", "+5", "", "12a", " 1", 1e300, "99999999999999999999", true, null, 1e3]"#
    )
    let ints = (0..<15).map { value[$0]?.int }
    #expect(ints == [8080, 8080, -3, -3, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, 1000])
    #expect(JSON.double(Double(Int.max)).int == nil)
    #expect(JSON.double(-9_223_372_036_854_775_808).int == Int.min)
    #expect(JSON.double(.nan).int == nil)
    #expect(JSON.int(.max).int == .max)
    #expect(JSON.int(-7).double == -7)
    #expect(JSON.int(1 << 53 + 1).double == 0x1p53)
  }

  @Test func typedAccessorsReturnNilForOtherKinds() throws {
    let value = try JSON.parse(#"{"s":"x","n":2.5,"b":false,"a":[1],"o":{},"z":null}"#)
    #expect(value["s"]?.string == "x")
    #expect(value["n"]?.double == 2.5)
    #expect(value["b"]?.bool == false)
    #expect(value["a"]?.array == [.int(1)])
    #expect(value["o"]?.object?.isEmpty == true)
    #expect(value["z"]?.isNull == true)
    #expect(value["missing"] == nil)
    for key in ["s", "n", "b", "a", "o"] {
      #expect(value[key]?.isNull == false)
    }
    #expect(value["n"]?.string == nil)
    #expect(value["s"]?.double == nil)
    #expect(value["s"]?.bool == nil)
    #expect(value["o"]?.array == nil)
    #expect(value["a"]?.object == nil)
    #expect(value[0] == nil)
    #expect(value["a"]?["x"] == nil)
    #expect(value["a"]?[0] == .int(1))
    #expect(value["a"]?[1] == nil)
    #expect(value["a"]?[-1] == nil)
  }

  @Test func followsPaths() throws {
    let pod = try JSON.parse(#"{"metadata":{"labels":{"app":"redis"},"name":"r-0"},"spec":null}"#)
    #expect(pod.path("metadata", "labels", "app")?.string == "redis")
    #expect(pod.path("metadata", "name") == .string("r-0"))
    #expect(pod.path("metadata", "labels", "missing") == nil)
    #expect(pod.path("metadata", "name", "deeper") == nil)
    #expect(pod.path("spec", "containers") == nil)
    #expect(pod.path() == pod)
  }

  // MARK: kubectl-sized input

  @Test func parsesALargePodList() throws {
    let text = syntheticPodList(count: 300)
    #expect(text.utf8.count > 1_000_000)
    let list = try JSON.parse(text)
    #expect(list["kind"]?.string == "List")
    let items = try #require(list["items"]?.array)
    #expect(items.count == 300)
    for (number, pod) in items.enumerated() {
      #expect(pod.path("metadata", "name")?.string == "redis-cluster-\(number)")
      #expect(pod.path("status", "podIP")?.string == "10.244.\(number / 256).\(number % 256)")
    }
    let pod = items[123]
    #expect(
      pod.path("metadata", "labels", "statefulset.kubernetes.io/pod-name")?.string == "redis-cluster-123")
    #expect(pod.path("metadata", "annotations", "note")?.string == "quoted \"é\" 😀\nline 123")
    let container = try #require(pod.path("spec", "containers")?[0])
    #expect(container["ports"]?[1]?["containerPort"]?.int == 16379)
    #expect(container["env"]?.array?.first { $0["name"] == .string("REDIS_PORT") }?["value"]?.int == 6379)
    #expect(container["resources"]?.path("limits", "memory")?.string == "512Mi")
    #expect(pod.path("status", "conditions")?.array?.count == 4)
    #expect(pod.path("status", "containerStatuses")?[0]?["ready"]?.bool == true)
    #expect(pod.path("status", "containerStatuses")?[0]?["restartCount"]?.int == 123 % 7)
    #expect(pod.path("spec", "nodeSelector")?.isNull == true)
    #expect(pod.path("spec", "terminationGracePeriodSeconds")?.double == 30.5)
  }

  /// A `kubectl get pods -o json` lookalike: the shape and string density of real output, about 3.5 KB a pod.
  private func syntheticPodList(count: Int) -> String {
    var text = #"{"apiVersion":"v1","kind":"List","items":["#
    for number in 0..<count {
      if number > 0 { text += "," }
      let name = "redis-cluster-\(number)"
      let ip = "10.244.\(number / 256).\(number % 256)"
      var conditions: [String] = []
      for type in ["PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady"] {
        conditions.append(
          #"{"lastProbeTime":null,"lastTransitionTime":"2024-05-01T10:00:00Z","status":"True","type":"\#(type)"}"#
        )
      }
      text += """
        {
          "apiVersion": "v1",
          "kind": "Pod",
          "metadata": {
            "annotations": {
              "kubectl.kubernetes.io/restartedAt": "2024-05-01T09:59:00Z",
              "note": "quoted \\"\\u00e9\\" \\ud83d\\ude00\\nline \(number)",
              "checksum/config": "6f1ed002ab5595859014ebf0951522d9a3c1f0b3c4e6d8c0a9f8e7d6c5b4a392"
            },
            "creationTimestamp": "2024-05-01T10:00:00Z",
            "generateName": "redis-cluster-",
            "labels": {
              "app.kubernetes.io/name": "redis-cluster",
              "app.kubernetes.io/instance": "prod",
              "controller-revision-hash": "redis-cluster-7d9f8c6b5",
              "statefulset.kubernetes.io/pod-name": "\(name)"
            },
            "name": "\(name)",
            "namespace": "cache",
            "ownerReferences": [
              {
                "apiVersion": "apps/v1",
                "blockOwnerDeletion": true,
                "controller": true,
                "kind": "StatefulSet",
                "name": "redis-cluster",
                "uid": "0f8e2c3a-1b4d-4e5f-8a6b-7c8d9e0f1a2b"
              }
            ],
            "resourceVersion": "\(1_000_000 + number)",
            "uid": "a1b2c3d4-e5f6-4789-abcd-\(String(repeating: "0", count: 12 - String(number).count))\(number)"
          },
          "spec": {
            "containers": [
              {
                "args": ["--cluster-enabled", "yes", "--cluster-config-file", "/data/nodes.conf", "--appendonly", "yes"],
                "command": ["redis-server"],
                "env": [
                  {"name": "POD_IP", "valueFrom": {"fieldRef": {"apiVersion": "v1", "fieldPath": "status.podIP"}}},
                  {"name": "REDIS_PORT", "value": "6379"},
                  {"name": "REDIS_PASSWORD", "valueFrom": {"secretKeyRef": {"key": "password", "name": "redis-auth"}}}
                ],
                "image": "redis:7.2.4",
                "imagePullPolicy": "IfNotPresent",
                "livenessProbe": {
                  "exec": {"command": ["sh", "-c", "redis-cli -p 6379 ping | grep -q PONG"]},
                  "failureThreshold": 3, "initialDelaySeconds": 15, "periodSeconds": 10, "successThreshold": 1,
                  "timeoutSeconds": 5
                },
                "name": "redis",
                "ports": [
                  {"containerPort": 6379, "name": "client", "protocol": "TCP"},
                  {"containerPort": 16379, "name": "gossip", "protocol": "TCP"}
                ],
                "resources": {"limits": {"cpu": "1", "memory": "512Mi"}, "requests": {"cpu": "250m", "memory": "256Mi"}},
                "terminationMessagePath": "/dev/termination-log",
                "terminationMessagePolicy": "File",
                "volumeMounts": [
                  {"mountPath": "/data", "name": "data"},
                  {"mountPath": "/var/run/secrets/kubernetes.io/serviceaccount", "name": "kube-api-access", "readOnly": true}
                ]
              }
            ],
            "dnsPolicy": "ClusterFirst",
            "enableServiceLinks": true,
            "hostname": "\(name)",
            "nodeName": "worker-\(number % 5)",
            "nodeSelector": null,
            "priority": 0,
            "restartPolicy": "Always",
            "schedulerName": "default-scheduler",
            "securityContext": {"fsGroup": 1000, "runAsUser": 999},
            "serviceAccountName": "default",
            "subdomain": "redis-cluster-headless",
            "terminationGracePeriodSeconds": 30.5,
            "tolerations": [
              {"effect": "NoExecute", "key": "node.kubernetes.io/not-ready", "operator": "Exists", "tolerationSeconds": 300},
              {"effect": "NoExecute", "key": "node.kubernetes.io/unreachable", "operator": "Exists", "tolerationSeconds": 300}
            ],
            "volumes": [
              {"name": "data", "persistentVolumeClaim": {"claimName": "data-\(name)"}},
              {"name": "kube-api-access", "projected": {"defaultMode": 420, "sources": [{"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}}]}}
            ]
          },
          "status": {
            "conditions": [\(conditions.joined(separator: ","))],
            "containerStatuses": [
              {
                "containerID": "containerd://\(String(repeating: "ab", count: 32))",
                "image": "docker.io/library/redis:7.2.4",
                "imageID": "docker.io/library/redis@sha256:\(String(repeating: "cd", count: 32))",
                "lastState": {},
                "name": "redis",
                "ready": true,
                "restartCount": \(number % 7),
                "started": true,
                "state": {"running": {"startedAt": "2024-05-01T10:00:05Z"}}
              }
            ],
            "hostIP": "192.168.1.\(number % 5 + 10)",
            "phase": "Running",
            "podIP": "\(ip)",
            "podIPs": [{"ip": "\(ip)"}],
            "qosClass": "Burstable",
            "startTime": "2024-05-01T10:00:00Z"
          }
        }
        """
    }
    text += #"],"metadata":{"resourceVersion":""}}"#
    return text
  }
}
