import Foundation
import GivingTestSupport
import Testing

@testable import GivingKit

/// Helpers shared by the CSV suites.
enum CSVTestFiles {
  /// A fresh temporary folder.
  static func folder() throws -> URL {
    let url = ScratchSpace.root
      .appendingPathComponent("giving-csv-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }

  /// Writes `bytes` to `name` in a fresh temporary folder.
  static func file(_ name: String = "grants.csv", bytes: [UInt8]) throws -> URL {
    let url = try folder().appendingPathComponent(name)
    try Data(bytes).write(to: url)
    return url
  }

  static func file(_ name: String = "grants.csv", text: String) throws -> URL {
    try file(name, bytes: Array(text.utf8))
  }

  /// Every record of sheet `sheet`.
  static func records(_ workbook: CSVWorkbook, sheet: Int = 0) throws -> [CSVRecord] {
    var records: [CSVRecord] = []
    try workbook.readRecords(sheet: sheet) { records.append($0) }
    return records
  }

  /// The cells of every row of a one-file workbook, `nil` cells as `nil`.
  static func texts(_ url: URL) throws -> [[String?]] {
    try records(CSVWorkbook(files: [url])).map { $0.row.cells.map { $0?.text } }
  }
}

/// csv-spectrum: every case gives exactly the records its JSON lists.
@Suite struct CSVSpectrumTests {
  static let cases = FixturePaths.files(in: "conformance/csv-spectrum/csvs", extensions: ["csv"])

  @Test func suiteIsPresent() {
    #expect(Self.cases.count == 12)
  }

  @Test(arguments: cases)
  func readsEachCaseToItsExpectedRecords(csv: URL) throws {
    let name = csv.deletingPathExtension().lastPathComponent
    let jsonURL = FixturePaths.url("conformance/csv-spectrum/json/\(name).json")
    let json = try JSONSerialization.jsonObject(with: Data(contentsOf: jsonURL))
    var expected = (json as? [[String: String]]) ?? [(json as? [String: String]) ?? [:]]
    if name == "location_coordinates" {
      // Upstream erratum: the JSON says "1234567890" but the CSV holds 2095257564.
      let cell = try #require(expected.first?["Contact Phone Number"])
      #expect(cell == "1234567890")
      expected[0]["Contact Phone Number"] = "2095257564"
    }
    let rows = try CSVTestFiles.texts(csv)
    let header = try #require(rows.first).map { $0 ?? "" }
    // csv.DictReader's view: a key per heading, empty fields as "".
    let actual: [[String: String]] = rows.dropFirst().map { row in
      #expect(row.count == header.count)
      var record: [String: String] = [:]
      for (index, heading) in header.enumerated() {
        record[heading] = index < row.count ? (row[index] ?? "") : nil
      }
      return record
    }
    #expect(actual == expected)
  }
}

@Suite struct CSVWorkbookTests {
  @Test func readsAFileWithAByteOrderMarkAsUTF8Sig() throws {
    let workbook = try CSVWorkbook(files: [FixturePaths.url("real/dataquality/bom.csv")])
    let rows = try CSVTestFiles.records(workbook).map { $0.row }
    #expect(rows.map(\.number) == [1, 2])
    #expect(rows[0].cells == [.text("Identifier"), .text("Currency")])
    #expect(rows[1].cells == [.text("42"), .text("GBP")])
    #expect(workbook.encoding == "utf-8-sig")
    #expect(workbook.warnings.isEmpty)
  }

  @Test func readsPlainUTF8WithoutWarning() throws {
    let url = try CSVTestFiles.file(text: "a,b\n£5,café\n")
    let workbook = try CSVWorkbook(files: [url])
    let rows = try CSVTestFiles.records(workbook)
    #expect(rows[1].row.cells == [.text("£5"), .text("café")])
    #expect(workbook.encoding == "utf-8")
    #expect(workbook.warnings.isEmpty)
  }

  @Test func fallsBackToWindows1252WithTheOfficialWarning() throws {
    let url = FixturePaths.url("real/dataquality/fundingproviders-grants_2_grants_cp1252.csv")
    let workbook = try CSVWorkbook(files: [url])
    let rows = try CSVTestFiles.records(workbook)
    #expect(rows.count == 3)
    #expect(rows.allSatisfy { $0.row.cells.count == 24 })
    // 0x80 is the euro sign, 0xB1 plus-minus and 0xC1 A-acute in Windows-1252.
    #expect(rows[1].row.cells[0] == .text("360G-<~>\u{20AC}funding\u{20AC}providers-000001/X/00/X"))
    #expect(rows[2].row.cells[0] == .text("360G-<~>\u{20AC}funding\u{B1}\u{C1}providers-000002/X/00/X"))
    #expect(workbook.encoding == "cp1252")
    let warning = try #require(workbook.warnings.first)
    #expect(workbook.warnings.count == 1)
    #expect(warning.message == "This file is not 'utf-8' encoded (it is cp1252 encoded)")
    #expect(warning.locations.first?.file == url.path)
  }

  @Test func decodesThePoundSignAndTheC1RangeOfWindows1252() throws {
    // "£" (0xA3), "€" (0x80), "’" (0x92), "Ÿ" (0x9F) after an ASCII-only first chunk line.
    let url = try CSVTestFiles.file(bytes: Array("a,b\n".utf8) + [0xA3, 0x35, 0x2C, 0x80, 0x92, 0x9F, 0x0A])
    let workbook = try CSVWorkbook(files: [url])
    let rows = try CSVTestFiles.records(workbook)
    #expect(rows[1].row.cells == [.text("£5"), .text("€’Ÿ")])
    #expect(workbook.encoding == "cp1252")
  }

  @Test func fallsBackToLatin1WhenWindows1252LeavesAByteUndefined() throws {
    let url = try CSVTestFiles.file(bytes: [0x61, 0x0A, 0x81, 0xA3, 0x0A])
    let workbook = try CSVWorkbook(files: [url])
    let rows = try CSVTestFiles.records(workbook)
    #expect(rows[1].row.cells == [.text("\u{81}£")])
    #expect(workbook.encoding == "latin_1")
    #expect(workbook.warnings.first?.message == "This file is not 'utf-8' encoded (it is latin_1 encoded)")
  }

  @Test func decidesForTheWholeFileEvenWhenBadBytesComeLate() throws {
    // Valid UTF-8 "é" on line 2, a lone 0xE9 on line 3: the whole file is cp1252, like Python.
    let url = try CSVTestFiles.file(bytes: Array("a\nc\u{E9}\n".utf8) + [0xE9, 0x0A])
    let workbook = try CSVWorkbook(files: [url])
    let rows = try CSVTestFiles.records(workbook)
    #expect(rows.map { $0.row.cells } == [[.text("a")], [.text("cÃ©")], [.text("é")]])
  }

  @Test func rejectsInvalidUTF8AfterAByteOrderMarkNamingTheLine() throws {
    let url = try CSVTestFiles.file(bytes: [0xEF, 0xBB, 0xBF] + Array("a,b\n1,2\n3,\"x\ny".utf8) + [0xC3, 0x28] + Array("\"\n".utf8))
    let workbook = try CSVWorkbook(files: [url])
    #expect(throws: FeedError.invalidEncoding(
      file: url.path, line: 4,
      reason: "byte '0xC3' is not valid utf-8, although the file starts with a utf-8 byte-order mark")
    ) {
      try workbook.readRows(sheet: 0) { _ in }
    }
  }

