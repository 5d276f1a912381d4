import Foundation
import GivingKit
import GivingTestSupport
import Testing

/// `Aggregator.ranking(largest:)`, what the report's funder and recipient charts are drawn from.
@Suite struct RankingTests {
  private func aggregator(
    _ feeds: [GrantFeed], key: AggregationKey, measures: AggregationMeasures
  ) throws -> Aggregator {
    var options = AggregationOptions(keys: [key])
    options.measures = measures
    var aggregator = try Aggregator(options: options)
    for feed in feeds { try aggregator.aggregate(feed) }
    return aggregator
  }

  @Test func keepsTheLargestPerCurrencyAndAddsUpTheRest() throws {
    let grants = [
      Grants.grant("1", amount: Grants.money("300"), recipient: "GB-CHC-A"),
      Grants.grant("2", amount: Grants.money("300"), recipient: "GB-CHC-B"),
      Grants.grant("3", amount: Grants.money("499.99"), recipient: "GB-CHC-C"),
      Grants.grant("4", amount: Grants.money("0.01"), recipient: "GB-CHC-C"),
      Grants.grant("5", amount: Grants.money("100.10"), recipient: "GB-CHC-D"),
      Grants.grant("6", amount: Grants.money("49.95"), recipient: "GB-CHC-E"),
      Grants.grant("7", amount: Grants.money("10"), currency: "USD", recipient: "GB-CHC-F"),
    ]
    let ranking = try aggregator([Grants.feed(grants)], key: .recipient, measures: .totals).ranking(largest: 2)
    let kept = ranking.result.groups.map { [$0.currency, $0.key[0].text, "\($0.total)", "\($0.grants)"] }
    // C's two grants make 500; A and B tie at 300 and A comes first by its key.
    #expect(kept == [["GBP", "GB-CHC-C", "500", "2"], ["GBP", "GB-CHC-A", "300", "1"], ["USD", "GB-CHC-F", "10", "1"]])
    // B, D and E: 300 + 100.10 + 49.95.
    let others = try #require(ranking.others["GBP"])
    #expect(others.groups == 3)
    #expect(others.grants == 3)
    #expect(others.total == Decimal(string: "450.05"))
    #expect(!others.split)
    #expect(ranking.others["USD"] == nil)
    #expect(ranking.result.grantsCounted == 7)
  }

  /// On a published file, the kept groups are the first of the full result ordered by total
  /// (then key), with the same totals, and the others add up to the rest of it.
  @Test(arguments: [AggregationKey.recipient, .funder])
  func agreesWithTheFullResult(key: AggregationKey) throws {
    let feeds = [
      try GrantFeed(files: [FixturePaths.url("real/dataquality-tools-data/json_all_a001p00000zgyHZAAY.json")]),
      try GrantFeed(files: [FixturePaths.url("sample/grants.csv")]),
    ]
    let full = try aggregator(feeds, key: key, measures: .all).result()
    let ranking = try aggregator(feeds, key: key, measures: .totals).ranking(largest: 20)
    var expectedKept: [String] = []
    var expectedOthers: [String: (groups: Int, total: Decimal)] = [:]
    for currency in Set(full.groups.map(\.currency)).sorted() {
      let ordered = full.groups.filter { $0.currency == currency }
        .sorted { ($1.total, $0.key[0].text) < ($0.total, $1.key[0].text) }
      expectedKept += ordered.prefix(20).map { "\(currency) \($0.key[0].text) \($0.total) \($0.grants)" }
      let rest = ordered.dropFirst(20)
      if !rest.isEmpty { expectedOthers[currency] = (rest.count, rest.reduce(Decimal.zero) { $0 + $1.total }) }
    }
    #expect(full.groups.count > 40)
    #expect(ranking.result.groups.map { "\($0.currency) \($0.key[0].text) \($0.total) \($0.grants)" } == expectedKept)
    #expect(ranking.others.mapValues(\.groups) == expectedOthers.mapValues(\.groups))
    #expect(ranking.others.mapValues(\.total) == expectedOthers.mapValues(\.total))
  }
}
