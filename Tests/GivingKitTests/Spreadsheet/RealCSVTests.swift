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

