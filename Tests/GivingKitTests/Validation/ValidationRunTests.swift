import Foundation
import GivingTestSupport
@testable import GivingKit
import Testing

/// Many feeds in one run: validated several at once, each report exactly the report of the
/// feed validated alone and handed on in the order given, and the ids that grants of
/// different feeds share found with a place in each.
@Suite struct ValidationRunTests {
  static let now = CheckDate(year: 2026, month: 11, day: 25)

  /// The real fixtures, but the two workbooks of tens of thousands of rows (slow in a debug build).
  static func fixtures() -> [String] {
    let folder = FixturePaths.url("real")
    let files = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil)?
      .compactMap { ($0 as? URL)?.path } ?? []
    return files.filter { path in
      var isFolder: ObjCBool = false
      FileManager.default.fileExists(atPath: path, isDirectory: &isFolder)
      return !isFolder.boolValue && !path.hasSuffix(".md") && !path.contains("too_many_rows")
    }.sorted()
  }

  static func json(_ report: ValidationReport) throws -> String {
    var bytes: [UInt8] = []
    try ValidationReportWriter(now: now).write(report, number: 0) { bytes += $0 }
    return String(decoding: bytes, as: UTF8.self)
  }

  @Test func reportsAreThoseOfEachFeedAloneInTheOrderGiven() throws {
    let paths = Self.fixtures()
    try #require(paths.count >= 40)
    // A budget smaller than the larger files, so that some are validated alone and the small
    // ones two at a time, finishing out of order.
    let run = ValidationRun(now: Self.now, workers: 2, bytesInFlight: 64 << 10)
    var delivered: [ValidationReport] = []
    let outcome = try run.validate(paths.map { FeedGroups.Group(files: [$0]) }) { delivered.append($0) }
    #expect(delivered.map(\.file) == paths)
    #expect(outcome.verdicts.map(\.file) == paths)
    let alone = try FeedValidator(now: Self.now)
    for (path, report) in zip(paths, delivered) {
      #expect(try Self.json(report) == Self.json(alone.validate(path: path)), "\(path)")
    }
    #expect(outcome.totals.files == paths.count)
    #expect(outcome.totals.grants == delivered.reduce(0) { $0 + ($1.error == nil ? $1.grants : 0) })
    #expect(outcome.totals.unreadable == delivered.count { $0.error != nil })
  }

  @Test func idsSharedByFeedsAreThoseFoundInMoreThanOneFeed() throws {
    let paths = Self.fixtures()
    // Worked out apart: every file's string ids, read with the feed reader.
    var filesByID: [String: [String]] = [:]
    var order: [String] = []
    for path in paths {
      guard let feed = try? GrantFeed(paths: [path]) else { continue }
      var seen: Set<String> = []
      _ = try? feed.read { grant in
        guard case .string(let id)? = grant.json["id"], seen.insert(id).inserted else { return }
        if filesByID[id] == nil { order.append(id) }
        filesByID[id, default: []].append(path)
      }
    }
    let shared = order.filter { filesByID[$0]!.count > 1 }
    try #require(!shared.isEmpty, "the fixtures share ids (the two-grant examples appear in many files)")

    let run = ValidationRun(now: Self.now, workers: 2)
    let outcome = try run.validate(paths.map { FeedGroups.Group(files: [$0]) }) { _ in }
    #expect(outcome.totals.crossFileDuplicateIDs == shared.count)
    #expect(Set(outcome.crossFeedDuplicates.map(\.id)) == Set(shared))
    for duplicate in outcome.crossFeedDuplicates {
      #expect(duplicate.copies.map(\.file) == filesByID[duplicate.id], "\(duplicate.id)")
    }
  }

  @Test func onlyTheFirstDuplicatedIdsKeepTheirPlacesButAllAreCounted() {
    var shared = CrossFeedDuplicates(detailLimit: 1)
    var first = FeedIDList()
    var second = FeedIDList()
    var third = FeedIDList()
    for (row, id) in ["A", "B", "C", "A"].enumerated() { first.append(id, at: .row(sheet: 0, row: Int32(row + 2))) }
    for (row, id) in ["C", "B", "D"].enumerated() { second.append(id, at: .row(sheet: 0, row: Int32(row + 2))) }
    for (row, id) in ["B", "C"].enumerated() { third.append(id, at: .row(sheet: 0, row: Int32(row + 2))) }
    shared.merge(first, feed: 0)
    shared.merge(second, feed: 1)
    shared.merge(third, feed: 2)
    // C and B are in the first and second feed; both again in the third, counted once each.
    #expect(shared.count == 2)
    let sources = FeedSources(sheets: [FeedSources.Sheet(file: "f", name: "s", headings: ["Identifier"])])
    let found = shared.duplicates(feeds: [("a.csv", sources), ("b.csv", sources), ("c.csv", sources)])
    #expect(found.map(\.id) == ["C"])
    #expect(found.first?.copies.map(\.row) == [4, 2, 3])
  }
}
