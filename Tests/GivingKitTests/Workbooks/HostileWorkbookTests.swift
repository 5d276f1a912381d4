import Foundation
@testable import GivingKit
import Testing

/// Hostile containers are refused with a ``FeedError`` — never a crash, a hang, or unbounded
/// memory or disk.
@Suite struct HostileWorkbookTests {
  /// Small limits so the bombs in these tests stay small.
  static let limits = ZipLimits(maxEntryBytes: 8 << 20, maxRatio: 200, ratioThreshold: 1 << 20, maxPartBytes: 1 << 20)

  static func reason(_ error: any Error) -> String { (error as? FeedError)?.description ?? "\(error)" }

  static func isLimit(_ error: any Error) -> Bool {
    if case .limitExceeded? = error as? FeedError { return true }
    return false
  }

  static func isMalformed(_ error: any Error, _ text: String) -> Bool {
    guard case .malformedSpreadsheet(_, _, let reason)? = error as? FeedError else { return false }
    return reason.contains(text)
  }

  static let zeros = [UInt8](repeating: 0x20, count: 20 << 20)

  @Test func anEntryDeclaringMoreThanTheLimitIsRefusedBeforeInflating() throws {
    let url = try TestWorkbooks.xlsx(
      sheetData: "", leaveOut: ["xl/worksheets/sheet1.xml"], extra: [("xl/worksheets/sheet1.xml", Self.zeros)])
    defer { TestWorkbooks.remove(url) }
    let workbook = try XLSXWorkbook(url: url, limits: Self.limits)
    #expect { try workbook.readRows(sheet: 0) { _ in } } throws: { Self.isLimit($0) }
  }

