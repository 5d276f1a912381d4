import Foundation
@testable import GivingKit
import Testing

/// The XLSX writer: what it writes reads back through ``XLSXWorkbook`` to the same cells.
@Suite struct XLSXSheetWriterTests {
  static func write(_ body: (XLSXSheetWriter) throws -> Void) throws -> URL {
    let url = TestWorkbooks.temporaryPath("out.xlsx")
    let output = try OutputFile(path: url.path)
    let writer = try XLSXSheetWriter(output: output)
    try body(writer)
    try writer.finish()
    try output.commit()
    return url
  }

  @Test func everyKindOfCellRoundTrips() throws {
    let grants: [[CellValue?]] = [
      [.text("Identifier"), .text("Amount Awarded"), .text("Award Date"), .text("Notes"), .text("Flag")],
      [.text("360G-x-1"), .number("1000.5"), .date(CellDate(year: 2019, month: 2, day: 4)), .text("  A & B <c> \"d\" 'e'  "), .bool(true)],
      [.text("360G-x-2"), .number("-2e3"), .date(CellDate(year: 2021, month: 12, day: 31, hour: 23, minute: 59, second: 59)), .text("line\r\nnext\ttab _x0041_ £€ 😀"), .bool(false)],
      [nil, nil, nil, nil, nil],
      [.text("0123"), .number("1,000"), nil, .text(""), nil, nil, .number("7")],
    ]
    let url = try Self.write { writer in
      try writer.addSheet(name: "grants")
      for row in grants { try writer.appendRow(row) }
      try writer.addSheet(name: "Recipient Org")
      try writer.appendRow([.text("Identifier")])
    }
    defer { TestWorkbooks.remove(url) }
    let workbook = try XLSXWorkbook(url: url)
    #expect(workbook.sheetNames == ["grants", "Recipient Org"])
    var rows: [SheetRow] = []
    try workbook.readRows(sheet: 0) { rows.append($0) }
    #expect(rows.map(\.number) == [1, 2, 3, 5])
    #expect(rows[0].cells == grants[0])
    #expect(rows[1].cells == grants[1])
    #expect(rows[2].cells == grants[2])
    // '1,000' is not a number an XLSX cell can hold, so it is written as text.
    #expect(rows[3].cells == [.text("0123"), .text("1,000"), nil, .text(""), nil, nil, .number("7")])
    var second: [SheetRow] = []
    try workbook.readRows(sheet: 1) { second.append($0) }
    #expect(second == [SheetRow(number: 1, cells: [.text("Identifier")])])
  }

  @Test func whiteSpaceIsMarkedPreservedOnlyWhereItWouldBeTrimmed() throws {
    let texts = ["plain", " leading", "trailing\t", "\nboth\r", "inner  spaces\nand lines"]
    let url = try Self.write { try $0.appendRow(texts.map { .text($0) }) }
    defer { TestWorkbooks.remove(url) }
    let sheet = String(decoding: try ZipContainer(url: url, kind: "XLSX").data("xl/worksheets/sheet1.xml"), as: UTF8.self)
    #expect(sheet.components(separatedBy: "<t xml:space=\"preserve\">").count - 1 == 3)
    #expect(sheet.components(separatedBy: "<t>").count - 1 == 2)
    #expect(try TestWorkbooks.rows(XLSXWorkbook(url: url)).map(\.1.cells) == [texts.map { .text($0) }])
  }

  @Test func controlCharactersAreWrittenAsExcelEscapes() throws {
    let url = try Self.write { try $0.appendRow([.text("a\u{1}b")]) }
    defer { TestWorkbooks.remove(url) }
    let workbook = try XLSXWorkbook(url: url)
    #expect(workbook.sheetNames == ["Sheet1"])
    // Excel shows '_x0001_' as the character; openpyxl (and so giving) keeps the escape.
    #expect(try TestWorkbooks.rows(workbook).map(\.1.cells) == [[.text("a_x0001_b")]])
  }

  @Test func sheetNamesAreMadeValidForExcel() throws {
    let url = try Self.write { writer in
      for name in ["a/b:c", "A/B:C", "", "'quoted'", String(repeating: "x", count: 40), String(repeating: "x", count: 35)] {
        try writer.addSheet(name: name)
      }
    }
    defer { TestWorkbooks.remove(url) }
    let names = try XLSXWorkbook(url: url).sheetNames
    #expect(names == ["a_b_c", "A_B_C (2)", "Sheet3", "quoted", String(repeating: "x", count: 31), String(repeating: "x", count: 27) + " (2)"])
  }

  @Test func aRowPastTheLastXLSXRowIsRefused() throws {
    let url = TestWorkbooks.temporaryPath("big.xlsx")
    defer { TestWorkbooks.remove(url) }
    let output = try OutputFile(path: url.path)
    let writer = try XLSXSheetWriter(output: output)
    let wide = [CellValue?](repeating: .number("1"), count: XLSXSheetWriter.maxColumns + 1)
    #expect(throws: FeedError.self) { try writer.appendRow(wide) }
    output.discard()
  }

  @Test func aLargeSheetStreamsAndReadsBack() throws {
    let rows = 100_000
    let start = Date()
    let cpuStart = clock()
    let url = try Self.write { writer in
      try writer.addSheet(name: "grants")
      try writer.appendRow((0..<10).map { .text("Heading \($0)") })
      for i in 0..<rows {
        try writer.appendRow([
          .text("360G-test-\(i)"), .text("Grant title \(i)"), .number("\(i).5"), .text("GBP"),
          .date(CellDate(year: 2020, month: 1 + i % 12, day: 1 + i % 28)), nil, .text("GB-CHC-\(i % 1000)"),
          .text("Recipient \(i % 5000)"), .bool(i % 2 == 0), .number("\(i)"),
        ])
      }
    }
    defer { TestWorkbooks.remove(url) }
    let written = Date().timeIntervalSince(start)
    let writtenCPU = Double(clock() - cpuStart) / Double(CLOCKS_PER_SEC)
    let readStart = Date()
    let readCPUStart = clock()
    var count = 0
    var last: SheetRow?
    try XLSXWorkbook(url: url).readRows(sheet: 0) { row in
      count += 1
      last = row
    }
    let read = Date().timeIntervalSince(readStart)
    let readCPU = Double(clock() - readCPUStart) / Double(CLOCKS_PER_SEC)
    #expect(count == rows + 1)
    #expect(last?.number == rows + 1)
    #expect(last?.cells[0] == .text("360G-test-\(rows - 1)"))
    #expect(last?.cells[4] == .date(CellDate(year: 2020, month: 1 + (rows - 1) % 12, day: 1 + (rows - 1) % 28)))
    #expect(last?.cells[5] == nil)
    let size = (try FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int) ?? 0
    print(
      "xlsx writer: \(rows) rows x 10 cells written in \(String(format: "%.1f", written))s wall, \(String(format: "%.1f", writtenCPU))s CPU "
        + "(\(Int(Double(rows) / writtenCPU)) rows/s CPU); read back in \(String(format: "%.1f", read))s wall, "
        + "\(String(format: "%.1f", readCPU))s CPU (\(Int(Double(rows) / readCPU)) rows/s CPU); \(size / 1024) KiB (debug build)")
  }
}
