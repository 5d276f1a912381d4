import Foundation
import GivingKit
import GivingTestSupport
import Testing

/// The 360Giving layer on real grants from `Fixtures/real/`, each changed in one place.
@Suite struct SchemaValidatorTests {
  static let validator: SchemaValidator = {
    do { return try SchemaValidator() } catch { fatalError("schemas: \(error)") }
  }()

  /// A valid grant from the official tool's fixtures.
  static func grant() throws -> JSONObject {
    let package = try JSONValue(contentsOf: FixturePaths.url("real/dataquality/additional_fields.json"))
    return try #require(package["grants"]?.arrayValue?.first?.objectValue)
  }

  static func errors(_ grant: JSONObject, index: Int = 0) -> [SchemaError] {
    validator.validate(grant: .object(grant), index: index)
  }

  @Test func acceptsTheUnchangedGrant() throws {
    #expect(Self.errors(try Self.grant()).isEmpty)
  }

  @Test func reportsBothRecipientsOnceAndAssumesTheIndividualBranch() throws {
    var g = try Self.grant()
    g["recipientIndividual"] = .object(["id": .string("IND-1"), "name": .string("A Person")])
    let errors = Self.errors(g, index: 4)
    #expect(errors.count == 1)
    let e = try #require(errors.first)
    #expect(e.validator == "oneOf" && e.errorId == "oneOf_each_required")
    #expect(e.message == "Only 1 of recipientOrganization or recipientIndividual is permitted, but both are present")
    #expect(e.path == "grants/4" && e.pathNoNumber == "grants")
  }

  @Test func reportsTheBranchErrorsWithTheirAssumption() throws {
    var g = try Self.grant()
    g["recipientOrganization"] = nil
    g["title"] = nil
    let errors = Self.errors(g)
    #expect(Set(errors.map(\.message)) == ["'recipientOrganization' is missing but required", "'title' is missing but required"])
    #expect(errors.allSatisfy { $0.assumption == "recipientOrganization" && $0.path == "grants/0" && $0.value == nil })
    var ind = try Self.grant()
    ind["recipientOrganization"] = nil
    ind["recipientIndividual"] = .object(["name": .string("A Person")])
    let indErrors = Self.errors(ind)
    #expect(indErrors.map(\.message) == ["'id' is missing but required within 'recipientIndividual'"])
    #expect(indErrors.first?.path == "grants/0/recipientIndividual")
  }

  /// `Fixtures/real/dataquality/oneof.csv` (one row: `Recipient Org:Name`, `Recipient Ind:Name`)
  /// as JSON, against the oracle's ten errors for it.
  @Test func matchesTheOracleForTheBothRecipientsSpreadsheet() throws {
    let grant: JSONValue = .object([
      "recipientOrganization": .array([.object(["name": .string("An Org")])]),
      "recipientIndividual": .object(["name": .string("An Individual")]),
    ])
    let oracle = try JSONValue(contentsOf: FixturePaths.url("dqt-oracle/results-now-2026-11-25.json"))
    let entry = try #require(oracle.arrayValue?.first { $0["file"] == .string("dataquality/oneof.csv") })
    var expected: [String] = []
    for group in entry["validation_errors_grouped"]?.objectValue ?? JSONObject() {
      for e in group.value.arrayValue ?? [] {
        let assumption = e["assumption"]?.stringValue ?? "-"
        let path = e["examples"]?.arrayValue?.first?["path"]?.stringValue ?? ""
        expected.append("\(path) \(assumption) \(e["message"]?.stringValue ?? "")")
      }
    }
    let found = Self.validator.validate(grant: grant, index: 0).map {
      "\($0.path) \($0.assumption ?? "-") \($0.message)"
    }
    #expect(found.sorted() == expected.sorted())
    #expect(found.count == 10)
  }

