import Foundation
import GivingTestSupport
@testable import GivingKit
import Testing

/// Every reader counts what it reads in ``ReadProgress``: the bytes of the file (for a
/// workbook, the compressed bytes behind its sheets and shared strings) and every grant once.
@Suite struct ReadProgressTests {
  /// Reads `feed` with a fresh progress and returns it with the grants the read delivered.
  func read(_ feed: GrantFeed) throws -> (progress: ReadProgress, grants: Int) {
    var feed = feed
    let progress = ReadProgress(feeds: [feed])
    feed.progress = progress
    let report = try feed.read { _ in }
    return (progress, report.grantCount)
  }

  @Test(arguments: [
    "sample/grants.json", "sample/grants.csv", "fuzz-seeds/xml/xml-format-example.xml",
  ])
  func textFormatsCountEveryByteAndGrant(_ fixture: String) throws {
    let url = FixturePaths.url(fixture)
    let size = try #require(try FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int)
    let (progress, grants) = try read(try GrantFeed(files: [url]))
    #expect(grants > 0)
    #expect(progress.grantsRead == grants)
    #expect(progress.totalBytes == size)
    #expect(progress.bytesRead == size)
    #expect(progress.file == url.path)
  }

  @Test func aCSVFileReadOnEveryCoreCountsEachRangeOnce() throws {
    let url = FixturePaths.url("sample/grants.csv")
    var feed = try GrantFeed(files: [url])
    feed.parallelMinimumSize = 0
    feed.parallelChunkSize = 16 << 10
    #expect(try feed.parallelReader() != nil)
    let (progress, grants) = try read(feed)
    #expect(grants == 500)
    #expect(progress.grantsRead == 500)
    #expect(progress.bytesRead == progress.totalBytes)
  }

  @Test func aWorkbookCountsMostOfItsBytes() throws {
    let url = FixturePaths.url("real/dataquality/badfile_too_many_rows.xlsx")
    let (progress, grants) = try read(try GrantFeed(files: [url]))
    #expect(grants > 0)
    #expect(progress.grantsRead == grants)
    // The small parts (styles, relationships) are not counted.
    #expect(progress.bytesRead > progress.totalBytes / 2, "\(progress.bytesRead) of \(progress.totalBytes)")
    #expect(progress.bytesRead <= progress.totalBytes)
  }

  @Test func anODSSpreadsheetCountsEachSheetAsItIsRead() throws {
    // The Meta sheet, read first, comes after the grants: reaching it must not count them.
    func cell(_ text: String) -> String {
      #"<table:table-cell office:value-type="string"><text:p>\#(text)</text:p></table:table-cell>"#
    }
    func row(_ texts: [String]) -> String { "<table:table-row>" + texts.map(cell).joined() + "</table:table-row>" }
    var tables = #"<table:table table:name="grants">"#
    tables += row(["Identifier", "Title", "Currency", "Amount Awarded", "Award Date"])
    for i in 0..<5_000 { tables += row(["360G-ods-\(i)", "Grant number \(i) of many", "GBP", "\(1_000 + i)", "2024-01-01"]) }
    tables += "</table:table>"
    tables += #"<table:table table:name="Meta">"# + row(["Publisher:Name", "A funder"]) + "</table:table>"
    let url = try TestWorkbooks.ods(tables: tables)
    defer { TestWorkbooks.remove(url) }
    var feed = try GrantFeed(files: [url])
    let progress = ReadProgress(feeds: [feed])
    feed.progress = progress
    // The count grows while the grants are read, not all at once.
    var countsSeen = Set<Int>()
    let report = try feed.read { _ in countsSeen.insert(progress.bytesRead) }
    #expect(report.grantCount == 5_000)
    #expect(progress.grantsRead == 5_000)
    #expect(countsSeen.count > 2)
    #expect(progress.bytesRead > progress.totalBytes / 2, "\(progress.bytesRead) of \(progress.totalBytes)")
    #expect(progress.bytesRead <= progress.totalBytes)
  }

  @Test func validatingCountsOnlyTheFirstReadOfAFeed() throws {
    // A package with the DEI extension is validated twice, the second time with its schema.
    let grants = try ["simple", "not-asked-not-applicable"].map {
      try String(contentsOf: FixturePaths.url("real/360-dei/\($0).json"), encoding: .utf8)
    }
    let url = ScratchSpace.root.appendingPathComponent("read-progress-dei-\(UUID().uuidString).json")
    try Data(#"{"extensions": ["dei"], "grants": [\#(grants.joined(separator: ","))]}"#.utf8).write(to: url)
    let validator = try FeedValidator(now: CheckDate(year: 2026, month: 11, day: 25))
    let progress = ReadProgress(paths: [url.path])
    validator.progress = progress
    let report = validator.validate(path: url.path)
    #expect(report.error == nil)
    #expect(report.grants == 2)
    #expect(progress.grantsRead == 2)
    #expect(progress.bytesRead == progress.totalBytes)

    // The same with the feed's own progress.
    let own = ReadProgress(paths: [url.path])
    var feed = try GrantFeed(files: [url])
    feed.progress = own
    #expect(try FeedValidator(now: CheckDate(year: 2026, month: 11, day: 25)).validate(feed).grants == 2)
    #expect(own.grantsRead == 2)
    #expect(own.bytesRead == own.totalBytes)
  }

  @Test func aggregatingCountsTheGrantsReadStraightFromRows() throws {
    var feed = try GrantFeed(files: [FixturePaths.url("sample/grants.csv")])
    feed.parallelMinimumSize = 0
    feed.parallelChunkSize = 16 << 10
    let progress = ReadProgress(feeds: [feed])
    feed.progress = progress
    _ = try Aggregator.aggregate([feed], options: AggregationOptions(keys: [.funder]))
    #expect(progress.grantsRead == 500)
    #expect(progress.bytesRead == progress.totalBytes)
  }

  @Test func writingASheetCountsBothReads() throws {
    var feed = try GrantFeed(files: [FixturePaths.url("sample/grants.json")])
    let size = feed.byteCount
    let progress = ReadProgress(feeds: [feed])
    feed.progress = progress
    let output = ScratchSpace.root.appendingPathComponent("read-progress-\(UUID().uuidString).csv")
    try Converter.convert(feed, to: .csv, path: output.path)
    #expect(progress.totalBytes == 2 * size)
    #expect(progress.bytesRead == 2 * size)
    #expect(progress.grantsRead == 1000)
  }
}
