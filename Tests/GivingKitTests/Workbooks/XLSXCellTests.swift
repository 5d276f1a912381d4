import Foundation
@testable import GivingKit
import Testing

/// XLSX cell kinds on small workbooks written for the test.
@Suite struct XLSXCellTests {
  static let styles = """
    <numFmts count="3"><numFmt numFmtId="164" formatCode="dd/mm/yyyy"/><numFmt numFmtId="165" formatCode="&quot;day&quot;0.00"/><numFmt numFmtId="166" formatCode="[Red]0.00;[Blue]dd"/></numFmts>\
    <cellStyleXfs count="1"><xf numFmtId="14"/></cellStyleXfs>\
    <cellXfs count="6"><xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="164"/><xf numFmtId="165"/><xf numFmtId="166"/><xf numFmtId="22"><alignment/></xf></cellXfs>
    """

  @Test func everyKindOfCellComesOutAsStored() throws {
    let strings = [
      "<si><t>Identifier</t></si>",
      "<si><r><rPr><b/></rPr><t xml:space=\"preserve\">Rich </t></r><r><t>text</t></r><rPh><t>PHONETIC</t></rPh></si>",
      "<si><t xml:space=\"preserve\">  spaced  </t></si>",
      "<si/>",
    ]
    let url = try TestWorkbooks.xlsx(
      sheetData: """
        <row r="1"><c r="A1" t="s"><v>0</v></c><c r="C1" t="s"><v>1</v></c><c r="D1" t="s"><v>2</v></c><c r="E1" t="s"><v>3</v></c></row>\
        <row r="3"><c r="A3"><v>1000.5</v></c><c r="B3" t="n"><v>42912</v></c><c r="C3" t="b"><v>1</v></c><c r="D3" t="b"><v>0</v></c>\
        <c r="E3" t="str"><f>A1&amp;"x"</f><v>Identifierx</v></c><c r="F3" t="e"><v>#N/A</v></c><c r="G3"><f>1+1</f></c>\
        <c r="H3" t="inlineStr"><is><t>inline &amp; &lt;ok&gt;</t></is></c><c r="AA3" t="inlineStr"><is><r><t>in</t></r><r><t>runs</t></r><rPh sb="0" eb="1"><t>PHONETIC</t></rPh></is></c></row>\
        <row r="4"><c r="B4" s="1"/><c r="C4"/></row>\
        <row r="5" spans="1:3"><c><v>1</v></c><c><v>2</v></c><c r="E5"><v>5</v></c><c><v>6</v></c></row>\
        <row><c r="A6"><v>-1.5E-3</v></c></row>
        """, sharedStrings: strings, stylesXML: Self.styles)
    defer { TestWorkbooks.remove(url) }
    let workbook = try XLSXWorkbook(url: url)
    #expect(workbook.sheetNames == ["grants"])
    let rows = try TestWorkbooks.rows(workbook).map(\.1)
    #expect(rows.map(\.number) == [1, 3, 5, 6])
    #expect(rows[0].cells == [.text("Identifier"), nil, .text("Rich text"), .text("  spaced  "), .text("")])
    let row3 = rows[1].cells
    #expect(row3.count == 27)
    #expect(row3[0] == .number("1000.5"))
    #expect(row3[1] == .number("42912"))
    #expect(row3[2] == .bool(true))
    #expect(row3[3] == .bool(false))
    #expect(row3[4] == .text("Identifierx"))
    #expect(row3[5] == .text("#N/A"))
    #expect(row3[6] == nil, "a formula without a cached value is empty")
    #expect(row3[7] == .text("inline & <ok>"))
    #expect(row3[26] == .text("inruns"))
    #expect(rows[2].cells == [.number("1"), .number("2"), nil, nil, .number("5"), .number("6")])
    #expect(rows[3].cells == [.number("-1.5E-3")])
  }

  @Test func numberFormatsDecideWhichNumbersAreDates() throws {
    let url = try TestWorkbooks.xlsx(
      sheetData: """
        <row r="1"><c r="A1" s="1"><v>43466</v></c><c r="B1" s="2"><v>43466.5</v></c><c r="C1" s="3"><v>43466</v></c>\
        <c r="D1" s="4"><v>43466</v></c><c r="E1" s="5"><v>43466.75</v></c><c r="F1" s="0"><v>43466</v></c><c r="G1" s="9"><v>43466</v></c></row>
        """, stylesXML: Self.styles)
    defer { TestWorkbooks.remove(url) }
    let cells = try TestWorkbooks.rows(XLSXWorkbook(url: url))[0].1.cells
    #expect(cells[0] == .date(CellDate(year: 2019, month: 1, day: 1)), "built-in 14")
    #expect(cells[1] == .date(CellDate(year: 2019, month: 1, day: 1, hour: 12)), "custom dd/mm/yyyy")
    #expect(cells[2] == .number("43466"), "'d' only inside quotes")
    #expect(cells[3] == .number("43466"), "'d' only in the second section")
    #expect(cells[4] == .date(CellDate(year: 2019, month: 1, day: 1, hour: 18)), "built-in 22")
    #expect(cells[5] == .number("43466"))
    #expect(cells[6] == .number("43466"), "a style index past cellXfs")
  }

