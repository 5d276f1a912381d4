import Foundation
@testable import GivingKit
import GivingTestSupport
import Testing

/// Real CSV files from `Fixtures/real/`, read through the CSV workbook and the mapping.
@Suite struct RealCSVTests {
  static func read(_ relativePath: String) throws -> ([Grant], FeedReport) {
    try GrantFeed(files: [FixturePaths.url("real/" + relativePath)]).readAll()
  }

  @Test func decimalAmountsTotalExactly() throws {
    let (grants, report) = try Self.read("dataquality/decimal_amounts.csv")
    #expect(grants.count == 7)
    #expect(report.grantCount == 7)
    #expect(report.rowsRead == 7)
    let total = grants.reduce(Decimal(0)) { $0 + ($1.amountAwarded ?? 0) }
    #expect(total == Decimal(string: "7000.7"))
    #expect(grants.allSatisfy { $0.json["amountAwarded"]?.numberValue?.text == "1000.1" })
    #expect(grants.allSatisfy { $0.currency == "GBP" })
    #expect(report.warnings.isEmpty)
    let location = try #require(report.sources.location(of: "amountAwarded", in: grants[6]))
    #expect(location.row == 8)
    #expect(location.columnLetter == "B")
    #expect(location.heading == "Amount Awarded")
    #expect(location.sheet == "grants" || location.sheet == "decimal_amounts")
  }

  @Test func numberedColumnsMakeNumberedItemsAndTheTypoIsAnAdditionalField() throws {
    let (grants, _) = try Self.read("standard/docs-examples_numbering.csv")
    #expect(grants.count == 1)
    let g = try #require(grants.first)
    let documents = try #require(g.json["relatedDocument"]?.arrayValue)
    #expect(documents.count == 2)
    #expect(documents[0]["title"] == .string("A Document"))
    #expect(documents[0]["url"] == .string("http://example.com/adocument"))
    #expect(documents[1]["title"] == .string("Another Document"))
    #expect(documents[1]["url"] == nil)
    // "Related:Document:1:Web Address" is not a title: kept, as the DQT reports one additional field "Related".
    #expect(g.object.keys.sorted() == ["Related", "relatedDocument"])
    #expect(g.json.value(at: "Related/Document/0/Web Address") == .string("http://example.com/anotherdocument"))
  }

  @Test func oneRowCanHoldBothRecipientKinds() throws {
    let (grants, report) = try Self.read("dataquality/oneof.csv")
    #expect(grants.count == 1)
    let g = try #require(grants.first)
    #expect(g.recipientOrganization.map(\.name) == ["An Org"])
    #expect(g.recipientIndividual?.name == "An Individual")
    let location = try #require(report.sources.location(of: "recipientIndividual/name", in: g))
    #expect(location.columnLetter == "B")
  }
}


/// Every real CSV file against what the official tool reported for it
/// (`Fixtures/dqt-oracle/results-now-2026-11-25.json`): number of grants and conversion warnings.
@Suite struct CSVAgainstOracleTests {
  struct Expected: Sendable, CustomTestStringConvertible {
    var file: String
    var grants: Int
    var warnings: [String]
    var additionalFields: [String]
    var testDescription: String { file }
  }

  static let cases: [Expected] = {
    guard let data = try? Data(contentsOf: FixturePaths.url("dqt-oracle/results-now-2026-11-25.json")),
      let json = try? JSONValue(parsing: Array(data), file: "oracle"), let entries = json.arrayValue
    else { return [] }
    return entries.compactMap { entry in
      guard let file = entry["file"]?.stringValue, file.hasSuffix(".csv"),
        let grants = entry["grants"]?.numberValue.flatMap({ Int($0.text) })
      else { return nil }
      let warnings = (entry["conversion_warning_messages"]?.arrayValue ?? []).compactMap(\.stringValue)
      let additional = (entry["data_only"]?.arrayValue ?? []).compactMap { item -> String? in
        guard let parts = item.arrayValue, parts.count == 3, let parent = parts[0].stringValue,
          let key = parts[1].stringValue, let count = parts[2].numberValue?.text
        else { return nil }
        return "\(parent)|\(key)|\(count)"
      }.sorted()
      return Expected(file: file, grants: grants, warnings: warnings, additionalFields: additional)
    }
  }()

  @Test func everyRealCSVHasAnOracleEntry() {
    #expect(Self.cases.count == 10)
  }

  @Test(arguments: cases)
  func readsTheSameGrantsAndWarnings(expected: Expected) throws {
    let (grants, report) = try GrantFeed(files: [FixturePaths.url("real/" + expected.file)]).readAll()
    #expect(grants.count == expected.grants)
    let conversion = report.warnings.map(\.message).filter { !$0.hasPrefix("This file is not 'utf-8' encoded") }
    #expect(conversion == expected.warnings)
  }

  /// Additional fields as the DQT lists them (`data_only`): parent path without indexes, key,
  /// number of occurrences.
  static func additionalFields(_ grants: [Grant]) -> [String] {
    var counts: [String: Int] = [:]
    func walk(_ value: JSONValue, _ path: String, _ parent: Int?) {
      if let items = value.arrayValue {
        for item in items { walk(item, path, parent) }
        return
      }
      guard let object = value.objectValue else { return }
      for member in object {
        if let field = SchemaTitles.grant.child(of: parent, named: member.key) {
          walk(member.value, path + "/" + member.key, field)
        } else {
          counts["\(path)|\(member.key)", default: 0] += 1
        }
      }
    }
    for g in grants { walk(g.json, "/grants", nil) }
    return counts.map { "\($0.key)|\($0.value)" }.sorted()
  }

  @Test(arguments: cases)
  func additionalFieldsAreKeptAsTheOracleCountsThem(expected: Expected) throws {
    let (grants, _) = try GrantFeed(files: [FixturePaths.url("real/" + expected.file)]).readAll()
    #expect(Self.additionalFields(grants) == expected.additionalFields)
  }
}

@Suite struct MultiFileCSVTests {
  @Test func aSecondFileAddsToTheGrantWithTheSameIdentifier() throws {
    let files = ["original-row", "new-row"].map { FixturePaths.url("real/standard/docs-examples_multiple-rows-\($0).csv") }
    let (grants, report) = try GrantFeed(files: files).readAll()
    #expect(grants.count == 1)
    let g = try #require(grants.first)
    #expect(g.id == "360G-xyztrust-123")
    #expect(g.title == "An example grant title")
    #expect(g.json["amountDisbursed"]?.numberValue?.text == "2500")
    #expect(g.json["… (other columns)"] == .string("…"))
    #expect(report.warnings.isEmpty)
    #expect(report.rowsRead == 2)
    let disbursed = try #require(report.sources.location(of: "amountDisbursed", in: g))
    #expect(disbursed.file.hasSuffix("docs-examples_multiple-rows-new-row.csv"))
    #expect(disbursed.row == 2)
    #expect(disbursed.columnLetter == "D")
  }
}
