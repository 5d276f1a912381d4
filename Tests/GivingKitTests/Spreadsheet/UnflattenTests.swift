import Foundation
@testable import GivingKit
import Testing

/// An in-memory workbook: it only supplies cells (no parsing is involved).
final class MemoryWorkbook: Workbook {
  let sheets: [(name: String, rows: [[CellValue?]])]
  let format: FeedFormat
  init(format: FeedFormat = .csv, _ sheets: [(String, [[CellValue?]])]) {
    self.format = format
    self.sheets = sheets.map { (name: $0.0, rows: $0.1) }
  }
  var file: String { "book.\(format.rawValue)" }
  var sheetNames: [String] { sheets.map(\.name) }
  func file(ofSheet index: Int) -> String { file }
  var encoding: String? { nil }
  var warnings: [ConversionWarning] { [] }
  func readRows(sheet index: Int, _ body: (SheetRow) throws -> Void) throws {
    for (i, cells) in sheets[index].rows.enumerated() {
      try body(SheetRow(number: i + 1, cells: cells))
    }
  }
}

/// Text cells from strings; `""` gives an empty cell.
func textRow(_ values: String...) -> [CellValue?] {
  values.map { $0.isEmpty ? nil : .text($0) }
}

func readBook(_ book: MemoryWorkbook) throws -> ([Grant], FeedReport) {
  var grants: [Grant] = []
  let report = try SpreadsheetFeedReader(workbook: book).read { grants.append($0) }
  return (grants, report)
}

@Suite struct UnflattenTests {
  @Test func titlesBecomeTypedFields() throws {
    let book = MemoryWorkbook([
      ("grants", [
        textRow("Identifier", "Amount Awarded", "Recipient Org:Identifier", "Recipient Org:Name", "Related Activity", "Extra"),
        textRow("g1", "1000.50", "GB-CHC-1", "Org", "a;b", "x"),
      ])
    ])
    let (grants, report) = try readBook(book)
    #expect(grants.count == 1)
    let g = try #require(grants.first)
    #expect(g.id == "g1")
    #expect(g.json["amountAwarded"]?.numberValue?.text == "1000.50")
    #expect(g.amountAwarded == Decimal(string: "1000.5"))
    #expect(g.recipientOrganization.first?.id == "GB-CHC-1")
    #expect(g.json["relatedActivity"] == .array([.string("a"), .string("b")]))
    #expect(g.json["Extra"] == .string("x"))
    #expect(report.grantCount == 1)
    #expect(report.rowsRead == 1)
    #expect(report.hasGrantsMember)
    #expect(report.sources.sheets.first?.headings.count == 6)
  }

  @Test(arguments: [("1000.50", "1000.50"), ("2e3", "2e3"), ("-1", "-1"), (" 7 ", "7"), (".5", "0.5"), ("1_000", "1000")])
  func numbersAcceptedAsPythonDecimalDoes(input: String, json: String) throws {
    let book = MemoryWorkbook([("grants", [textRow("Identifier", "Amount Awarded"), textRow("g", input)])])
    let (grants, report) = try readBook(book)
    #expect(grants.first?.json["amountAwarded"]?.numberValue?.text == json)
    #expect(report.warnings.isEmpty)
  }

  @Test(arguments: ["1,000", "£100", "ten", "1e", "NaN"])
  func nonNumbersStayStringsWithAWarning(input: String) throws {
    let book = MemoryWorkbook([("grants", [textRow("Identifier", "Amount Awarded"), textRow("g", input)])])
    let (grants, report) = try readBook(book)
    #expect(grants.first?.json["amountAwarded"] == .string(input))
    let warning = try #require(report.warnings.first)
    #expect(warning.message == "Non-numeric value \"\(input)\" found in number column, returning as string instead.")
    #expect(warning.locations.first?.columnLetter == "B")
    #expect(warning.locations.first?.row == 2)
  }

  @Test func cellTypesFollowTheSchemaType() throws {
    let book = MemoryWorkbook(format: .xlsx, [
      ("grants", [
        textRow("Identifier", "Award Date", "Recipient Org:Charity Number", "Amount Awarded", "Other", "Flag", "Ratio"),
        [.number("123"), .date(CellDate(year: 2020, month: 3, day: 4)), .number("1234567.0"), .number("12.5"),
         .number("45000.0"), .bool(true), .number("0.25")],
      ])
    ])
    let g = try #require(try readBook(book).0.first)
    #expect(g.json["id"] == .string("123"))
    #expect(g.json["awardDate"] == .string("2020-03-04T00:00:00+00:00"))
    #expect(g.json["recipientOrganization"]?.arrayValue?.first?["charityNumber"] == .string("1234567"))
    #expect(g.json["amountAwarded"]?.numberValue?.text == "12.5")
    #expect(g.json["Other"]?.numberValue?.text == "45000")
    #expect(g.json["Flag"] == .bool(true))
    #expect(g.json["Ratio"] == .string("0.25"))
  }

