import Foundation
@testable import GivingKit
import Testing

/// A workbook that makes its rows on demand and remembers how far it has read.
final class GeneratedWorkbook: Workbook {
  let rowCount: Int
  /// Rows delivered in the current pass over the sheet, and the passes begun.
  private(set) var rowsDelivered = 0
  private(set) var passes = 0
  init(rowCount: Int) { self.rowCount = rowCount }
  var file: String { "generated.csv" }
  var format: FeedFormat { .csv }
  var sheetNames: [String] { ["grants"] }
  func file(ofSheet index: Int) -> String { file }
  var encoding: String? { "utf-8" }
  var warnings: [ConversionWarning] { [] }
  static let headings = [
    "Identifier", "Title", "Description", "Currency", "Amount Awarded", "Award Date",
    "Recipient Org:Identifier", "Recipient Org:Name", "Recipient Org:Charity Number",
    "Funding Org:Identifier", "Funding Org:Name", "Beneficiary Location:Name",
    "Beneficiary Location:Geographic Code", "Grant Programme:Title", "Last Modified",
  ]
  func readRows(sheet index: Int, _ body: (SheetRow) throws -> Void) throws {
    rowsDelivered = 0
    passes += 1
    try body(SheetRow(number: 1, cells: Self.headings.map { .text($0) }))
    for n in 0..<rowCount {
      rowsDelivered += 1
      // Every tenth grant has a second row (an extra beneficiary location).
      let grant = n - n / 11
      let second = n % 11 == 10
      let cells: [CellValue?] = second
        ? [.text("360G-x-\(grant - 1)"), nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, .text("Leeds"), .text("E08000035"), nil, nil]
        : [
          .text("360G-x-\(grant)"), .text("Grant \(grant)"), .text("A grant"), .text("GBP"), .text("\(grant).25"),
          .text("2024-01-02"), .text("GB-CHC-\(grant)"), .text("Recipient"), .text("\(grant)"),
          .text("GB-CHC-1"), .text("Funder"), .text("York"), .text("E06000014"), .text("Main"),
          .text("2024-01-02T00:00:00Z"),
        ]
      try body(SheetRow(number: n + 2, cells: cells))
    }
  }
}

@Suite struct StreamingTests {
  @Test func grantsAreHandedOutWhileRowsAreStillBeingRead() throws {
    let book = GeneratedWorkbook(rowCount: 22_000)
    var count = 0
    var maxLag = 0
    var total = Decimal(0)
    let report = try SpreadsheetFeedReader(workbook: book).read { grant in
      count += 1
      // Rows read so far minus rows that made the grants delivered so far.
      maxLag = max(maxLag, book.rowsDelivered - (count + count / 10))
      total += grant.amountAwarded ?? 0
    }
    #expect(count == 20_000)
    #expect(report.grantCount == 20_000)
    #expect(report.rowsRead == 22_000)
    #expect(maxLag <= 3)
    // A first pass reads the Identifiers alone (for scattered rows, of which there are none).
    #expect(book.passes == 2)
    // Σ (g + 0.25) for g in 0..<20000, exactly.
    #expect(total == Decimal(19_999 * 20_000 / 2) + Decimal(5_000))
    #expect(report.warnings.isEmpty)
  }
}
