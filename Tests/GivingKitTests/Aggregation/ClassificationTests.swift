import Foundation
import GivingTestSupport
@testable import GivingKit
import Testing

/// `--by classification`: each `classifications[]` entry, `vocabulary:code`, a grant with
/// several split equally between them as between places. Expected totals worked out by hand.
@Suite struct ClassificationTests {
  func run(_ path: String, keys: [AggregationKey] = [.classification], direct: Bool = true) throws -> AggregationResult {
    var aggregator = try Aggregator(options: AggregationOptions(keys: keys))
    aggregator.readsRowsDirectly = direct
    var feed = try GrantFeed(files: [FixturePaths.url(path)])
    feed.parallelMinimumSize = 0
    feed.parallelChunkSize = 256
    try aggregator.aggregate(feed)
    return aggregator.result()
  }

  func money(_ result: AggregationResult, _ code: String, currency: String = "GBP") -> String? {
    guard let group = result.group(code, currency: currency) else { return nil }
    return AggregationResult.moneyText(group.total, split: group.split)
  }

  @Test func severalClassificationsSplitAGrantEqually() throws {
    let result = try run("aggregate/classified.json")
    // A:1 gets half of 100, a third of 10, 7 whole and 20 whole (its entry repeated counts
    // once): 80.333…; B:2 half of 100 and a third of 10; C:3 a third of 10; no classification:
    // 5, and 9 (an entry with only a title).
    #expect(money(result, "A:1") == "80.33")
    #expect(money(result, "B:2") == "53.33")
    #expect(money(result, "C:3") == "3.33")
    #expect(money(result, "") == "14")
    #expect(money(result, "A:1", currency: "USD") == "1")
    #expect(result.group("A:1")?.grants.rounded(6) == Decimal(string: "2.833333"))
    #expect(result.group("B:2")?.grants.rounded(6) == Decimal(string: "0.833333"))
    #expect(result.group("")?.grants == 2)
    // The parts add up to the grants, to the penny.
    let total = result.groups.filter { $0.currency == "GBP" }.reduce(Decimal(0)) { $0 + $1.total }
    #expect(total.rounded(2) == 151)
    // The first title met for a code is its title.
    #expect(result.groups.first { $0.key[0].text == "A:1" }?.key[0] == .titled("A:1", title: "Arts"))
    #expect(result.groups.map { $0.key[0].text } == ["", "A:1", "A:1", "B:2", "C:3"])
  }

  @Test func oneClassificationARowIsReadStraightFromTheRows() throws {
    for direct in [true, false] {
      let result = try run("aggregate/classified.csv", direct: direct)
      #expect(money(result, "A:1") == "37.5")
      #expect(money(result, "B:2") == "12.5")
      #expect(money(result, "") == "1")
      #expect(result.group("A:1")?.grants == 2)
      #expect(result.group("B:2")?.key[0] == .titled("B:2", title: "Health, care"))
    }
    #expect(try run("aggregate/classified.csv", direct: true) == run("aggregate/classified.csv", direct: false))
  }

  @Test func numberedClassificationColumnsSplitToo() throws {
    let result = try run("aggregate/classified-twice.csv")
    // 100 halved, and a penny whole.
    #expect(money(result, "A:1") == "50.01")
    #expect(money(result, "B:2") == "50")
    #expect(result.group("A:1")?.grants == Decimal(string: "1.5"))
  }

  /// A grant split between two classifications and two districts is four quarters; money
  /// with no place is not attributable once, however many classifications share it.
  @Test func classificationsAndPlacesSplitTogether() throws {
    let dir = ScratchSpace.root.appendingPathComponent("giving-class-\(UUID())")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    let url = dir.appendingPathComponent("grants.csv")
    try Data(
      """
      Identifier,Currency,Amount Awarded,Award Date,Funding Org:Identifier,Classifications:Vocabulary,Classifications:Code,Classifications:1:Vocabulary,Classifications:1:Code,Beneficiary Location:Geographic Code,Beneficiary Location:1:Geographic Code
      360G-p-1,GBP,100,2023-01-01,GB-CHC-9,A,1,B,2,E06000001,E06000002
      360G-p-2,GBP,10.01,2023-01-01,GB-CHC-9,A,1,B,2,,

      """.utf8
    ).write(to: url)
    let result = try Aggregator.aggregate(
      [GrantFeed(files: [url])], options: AggregationOptions(keys: [.classification, .localAuthority]))
    for code in ["A:1", "B:2"] {
      for district in ["E06000001", "E06000002"] {
        let group = try #require(result.group(code, district))
        #expect(AggregationResult.moneyText(group.total, split: group.split) == "25")
        #expect(group.grants == Decimal(string: "0.25"))
      }
    }
    #expect(result.notAttributable.first?.total == Decimal(string: "10.01"))
    #expect(result.notAttributable.first?.grants == 1)
  }
}
