import Foundation
import GivingTestSupport
@testable import GivingKit
import Testing

/// Aggregating reads only the members it needs from spreadsheets; the results must be those
/// of reading every member: the same groups, exclusions and duplicates.
@Suite struct NeededMembersTests {
  func aggregate(_ urls: [URL], keys: [AggregationKey], search: String? = nil, needed: Bool) throws -> AggregationResult {
    var options = AggregationOptions(keys: keys)
    options.filter.search = search
    var aggregator = try Aggregator(options: options)
    aggregator.readsOnlyNeededMembers = needed
    for url in urls { try aggregator.aggregate(GrantFeed(files: [url])) }
    return aggregator.result()
  }

  @Test(arguments: [
    [AggregationKey.funder], [.recipient, .year], [.programme, .currency], [.imdDecile], [.localAuthority, .amountBand],
    [.classification, .funderType], [.recipientOrgType],
  ])
  func projectedReadsAggregateAlike(keys: [AggregationKey]) throws {
    let folder = ScratchSpace.root.appendingPathComponent("giving-needed-\(UUID())")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    // A row with nothing but a title is still a grant (excluded: no amount), never dropped.
    let odd = folder.appendingPathComponent("odd.csv")
    try Data("Identifier,Title,Currency,Amount Awarded\n,Only a title,,\n360G-1,T,GBP,5\n".utf8).write(to: odd)
    let urls = [
      FixturePaths.url("sample/grants.csv"), FixturePaths.url("sample/dirty.csv"), odd,
      FixturePaths.url("real/dataquality/fundingproviders-grants_2_grants.xlsx"),
      FixturePaths.url("real/dataquality/GeoCodePostcode.xlsx"),
    ] + FixturePaths.files(in: "real/dataquality", extensions: ["csv"]).filter {
      (try? GrantFeed(files: [$0]).read { _ in }) != nil
    }
    for search in [nil, "community"] {
      let fast = try aggregate(urls, keys: keys, search: search, needed: true)
      let full = try aggregate(urls, keys: keys, search: search, needed: false)
      #expect(fast == full, "keys \(keys), search \(search ?? "-")")
      #expect(!fast.groups.isEmpty)
    }
    let result = try aggregate([odd], keys: keys, needed: true)
    #expect(result.excluded.contains { $0.reason == "no amount" })
  }
}
