import Foundation
import GivingKit
import GivingTestSupport
import Testing

@Suite struct GrantsSummaryTests {
  func summarise(_ path: String) throws -> GrantsSummary {
    var builder = GrantsSummary.Builder()
    _ = try GrantFeed(paths: [FixturePaths.url(path).path]).read { builder.add($0) }
    return builder.summary(file: path)
  }

  @Test func decimalAmountsTotalExactly() throws {
    let s = try summarise("real/dataquality/decimal_amounts.json")
    let gbp = try #require(s.currencies["GBP"])
    #expect(gbp.grants == 7)
    #expect(gbp.total == Decimal(string: "7000.7"))
    #expect("\(gbp.total)" == "7000.7")
    #expect(gbp.min == Decimal(string: "1000.1"))
  }

  @Test func duplicatesDatesAndPrefixesAreCounted() throws {
    let s = try summarise("real/dataquality/fundingproviders-grants_broken_grants.json")
    #expect(s.grants == 4)
    #expect(s.duplicateIds == ["360G-fundingproviders-000001/X/00/X", "360G-fundingproviders-000002/X/00/X"])
    #expect(s.awardYears == ["24/0": 4])
    #expect(s.funderPrefixes.recognised == ["GB-CHC": 1])
    #expect(s.funderPrefixes.unrecognised == ["RUBBISH1-GB-CHC-000000": 1])
  }

  @Test func missingCurrencyCountsUnderNoneAndZeroIsIgnored() throws {
    var builder = GrantsSummary.Builder()
    for (n, text) in [#"{"id": "a", "amountAwarded": 0}"#, #"{"id": "a", "amountAwarded": -5, "currency": "GBP", "awardDate": "2020-01-02T10:00:00Z"}"#].enumerated() {
      builder.add(Grant(json: try JSONValue(parsing: Array(text.utf8)), index: n))
    }
    let s = builder.summary()
    #expect(s.currencies["None"] == GrantsSummary.Currency(grants: 1, total: 0, min: 0, max: 0))
    #expect(s.currencies["GBP"] == GrantsSummary.Currency(grants: 1, total: -5, min: -5, max: 0))
    #expect(s.duplicateIds == ["a"])
    #expect(s.awardDates.min == "2020-01-02")
  }

  @Test func summaryRoundTripsThroughJSON() throws {
    let s = try summarise("real/dataquality/decimal_amounts.json")
    let data = try JSONEncoder().encode(s)
    #expect(String(decoding: data, as: UTF8.self).contains(#""total":"7000.7""#))
    #expect(try JSONDecoder().decode(GrantsSummary.self, from: data) == s)
  }
}
