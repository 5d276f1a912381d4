import Foundation
@testable import GivingKit
import Testing

/// ODS cells, repeats and text on small spreadsheets written for the test.
@Suite struct ODSWorkbookTests {
  @Test func cellsOfEveryValueTypeComeOutAsStored() throws {
    let url = try TestWorkbooks.ods(
      tables: """
        <table:table table:name="grants"><table:table-column table:number-columns-repeated="1024"/>\
        <table:table-row><table:table-cell office:value-type="string"><text:p>Identifier</text:p></table:table-cell>\
        <table:table-cell table:number-columns-repeated="2"/><table:table-cell office:value-type="string"><text:p>Amount</text:p></table:table-cell></table:table-row>\
        <table:table-header-rows><table:table-row>\
        <table:table-cell office:value-type="float" office:value="1000.5"><text:p>1,000.50</text:p></table:table-cell>\
        <table:table-cell office:value-type="percentage" office:value="0.25"><text:p>25%</text:p></table:table-cell>\
        <table:table-cell office:value-type="currency" office:currency="GBP" office:value="42912"><text:p>£42,912</text:p></table:table-cell>\
        <table:table-cell office:value-type="date" office:date-value="2019-02-04"><text:p>04/02/19</text:p></table:table-cell>\
        <table:table-cell office:value-type="date" office:date-value="2019-02-04T12:30:05"><text:p>x</text:p></table:table-cell>\
        <table:table-cell office:value-type="boolean" office:boolean-value="true"><text:p>TRUE</text:p></table:table-cell>\
        <table:table-cell office:value-type="string"><text:p>two<text:s text:c="3"/>spaces <text:span>and</text:span><text:tab/>tab</text:p><text:p>second line</text:p>\
        <office:annotation><text:p>a comment</text:p></office:annotation></table:table-cell>\
        <table:covered-table-cell/>\
        <table:table-cell office:value-type="string" table:number-columns-repeated="2"><text:p>rep</text:p></table:table-cell>\
        <table:table-cell table:number-columns-repeated="16000"/></table:table-row></table:table-header-rows>\
        <table:table-row table:number-rows-repeated="2"><table:table-cell office:value-type="float" office:value="7"/></table:table-row>\
        </table:table>\
        <table:table table:name="#notes"><table:table-row><table:table-cell office:value-type="string"><text:p/></table:table-cell></table:table-row></table:table>
        """)
    defer { TestWorkbooks.remove(url) }
    let workbook = try ODSWorkbook(url: url)
    #expect(workbook.sheetNames == ["grants", "#notes"])
    let rows = try TestWorkbooks.rows(workbook)
    #expect(rows.map(\.1.number) == [1, 2, 3, 4, 1])
    #expect(rows[0].1.cells == [.text("Identifier"), nil, nil, .text("Amount")])
    let row2 = rows[1].1.cells
    #expect(row2.count == 10)
    #expect(row2[0] == .number("1000.5"))
    #expect(row2[1] == .number("0.25"))
    #expect(row2[2] == .number("42912"))
    #expect(row2[3] == .date(CellDate(year: 2019, month: 2, day: 4)))
    #expect(row2[4] == .date(CellDate(year: 2019, month: 2, day: 4, hour: 12, minute: 30, second: 5)))
    #expect(row2[5] == .bool(true))
    #expect(row2[6] == .text("two   spaces and\ttab\nsecond line"))
    #expect(row2[7] == nil)
    #expect(row2[8] == .text("rep"))
    #expect(row2[9] == .text("rep"))
    #expect(rows[2].1.cells == [.number("7")])
    #expect(rows[3].1.cells == [.number("7")])
    #expect(rows[4].1.cells == [.text("")])
  }

  @Test func repeatedEmptyRowsToTheLastRowFinishInstantly() throws {
    let url = try TestWorkbooks.ods(
      tables: """
        <table:table table:name="grants">\
        <table:table-row><table:table-cell office:value-type="string"><text:p>Identifier</text:p></table:table-cell></table:table-row>\
        <table:table-row table:number-rows-repeated="1048574"><table:table-cell table:number-columns-repeated="16384"/></table:table-row>\
        <table:table-row table:number-rows-repeated="1"><table:table-cell table:number-columns-repeated="3"/><table:table-cell office:value-type="string"><text:p>last</text:p></table:table-cell></table:table-row>\
        <table:table-row table:number-rows-repeated="1000000000"><table:table-cell table:number-columns-repeated="1000000000"/></table:table-row>\
        </table:table>
        """)
    defer { TestWorkbooks.remove(url) }
    let start = Date()
    let rows = try TestWorkbooks.rows(ODSWorkbook(url: url)).map(\.1)
    #expect(rows.map(\.number) == [1, 1_048_576])
    #expect(rows[1].cells == [nil, nil, nil, .text("last")])
    #expect(Date().timeIntervalSince(start) < 1)
  }

  @Test func aRepeatedFilledRowCannotRunForEver() throws {
    let url = try TestWorkbooks.ods(
      tables: """
        <table:table table:name="grants"><table:table-row table:number-rows-repeated="2000000000">\
        <table:table-cell office:value-type="float" office:value="1"/></table:table-row></table:table>
        """)
    defer { TestWorkbooks.remove(url) }
    #expect(throws: FeedError.self) { try TestWorkbooks.rows(ODSWorkbook(url: url)) }
  }

  @Test func anXLSXNamedODSIsRefused() throws {
    let xlsx = try TestWorkbooks.xlsx(sheetData: "")
    defer { TestWorkbooks.remove(xlsx) }
    let renamed = xlsx.deletingPathExtension().appendingPathExtension("ods")
    try FileManager.default.moveItem(at: xlsx, to: renamed)
    #expect {
      try ODSWorkbook(url: renamed)
    } throws: { error in
      guard case .malformedSpreadsheet(_, _, let reason)? = error as? FeedError else { return false }
      return reason.contains("extension .ods") && reason.contains("not an ODS spreadsheet")
    }
  }
}
