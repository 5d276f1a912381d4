import Foundation
import GivingTestSupport
@testable import GivingKit
import Testing

/// Rows of one Identifier that are not next to each other merge into one grant, as
/// flatten-tool merges every row of a sheet with the same Identifier (SPEC.md §2.3), in every
/// spreadsheet format and whether the file is read on one core or on several.
///
/// `Fixtures/scattered/grants.csv` was written by hand (its XLSX and ODS copies converted from
/// it by LibreOffice, `Fixtures/SOURCES.md`); the grants below were worked out from it by hand:
/// - `360G-x-1` (rows 2, 4, 11): the first amount (100) is kept against 150 (a conflict
///   naming D2 and D4); the three locations have no `id`, so each is appended; the recipient
///   `GB-CHC-1` of row 4 is the one of row 2 (merged by its `id`).
/// - `360G-x-2` (rows 3, 8): the title "Second" is kept against "Second again" (B3, B8);
///   the two recipients have different ids, so both are kept.
/// - `360G-x-3` (rows 5, 7): the row without an Identifier between them separates them.
/// - the row without an Identifier (row 6) is a grant of its own, where it is.
/// - `360G-x-4` (rows 9, 10): next to each other.
@Suite struct ScatteredRowsTests {
  static let handMadeGrants = """
    [
      {"id": "360G-x-1", "title": "First", "currency": "GBP", "amountAwarded": 100,
       "beneficiaryLocation": [{"name": "Leeds"}, {"name": "Bradford"}, {"name": "Leeds"}],
       "recipientOrganization": [{"id": "GB-CHC-1", "name": "Org One"}]},
      {"id": "360G-x-2", "title": "Second", "currency": "GBP", "amountAwarded": 200,
       "beneficiaryLocation": [{"name": "York"}, {"name": "Hull"}],
       "recipientOrganization": [{"id": "GB-CHC-2", "name": "Org Two"}, {"id": "GB-CHC-3", "name": "Org Three"}]},
      {"id": "360G-x-3", "title": "Third", "currency": "GBP", "amountAwarded": 300,
       "beneficiaryLocation": [{"name": "Wakefield"}]},
      {"title": "No id", "currency": "GBP", "amountAwarded": 5},
      {"id": "360G-x-4", "title": "Fourth", "currency": "GBP", "amountAwarded": 400,
       "beneficiaryLocation": [{"name": "Selby"}]}
    ]
    """

  /// A JSON value as Foundation reads it, so that objects compare without regard to the
  /// order of their members.
  static func foundation(_ value: JSONValue) throws -> NSObject {
    try #require(try JSONSerialization.jsonObject(with: Data(JSONWriter().string(value).utf8)) as? NSObject)
  }

  static func read(_ feed: GrantFeed) throws -> ([Grant], FeedReport) {
    var grants: [Grant] = []
    let report = try feed.read { grants.append($0) }
    return (grants, report)
  }

  @Test(arguments: ["grants.csv", "grants.xlsx", "grants.ods"])
  func handMadeSheetMergesAsWorkedOutByHand(file: String) throws {
    let feed = try GrantFeed(files: [FixturePaths.url("scattered/" + file)])
    let (grants, report) = try Self.read(feed)
    let expected = try JSONValue(parsing: Array(Self.handMadeGrants.utf8))
    #expect(try Self.foundation(.array(grants.map(\.json))) == Self.foundation(expected))
    #expect(grants.map(\.index) == Array(0..<5))
    #expect(report.grantCount == 5)
    #expect(report.rowsRead == 10)
    // Each grant names its rows in row order, the first being where it stands.
    #expect(grants.map { $0.source.rowsAndCells?.rows.map(\.row) ?? [] } == [[2, 4, 11], [3, 8], [5, 7], [6], [9, 10]])
    let conflicts = report.warnings.filter { $0.message.hasPrefix("You may have a duplicate Identifier") }
    #expect(conflicts.count == 2)
    #expect(report.warnings.count == 2)
    #expect(conflicts.map { $0.locations.map { "\($0.columnLetter ?? "?")\($0.row ?? 0)" } } == [["D2", "D4"], ["B3", "B8"]])
    #expect(conflicts.first?.message.hasSuffix(#"with the id "360G-x-1": field "amountAwarded" in sheet "grants": one cell has the value: "100", the other cell has the value: "150""#) == true)
    #expect(conflicts.last?.message.hasSuffix(#"with the id "360G-x-2": field "title" in sheet "grants": one cell has the value: "Second", the other cell has the value: "Second again""#) == true)
  }

  @Test(arguments: ["grants.csv", "grants.xlsx", "grants.ods"])
  func withoutMergingScatteredRowsARepeatIsASeparateGrantWithAWarning(file: String) throws {
    var feed = try GrantFeed(files: [FixturePaths.url("scattered/" + file)])
    feed.mergesScatteredRows = false
    let (grants, report) = try Self.read(feed)
    // Only the rows of 360G-x-4, next to each other, merge.
    #expect(grants.map(\.id) == ["360G-x-1", "360G-x-2", "360G-x-1", "360G-x-3", nil, "360G-x-3", "360G-x-2", "360G-x-4", "360G-x-1"])
    let separated = report.warnings.filter { $0.message.contains("are not next to each other") }
    #expect(separated.map { $0.locations.first?.row } == [4, 7, 8, 11])
    #expect(report.warnings.count == 4)
  }

