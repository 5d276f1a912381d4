import Foundation
@testable import GivingKit
import GivingTestSupport
import Testing

/// The XLSX and ODS files in `Fixtures/real/`: every one reads, and cells checked by eye with
/// `unzip -p` come out as stored.
@Suite struct RealWorkbookTests {
  static let workbooks = ["dataquality", "dataquality-tools-data", "flatten-tool", "standard"]
    .flatMap { FixturePaths.files(in: "real/" + $0, extensions: ["xlsx", "ods"]) }
    .filter { $0.lastPathComponent != "bad.xlsx" }

  @Test func fixturesArePresent() {
    #expect(Self.workbooks.count == 20)
  }

  @Test(arguments: workbooks)
  func everyRealWorkbookReadsWithAHeaderRow(file: URL) throws {
    let workbook = try TestWorkbooks.open(file)
    #expect(!workbook.sheetNames.isEmpty)
    let rows = try TestWorkbooks.rows(workbook)
    #expect(!rows.isEmpty)
    for (i, _) in workbook.sheetNames.enumerated() {
      var numbers: [Int] = []
      try workbook.readRows(sheet: i) { numbers.append($0.number) }
      #expect(numbers == numbers.sorted(), "row numbers in order")
      #expect(Set(numbers).count == numbers.count)
    }
    #expect(rows.allSatisfy { !$0.1.cells.isEmpty && $0.1.cells.last! != nil })
  }

  @Test func anEmptyFileNamedXLSXIsRefusedAsNotAnXLSXFile() {
    let file = FixturePaths.url("real/dataquality/bad.xlsx")
    #expect {
      try XLSXWorkbook(url: file)
    } throws: { error in
      guard case .malformedSpreadsheet(_, nil, let reason)? = error as? FeedError else { return false }
      return reason.contains("the file has extension .xlsx but isn't an XLSX file")
    }
  }

  @Test func theXLSXAndTheODSOfTheSameGrantsGiveTheSameRows() throws {
    let xlsx = try TestWorkbooks.rows(
      XLSXWorkbook(url: FixturePaths.url("real/dataquality/fundingproviders-grants_2_grants.xlsx")))
    let ods = try TestWorkbooks.rows(
      ODSWorkbook(url: FixturePaths.url("real/flatten-tool/fundingproviders-grants_2_grants.ods")))
    #expect(xlsx.count == 3)
    #expect(xlsx.map(\.0) == ods.map(\.0))
    #expect(xlsx.map(\.1) == ods.map(\.1))
    // By eye: B3 is the shared string '000002/X/00/X'; the amount P3 is stored as 178990.
    let row3 = try #require(xlsx.first { $0.1.number == 3 }?.1)
    #expect(row3.cells[1] == .text("000002/X/00/X"))
    #expect(row3.cells[15] == .number("178990"))
    #expect(row3.cells[8] == nil)
  }

  @Test func theODSVariantsWithOtherTitleCasesHaveTheSameData() throws {
    let base = try TestWorkbooks.rows(
      ODSWorkbook(url: FixturePaths.url("real/flatten-tool/fundingproviders-grants_2_grants.ods")))
    for name in ["fundingproviders-grants_2_grants_sheet_title_case.ods", "fundingproviders-grants_2_grants_title_space_case.ods"] {
      let other = try TestWorkbooks.rows(ODSWorkbook(url: FixturePaths.url("real/flatten-tool/" + name)))
      #expect(other.count == base.count)
      #expect(other.dropFirst().map(\.1) == base.dropFirst().map(\.1), "\(name): data rows")
    }
  }

  @Test(arguments: [("original_a001p00000zgyHZAAY.xlsx", 783), ("original_a003W000001B7PzQAK.xlsx", 475)])
  func realPublisherWorkbooksHaveAllTheirGrantRows(name: String, dataRows: Int) throws {
    let workbook = try XLSXWorkbook(url: FixturePaths.url("real/dataquality-tools-data/" + name))
    #expect(workbook.sheetNames.count == 1)
    var count = 0
    var first: SheetRow?
    try workbook.readRows(sheet: 0) { row in
      count += 1
      if first == nil { first = row }
    }
    #expect(count == dataRows + 1)
    #expect(first?.number == 1)
    #expect(first?.cells.first == .text("Identifier"))
  }

  @Test func dateFormattedCellsBecomeDates() throws {
    // By eye: G2 = 44138 styled 'yyyy\-mm\-dd;@', W2 = 44242 styled 'yyyy\-mm\-dd\Thh:mm:ss\Z',
    // E2 = 15000 styled '0'.
    let workbook = try XLSXWorkbook(url: FixturePaths.url("real/dataquality-tools-data/original_a003W000001B7PzQAK.xlsx"))
    var row2: SheetRow?
    try workbook.readRows(sheet: 0) { if $0.number == 2 { row2 = $0 } }
    let row = try #require(row2)
    #expect(row.cells[6] == .date(CellDate(year: 2020, month: 11, day: 3)))
    #expect(row.cells[22] == .date(CellDate(year: 2021, month: 2, day: 15)))
    #expect(row.cells[4] == .number("15000"))
    #expect(row.cells[10] == nil, "a styled cell without a value is empty")
  }

  @Test func aFiftyThousandRowSheetReadsFast() throws {
    let start = Date()
    let cpuStart = clock()
    let workbook = try XLSXWorkbook(url: FixturePaths.url("real/dataquality/badfile_too_many_rows.xlsx"))
    var rows = 0
    var last = 0
    try workbook.readRows(sheet: 0) { row in
      rows += 1
      last = row.number
    }
    let seconds = Date().timeIntervalSince(start)
    #expect(workbook.sheetNames.first == "grants")
    #expect(rows == 50_001)
    #expect(last == 50_001)
    #expect(seconds < 30, "took \(seconds)s")
    let cpu = Double(clock() - cpuStart) / Double(CLOCKS_PER_SEC)
    print("badfile_too_many_rows.xlsx: \(rows) rows in \(String(format: "%.2f", seconds))s wall, \(String(format: "%.2f", cpu))s CPU (debug)")
  }

  /// openpyxl 3.1.5 `max_row` (what the DQT checks against 50,000), computed with openpyxl.
  static let openpyxlMaxRows: [(String, [String: Int])] = [
    ("dataquality/dei_extension.xlsx", ["dei": 42, "Meta": 14, "grants": 60]),
    ("dataquality/badfile_too_many_rows_multiple_sheets.xlsx", ["grants": 50_001, "grants_2": 50_002, "Actual Dates": 1]),
    ("dataquality/tenders_releases_2_releases.xlsx", ["releases": 3, "documents": 9, "items": 3]),
    ("dataquality-tools-data/original_a003W000001B7PzQAK.xlsx", ["Sheet1": 476]),
    ("dataquality/badfile_all_validation_errors_4_times.xlsx", ["grants": 6, "extra sheet": 10]),
  ]

  @Test(arguments: openpyxlMaxRows.map(\.0))
  func maxRowCountsEmptyStyledCellsLikeOpenpyxl(file: String) throws {
    let expected = try #require(Self.openpyxlMaxRows.first { $0.0 == file }?.1)
    let workbook = try XLSXWorkbook(url: FixturePaths.url("real/" + file))
    for (name, maxRow) in expected {
      let index = try #require(workbook.sheetNames.firstIndex(of: name))
      #expect(try workbook.maxRow(sheet: index) == maxRow, "\(file) [\(name)]")
    }
  }
}