  @Test func saysWithinTheParentForNestedRequiredFields() throws {
    var g = try Self.grant()
    g["fundingOrganization"] = .array([.object(["name": .string("Funder")])])
    let e = try #require(Self.errors(g).first)
    #expect(e.message == "'id' is missing but required within 'fundingOrganization'")
    #expect(e.pathNoNumber == "grants/fundingOrganization" && e.path == "grants/0/fundingOrganization/0")
    #expect(e.withHeading("Funding Org:Identifier").message
      == "'Funding Org:Identifier' is missing but required within 'fundingOrganization'")
  }

  @Test func wordsDatesAsTheOfficialToolDoes() throws {
    var g = try Self.grant()
    g["awardDate"] = .string("2020-02-30")  // the pattern only: passes the schema
    #expect(Self.errors(g).isEmpty)
    g["awardDate"] = .string("24/07/2014")
    var e = try #require(Self.errors(g).first)
    #expect(e.message == "Date is not in the correct format" && e.errorId == "oneOf_any" && e.messageType == "date-time")
    #expect(e.value == .string("24/07/2014"))
    g["awardDate"] = .null
    let nullErrors = Self.errors(g)
    // The schema lists oneOf before type, so jsonschema reports them in that order.
    #expect(nullErrors.map(\.errorId) == ["oneOf_each", nil])
    #expect(nullErrors.last?.message.hasPrefix("'awardDate' is not a string. Check that the value is not null, and") == true)
    g["awardDate"] = .string("2020-01-01")
    g["dateModified"] = .string("2020-01-02t10:30:00z")  // strict-rfc3339 wants upper case
    e = try #require(Self.errors(g).first)
    #expect(e.validator == "format" && e.message == "Date is not in the correct format")
    g["dateModified"] = .string("2020-01-02T10:30:00.123+01:00")
    #expect(Self.errors(g).isEmpty)
  }

  @Test func wordsURIsTypesAndCodes() throws {
    var g = try Self.grant()
    g["url"] = .string("www.example.com")
    g["amountAwarded"] = .string("1000")
    g["currency"] = .string("XXY")
    g["dataSource"] = .number(JSONNumber(3))
    let messages = Set(Self.errors(g).map(\.message))
    #expect(messages.contains("Invalid 'uri' found"))
    #expect(messages.contains("Invalid code found in 'currency'"))
    #expect(messages.contains(
      "'amountAwarded' is not a number. Check that the value is not null, and doesn’t contain any characters other than 0-9 and dot ('.'). Number values should not be in quotes. "))
    // dataSource is nullable: no null clause.
    #expect(messages.contains(
      "'dataSource' is not a string. Check that the value has quotes at the start and end. Escape any quotes in the value with '\\'"))
  }

  @Test func checksThePackageAroundTheGrants() {
    let missing = Self.validator.validatePackage(JSONObject(), hasGrants: false, grantCount: 0)
    #expect(missing.map(\.message) == ["'grants' is missing but required"])
    let empty = Self.validator.validatePackage(["grants": .array([])], hasGrants: true, grantCount: 0)
    #expect(empty.map(\.message) == ["[] is too short"])
    let package: JSONObject = [
      "version": .string("1.4.3"), "publisher": .object(["website": .string("example")]),
    ]
    let messages = Self.validator.validatePackage(package, hasGrants: true, grantCount: 3).map(\.message)
    #expect(messages.contains(#"'1.4.3' does not match '^(\\d+\\.)(\\d+)$'"#))
    #expect(messages.contains("'name' is missing but required"))
    #expect(messages.contains("Invalid 'uri' found"))
  }

  @Test func findsDuplicateIDsInOnePass() throws {
    let g = try Self.grant()
    var other = g
    other["id"] = .string("360G-other")
    var tracker = DuplicateIDTracker()
    let grants: [JSONValue] = [g, other, g, other, g].map { .object($0) }
    for (i, grant) in grants.enumerated() { tracker.add(grant: grant, index: i) }
    let errors = tracker.errors(rereading: grants)
    #expect(errors.map(\.value) == [.string("360G-other"), .string("360G-sampletrust-105177/Z/14/Z")])
    #expect(errors.allSatisfy { $0.message == "Non-unique id values" && $0.errorId == "uniqueItems_with_id" })
    var noID = g
    noID["id"] = nil
    var second = DuplicateIDTracker()
    let secondGrants: [JSONValue] = [noID, g, noID].map { .object($0) }
    for (i, grant) in secondGrants.enumerated() { second.add(grant: grant, index: i) }
    #expect(second.errors(rereading: secondGrants).map(\.message) == ["Array has non-unique elements"])
    // Amounts written differently are the same number, as Python compares them.
    var written = noID
    written["amountAwarded"] = .number(JSONNumber(text: "1000.0"))
    var plain = noID
    plain["amountAwarded"] = .number(JSONNumber(text: "1e3"))
    var fourth = DuplicateIDTracker()
    let fourthGrants: [JSONValue] = [written, g, plain].map { .object($0) }
    for (i, grant) in fourthGrants.enumerated() { fourth.add(grant: grant, index: i) }
    #expect(fourth.errors(rereading: fourthGrants).map(\.message) == ["Array has non-unique elements"])
    // Grants that differ anywhere are not duplicates, even strings that differ only as
    // Python tells them apart (code point by code point: "é" is not "e" + U+0301).
    var composed = noID
    composed["title"] = .string("Caf\u{E9} grant")
    var decomposed = noID
    decomposed["title"] = .string("Cafe\u{301} grant")
    var third = DuplicateIDTracker()
    let thirdGrants: [JSONValue] = [noID, g, other, composed, decomposed].map { .object($0) }
    for (i, grant) in thirdGrants.enumerated() { third.add(grant: grant, index: i) }
    #expect(third.errors(rereading: thirdGrants).isEmpty)
  }

  @Test func collectsClosedCodelistValuesAndAdditionalFields() throws {
    var g = try Self.grant()
    g["regrantType"] = .string("FRG999")
    g["toIndividualsDetails"] = .object(["grantPurpose": .array([.string("GTIP010"), .string("BAD"), .string("BAD")])])
    g["recipientOrganization"] = .array([.object(["id": .string("x"), "name": .string("y"), "extra": .bool(true)])])
    var codelists = try CodelistChecker(validator: Self.validator)
    codelists.check(grant: .object(g))
    let bad = Dictionary(uniqueKeysWithValues: codelists.closedCodelistErrors.map { ($0.path, $0.values) })
    #expect(bad == ["grants/regrantType": ["FRG999"], "grants/toIndividualsDetails/grantPurpose": ["BAD"]])
    var fields = AdditionalFieldsCollector(validator: Self.validator)
    fields.add(grant: .object(g))
    fields.add(grant: .object(g))
    #expect(fields.fields().map { "\($0.parentPath) \($0.field) \($0.count)" }
      == ["/grants AdditionalField 2", "/grants CheckMicOne 2", "/grants/recipientOrganization extra 2"])
  }

  @Test func mergesTheDEIExtension() throws {
    let grant = try JSONValue(contentsOf: FixturePaths.url("real/360-dei/simple.json"))
    let dei = try SchemaValidator(extensions: ["dei"])
    #expect(dei.validate(grant: grant, index: 0).isEmpty)
    var fields = AdditionalFieldsCollector(validator: dei)
    fields.add(grant: grant)
    // The example puts `purposes` inside each area; the extension defines it on deiDetails.
    #expect(fields.fields().map { "\($0.parentPath) \($0.field)" } == [
      "/grants/deiDetails/leadership purposes", "/grants/deiDetails/mission purposes",
      "/grants/deiDetails/project purposes",
    ])
    var plain = AdditionalFieldsCollector(validator: Self.validator)
    plain.add(grant: grant)
    #expect(plain.fields().map(\.field) == ["deiDetails"])
    var bad = try #require(grant.objectValue)
    bad["deiDetails"] = .object(["leadership": .object(["askedStatus": .string("AS999")])])
    var codelists = try CodelistChecker(validator: dei)
    codelists.check(grant: .object(bad))
    #expect(codelists.closedCodelistErrors.map(\.values) == [["AS999"]])
    #expect(throws: SchemaCompileError.self) { try SchemaValidator(extensions: ["nope"]) }
  }
}