  @Test func rejectsAnUnclosedQuoteNamingTheLineWhereItOpens() throws {
    let url = try CSVTestFiles.file(text: "a,b\r\n1,2\r\n3,\"open\r\nmore\r\n")
    #expect(throws: FeedError.malformedCSV(
      file: url.path, line: 3, reason: "a quoted field starts on this line and is never closed (a '\"' is missing)")
    ) {
      try CSVWorkbook(files: [url]).readRows(sheet: 0) { _ in }
    }
  }

  @Test func refusesAFieldBeyondTheSizeLimitInsteadOfGrowing() throws {
    let url = try CSVTestFiles.file(
      bytes: Array("a\n\"".utf8) + [UInt8](repeating: 0x78, count: CSVLimits.maxFieldBytes + 100))
    #expect {
      try CSVWorkbook(files: [url]).readRows(sheet: 0) { _ in }
    } throws: { error in
      guard case FeedError.limitExceeded(let file, _)? = error as? FeedError else { return false }
      return file == url.path
    }
  }

  @Test func readsSeveralFilesAsSheetsSortedByFileName() throws {
    let folder = try CSVTestFiles.folder()
    let names = ["grants.csv", "Beneficiary Location.csv", "Recipient Org.csv"]
    for (index, name) in names.enumerated() {
      try Data("Identifier\nrow-\(index)\n".utf8).write(to: folder.appendingPathComponent(name))
    }
    let workbook = try CSVWorkbook(files: names.map { folder.appendingPathComponent($0) })
    #expect(workbook.sheetNames == ["Beneficiary Location", "Recipient Org", "grants"])
    #expect(workbook.file(ofSheet: 2) == folder.appendingPathComponent("grants.csv").path)
    #expect(workbook.file == folder.appendingPathComponent("Beneficiary Location.csv").path)
    var seen: [String] = []
    for sheet in workbook.sheetNames.indices {
      try workbook.readRows(sheet: sheet) { row in
        if row.number == 2 { seen.append(row.cells[0]?.text ?? "") }
      }
    }
    #expect(seen == ["row-1", "row-2", "row-0"])
    #expect(workbook.encoding == "utf-8")
  }

  @Test func numbersRowsByRecordAndKeepsThePhysicalLine() throws {
    let url = try CSVTestFiles.file(text: "h1,h2\r\n1,\"two\r\nlines\"\r\n\r\n3,x\n\"a\rb\",y\n5,z")
    let records = try CSVTestFiles.records(CSVWorkbook(files: [url]))
    #expect(records.map(\.row.number) == [1, 2, 3, 4, 5])
    #expect(records.map(\.line) == [1, 2, 5, 6, 8])
    #expect(records[1].row.cells == [.text("1"), .text("two\r\nlines")])
    #expect(records[3].row.cells == [.text("a\rb"), .text("y")])
    #expect(records[4].row.cells == [.text("5"), .text("z")])
  }

  @Test func translatesLineBreaksInsideFieldsOnlyWhenAsked() throws {
    let url = try CSVTestFiles.file(text: "a,b\r\n\"one\r\ntwo\rthree\nfour\",x\r\n")
    let workbook = try CSVWorkbook(files: [url])
    #expect(try CSVTestFiles.records(workbook)[1].row.cells[0] == .text("one\r\ntwo\rthree\nfour"))
    workbook.translatesNewlines = true
    let records = try CSVTestFiles.records(workbook)
    #expect(records[1].row.cells == [.text("one\ntwo\nthree\nfour"), .text("x")])
    #expect(records.map(\.line) == [1, 2])
  }

  @Test func refusesARecordWithTooManyFields() throws {
    let url = try CSVTestFiles.file(text: "a\n" + String(repeating: ",", count: CSVLimits.maxFieldsPerRecord + 1))
    #expect {
      try CSVWorkbook(files: [url]).readRows(sheet: 0) { _ in }
    } throws: { error in
      guard case FeedError.limitExceeded(_, let reason)? = error as? FeedError else { return false }
      return reason.contains("line 2")
    }
  }

  @Test func readsLikePythonsCSVModule() throws {
    let rows = try CSVTestFiles.texts(
      CSVTestFiles.file(text: "a,b,c\n x , y ,\n5\" disk,\"ab\"cd,e\n\"\",,\nshort\n,,\n"))
    #expect(rows[1] == [" x ", " y ", nil])  // spaces kept, empty last field
    #expect(rows[2] == ["5\" disk", "abcd", "e"])  // literal quote; text after a closing quote
    #expect(rows[3] == [nil, nil, nil])  // empty quoted and unquoted fields are both empty
    #expect(rows[4] == ["short"])  // a short record has fewer cells: missing, not empty
    #expect(rows[5] == [nil, nil, nil])
    #expect(rows.count == 6)
    let quoted = try CSVTestFiles.texts(CSVTestFiles.file(text: "\"a\"\"b\" c,d\n\"x\"\"\"y\n"))
    #expect(quoted == [["a\"b c", "d"], ["x\"y"]])
  }

  @Test func deliversEveryRowOfAFileSpanningManyChunks() throws {
    var text = "Identifier,Title\n"
    let count = 40_000
    for index in 0..<count { text += "360G-x-\(index),\"Title, with comma \(index) and \"\"quotes\"\"\"\n" }
    #expect(text.utf8.count > CSVRecordReader.chunkSize)
    let url = try CSVTestFiles.file(text: text + "last,£\n")
    let records = try CSVTestFiles.records(CSVWorkbook(files: [url]))
    #expect(records.count == count + 2)
    #expect(records[count].row.cells == [.text("360G-x-\(count - 1)"), .text("Title, with comma \(count - 1) and \"quotes\"")])
    #expect(records.last?.row.cells == [.text("last"), .text("£")])
    #expect(records.last?.line == count + 2)
  }

  @Test func readsAnEmptyFileAsNoRows() throws {
    let workbook = try CSVWorkbook(files: [CSVTestFiles.file(bytes: [])])
    #expect(try CSVTestFiles.records(workbook).isEmpty)
    #expect(workbook.encoding == "utf-8")
  }

  @Test func readsTheSameSheetTwiceWithOneWarning() throws {
    let url = FixturePaths.url("real/dataquality/fundingproviders-grants_2_grants_cp1252.csv")
    let workbook = try CSVWorkbook(files: [url])
    let first = try CSVTestFiles.records(workbook)
    let second = try CSVTestFiles.records(workbook)
    #expect(first == second)
    #expect(workbook.warnings.count == 1)
  }

  /// Run with `GIVING_TIMING=1` after generating `/tmp/csv200k.csv` with
  /// `gen360.py --grants 200000 --format csv --seed 1`; prints rows per second.
  @Test(.enabled(if: ProcessInfo.processInfo.environment["GIVING_TIMING"] == "1"))
  func timesAGeneratedFile() throws {
    let path = ProcessInfo.processInfo.environment["GIVING_TIMING_FILE"] ?? "/tmp/csv200k.csv"
    let workbook = try CSVWorkbook(files: [URL(fileURLWithPath: path)])
    let clock = ContinuousClock()
    var rows = 0
    var cells = 0
    var bytes = 0
    let elapsed = try clock.measure {
      try workbook.readRows(sheet: 0) { row in
        rows += 1
        cells += row.cells.count
        for case .text(let text)? in row.cells { bytes += text.utf8.count }
      }
    }
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    print("csv timing: \(rows) rows, \(cells) cells (\(bytes) bytes of text) in \(seconds) s = \(Int(Double(rows) / seconds)) rows/s")
    #expect(rows > 0)
  }
}