  @Test func listCellWithCommasBecomesNestedLists() throws {
    let book = MemoryWorkbook([("grants", [textRow("Identifier", "Related Activity"), textRow("g", "a,b;c")])])
    let g = try #require(try readBook(book).0.first)
    #expect(g.json["relatedActivity"] == .array([.array([.string("a"), .string("b")]), .array([.string("c")])]))
  }

  @Test func unindexedAndIndexedItemsAreSeparateAndOrdered() throws {
    let book = MemoryWorkbook([
      ("grants", [
        textRow("Identifier", "Beneficiary Location:1:Name", "Beneficiary Location:Name", "Beneficiary Location:0:Name", "Beneficiary Location:Geographic Code"),
        textRow("g", "one", "minus", "zero", "E1"),
      ])
    ])
    let g = try #require(try readBook(book).0.first)
    let names = g.beneficiaryLocation.map(\.name)
    #expect(names == ["minus", "zero", "one"])
    #expect(g.beneficiaryLocation.first?.geoCode == "E1")
    guard let (_, cells) = g.source.rowsAndCells else { Issue.record("no cells"); return }
    #expect(cells.contains { $0.path == "beneficiaryLocation/2/name" && $0.column == 1 && $0.row == 2 })
    #expect(cells.contains { $0.path == "beneficiaryLocation/0/geoCode" && $0.column == 4 })
  }

  @Test func emptyCellsAndRowsAreSkippedAndValuesNotTrimmed() throws {
    let book = MemoryWorkbook([
      ("grants", [
        textRow("Identifier", "Title", "Description"),
        textRow("g1", " padded ", ""),
        textRow("", "", ""),
        [nil, .text(""), nil],
        textRow("g2", "T", "D"),
      ])
    ])
    let (grants, report) = try readBook(book)
    #expect(grants.count == 2)
    #expect(grants[0].title == " padded ")
    #expect(grants[0].json["description"] == nil)
    #expect(report.rowsRead == 2)
    guard let (rows, _) = grants[1].source.rowsAndCells else { Issue.record("no cells"); return }
    #expect(rows == [RowReference(sheet: 0, row: 5)])
  }

  @Test func hashCommentsApplyToWorkbooksButNotToCSV() throws {
    let rows: [[CellValue?]] = [textRow("#", "", ""), textRow("Identifier", "#note", "Title"), textRow("g", "n", "T")]
    let xlsx = try readBook(MemoryWorkbook(format: .xlsx, [("grants", rows), ("#skip", [textRow("Identifier"), textRow("z")])])).0
    #expect(xlsx.count == 1)
    #expect(xlsx.first?.json["#note"] == nil)
    #expect(xlsx.first?.title == "T")
    let csv = try readBook(MemoryWorkbook(format: .csv, [("grants", rows)])).0
    #expect(csv.first?.json["#note"] == .string("n"))
  }

  @Test func adjacentRowsWithTheSameIdMerge() throws {
    let book = MemoryWorkbook([
      ("grants", [
        textRow("Identifier", "Title", "Recipient Org:Identifier", "Recipient Org:Name", "Beneficiary Location:Name"),
        textRow("g1", "T1", "O1", "Org one", "Leeds"),
        textRow("g1", "", "O1", "", "York"),
        textRow("g1", "", "O2", "Org two", ""),
        textRow("g2", "T2", "", "", ""),
      ])
    ])
    let (grants, report) = try readBook(book)
    #expect(grants.count == 2)
    let g = grants[0]
    #expect(g.recipientOrganization.map(\.id) == ["O1", "O2"])
    #expect(g.recipientOrganization.map(\.name) == ["Org one", "Org two"])
    #expect(g.beneficiaryLocation.map(\.name) == ["Leeds", "York"])
    #expect(grants[1].index == 1)
    #expect(report.rowsRead == 4)
    #expect(report.warnings.isEmpty)
  }

  @Test func conflictingValueKeepsTheFirstAndNamesBothCells() throws {
    let book = MemoryWorkbook([
      ("grants", [
        textRow("Identifier", "Title"),
        textRow("360G-x-1", "T1"),
        textRow("360G-x-1", "T1-conflict"),
      ])
    ])
    let (grants, report) = try readBook(book)
    #expect(grants.count == 1)
    #expect(grants[0].title == "T1")
    let warning = try #require(report.warnings.first)
    #expect(warning.message == "You may have a duplicate Identifier: We couldn't merge these rows with the id \"360G-x-1\": field \"title\" in sheet \"grants\": one cell has the value: \"T1\", the other cell has the value: \"T1-conflict\"")
    #expect(warning.locations.map(\.row) == [2, 3])
    #expect(warning.locations.map(\.columnLetter) == ["B", "B"])
  }

