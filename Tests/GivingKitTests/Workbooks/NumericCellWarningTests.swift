import Foundation
@testable import GivingKit
import Testing

/// Numbers typed into text columns of a workbook: a date column given an Excel serial, an
/// identifier that lost its leading zeros. The value is kept as the official tools keep it,
/// and the cell is named in a warning that says what probably happened.
@Suite struct NumericCellWarningTests {
  func inline(_ ref: String, _ text: String) -> String {
    "<c r=\"\(ref)\" t=\"inlineStr\"><is><t>\(text)</t></is></c>"
  }

  @Test func serialsAndLostZerosAreNamed() throws {
    let header = inline("A1", "Identifier") + inline("B1", "Award Date") + inline("C1", "Recipient Org:Company Number")
      + inline("D1", "Amount Awarded")
    let row = inline("A2", "360G-1") + "<c r=\"B2\"><v>42912</v></c><c r=\"C2\"><v>9506232</v></c><c r=\"D2\"><v>500</v></c>"
    let url = try TestWorkbooks.xlsx(sheetData: "<row r=\"1\">\(header)</row><row r=\"2\">\(row)</row>")
    defer { TestWorkbooks.remove(url) }

    let (grants, report) = try GrantFeed(files: [url]).readAll()
    #expect(grants.first?.awardDate == "42912", "the value is kept as written")
    let serial = try #require(report.warnings.first { $0.message.contains("Excel date serial") })
    #expect(serial.message.contains("2017-06-26"))
    #expect(serial.locations.first?.columnLetter == "B" && serial.locations.first?.row == 2)
    let zeros = try #require(report.warnings.first { $0.message.contains("leading zeros") })
    #expect(zeros.message.contains("'09506232'"))
    #expect(zeros.locations.first?.columnLetter == "C")
    #expect(!report.warnings.contains { $0.locations.first?.columnLetter == "D" }, "a number in a number column is fine")
  }

  @Test func excelDatesFollowTheNineteenHundredSystem() {
    #expect(NumericCellWarnings.excelDate(1) == "1900-01-01")
    #expect(NumericCellWarnings.excelDate(60) == "1900-02-29")
    #expect(NumericCellWarnings.excelDate(61) == "1900-03-01")
    #expect(NumericCellWarnings.excelDate(45_000) == "2023-03-15")
  }
}
