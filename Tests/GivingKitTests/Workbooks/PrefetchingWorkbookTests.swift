import Foundation
@testable import GivingKit
import GivingTestSupport
import Testing

/// A sheet parsed on its own thread gives the caller exactly the rows of a direct read, hands
/// on the rows before an error and then the error, and stops its thread when the caller stops.
@Suite struct PrefetchingWorkbookTests {
  @Test(arguments: RealWorkbookTests.workbooks)
  func givesTheRowsOfADirectRead(file: URL) throws {
    let direct = try TestWorkbooks.rows(TestWorkbooks.open(file))
    let prefetched = try TestWorkbooks.rows(PrefetchingWorkbook(TestWorkbooks.open(file), batchSize: 3, depth: 2))
    #expect(prefetched.map(\.0) == direct.map(\.0))
    #expect(prefetched.map(\.1) == direct.map(\.1))
  }

  @Test func rowsBeforeABadCellArriveThenItsError() throws {
    let rows = (1...50).map { "<row r=\"\($0)\"><c r=\"A\($0)\"><v>\($0)</v></c></row>" }.joined()
    let url = try TestWorkbooks.xlsx(sheetData: rows + "<row r=\"51\"><c r=\"A51\" t=\"s\"><v>99</v></c></row>")
    defer { TestWorkbooks.remove(url) }
    let workbook = PrefetchingWorkbook(try XLSXWorkbook(url: url), batchSize: 4, depth: 2)
    var seen: [Int] = []
    #expect(throws: FeedError.self) { try workbook.readRows(sheet: 0) { seen.append($0.number) } }
    #expect(seen == Array(1...50))
  }

  @Test func aCallerThatStopsStopsTheParsingThread() throws {
    let rows = (1...5_000).map { "<row r=\"\($0)\"><c r=\"A\($0)\"><v>\($0)</v></c></row>" }.joined()
    let url = try TestWorkbooks.xlsx(sheetData: rows)
    defer { TestWorkbooks.remove(url) }
    let workbook = PrefetchingWorkbook(try XLSXWorkbook(url: url), batchSize: 4, depth: 2)
    struct Enough: Error {}
    var seen = 0
    #expect(throws: Enough.self) {
      try workbook.readRows(sheet: 0) { _ in
        seen += 1
        if seen == 10 { throw Enough() }
      }
    }
    // The workbook is usable again: its thread finished rather than parsing on.
    var again = 0
    try workbook.readRows(sheet: 0) { _ in again += 1 }
    #expect(again == 5_000)
  }
}
