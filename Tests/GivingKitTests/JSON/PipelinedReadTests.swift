import Foundation
import GivingKit
import GivingTestSupport
import Testing

@Suite struct PipelinedReadTests {
  @Test func deliversTheSameGrantsInTheSameOrder() throws {
    let feed = try GrantFeed(files: [FixturePaths.url("sample/grants.json")])
    let (plain, _) = try feed.readAll()
    var piped: [Grant] = []
    let report = try feed.readPipelined(batchSize: 7, depth: 2) { piped.append($0) }
    #expect(piped == plain)
    #expect(report.grantCount == plain.count)
  }

  @Test func passesReadErrorsThrough() throws {
    let feed = try GrantFeed(files: [FixturePaths.url("real/dataquality/fundingproviders-grants_malformed.json")])
    #expect(throws: FeedError.self) { try feed.readPipelined { _ in } }
  }

  @Test func stopsReadingWhenTheConsumerThrows() throws {
    struct Stop: Error {}
    let feed = try GrantFeed(files: [FixturePaths.url("sample/grants.csv")])
    var seen = 0
    #expect(throws: Stop.self) {
      try feed.readPipelined(batchSize: 4, depth: 1) { _ in
        seen += 1
        if seen == 10 { throw Stop() }
      }
    }
    #expect(seen == 10)
  }
}