  @Test func anEntryLyingAboutItsSizeIsStoppedOnceItInflatesPastIt() throws {
    let url = try TestWorkbooks.xlsx(sheetData: "", extra: [("xl/bomb.xml", Self.zeros)])
    defer { TestWorkbooks.remove(url) }
    try TestWorkbooks.declare(1000, for: "xl/bomb.xml", in: url)
    let container = try ZipContainer(url: url, kind: "XLSX", limits: .standard)
    #expect(container.entry("xl/bomb.xml")?.uncompressedSize == 1000)
    #expect { _ = try container.data("xl/bomb.xml") } throws: { error in
      Self.isLimit(error) && Self.reason(error).contains("more than its declared")
    }
    #expect { _ = try container.extractToTemporaryFile("xl/bomb.xml") } throws: { Self.isLimit($0) }
  }

  @Test func aHighlyCompressedLargeEntryIsRefusedAsABomb() throws {
    let url = try TestWorkbooks.zip("bomb.xlsx", [("xl/workbook.xml", Self.zeros)])
    defer { TestWorkbooks.remove(url) }
    let limits = ZipLimits(maxEntryBytes: 1 << 30, maxRatio: 200, ratioThreshold: 1 << 20)
    #expect { try XLSXWorkbook(url: url, limits: limits) } throws: { error in
      Self.isLimit(error) && Self.reason(error).contains("zip bomb")
    }
  }

  @Test func anEntryPathLeavingTheContainerIsRefused() throws {
    let url = try TestWorkbooks.xlsx(sheetData: "", extra: [("../../evil.xml", Array("<x/>".utf8))])
    defer { TestWorkbooks.remove(url) }
    #expect { try XLSXWorkbook(url: url) } throws: { Self.isMalformed($0, "unsafe path '../../evil.xml'") }
  }

  @Test func aRelationshipTargetLeavingTheContainerIsRefused() throws {
    let rels = """
      <?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="\(TestWorkbooks.relNS)/worksheet" Target="../../../etc/passwd"/></Relationships>
      """
    let url = try TestWorkbooks.xlsx(
      sheetData: "", leaveOut: ["xl/_rels/workbook.xml.rels"], extra: [("xl/_rels/workbook.xml.rels", Array(rels.utf8))])
    defer { TestWorkbooks.remove(url) }
    #expect { try XLSXWorkbook(url: url) } throws: { Self.isMalformed($0, "leaves the workbook") }
  }

  @Test func missingPartsAreNamed() throws {
    let noWorkbook = try TestWorkbooks.xlsx(sheetData: "", leaveOut: ["xl/workbook.xml"])
    defer { TestWorkbooks.remove(noWorkbook) }
    #expect { try XLSXWorkbook(url: noWorkbook) } throws: { Self.isMalformed($0, "has no part 'xl/workbook.xml'") }
    let noSheet = try TestWorkbooks.xlsx(sheetData: "", leaveOut: ["xl/worksheets/sheet1.xml"])
    defer { TestWorkbooks.remove(noSheet) }
    #expect { try XLSXWorkbook(url: noSheet) } throws: { Self.isMalformed($0, "'xl/worksheets/sheet1.xml' is missing") }
  }

  @Test func truncatedAndCorruptZipsAreRefused() throws {
    let url = try TestWorkbooks.xlsx(sheetData: String(repeating: "<row><c t=\"inlineStr\"><is><t>grant</t></is></c></row>", count: 2000))
    defer { TestWorkbooks.remove(url) }
    let bytes = [UInt8](try Data(contentsOf: url))
    // Cut in half: no central directory.
    let truncated = url.deletingLastPathComponent().appendingPathComponent("truncated.xlsx")
    try Data(bytes[0..<(bytes.count / 2)]).write(to: truncated)
    #expect { try XLSXWorkbook(url: truncated) } throws: { Self.isMalformed($0, "isn't an XLSX file") }
    // Every byte of the sheet's compressed data flipped in turn (a sample): an error or the
    // right rows, never a crash or hang.
    let name = Array("xl/worksheets/sheet1.xml".utf8)
    let start = try #require((0..<bytes.count).first { i in i + name.count < bytes.count && Array(bytes[i..<(i + name.count)]) == name })
    for offset in stride(from: start + name.count, to: min(start + name.count + 400, bytes.count), by: 7) {
      var damaged = bytes
      damaged[offset] ^= 0x5A
      let file = url.deletingLastPathComponent().appendingPathComponent("damaged.xlsx")
      try Data(damaged).write(to: file)
      do {
        let rows = try TestWorkbooks.rows(XLSXWorkbook(url: file))
        #expect(rows.count == 2000)
      } catch let error as FeedError {
        _ = error.description
      }
    }
  }

  @Test func aZipThatEndsInsideAnEntrysDataIsRefusedNotLooped() throws {
    // A stored-in-deflate stream whose block runs past the entry: the inflater asks for more
    // input than the entry has.
    let url = try TestWorkbooks.xlsx(sheetData: "")
    defer { TestWorkbooks.remove(url) }
    var bytes = [UInt8](try Data(contentsOf: url))
    let name = Array("xl/worksheets/sheet1.xml".utf8)
    let local = try #require((0..<bytes.count).first { i in Array(bytes[i..<min(i + name.count, bytes.count)]) == name })
    let extra = Int(bytes[local - 2]) | Int(bytes[local - 1]) << 8
    let data = local + name.count + extra
    // A non-final stored block announcing 60000 bytes.
    bytes[data] = 0x00
    bytes[data + 1] = 0x60
    bytes[data + 2] = 0xEA
    bytes[data + 3] = 0x9F
    bytes[data + 4] = 0x15
    try Data(bytes).write(to: url)
    let workbook = try XLSXWorkbook(url: url)
    #expect { try workbook.readRows(sheet: 0) { _ in } } throws: { Self.isMalformed($0, "sheet1.xml") }
  }

  @Test func entitiesInSheetXMLAreRefused() throws {
    let sheet = """
      <?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>\
      <worksheet xmlns="\(TestWorkbooks.mainNS)"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&b;</t></is></c></row></sheetData></worksheet>
      """
    let url = try TestWorkbooks.xlsx(sheetData: "", sheetXML: sheet)
    defer { TestWorkbooks.remove(url) }
    let workbook = try XLSXWorkbook(url: url)
    #expect {
      try workbook.readRows(sheet: 0) { _ in }
    } throws: { error in
      if case .forbiddenXML? = error as? FeedError { return true }
      return false
    }
  }

  @Test func anExternalEntityInSharedStringsIsRefused() throws {
    let url = try TestWorkbooks.xlsx(
      sheetData: "", sharedStrings: [],
      leaveOut: ["xl/sharedStrings.xml"],
      extra: [
        (
          "xl/sharedStrings.xml",
          Array("<?xml version=\"1.0\"?><!DOCTYPE sst [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><sst><si><t>&x;</t></si></sst>".utf8)
        )
      ])
    defer { TestWorkbooks.remove(url) }
    #expect {
      try XLSXWorkbook(url: url)
    } throws: { error in
      if case .forbiddenXML? = error as? FeedError { return true }
      return false
    }
  }

  @Test func cellReferencesPastTheLastColumnAndBadSharedStringIndexesAreRefused() throws {
    let wide = try TestWorkbooks.xlsx(sheetData: "<row r=\"1\"><c r=\"ZZZZ1\"><v>1</v></c></row>")
    defer { TestWorkbooks.remove(wide) }
    #expect { try TestWorkbooks.rows(XLSXWorkbook(url: wide)) } throws: { Self.isMalformed($0, "'ZZZZ1'") }
    let index = try TestWorkbooks.xlsx(sheetData: "<row r=\"1\"><c r=\"B1\" t=\"s\"><v>99</v></c></row>", sharedStrings: ["<si><t>a</t></si>"])
    defer { TestWorkbooks.remove(index) }
    #expect { try TestWorkbooks.rows(XLSXWorkbook(url: index)) } throws: { Self.isMalformed($0, "cell B1 refers to shared string '99'") }
  }

  @Test func rowsBeforeABadRowNumberAreReadAndTheNumberIsNamed() throws {
    let url = try TestWorkbooks.xlsx(sheetData: "<row r=\"1\"><c r=\"A1\"><v>1</v></c></row><row r=\"x1\"><c><v>2</v></c></row>")
    defer { TestWorkbooks.remove(url) }
    var rows: [SheetRow] = []
    #expect { try XLSXWorkbook(url: url).readRows(sheet: 0) { rows.append($0) } } throws: {
      Self.isMalformed($0, "row number 'x1' is not valid")
    }
    #expect(rows == [SheetRow(number: 1, cells: [.number("1")])])
  }

  @Test func anOLEFileNamedXLSXIsRecognised() throws {
    let url = TestWorkbooks.temporaryPath("protected.xlsx")
    defer { TestWorkbooks.remove(url) }
    try Data([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1] + [UInt8](repeating: 0, count: 600)).write(to: url)
    #expect { try XLSXWorkbook(url: url) } throws: { Self.isMalformed($0, "password-protected") }
  }

  @Test func temporaryFilesAreRemovedAfterEachSheet() throws {
    let url = try TestWorkbooks.xlsx(sheetData: "<row r=\"1\"><c r=\"A1\"><v>1</v></c></row>")
    defer { TestWorkbooks.remove(url) }
    let folder = FileManager.default.temporaryDirectory.path
    let before = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasPrefix("giving-\(getpid())-") }
    let workbook = try XLSXWorkbook(url: url)
    try workbook.readRows(sheet: 0) { _ in }
    let after = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasPrefix("giving-\(getpid())-") }
    #expect(Set(after).subtracting(before).filter { $0.hasSuffix(".xml") }.isEmpty)
  }
}