  @Test func conflictInsideAnItemNamesTheFieldByItsKey() throws {
    let book = MemoryWorkbook([
      ("grants", [
        textRow("Identifier", "Recipient Org:Identifier", "Recipient Org:Name"),
        textRow("g", "O1", "First"),
        textRow("g", "O1", "Second"),
      ])
    ])
    let (grants, report) = try readBook(book)
    #expect(grants.first?.recipientOrganization.map(\.name) == ["First"])
    let warning = try #require(report.warnings.first)
    #expect(warning.message.contains("field \"name\" in sheet \"grants\": one cell has the value: \"First\", the other cell has the value: \"Second\""))
    #expect(warning.locations.map(\.row) == [2, 3])
    #expect(warning.locations.map(\.columnLetter) == ["C", "C"])
  }

  @Test func nonAdjacentRepeatStaysSeparateWithAWarningWhenScatteredRowsDoNotMerge() throws {
    let book = MemoryWorkbook([
      ("grants", [textRow("Identifier", "Title"), textRow("a", "A"), textRow("b", "B"), textRow("a", "A2")])
    ])
    let reader = SpreadsheetFeedReader(workbook: book)
    reader.mergesScatteredRows = false
    var grants: [Grant] = []
    let report = try reader.read { grants.append($0) }
    #expect(grants.map(\.id) == ["a", "b", "a"])
    #expect(report.warnings.count == 1)
    #expect(report.warnings.first?.locations.first?.row == 4)
  }

  @Test func nonAdjacentRepeatMergesIntoTheGrantOfItsFirstRow() throws {
    let book = MemoryWorkbook([
      ("grants", [
        textRow("Identifier", "Title", "Beneficiary Location:Name"),
        textRow("a", "A", "Leeds"),
        textRow("b", "B", ""),
        textRow("a", "A2", "York"),
        textRow("c", "C", ""),
        textRow("a", "", "Hull"),
      ])
    ])
    let (grants, report) = try readBook(book)
    #expect(grants.map(\.id) == ["a", "b", "c"])
    #expect(grants.map(\.index) == [0, 1, 2])
    #expect(grants[0].title == "A")
    #expect(grants[0].beneficiaryLocation.map(\.name) == ["Leeds", "York", "Hull"])
    #expect(grants[0].source.rowsAndCells?.rows.map(\.row) == [2, 4, 6])
    #expect(report.rowsRead == 5)
    #expect(report.grantCount == 3)
    let warning = try #require(report.warnings.first)
    #expect(report.warnings.count == 1)
    #expect(warning.message.hasSuffix(#"field "title" in sheet "grants": one cell has the value: "A", the other cell has the value: "A2""#))
    #expect(warning.locations.map(\.row) == [2, 4])
  }

  @Test func aRowWithoutAnIdSeparatesRowsOfOneId() throws {
    let book = MemoryWorkbook([
      ("grants", [textRow("Identifier", "Title"), textRow("a", "A"), textRow("", "none"), textRow("a", "")])
    ])
    let (grants, _) = try readBook(book)
    #expect(grants.map(\.id) == ["a", nil])
    #expect(grants.map(\.title) == ["A", "none"])
  }

  @Test func rowsWithoutIdAreSeparateGrants() throws {
    let book = MemoryWorkbook([("grants", [textRow("Title"), textRow("A"), textRow("A")])])
    #expect(try readBook(book).0.count == 2)
  }

  @Test func oneToManySheetsAttachByIdAndMergeItemsById() throws {
    let book = MemoryWorkbook(format: .xlsx, [
      ("grants", [
        textRow("Identifier", "Title", "Recipient Org:Identifier", "Recipient Org:Name"),
        textRow("g1", "T1", "O1", "Org one"),
        textRow("g2", "T2", "O9", "Org nine"),
      ]),
      ("Recipient Org", [
        textRow("Identifier", "Recipient Org:Identifier", "Recipient Org:Postal Code"),
        textRow("g1", "O1", "LS1 1AA"),
        textRow("g1", "O2", "YO1 1AA"),
        textRow("g3", "O3", ""),
      ]),
      ("Meta", [textRow("Version", "1.4"), textRow("Publisher:Name", "Funder"), textRow("Extensions", "dei;x")]),
    ])
    let (grants, report) = try readBook(book)
    #expect(grants.map(\.id) == ["g1", "g2", "g3"])
    #expect(grants[0].recipientOrganization.map(\.id) == ["O1", "O2"])
    #expect(grants[0].recipientOrganization.map(\.postalCode) == ["LS1 1AA", "YO1 1AA"])
    #expect(grants[0].recipientOrganization.first?.name == "Org one")
    #expect(report.package["version"] == .string("1.4"))
    #expect(report.package["publisher"]?["name"] == .string("Funder"))
    #expect(report.package["extensions"] == .array([.string("dei"), .string("x")]))
    #expect(report.rowsRead == 5)
    guard let (rows, cells) = grants[0].source.rowsAndCells else { Issue.record("no cells"); return }
    #expect(rows.count == 3)
    let postal = try #require(cells.first { $0.path == "recipientOrganization/1/postalCode" })
    let location = report.sources.location(of: postal)
    #expect(location.sheet == "Recipient Org")
    #expect(location.row == 3)
    #expect(location.columnLetter == "C")
    #expect(location.heading == "Recipient Org:Postal Code")
  }