/// ``CSVRecordReader/readFields(_:)`` (fields as bytes, for readers that want a few columns)
/// must read every record exactly as ``CSVRecordReader/read(_:)`` does, and count the same lines.
@Suite struct CSVFieldReadingTests {
  /// Each record's number and field texts, and the line count, read both ways.
  static func bothWays(_ url: URL) throws -> (cells: [[Int: String?]], fields: [[Int: String?]], lines: (Int, Int)) {
    func keyed(_ texts: [String?]) -> [Int: String?] {
      Dictionary(uniqueKeysWithValues: texts.enumerated().map { ($0.offset, $0.element) })
    }
    let byCells = try CSVRecordReader(url: url, encoding: .utf8)
    var cells: [[Int: String?]] = []
    try byCells.read { record in
      cells.append(keyed(record.row.cells.map { $0?.text }).merging([-1: String(record.row.number)]) { a, _ in a })
    }
    let byFields = try CSVRecordReader(url: url, encoding: .utf8)
    var fields: [[Int: String?]] = []
    try byFields.readFields { record in
      #expect((0..<record.count).allSatisfy { record.isEmpty($0) == (record.text($0) == nil) })
      fields.append(keyed((0..<record.count).map(record.text)).merging([-1: String(record.number)]) { a, _ in a })
    }
    return (cells, fields, (byCells.line, byFields.line))
  }