/// One enormous cell is refused rather than held.
@Suite struct OversizedCellTests {
  @Test func aCellWithMoreTextThanTheLimitIsRefusedInXLSXAndODS() throws {
    // libxml2 itself refuses one text node over 10 MB, so the text comes in 1 MiB runs.
    let run = String(repeating: "a", count: 1 << 20)
    let runs = (XLSXWorkbook.maxCellBytes >> 20) + 1
    let xlsxRuns = String(repeating: "<r><t>\(run)</t></r>", count: runs)
    let xlsx = try TestWorkbooks.xlsx(sheetData: "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is>\(xlsxRuns)</is></c></row>")
    defer { TestWorkbooks.remove(xlsx) }
    #expect { try TestWorkbooks.rows(XLSXWorkbook(url: xlsx)) } throws: { HostileWorkbookTests.isLimit($0) }
    let ods = try TestWorkbooks.ods(
      tables: "<table:table table:name=\"g\"><table:table-row><table:table-cell office:value-type=\"string\"><text:p>\(String(repeating: "<text:span>\(run)</text:span>", count: runs))</text:p></table:table-cell></table:table-row></table:table>")
    defer { TestWorkbooks.remove(ods) }
    #expect { try TestWorkbooks.rows(ODSWorkbook(url: ods)) } throws: { HostileWorkbookTests.isLimit($0) }
  }
}