  @Test func theSheetNamedGrantsIsTheMainSheetWhereverItIs() throws {
    let book = MemoryWorkbook([
      ("Recipient Org", [textRow("Identifier", "Recipient Org:Identifier"), textRow("g2", "O2"), textRow("g1", "O1")]),
      ("grants", [textRow("Identifier", "Title"), textRow("g1", "T1"), textRow("g2", "T2")]),
    ])
    let (grants, report) = try readBook(book)
    #expect(grants.map(\.id) == ["g1", "g2"])
    #expect(grants.map { $0.recipientOrganization.first?.id } == ["O1", "O2"])
    let location = try #require(report.sources.location(of: "recipientOrganization/0/id", in: grants[0]))
    #expect(location.sheet == "Recipient Org")
    #expect(location.row == 3)
    #expect(report.sources.location(of: "title", in: grants[0])?.sheet == "grants")
  }

  @Test func duplicateHeadingRightMostWins() throws {
    let book = MemoryWorkbook([
      ("grants", [
        textRow("Identifier", "Title", "Title", "Description", "Description", "Description", "title"),
        textRow("g", "left", "middle", "d1", "d2", "d3", "right"),
      ])
    ])
    let (grants, report) = try readBook(book)
    #expect(grants.first?.title == "right")
    #expect(grants.first?.description == "d3")
    #expect(report.warnings.map(\.message) == [
      "Duplicate heading \"Title\" found, ignoring the data in column B.",
      "Duplicate heading \"Description\" found, ignoring the data in columns D and E.",
    ])
    #expect(report.warnings.last?.locations.map(\.columnLetter) == ["D", "E"])
  }

  @Test func sourceMapResolvesEveryValue() throws {
    let book = MemoryWorkbook([
      ("grants", [
        textRow("Identifier", "Amount Awarded", "Funding Org:Identifier", "commitmentTransaction/0/value"),
        textRow("g", "10", "GB-1", "5"),
      ])
    ])
    let (grants, report) = try readBook(book)
    let g = try #require(grants.first)
    #expect(g.json["commitmentTransaction"]?.arrayValue?.first?["value"]?.numberValue?.text == "5")
    let loc = try #require(report.sources.location(of: "fundingOrganization/0/id", in: g))
    #expect(loc.columnLetter == "C")
    #expect(loc.row == 2)
    #expect(loc.heading == "Funding Org:Identifier")
    #expect(report.sources.location(of: "commitmentTransaction/0/value", in: g)?.columnLetter == "D")
  }
}

@Suite struct CellTypingTests {
  @Test(arguments: [
    ("1000.50", "1000.50"), ("2e3", "2e3"), ("2E+3", "2E+3"), ("-1", "-1"), ("0", "0"), ("0.5", "0.5"),
    ("+1", "1"), ("007", "7"), ("5.", "5"), ("-.5", "-0.5"), ("\t12\n", "12"), ("1_000.0_1", "1000.01"),
  ])
  func decimalTextBecomesJSONNumberText(input: String, expected: String) {
    #expect(CellTyping.decimalJSONText(input) == expected)
  }

  @Test(arguments: ["", " ", "-", ".", "1,000", "£100", "1e", "e3", "1.2.3", "Infinity", "NaN", "0x10", "_1", "1_", "1__0"])
  func nonDecimalTextIsRejected(input: String) {
    #expect(CellTyping.decimalJSONText(input) == nil)
  }

  @Test func integralNumberCellsLoseTheirPointZero() {
    #expect(CellTyping.integralText("1234567.0") == "1234567")
    #expect(CellTyping.integralText("45000") == "45000")
    #expect(CellTyping.integralText("12.5") == nil)
    #expect(CellTyping.integralText("1E+20") == nil)
  }
}
