import Foundation
@testable import GivingKit
import GivingTestSupport
import Testing

/// Numbers are the same only when their values are, exactly: never through `Double`, however
/// many digits or however large an exponent they have; and `hash` agrees with `==`.
@Suite struct ExactNumberTests {
  static func number(_ text: String) -> JSONNumber { JSONNumber(text: text) }

  /// Pairs that read as one `Double` (or both overflow or underflow it) but are different numbers.
  static let equalAsDoublesOnly: [(String, String)] = [
    ("0.1", "0.1000000000000000000001"),
    ("9007199254740993", "9007199254740992"),
    ("0.1", "0.1000000000000000000000000000000000000000001"),  // beyond Decimal's 38 digits
    ("12345678901234567890123456789012345678901", "12345678901234567890123456789012345678902"),
    ("1e400", "2e400"),
    ("1e-400", "2e-400"),
    ("1e99999999999999999999", "1e99999999999999999998"),
  ]

  /// The same number written differently.
  static let sameNumbers: [[String]] = [
    ["1", "1.0", "1e0", "10e-1", "0.1e1", "1.000000000000000000000000000000000000000000000", "+1", "1E+0"],
    ["0", "-0", "0.0", "-0.000", "0e5", "0e99999999999999999999999"],
    ["1000", "1e3", "1000.000", "1.0E+3", "0.001e6"],
    ["1e400", "10e399", "0.00001e405"],
    ["1e99999999999999999999", "10e99999999999999999998", "0.1e100000000000000000000"],
    ["1e-99999999999999999999", "0.1e-99999999999999999998", "10e-100000000000000000000"],
    ["123456789012345678901234567890123456789012", "1.23456789012345678901234567890123456789012e41"],
  ]

  @Test(arguments: equalAsDoublesOnly)
  func numbersEqualAsDoublesAreNotEqual(_ pair: (String, String)) {
    let (a, b) = (Self.number(pair.0), Self.number(pair.1))
    #expect(a.double == b.double || (a.double ?? 0).isInfinite || a.double == 0)
    #expect(a != b)
    #expect(!ExactJSON.equal(.number(a), .number(b)))
  }

  @Test(arguments: sameNumbers)
  func numbersWrittenDifferentlyAreEqualAndHashAlike(_ texts: [String]) {
    let numbers = texts.map(Self.number)
    for n in numbers {
      #expect(n == numbers[0], "\(n.text)")
      #expect(n.hashValue == numbers[0].hashValue, "\(n.text)")
      #expect(ExactJSON(value: .number(n)).hashValue == ExactJSON(value: .number(numbers[0])).hashValue)
    }
  }

  @Test func zeroIsDecidedExactly() {
    #expect(!Self.number("1e-400").isZero)
    #expect(JSONValue.number(Self.number("1e-400")).isTruthy)
    #expect(Self.number("0e99999999999999999999999").isZero)
    #expect(Self.number("-0.0000000000000000000000000000000000000000000").isZero)
  }

  @Test func textThatIsNotANumberEqualsOnlyItself() {
    #expect(Self.number("abc") == Self.number("abc"))
    #expect(Self.number("abc") != Self.number("abd"))
    #expect(Self.number("1e") != Self.number("1"))
    #expect(Self.number("1.2.3") != Self.number("1.2"))
  }
}

/// Grants whose whole-grant hashes are equal are compared before `Array has non-unique
/// elements` is reported; ids whose digests are equal are compared before `Non-unique id
/// values` is. A test-only hash and digest make every grant and id collide.
@Suite struct ExactDuplicateTests {
  static let collidingHash: @Sendable (JSONValue) -> UInt64 = { _ in 42 }
  static let collidingDigest = IDDigest(low: 0x5EED, high: 7)

  func wholeGrantErrors(_ grants: [String], hash: @escaping @Sendable (JSONValue) -> UInt64 = collidingHash) throws
    -> [String]
  {
    let parsed = try grants.map { try JSONValue(parsing: Array($0.utf8)) }
    var tracker = DuplicateIDTracker(wholeHash: hash)
    for (i, grant) in parsed.enumerated() { tracker.add(grant: grant, index: i) }
    return tracker.errors(rereading: parsed).map(\.message)
  }