/// Several directory entries pointing at the same data (an overlapping zip bomb).
@Suite struct OverlappingEntryTests {
  @Test func entriesSharingTheirDataAreRefused() throws {
    let url = try TestWorkbooks.xlsx(sheetData: "<row r=\"1\"><c r=\"A1\"><v>1</v></c></row>")
    defer { TestWorkbooks.remove(url) }
    var bytes = [UInt8](try Data(contentsOf: url))
    func u32(_ i: Int) -> Int { Int(bytes[i]) | Int(bytes[i + 1]) << 8 | Int(bytes[i + 2]) << 16 | Int(bytes[i + 3]) << 24 }
    // Point the second central-directory entry's local header offset at the first entry's.
    var headers: [Int] = []
    for i in 0..<(bytes.count - 4) where u32(i) == 0x0201_4B50 { headers.append(i) }
    try #require(headers.count >= 2)
    let first = u32(headers[0] + 42)
    for k in 0..<4 { bytes[headers[1] + 42 + k] = UInt8((first >> (8 * k)) & 0xFF) }
    try Data(bytes).write(to: url)
    #expect { try XLSXWorkbook(url: url) } throws: { error in
      HostileWorkbookTests.isLimit(error) && HostileWorkbookTests.reason(error).contains("share their data")
    }
  }
}

/// Counts and references chosen to overflow or to pile up cells.
@Suite struct HostileCountTests {
  @Test func hugeRepeatCountsNeitherOverflowNorMaterialise() throws {
    let url = try TestWorkbooks.ods(
      tables: """
        <table:table table:name="g">\
        <table:table-row table:number-rows-repeated="9223372036854775807"><table:table-cell table:number-columns-repeated="9223372036854775807"/></table:table-row>\
        <table:table-row table:number-rows-repeated="9223372036854775807"/>\
        <table:table-row><table:table-cell table:number-columns-repeated="99999999999999999999"/><table:table-cell office:value-type="string"><text:p>x</text:p></table:table-cell></table:table-row>\
        </table:table>
        """)
    defer { TestWorkbooks.remove(url) }
    #expect(throws: FeedError.self) { try TestWorkbooks.rows(ODSWorkbook(url: url)) }
  }

  @Test func repeatedValuesBeyondTheSheetsLimitAreRefusedNamingTheRow() throws {
    // A few hundred bytes that stand for 17 billion values.
    let url = try TestWorkbooks.ods(
      tables: """
        <table:table table:name="grants"><table:table-row><table:table-cell office:value-type="string"><text:p>Identifier</text:p></table:table-cell></table:table-row>        <table:table-row table:number-rows-repeated="1048575"><table:table-cell table:number-columns-repeated="16384" office:value-type="string"><text:p>x</text:p></table:table-cell></table:table-row>        </table:table>
        """)
    defer { TestWorkbooks.remove(url) }
    var rows = 0
    #expect {
      try ODSWorkbook(url: url).readRows(sheet: 0) { _ in rows += 1 }
    } throws: { error in
      HostileWorkbookTests.isLimit(error)
        && HostileWorkbookTests.reason(error).contains("sheet 'grants' holds more than 104857600 values")
        && HostileWorkbookTests.reason(error).contains("row 2 repeats 16384 values 1048575 times")
    }
    #expect(rows == 1)
  }

  @Test func repeatedRowsWithinTheLimitAreEachRead() throws {
    let url = try TestWorkbooks.ods(
      tables: """
        <table:table table:name="grants"><table:table-row table:number-rows-repeated="1000"><table:table-cell table:number-columns-repeated="3" office:value-type="string"><text:p>x</text:p></table:table-cell></table:table-row></table:table>
        """)
    defer { TestWorkbooks.remove(url) }
    let rows = try TestWorkbooks.rows(ODSWorkbook(url: url))
    #expect(rows.count == 1000)
    #expect(rows.last?.1 == SheetRow(number: 1000, cells: [.text("x"), .text("x"), .text("x")]))
  }

  @Test func aRowRepeatingOneCellManyTimesKeepsOneCell() throws {
    let url = try TestWorkbooks.xlsx(
      sheetData: "<row r=\"1\">" + String(repeating: "<c r=\"C1\"><v>1</v></c>", count: 100_000) + "<c r=\"B1\"><v>2</v></c></row>")
    defer { TestWorkbooks.remove(url) }
    #expect(try TestWorkbooks.rows(XLSXWorkbook(url: url)).map(\.1.cells) == [[nil, .number("2"), .number("1")]])
  }
}

