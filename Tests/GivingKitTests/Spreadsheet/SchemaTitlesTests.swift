import Foundation
@testable import GivingKit
import GivingTestSupport
import Testing

/// Titles derived from the bundled schema at run time, checked against the independent table
/// `Schemas/360Giving/derived/360-giving-fields.csv` (made from flatten-tool's output).
@Suite struct SchemaTitlesTests {
  struct DerivedRow: Sendable {
    var path, title, type: String
  }

  /// The derived table (quoted fields handled: the file is simple RFC 4180).
  static func derivedRows() throws -> [DerivedRow] {
    let url = FixturePaths.root.appendingPathComponent("Schemas/360Giving/derived/360-giving-fields.csv")
    let text = try String(contentsOf: url, encoding: .utf8)
    var rows: [[String]] = []
    var field = ""
    var record: [String] = []
    var quoted = false
    var previousQuote = false
    for ch in text {
      if quoted {
        if ch == "\"" { quoted = false; previousQuote = true } else { field.append(ch) }
        continue
      }
      if ch == "\"" {
        if previousQuote { field.append("\"") }
        quoted = true
        previousQuote = false
        continue
      }
      previousQuote = false
      if ch == "," {
        record.append(field); field = ""
      } else if ch == "\n" || ch == "\r\n" {
        record.append(field); field = ""
        rows.append(record); record = []
      } else {
        field.append(ch)
      }
    }
    if !record.isEmpty || !field.isEmpty { record.append(field); rows.append(record) }
    return rows.dropFirst().map { DerivedRow(path: $0[0], title: $0[1], type: $0[2]) }
  }

  static func typeDescription(_ field: SchemaField) -> String {
    switch field.kind {
    case .string: field.isNullable ? "string|null" : "string"
    case .number: field.isNullable ? "number|null" : "number"
    case .object: "object"
    case .objectArray: "array of objects"
    case .stringArray: "array of string"
    case .other: "other"
    }
  }

  static func derivedTypeDescription(_ type: String) -> String {
    if type.hasPrefix("array of string") { return "array of string" }
    if type.hasPrefix("array of") { return "array of objects" }
    if type.hasPrefix("object") { return "object" }
    return type
  }

  @Test func everyDerivedPathHasTheSameTitleAndType() throws {
    let rows = try Self.derivedRows()
    #expect(rows.count == 161)
    let fields = SchemaTitles.grant.fields
    #expect(fields.count == rows.count)
    let byPath = Dictionary(fields.map { ($0.path, $0) }, uniquingKeysWith: { a, _ in a })
    for row in rows {
      let field = try #require(byPath[row.path], "missing \(row.path)")
      #expect((field.titleChain ?? "") == row.title, "\(row.path)")
      #expect(Self.typeDescription(field) == Self.derivedTypeDescription(row.type), "\(row.path)")
    }
  }

  @Test func pathsComeInSchemaOrder() throws {
    let rows = try Self.derivedRows()
    #expect(SchemaTitles.grant.fields.map(\.path) == rows.map(\.path))
  }

  @Test func titleNextToARefWinsOverTheDefinition() {
    let titles = SchemaTitles.grant
    #expect(titles.field(atIndexFreePath: "recipientIndividual")?.title == "Recipient Ind")
    #expect(titles.field(atIndexFreePath: "currency")?.title == "Currency")
  }

  @Test func rollUpListsComeFromTheSchema() {
    let titles = SchemaTitles.grant
    #expect(titles.field(atIndexFreePath: "fundingOrganization")?.rollUp == ["id", "name", "department"])
    #expect(titles.field(atIndexFreePath: "plannedDates")?.rollUp == ["startDate", "endDate", "duration"])
    #expect(titles.field(atIndexFreePath: "grantProgramme")?.rollUp == ["code", "title", "url"])
  }

  @Test func packageTitlesCoverTheMetaSheet() {
    let chains = Set(SchemaTitles.package.fields.compactMap(\.titleChain))
    for title in [
      "Version", "Extensions", "Title", "Description", "Issued", "Modified", "Identifier",
      "Publisher:Identifier", "Publisher:Name", "Publisher:Website", "Publisher:Logo", "Download URL",
      "Access URL", "License",
    ] {
      #expect(chains.contains(title), "\(title)")
    }
    #expect(SchemaTitles.package.field(atIndexFreePath: "grants") == nil)
    #expect(SchemaTitles.package.field(atIndexFreePath: "extensions")?.kind == .stringArray)
  }
}

@Suite struct HeadingMapperTests {
  let mapper = HeadingMapper()

  @Test func everyDerivedTitleReadsBackToItsPath() throws {
    for row in try SchemaTitlesTests.derivedRows() where !row.title.isEmpty {
      let indexFree = row.path.replacingOccurrences(of: "/0/", with: "/")
      #expect(mapper.path(for: row.title) == indexFree, "\(row.title)")
    }
  }

  @Test func titlesMatchIgnoringSpacesAndCase() {
    #expect(mapper.path(for: "Recipient Org: IdentiFier") == "recipientOrganization/id")
    #expect(mapper.path(for: " recipient org : NAME ") == "recipientOrganization/name")
    #expect(mapper.path(for: "AMOUNTAWARDED") == "amountAwarded")
  }

  @Test func integerPartsStayAsIndexes() {
    #expect(mapper.path(for: "Beneficiary Location:1:Geographic Code") == "beneficiaryLocation/1/geoCode")
    #expect(mapper.path(for: "Recipient Org:1:Location:0:Name") == "recipientOrganization/1/location/0/name")
  }

  @Test func theFirstUnknownPartEndsTheLookup() {
    #expect(mapper.path(for: "Unknown:Thing") == "Unknown/Thing")
    #expect(mapper.path(for: "Funding Org:Foo") == "fundingOrganization/Foo")
    #expect(mapper.path(for: "Funding Org: Foo : Name ") == "fundingOrganization/Foo/Name")
  }

  @Test func pathHeadingsPassThrough() {
    #expect(mapper.path(for: "recipientOrganization/0/id") == "recipientOrganization/0/id")
    #expect(mapper.path(for: "commitmentTransaction/0/value") == "commitmentTransaction/0/value")
  }

  @Test func arrayWithoutIndexGetsMinusOne() {
    let plan = mapper.plan(for: "Recipient Org:Location:Geographic Code")
    #expect(plan.path == "recipientOrganization/-1/location/-1/geoCode")
    #expect(plan.kind == .string)
    #expect(mapper.plan(for: "Amount Awarded").kind == .number)
    #expect(mapper.plan(for: "Related Activity").kind == .stringArray)
    #expect(mapper.plan(for: "Unknown:Thing").kind == nil)
  }

  @Test func trailingBracketsAreStripped() {
    #expect(mapper.plan(for: "relatedActivity[]").path == "relatedActivity")
    #expect(mapper.plan(for: "relatedActivity[]").kind == .stringArray)
  }

  @Test func pathHeadingsKeepTheirIndexes() {
    #expect(mapper.plan(for: "commitmentTransaction/0/value").path == "commitmentTransaction/0/value")
    #expect(mapper.plan(for: "commitmentTransaction/0/value").kind == .number)
    #expect(mapper.plan(for: "recipientOrganization/id").path == "recipientOrganization/-1/id")
  }
}