/// The hand-written format scanners against the cases the official tools document.
@Suite struct SchemaFormatTests {
  static func valid(_ format: String, _ value: String, strict: Bool = false) throws -> Bool {
    let schema = try JSONSchema(.object(["format": .string(format)]))
    return schema.isValid(.string(value))
  }

  @Test(arguments: [
    ("2020-01-02T10:30:00Z", true), ("2020-01-02T10:30:00.123Z", true), ("2020-01-02T10:30:00+01:00", true),
    ("2020-01-02T10:30:00", false), ("2020-01-02 10:30:00Z", false), ("2020-02-30T00:00:00Z", false),
    ("2024-02-29T00:00:00Z", true), ("2023-02-29T00:00:00Z", false),
  ])
  func checksDateTimes(value: String, expected: Bool) throws {
    #expect(try Self.valid("date-time", value) == expected)
  }

  @Test(arguments: [
    ("http://example.com", true), ("mailto:x@y.z", true), ("urn:isbn:1", true),
    ("www.example.com", false), ("example", false), ("http://example.com/a b", false),
    ("https://example.org/foo?x=1#frag", true),
  ])
  func checksURIs(value: String, expected: Bool) throws {
    #expect(try Self.valid("uri", value) == expected)
  }
}

/// The generic draft 4 API: references between documents and jsonschema's own wording.
@Suite struct JSONSchemaAPITests {
  @Test func resolvesReferencesToOtherDocumentsWithoutTheNetwork() throws {
    let remote = try JSONValue(
      contentsOf: FixturePaths.url("conformance/json-schema-test-suite/remotes/integer.json"))
    let schema = try JSONSchema(
      .object(["items": .object(["$ref": .string("http://example.test/integer.json")])]),
      documents: ["http://example.test/integer.json": remote])
    #expect(schema.isValid(.array([.number(JSONNumber(1)), .number(JSONNumber(text: "2.0"))])))
    let issues = schema.issues(.array([.number(JSONNumber(1)), .string("x")]))
    #expect(issues.map(\.keyword) == ["type"])
    #expect(issues.first?.path == [.index(1)])
    #expect(throws: SchemaCompileError.self) {
      try JSONSchema(.object(["$ref": .string("http://example.test/missing.json")]))
    }
  }

  @Test func keepsUniqueItemsLinearAndExact() throws {
    let schema = try JSONSchema(.object(["uniqueItems": .bool(true)]))
    let many = (0..<50_000).map { JSONValue.number(JSONNumber($0)) }
    #expect(schema.isValid(.array(many)))
    #expect(!schema.isValid(.array(many + [.number(JSONNumber(text: "49999.0"))])))
    // Canonically equivalent but different code points are different strings.
    #expect(schema.isValid(.array([.string("\u{e9}"), .string("e\u{301}")])))
  }
}
