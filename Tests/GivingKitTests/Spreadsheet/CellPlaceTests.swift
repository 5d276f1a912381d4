import Foundation
import Testing

@testable import GivingKit

/// Where a finding at a path of a spreadsheet grant points: its cell, else the row of the
/// first cell below the nearest present parent, else the grant's first row; the same whether
/// the grant lists its cells or refers to a row layout.
@Suite struct CellPlaceTests {
  static let layout = CellLayout(cells: [
    .init(path: "id", column: 0),
    .init(path: "recipientOrganization/0/id", column: 3),
    .init(path: "recipientOrganization/0/name", column: 4),
    .init(path: "amountAwarded", column: 6),
  ])
  static let row = RowReference(sheet: 1, row: 42)
  static let sources: [GrantSource] = [
    .row(row, layout: layout),
    .cells(rows: [row], cells: layout.references(sheet: 1, row: 42)),
  ]

  @Test(arguments: sources)
  func findsTheCellOrTheNearestRow(source: GrantSource) {
    let json = JSONValue.object(JSONObject())
    #expect(source.place(of: "recipientOrganization/0/name", in: json, grant: 0) == .cell(sheet: 1, row: 42, column: 4))
    #expect(source.place(of: "amountAwarded", in: json, grant: 0) == .cell(sheet: 1, row: 42, column: 6))
    // A parent with cells below it, and a missing member of a present parent.
    #expect(source.place(of: "recipientOrganization/0", in: json, grant: 0) == .row(sheet: 1, row: 42))
    #expect(source.place(of: "recipientOrganization/0/charityNumber", in: json, grant: 0) == .row(sheet: 1, row: 42))
    // "amount" is a prefix of "amountAwarded" but not a parent of it.
    #expect(source.place(of: "amount", in: json, grant: 0) == .row(sheet: 1, row: 42))
    #expect(source.place(of: "id", in: json, grant: 0) == .cell(sheet: 1, row: 42, column: 0))
    #expect(source.place(of: "", in: json, grant: 0) == .row(sheet: 1, row: 42))
  }

  @Test func aCellOfAnotherRowIsNamedByItsOwnRow() {
    let cells = [
      CellReference(path: "id", sheet: 0, column: 0, row: 2),
      CellReference(path: "beneficiaryLocation/0/name", sheet: 2, column: 1, row: 7),
    ]
    let source = GrantSource.cells(rows: [RowReference(sheet: 0, row: 2)], cells: cells)
    let json = JSONValue.object(JSONObject())
    #expect(source.place(of: "beneficiaryLocation/0/name", in: json, grant: 0) == .cell(sheet: 2, row: 7, column: 1))
    #expect(source.place(of: "beneficiaryLocation/0/geoCode", in: json, grant: 0) == .row(sheet: 2, row: 7))
    #expect(source.place(of: "beneficiaryLocation", in: json, grant: 0) == .row(sheet: 2, row: 7))
    #expect(source.place(of: "title", in: json, grant: 0) == .row(sheet: 0, row: 2))
  }
}