  @Test func grantsThatCollideOnTheHashButDifferAreNotDuplicates() throws {
    #expect(try wholeGrantErrors([#"{"title": "a"}"#, #"{"title": "b"}"#, #"{"title": "a", "x": 1}"#]).isEmpty)
    // Equal as doubles, not as decimals: also through the real hash, which reads numbers as doubles.
    for (a, b) in ExactNumberTests.equalAsDoublesOnly {
      let pair = [#"{"title": "t", "amountAwarded": \#(a)}"#, #"{"title": "t", "amountAwarded": \#(b)}"#]
      #expect(try wholeGrantErrors(pair).isEmpty, "\(a) \(b)")
      #expect(try wholeGrantErrors(pair, hash: StructuralHash.of).isEmpty, "\(a) \(b)")
    }
    // Strings that Python tells apart (code point by code point).
    #expect(try wholeGrantErrors([#"{"title": "Caf\u00e9"}"#, #"{"title": "Cafe\u0301"}"#]).isEmpty)
    // The value Python keeps for a repeated key is the last one.
    #expect(try wholeGrantErrors([#"{"a": 1, "a": 2}"#, #"{"a": 1}"#]).isEmpty)
  }

  @Test func grantsThatAreTrulyEqualAreDuplicates() throws {
    let expected = ["Array has non-unique elements"]
    #expect(try wholeGrantErrors([#"{"title": "a"}"#, #"{"title": "b"}"#, #"{"title": "a"}"#]) == expected)
    // Members in another order; numbers written differently.
    #expect(
      try wholeGrantErrors([
        #"{"title": "t", "amountAwarded": 1, "x": [1.0, {"b": 1e0, "a": 2}]}"#,
        #"{"x": [1, {"a": 2.0, "b": 1}], "amountAwarded": 1e0, "title": "t"}"#,
      ]) == expected)
    for pair in [["1.0", "1"], ["1", "1e0"], ["1.0", "1e0"]] {
      let grants = pair.map { #"{"title": "t", "amountAwarded": \#($0)}"# }
      #expect(try wholeGrantErrors(grants) == expected)
      #expect(try wholeGrantErrors(grants, hash: StructuralHash.of) == expected)
    }
    #expect(try wholeGrantErrors([#"{"a": 1, "a": 2}"#, #"{"a": 2}"#]) == expected)
  }

  @Test func idsThatCollideOnTheDigestButDifferAreNotDuplicates() throws {
    var tracker = DuplicateIDTracker()
    let ids = ["360G-a", "360G-b", "360G-c", "360G-a", "360G-b", "360G-e\u{301}", "360G-\u{E9}"]
    for (i, id) in ids.enumerated() {
      let grant: JSONValue = .object(["id": .string(id)])
      tracker.add(
        grant: grant, index: i, stringID: (id, Self.collidingDigest), idPlace: .row(sheet: 0, row: Int32(i)))
    }
    let found = tracker.findings()
    #expect(found.map(\.error.value) == [.string("360G-a"), .string("360G-b")])
    #expect(found.map(\.places) == [[.row(sheet: 0, row: 0), .row(sheet: 0, row: 3)], [.row(sheet: 0, row: 1), .row(sheet: 0, row: 4)]])
  }

  @Test func theTableOfIdsKeepsTheFirstValueOfEveryIdEvenWhenAllDigestsCollide() {
    var table = ExactIDTable<Int>(vacant: -1)
    var dictionary: [IDBytes: Int] = [:]
    for i in 0..<3_000 {
      // Every third id is one seen before (or soon to be).
      let id = i % 3 == 2 ? "id-\(i / 7)" : "id-\(i)"
      // The digest depends on the id alone: ids of even length all collide.
      let same = id.utf8.count % 2 == 0 ? Self.collidingDigest : IDDigest(id)
      let expected = dictionary[IDBytes(id)]
      if expected == nil { dictionary[IDBytes(id)] = i }
      #expect(table.firstValue(of: id, digest: same, keeping: i) == expected, "\(id)")
    }
    #expect(table.count == dictionary.count)
    for (id, value) in dictionary {
      let digest = id.id.utf8.count % 2 == 0 ? Self.collidingDigest : IDDigest(id.id)
      #expect(table.value(of: id.id, digest: digest) == value)
    }
    #expect(table.value(of: "never added", digest: Self.collidingDigest) == nil)
  }

  @Test func idsTooLongForTheStoreAreKeptExactly() {
    var table = ExactIDTable<Int>(vacant: -1)
    let long = String(repeating: "x", count: 1 << 20)
    #expect(table.firstValue(of: long, digest: Self.collidingDigest, keeping: 1) == nil)
    #expect(table.firstValue(of: "short", digest: Self.collidingDigest, keeping: 2) == nil)
    #expect(table.firstValue(of: long + "y", digest: Self.collidingDigest, keeping: 3) == nil)
    #expect(table.firstValue(of: long, digest: Self.collidingDigest, keeping: 4) == 1)
    #expect(table.firstValue(of: "short", digest: Self.collidingDigest, keeping: 5) == 2)
    #expect(table.count == 3)
  }

  func validatedUniqueItems(_ grants: [String], hash: @escaping @Sendable (JSONValue) -> UInt64) throws -> [String] {
    let url = ScratchSpace.root.appendingPathComponent("giving-exact-\(UUID().uuidString).json")
    defer { try? FileManager.default.removeItem(at: url) }
    try Data(#"{"grants": [\#(grants.joined(separator: ","))]}"#.utf8).write(to: url)
    let validator = try FeedValidator(now: CheckDate(year: 2026, month: 11, day: 25))
    validator.wholeGrantHash = hash
    return validator.validate(try GrantFeed(files: [url])).schemaErrors
      .filter { $0.error.validator == "uniqueItems" }.map(\.error.message)
  }

  @Test func validateComparesCollidingGrantsBeforeReportingThem() throws {
    let a = #"{"id": "360G-a", "title": "t", "amountAwarded": 0.1}"#
    let b = #"{"id": "360G-b", "title": "t", "amountAwarded": 0.1}"#
    let noID = #"{"title": "no id", "amountAwarded": 0.1}"#
    let noIDLonger = #"{"title": "no id", "amountAwarded": 0.1000000000000000000001}"#
    let noIDReordered = #"{"amountAwarded": 1e-1, "title": "no id"}"#
    for hash in [Self.collidingHash, StructuralHash.of] {
      #expect(try validatedUniqueItems([a, noID, b, noIDLonger], hash: hash).isEmpty)
      // Equal grants before the first grant without an id (read again) and after it.
      #expect(try validatedUniqueItems([a, b, noID, a], hash: hash) == ["Array has non-unique elements"])
      #expect(try validatedUniqueItems([a, noIDLonger, noIDReordered, noID], hash: hash) == ["Array has non-unique elements"])
    }
  }
}