  /// A file large enough to read on every core is read on one when some of its rows are
  /// scattered, and gives what the one-core reader gives; without merging them, it is read
  /// in ranges as before.
  @Test func aFileReadInRangesMergesItsScatteredRowsAsTheSequentialReaderDoes() throws {
    let url = FixturePaths.url("scattered/dirty-2000/grants.csv")
    var feed = try GrantFeed(files: [url])
    feed.parallelMinimumSize = 0
    feed.parallelChunkSize = 16 << 10
    #expect(try feed.parallelReader() == nil)
    let (grants, report) = try Self.read(feed)

    let sequential = SpreadsheetFeedReader(workbook: try CSVWorkbook(files: [url]))
    var expected: [Grant] = []
    let expectedReport = try sequential.read { expected.append($0) }
    #expect(grants == expected)
    #expect(report.warnings == expectedReport.warnings)
    #expect(report.grantCount == expectedReport.grantCount)

    feed.mergesScatteredRows = false
    #expect(try feed.parallelReader() != nil)
    // gen360 wrote 2000 rows, none next to a row with the same Identifier.
    #expect(try Self.read(feed).1.grantCount == 2000)
  }

  @Test func aFileWithoutScatteredRowsIsStillReadInRanges() throws {
    var feed = try GrantFeed(files: [FixturePaths.url("sample/grants.csv")])
    feed.parallelMinimumSize = 0
    #expect(try feed.parallelReader() != nil)
  }

  /// Every CSV fixture that could be read in ranges: the quick scan of the Identifiers finds
  /// what libcsv's fields give, or gives up.
  @Test func theQuickScanOfIdentifiersAgreesWithLibCSVOrGivesUp() throws {
    var files: [URL] = []
    for folder in ["real", "sample", "scattered", "conformance/csv-spectrum", "aggregate"] {
      let root = FixturePaths.url(folder)
      let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)
      while let url = walker?.nextObject() as? URL {
        if url.pathExtension.lowercased() == "csv" { files.append(url) }
      }
    }
    #expect(files.count > 20)
    var scanned = 0
    for url in files {
      guard let plan = try? ParallelCSVFeedReader.plan(for: url, titles: .grant, minimumSize: 0),
        let expected = try? ParallelCSVFeedReader.scatteredIDsFromFields(of: plan)
      else { continue }
      guard let quick = try IDColumnScanner(plan: plan).scatteredIDs() else { continue }
      scanned += 1
      #expect(quick == expected, "\(url.path)")
    }
    #expect(scanned > 10)
  }

  @Test func theQuickScanReadsQuotesAndLineBreaksAsPythonDoes() throws {
    let text =
      "Title,Identifier,Description\r\n"
      + "\"one, with a comma\",\"id \"\"1\"\"\",\"line\r\nbreak, and \"\"quotes\"\"\"\r\n"
      + "two,id-2,a \"literal\" quote\r\n"
      + "\r\n"
      + "three,\"id \"\"1\"\"\",\"\"\r\n"
      + "four,id-2,x,\"y\nz\"\r\n"
      + "five,,nothing\r\n"
      + "six,id-2,last"
    let url = ScratchSpace.root.appendingPathComponent("giving-quick-\(UUID().uuidString).csv")
    defer { try? FileManager.default.removeItem(at: url) }
    try Data(text.utf8).write(to: url)
    let plan = try #require(try ParallelCSVFeedReader.plan(for: url, titles: .grant, minimumSize: 0))
    let quick = try #require(try IDColumnScanner(plan: plan).scatteredIDs())
    #expect(quick == (try ParallelCSVFeedReader.scatteredIDsFromFields(of: plan)))
    // `id "1"` comes back after id-2; id-2 after it, and after the row without one.
    #expect(quick.contains("id \"1\""))
    #expect(quick.contains("id-2"))
    #expect(quick.count == 2)
  }

  @Test func theQuickScanGivesUpOnALoneCarriageReturn() throws {
    let url = ScratchSpace.root.appendingPathComponent("giving-quick-\(UUID().uuidString).csv")
    defer { try? FileManager.default.removeItem(at: url) }
    try Data("Identifier,Title\na,A\rb,B\na,C\n".utf8).write(to: url)
    let plan = try #require(try ParallelCSVFeedReader.plan(for: url, titles: .grant, minimumSize: 0))
    #expect(try IDColumnScanner(plan: plan).scatteredIDs() == nil)
  }

  @Test func idsAreScatteredOnlyByTheirBytes() {
    var finder = ScatteredIDs.Finder()
    // "é" composed and decomposed: equal Swift strings, different ids in Python.
    for id in ["caf\u{E9}", "cafe\u{301}", "b", "caf\u{E9}", nil, "b", "b"] { finder.note(id) }
    #expect(finder.found.contains("caf\u{E9}"))
    #expect(!finder.found.contains("cafe\u{301}"))
    #expect(finder.found.contains("b"))
    #expect(finder.found.count == 2)
  }
}
