import Foundation
@testable import GivingKit
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

  /// What `prepare` works out must not depend on the thread it runs on: the reader prepares
  /// while the consumer is behind, the consumer while the reader is (here: each is slowed in
  /// turn), and `noting` sees every grant on the reader, in order.
  @Test func preparesOnWhicheverThreadHasLessToDo() throws {
    struct Prepared: GrantDerived {
      var id: String?
      var onReader: Bool
      mutating func renumber(index: Int, rowsDown: Int32) {}
    }
    final class Noted: @unchecked Sendable {
      let lock = NSLock()
      var ids: [String?] = []
    }
    let feed = try GrantFeed(files: [FixturePaths.url("sample/grants.json")])
    let (plain, _) = try feed.readAll()
    let consumer = pthread_self()
    let noted = Noted()
    var prepared: [Prepared] = []
    var consumed: [Grant] = []
    try feed.readPipelined(
      batchSize: 8, depth: 4,
      preparingNumbered: { Prepared(id: $0.id, onReader: pthread_equal(pthread_self(), consumer) == 0) },
      noting: { grant in
        noted.lock.withLock { noted.ids.append(grant.id) }
        if grant.index >= plain.count / 2 { usleep(2_000) }  // the reader falls behind (long enough under TSan too)
      }
    ) { grant, value in
      if grant.index < plain.count / 2 { usleep(2_000) }  // the consumer falls behind
      consumed.append(grant)
      prepared.append(value)
    }
    #expect(consumed == plain)
    #expect(prepared.map(\.id) == plain.map(\.id))
    #expect(noted.ids == plain.map(\.id))
    #expect(prepared.contains { $0.onReader })
    #expect(prepared.contains { !$0.onReader })
  }
}