  @Test func the1904DateSystemIsHonoured() throws {
    let url = try TestWorkbooks.xlsx(
      sheetData: "<row r=\"1\"><c r=\"A1\" s=\"1\"><v>0</v></c><c r=\"B1\" s=\"1\"><v>42004</v></c></row>",
      stylesXML: Self.styles, date1904: true)
    defer { TestWorkbooks.remove(url) }
    let cells = try TestWorkbooks.rows(XLSXWorkbook(url: url))[0].1.cells
    #expect(cells[0] == .date(CellDate(year: 1904, month: 1, day: 1)))
    #expect(cells[1] == .date(CellDate(year: 2019, month: 1, day: 1)))
  }

  @Test func serialDatesFollowExcelsLeapYearBugLikeOpenpyxl() {
    func date(_ serial: Double) -> String? { SerialDate.date(serial: serial, date1904: false)?.isoDateTime }
    #expect(date(1) == "1900-01-01T00:00:00+00:00")
    #expect(date(59) == "1900-02-28T00:00:00+00:00")
    #expect(date(60) == "1900-02-28T00:00:00+00:00")
    #expect(date(61) == "1900-03-01T00:00:00+00:00")
    #expect(date(25569.25) == "1970-01-01T06:00:00+00:00")
    #expect(date(44138.999999999) == "2020-11-04T00:00:00+00:00")
    #expect(date(2_958_465) == "9999-12-31T00:00:00+00:00")
    #expect(date(2_958_466) == nil)
    #expect(date(-1) == nil)
    #expect(SerialDate.serial(of: CellDate(year: 2019, month: 1, day: 1, hour: 12)) == "43466.5")
    #expect(SerialDate.serial(of: CellDate(year: 1900, month: 3, day: 1)) == "61")
  }

  @Test func columnLettersRoundTrip() {
    #expect(A1Reference.column(of: "A1") == 0)
    #expect(A1Reference.column(of: "Z9") == 25)
    #expect(A1Reference.column(of: "AA10") == 26)
    #expect(A1Reference.column(of: "XFD1048576") == 16_383)
    #expect(A1Reference.column(of: "XFE1") == nil)
    #expect(A1Reference.column(of: "AAAA1") == nil)
    #expect(A1Reference.column(of: "12") == nil)
    for c in [0, 25, 26, 701, 702, 16_383] {
      #expect(A1Reference.column(of: A1Reference.letters(c) + "1") == c)
      // Locations name columns through a table of the common ones, and spell the rest.
      #expect(A1Reference.column(of: SourceLocation.columnLetter(for: c) + "1") == c)
    }
    #expect([0, 25, 26, 701, 702].map(SourceLocation.columnLetter) == ["A", "Z", "AA", "ZZ", "AAA"])
  }

  @Test func aMillionRowUsedRangeWithAFewFilledRowsFinishesQuickly() throws {
    var rows = "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>Identifier</t></is></c></row>"
    rows += "<row r=\"2\"><c r=\"A2\" t=\"inlineStr\"><is><t>g-1</t></is></c></row>"
    rows += "<row r=\"1048576\" s=\"1\" customFormat=\"1\"><c r=\"XFD1048576\"><v>7</v></c></row>"
    let sheet = """
      <?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="\(TestWorkbooks.mainNS)"><dimension ref="A1:XFD1048576"/>\
      <cols><col min="1" max="16384" style="1"/></cols><sheetData>\(rows)</sheetData></worksheet>
      """
    let url = try TestWorkbooks.xlsx(sheetData: "", sheetXML: sheet)
    defer { TestWorkbooks.remove(url) }
    let start = Date()
    let result = try TestWorkbooks.rows(XLSXWorkbook(url: url)).map(\.1)
    #expect(result.map(\.number) == [1, 2, 1_048_576])
    #expect(result[2].cells.count == 16_384)
    #expect(result[2].cells.last == .number("7"))
    #expect(Date().timeIntervalSince(start) < 2)
  }

  @Test func aWorkbookWithoutSharedStringsOrStylesStillReads() throws {
    let url = try TestWorkbooks.xlsx(
      sheetData: "<row r=\"1\"><c r=\"A1\" s=\"3\"><v>12</v></c></row>", leaveOut: ["xl/sharedStrings.xml", "xl/styles.xml"])
    defer { TestWorkbooks.remove(url) }
    #expect(try TestWorkbooks.rows(XLSXWorkbook(url: url)).map(\.1.cells) == [[.number("12")]])
  }
}

/// Structural parts larger than a megabyte stream from a temporary file.
@Suite struct LargePartTests {
  @Test func aLargeStylesPartIsReadAndStillFindsTheDateFormat() throws {
    let padding = String(repeating: "<font><sz val=\"11\"/><name val=\"Calibri\"/></font>", count: 40_000)
    let url = try TestWorkbooks.xlsx(
      sheetData: "<row r=\"1\"><c r=\"A1\" s=\"1\"><v>43466</v></c></row>",
      stylesXML: "<fonts>\(padding)</fonts><cellXfs><xf numFmtId=\"0\"/><xf numFmtId=\"15\"/></cellXfs>")
    defer { TestWorkbooks.remove(url) }
    let workbook = try XLSXWorkbook(url: url)
    #expect(try #require(workbook.entrySize("xl/styles.xml")) > 1 << 20)
    #expect(try TestWorkbooks.rows(workbook).map(\.1.cells) == [[.date(CellDate(year: 2019, month: 1, day: 1))]])
  }
}

extension XLSXWorkbook {
  fileprivate func entrySize(_ path: String) -> Int64? {
    (try? ZipContainer(url: url, kind: "XLSX"))?.entry(path)?.uncompressedSize
  }
}