/// Sizes in the central directory chosen to overflow offset arithmetic.
@Suite struct HostileSizeTests {
  @Test func aCompressedSizeLargerThanTheFileIsRefused() throws {
    let url = try TestWorkbooks.xlsx(sheetData: "")
    defer { TestWorkbooks.remove(url) }
    var bytes = [UInt8](try Data(contentsOf: url))
    func u32(_ i: Int) -> Int { Int(bytes[i]) | Int(bytes[i + 1]) << 8 | Int(bytes[i + 2]) << 16 | Int(bytes[i + 3]) << 24 }
    let header = try #require((0..<(bytes.count - 4)).first { u32($0) == 0x0201_4B50 })
    for k in 0..<4 { bytes[header + 20 + k] = 0xFE }
    try Data(bytes).write(to: url)
    #expect { try XLSXWorkbook(url: url) } throws: { HostileWorkbookTests.isMalformed($0, "impossible sizes") }
  }
}

/// Damage anywhere in a container (headers, directory, data) ends in rows or a ``FeedError``.
@Suite struct DamagedContainerTests {
  @Test(arguments: [0x01, 0xFF] as [UInt8])
  func flippingAnyByteNeverCrashesOrHangs(mask: UInt8) throws {
    let url = try TestWorkbooks.xlsx(
      sheetData: "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" s=\"1\"><v>43466</v></c></row>",
      sharedStrings: ["<si><t>Identifier</t></si>"], stylesXML: "<cellXfs><xf numFmtId=\"0\"/><xf numFmtId=\"14\"/></cellXfs>")
    defer { TestWorkbooks.remove(url) }
    let bytes = [UInt8](try Data(contentsOf: url))
    let file = url.deletingLastPathComponent().appendingPathComponent("damaged.xlsx")
    var refused = 0
    for offset in stride(from: 0, to: bytes.count, by: 3) {
      var damaged = bytes
      damaged[offset] ^= mask
      try Data(damaged).write(to: file)
      do {
        _ = try TestWorkbooks.rows(XLSXWorkbook(url: file))
      } catch is FeedError {
        refused += 1
      }
    }
    #expect(refused > 0)
  }
}

/// An entry whose inflated bytes do not match the CRC-32 its directory records.
@Suite struct ChecksumTests {
  @Test func aSheetFailingItsChecksumIsRefusedAndAnIntactOneIsRead() throws {
    let url = try TestWorkbooks.xlsx(sheetData: "<row r=\"1\"><c r=\"A1\"><v>1</v></c></row>")
    defer { TestWorkbooks.remove(url) }
    #expect(try TestWorkbooks.rows(XLSXWorkbook(url: url)).map(\.1.cells) == [[.number("1")]])

    var bytes = [UInt8](try Data(contentsOf: url))
    func u32(_ i: Int) -> Int { Int(bytes[i]) | Int(bytes[i + 1]) << 8 | Int(bytes[i + 2]) << 16 | Int(bytes[i + 3]) << 24 }
    let sheet = Array("xl/worksheets/sheet1.xml".utf8)
    let header = try #require(
      (0..<(bytes.count - 46 - sheet.count)).first {
        u32($0) == 0x0201_4B50 && Array(bytes[($0 + 46)..<($0 + 46 + sheet.count)]) == sheet
      })
    bytes[header + 16] ^= 0x01  // the CRC-32's lowest byte
    try Data(bytes).write(to: url)
    #expect { try TestWorkbooks.rows(XLSXWorkbook(url: url)) } throws: {
      HostileWorkbookTests.isMalformed($0, "fails its checksum")
    }
  }
}
