import Foundation
import GivingTestSupport
@testable import GivingKit
import Testing

/// A large CSV file is validated on every core: schema findings, codelist values, unknown
/// fields and whole-grant hashes are worked out on the workers before a grant is numbered in
/// the feed, and renumbered after. The report must be exactly that of a sequential read.
@Suite struct ParallelValidationTests {
  func report(_ url: URL, parallel: Bool) throws -> String {
    var feed = try GrantFeed(files: [url])
    // Ranges of a few hundred bytes, so that every file is cut many times.
    feed.parallelMinimumSize = parallel ? 0 : .max
    feed.parallelChunkSize = 512
    let now = CheckDate(year: 2026, month: 11, day: 25)
    let report = try FeedValidator(now: now).validate(feed)
    var bytes: [UInt8] = []
    try ValidationReportWriter(now: now).write([report]) { bytes += $0 }
    return String(decoding: bytes, as: UTF8.self)
  }

  @Test func parallelAndSequentialValidationAgree() throws {
    let files = try DirectRowsTests.csvFiles()
    defer { files.remove() }
    var withFindings = 0
    for url in files.urls where try ParallelCSVFeedReader.plan(for: url, titles: .grant, minimumSize: 0) != nil {
      let sequential = try report(url, parallel: false)
      #expect(try report(url, parallel: true) == sequential, "\(url.lastPathComponent)")
      if sequential.contains("\"schemaErrors\":[{") { withFindings += 1 }
    }
    // Schema errors in later ranges are the ones renumbered: some files must have them.
    #expect(withFindings >= 3)
  }
}