  static let awkward = [
    "h1,h2\r\n1,\"two\r\nlines\"\r\n\r\n3,x\n\"a\rb\",y\n5,z",
    "a,b,c\n x , y ,\n5\" disk,\"ab\"cd,e\n\"\",,\nshort\n,,\n",
    "\"a\"\"b\" c,d\n\"x\"\"\"y\n",
    "a\r\rb\r\n\r\nc\n\n\nd,\"e\r\n\r\nf\"\r",
    "",
    "\n\n",
    "only",
    "x,\"ab\"cd\"ef\",y\n",
  ]

  @Test(arguments: 0..<awkward.count)
  func readsAwkwardRecordsAsCellsAre(index: Int) throws {
    let url = try CSVTestFiles.file(text: Self.awkward[index])
    let read = try Self.bothWays(url)
    #expect(read.fields == read.cells)
    #expect(read.lines.1 == read.lines.0)
  }

  @Test(arguments: CSVSpectrumTests.cases)
  func readsEachCSVSpectrumCaseAsCellsAre(csv: URL) throws {
    let read = try Self.bothWays(csv)
    #expect(!read.cells.isEmpty)
    #expect(read.fields == read.cells)
    #expect(read.lines.1 == read.lines.0)
  }

  /// Records, quoted line breaks and CRLF pairs cut by the 64 KiB slices libcsv is fed.
  @Test func readsRecordsCutBySlicesAsCellsAre() throws {
    var text = "Identifier,Title,Note\r\n"
    for index in 0..<30_000 {
      text += "360G-x-\(index),\"Title, with \"\"quotes\"\"\r\nand a line \(index)\",\(index % 7 == 0 ? "" : "n")\r\n"
    }
    let url = try CSVTestFiles.file(text: text)
    #expect(text.utf8.count > 4 * CSVRecordReader.sliceSize)
    let read = try Self.bothWays(url)
    #expect(read.cells.count == 30_001)
    #expect(read.fields == read.cells)
    #expect(read.lines.1 == read.lines.0)
    #expect(read.lines.0 == 60_002)
  }

