import Foundation
import GivingKit
import GivingTestSupport
import Testing

/// A validation that summarises as it reads (`FeedValidator.summarises`, what `giving report`
/// does) gives the summary `giving summary` gives: the duplicate ids there come from the
/// validation's own table of ids, here from the summary's.
@Suite struct SummaryDuringValidationTests {
  static let files: [URL] = ["real/360-dei", "real/dataquality", "real/dataquality-tools-data", "real/flatten-tool", "real/standard", "sample", "scattered"]
    .flatMap { FixturePaths.files(in: $0, extensions: ["json", "csv", "xlsx", "ods"]) }

  @Test func filesWithDuplicateIDsAreAmongThem() throws {
    var withDuplicates = 0
    for url in Self.files {
      guard let feed = try? GrantFeed(files: [url]) else { continue }
      var builder = GrantsSummary.Builder()
      guard (try? feed.read({ builder.add($0) })) != nil else { continue }
      if !builder.summary().duplicateIds.isEmpty { withDuplicates += 1 }
    }
    #expect(Self.files.count > 40)
    #expect(withDuplicates >= 2)
  }

  @Test(arguments: files)
  func theSameSummary(file: URL) throws {
    guard let feed = try? GrantFeed(files: [file]) else { return }
    var builder = GrantsSummary.Builder()
    guard (try? feed.read({ builder.add($0) })) != nil else {
      // A file that cannot be read gets no summary either way.
      let validator = try FeedValidator(now: CheckDate(year: 2026, month: 11, day: 25))
      validator.summarises = true
      #expect(validator.validate(feed).summary == nil)
      return
    }
    let validator = try FeedValidator(now: CheckDate(year: 2026, month: 11, day: 25))
    validator.summarises = true
    let report = validator.validate(feed)
    #expect(report.summary == builder.summary(file: report.file), "\(file.lastPathComponent)")
  }
}
