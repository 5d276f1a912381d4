import Foundation
import GivingTestSupport
@testable import GivingKit
import Synchronization
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

/// Whole grants are compared (libcove's `uniqueItems` without ids) only once some grant has no
/// id, which may be long after the grants that are the same: grants are hashed while reading
/// from the first grant without an id on, and the ones before it are read again.
@Suite struct WholeGrantDuplicateTests {
  func uniqueItemsErrors(_ grants: [String]) throws -> [String] {
    let url = ScratchSpace.root.appendingPathComponent("giving-whole-\(UUID().uuidString).json")
    defer { try? FileManager.default.removeItem(at: url) }
    try Data(#"{"grants": [\#(grants.joined(separator: ","))]}"#.utf8).write(to: url)
    let report = try FeedValidator(now: CheckDate(year: 2026, month: 11, day: 25)).validate(GrantFeed(files: [url]))
    return report.schemaErrors.filter { $0.error.validator == "uniqueItems" }.map(\.error.message)
  }

  @Test func sameGrantsAreFoundWhenAGrantWithoutIdComesAfterThem() throws {
    let same = #"{"id": "360G-a", "title": "t", "amountAwarded": 1}"#
    let other = #"{"id": "360G-b", "title": "t", "amountAwarded": 1}"#
    let noID = #"{"title": "no id"}"#
    #expect(try uniqueItemsErrors([same, other, same, noID]) == ["Array has non-unique elements"])
    // Without a grant lacking its id, the repeated id is what is reported.
    #expect(try uniqueItemsErrors([same, other, same]) == ["Non-unique id values"])
    // A grant without id and no two grants the same: nothing.
    #expect(try uniqueItemsErrors([same, other, noID]).isEmpty)
    // One copy before the grant without id (read again), one after (hashed while reading).
    #expect(try uniqueItemsErrors([same, noID, same]) == ["Array has non-unique elements"])
    // Both after it: found in the first read.
    #expect(try uniqueItemsErrors([noID, other, same, same]) == ["Array has non-unique elements"])
    // The same id on grants that differ: the id is reported, whichever side of the grant without id.
    let sameIDOtherTitle = #"{"id": "360G-a", "title": "u", "amountAwarded": 1}"#
    #expect(try uniqueItemsErrors([same, noID, sameIDOtherTitle]) == ["Non-unique id values"])
  }
}

/// A report that shows a few locations per finding keeps only those: the counts stay exact
/// and the locations kept are the first ones.
@Suite struct KeptLocationsTests {
  @Test func aLimitKeepsTheFirstOccurrencesAndExactCounts() throws {
    let url = FixturePaths.url("sample/grants.csv")
    let now = CheckDate(year: 2026, month: 11, day: 25)
    let every = try FeedValidator(now: now).validate(GrantFeed(files: [url]))
    let limited = try FeedValidator(now: now)
    limited.maxLocations = 2
    let few = limited.validate(try GrantFeed(files: [url]))
    #expect(every.checks.contains { $0.occurrences.count > 2 }, "the sample must have a check with more than two occurrences")
    #expect(few.checks.map(\.result) == every.checks.map(\.result))
    for (all, kept) in zip(every.checks, few.checks) {
      #expect(kept.occurrenceCount == all.occurrences.count, "\(all.result.type)")
      #expect(kept.occurrences.map(few.path(of:)) == all.occurrences.prefix(2).map(every.path(of:)), "\(all.result.type)")
      #expect(kept.occurrences.map(\.place) == all.occurrences.prefix(2).map(\.place), "\(all.result.type)")
    }
  }
}

/// Workers validate with their own copy of the schemas (``PerThread``): each thread gets one
/// value and keeps it; the first thread gets the caller's own.
@Suite struct PerThreadTests {
  final class Box: Sendable {
    let isFirst: Bool
    init(isFirst: Bool) { self.isFirst = isFirst }
  }

  @Test func eachThreadGetsItsOwnValueAndKeepsIt() throws {
    let made = Mutex(0)
    let values = PerThread<Box> { isFirst in
      made.withLock { $0 += 1 }
      return Box(isFirst: isFirst)
    }
    let mine = values.current
    #expect(mine.isFirst)
    #expect(values.current === mine)
    // The values themselves are kept: a thread's value is released when it ends.
    let others = Mutex<[Box]>([])
    let threads = (0..<3).map { _ in
      Thread {
        let value = values.current
        #expect(!value.isFirst)
        #expect(values.current === value)
        others.withLock { $0.append(value) }
      }
    }
    threads.forEach { $0.start() }
    while others.withLock({ $0.count }) < 3 { usleep(1000) }
    #expect(Set((others.withLock { $0 } + [mine]).map(ObjectIdentifier.init)).count == 4)
    #expect(made.withLock { $0 } == 4)
    // Another PerThread gives this thread a new value.
    let next = PerThread<Box> { Box(isFirst: $0) }
    #expect(next.current.isFirst)
  }
}