  /// Asked for the text of some columns only, it still tells every empty field from a filled
  /// one, and gives the text of the columns asked for, joined fields and all.
  @Test(arguments: 0..<awkward.count)
  func readsTheTextOfTheColumnsAskedFor(index: Int) throws {
    let url = try CSVTestFiles.file(text: Self.awkward[index])
    let wanted = [false, true]
    let all = try CSVRecordReader(url: url, encoding: .utf8)
    var expected: [[(Bool, String?)]] = []
    try all.readFields { record in
      expected.append((0..<record.count).map { ($0 < 2 && !wanted[$0] ? !record.isEmpty($0) : true, record.text($0)) })
    }
    let some = try CSVRecordReader(url: url, encoding: .utf8)
    var n = 0
    try some.readFields(textOf: wanted) { record in
      #expect(record.count == expected[n].count)
      for column in 0..<record.count {
        if column < 2 && !wanted[column] {
          #expect(!record.isEmpty(column) == expected[n][column].0)
        } else {
          #expect(record.text(column) == expected[n][column].1)
        }
      }
      n += 1
    }
    #expect(n == expected.count)
    #expect(some.line == all.line)
  }

  @Test func refusesAFieldBeyondTheSizeLimit() throws {
    let url = try CSVTestFiles.file(text: "a\n\"" + String(repeating: "x", count: CSVLimits.maxFieldBytes + 10) + "\"\n")
    #expect(throws: FeedError.self) { try CSVRecordReader(url: url, encoding: .utf8).readFields { _ in } }
  }
}
