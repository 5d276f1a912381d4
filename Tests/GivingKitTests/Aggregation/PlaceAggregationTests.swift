import Foundation
import GivingKit
import GivingTestSupport
import Testing

/// Reads a bundled-format CSV in the test (independently of giving's reader) as dictionaries.
func readTable(_ url: URL) throws -> [[String: String]] {
  let text = try String(contentsOf: url, encoding: .utf8)
  var lines = text.split(separator: "\n").map(String.init)
  let headings = lines.removeFirst().split(separator: ",").map(String.init)
  return lines.map { line in
    // The columns the tests use come before any quoted name, or the name has no comma.
    var fields: [String] = []
    var current = ""
    var quoted = false
    for ch in line {
      if ch == "\"" { quoted.toggle() } else if ch == "," && !quoted { fields.append(current); current = "" } else { current.append(ch) }
    }
    fields.append(current)
    return Dictionary(uniqueKeysWithValues: zip(headings, fields))
  }
}

let geoTables = FixturePaths.root.appendingPathComponent("Sources/GivingGeography/Tables")

@Suite(.serialized) struct PlaceAggregationTests {
  static let geography2019 = try! Geography(englishIndex: .imd2019)

  func run(_ grants: [JSONValue], keys: [AggregationKey], _ configure: (inout AggregationOptions) -> Void = { _ in })
    throws -> AggregationResult
  {
    try Grants.run(grants, keys: keys) {
      $0.geography = Self.geography2019
      configure(&$0)
    }
  }

  @Test func beneficiaryComesBeforeRecipientLocationBeforePostcode() throws {
    let postcodes = try PostcodeTable(contentsOf: FixturePaths.url("geo/postcodes_nspl_nov2021_sample.csv"))
    let both = Grants.grant("a", beneficiary: ["W01000446"], recipientLocation: ["E01027679"], postcode: "DG1 1AA")
    let recipientOnly = Grants.grant("b", recipientLocation: ["E01027679"], postcode: "DG1 1AA")
    let postcodeOnly = Grants.grant("c", postcode: "hg1 1aa")
    let nothing = Grants.grant("d", postcode: "ZZ9 9ZZ")
    let grants = [both, recipientOnly, postcodeOnly, nothing]
    let places = grants.map { GrantPlace.of(Grant(json: $0), postcodes: postcodes) }
    #expect(places.map(\.source) == [.beneficiary, .recipientLocation, .recipientPostcode, .none])
    #expect(places[2].codes == ["E01027679"])
    let result = try run(grants, keys: [.country]) { $0.postcodes = postcodes }
    #expect(result.placeSources[.beneficiary] == 1)
    #expect(result.placeSources[.recipientLocation] == 1)
    #expect(result.placeSources[.recipientPostcode] == 1)
    #expect(result.placeSources[.none] == 1)
    #expect(result.group("W92000004")?.grants == 1)
    #expect(result.group("E92000001")?.grants == 2)
    #expect(result.notAttributable.first?.reasons.first?.reason == "no location")
  }

  @Test func severalLocationsSplitTheAmountEqually() throws {
    let grant = Grants.grant("a", amount: Grants.money("100"), beneficiary: ["W01000446", "E01027679"])
    let result = try run([grant], keys: [.country])
    #expect(result.group("W92000004")?.total == 50)
    #expect(result.group("E92000001")?.grants == Decimal(string: "0.5"))
  }

  /// Thirds of grants that cannot be attributed add up exactly: three grants of 1000.10 each
  /// split over three places, one of them country-level, make one whole grant and 1000.10;
  /// with a fourth grant wholly country-level, two grants and 1000.11.
  @Test func notAttributableSharesOfSplitGrantsAddUpExactly() throws {
    let grants = ["a", "b", "c"].map {
      Grants.grant($0, amount: Grants.money("1000.10"), beneficiary: ["E92000001", "E01027679", "W01000446"])
    }
    let alone = Grants.grant("d", amount: Grants.money("0.01"), beneficiary: ["E92000001"])
    let result = try run(grants + [alone], keys: [.imdDecile])
    let na = try #require(result.notAttributable.first)
    let reason = try #require(na.reasons.first { $0.reason == "country-level area" })
    #expect(reason.grants == 2)
    #expect(reason.total == Decimal(string: "1000.11"))
    #expect(na.total == reason.total)
  }

  @Test func aLocalAuthoritySpreadsOverItsSmallAreasByPopulation() throws {
    // Manchester (E08000003): the decile amounts must follow the LSOA populations in the table,
    // computed here from the CSV, and add back up to the amount.
    let rows = try readTable(geoTables.appendingPathComponent("imd2019_england_lsoa11.csv")).filter {
      $0["lad19_code"] == "E08000003"
    }
    #expect(rows.count > 200)
    var byDecile = [Int: Int](minimumCapacity: 10)
    var total = 0
    for r in rows {
      let pop = Int(r["pop_mid2019"] ?? "") ?? 0
      byDecile[Int(r["imd_decile"] ?? "") ?? 0, default: 0] += pop
      total += pop
    }
    let amount = Decimal(string: "1234567.89")!
    let result = try run([Grants.grant("m", amount: Grants.money("1234567.89"), beneficiary: ["E08000003"])], keys: [.imdDecile])
    var sum = Decimal(0)
    for group in result.groups {
      guard case .decile(let nation, let index, let decile) = group.key[0] else { Issue.record("not a decile"); continue }
      #expect(nation == .england && index == "IMD2019")
      let expected = Double(byDecile[decile] ?? 0) / Double(total) * 1234567.89
      #expect(abs(group.total.doubleValue - expected) < 1e-6)
      sum += group.total
    }
    // Each part is amount × (decile population ÷ LA population) in Double arithmetic (relative
    // error a few × 2⁻⁵³, so under 1e-9 for £1.2m), kept to 6 decimal places (±5e-7 each):
    // ten parts add back to the amount within 10 × 5e-7 + 1e-8 < 1e-5.
    #expect(abs((sum - amount).doubleValue) < 1e-5)
    #expect(result.groups.count == Set(byDecile.keys).count)
    // In the output, split amounts are rounded to the penny: at most half a penny per decile off.
    let printed = result.groups.compactMap { Decimal(string: AggregationResult.moneyText($0.total, split: $0.split)) }
    #expect(abs((printed.reduce(0, +) - amount).doubleValue) <= 0.005 * Double(result.groups.count))
  }

  @Test func decileSharesAreWithinEachNationAndUseItsOwnIndex() throws {
    let grants = [
      Grants.grant("e1", amount: Grants.money("300"), beneficiary: ["E01027679"]),  // IMD2019 decile 9
      Grants.grant("e2", amount: Grants.money("100"), beneficiary: ["E01000001"]),  // City of London 001A, decile 9
      Grants.grant("w1", amount: Grants.money("50"), beneficiary: ["W01000446"]),  // WIMD decile 9
      Grants.grant("s1", amount: Grants.money("70"), beneficiary: ["S01007612"]),  // SIMD rank 392 → decile 1
      Grants.grant("uk", amount: Grants.money("999"), beneficiary: ["E92000001"]),
      Grants.grant("bad", amount: Grants.money("1"), beneficiary: ["X99999999"]),
    ]
    let result = try run(grants, keys: [.imdDecile])
    func group(_ nation: Nation, _ decile: Int) -> AggregateGroup? {
      result.groups.first {
        if case .decile(let n, _, let d) = $0.key[0] { return n == nation && d == decile }
        return false
      }
    }
    let england = try #require(group(.england, 9))
    #expect(england.total == 400)
    #expect(england.share == 1)
    let wales = try #require(group(.wales, 9))
    #expect(wales.share == 1)
    #expect(wales.key[0] == .decile(nation: .wales, index: "WIMD2019", decile: 9))
    let scotland = try #require(group(.scotland, 1))
    #expect(scotland.key[0] == .decile(nation: .scotland, index: "SIMD2020", decile: 1))
    // Population of the Scottish decile 1 from the table, computed here.
    let simd = try readTable(geoTables.appendingPathComponent("simd2020_scotland_dz11.csv"))
    let pop = simd.filter { $0["simd_decile"] == "1" }.reduce(0) { $0 + (Int($1["pop_mid2019"] ?? "") ?? 0) }
    let nationPop = simd.reduce(0) { $0 + (Int($1["pop_mid2019"] ?? "") ?? 0) }
    #expect(scotland.population == Int64(pop))
    #expect(abs((scotland.perHead ?? 0).doubleValue - 70.0 / Double(pop)) < 1e-12)
    #expect(abs((scotland.relativeShare ?? 0).doubleValue - 1.0 / (Double(pop) / Double(nationPop))) < 1e-9)
    let na = try #require(result.notAttributable.first)
    #expect(na.total == 1000)
    #expect(na.reasons.map(\.reason).contains("country-level area"))
    #expect(result.unknownAreas["X99999999"] == 1)
    // Attribution and the nation-relative caveat travel with every deprivation output.
    let json = JSONWriter().string(result.jsonValue)
    #expect(json.contains("Open Government Licence v3.0"))
    #expect(json.contains("relative within each nation"))
    #expect(json.contains("\"nation\":\"Scotland\",\"index\":\"SIMD2020\",\"decile\":1"))
    #expect(result.table.contains("Welsh Index of Multiple Deprivation 2019: Welsh Government."))
    #expect(result.csv.contains("relative within each nation"))
  }

  @Test func imd2025MapsOldLSOACodesAndUsesTheNewDeciles() throws {
    let geography = try Geography(englishIndex: .imd2025)
    let result = try Grants.run([Grants.grant("a", beneficiary: ["E01027679"])], keys: [.imdDecile]) {
      $0.geography = geography
    }
    let lookup = try readTable(geoTables.appendingPathComponent("lookup_lsoa11_lsoa21.csv")).filter {
      $0["lsoa11_code"] == "E01027679"
    }
    let new = try readTable(geoTables.appendingPathComponent("imd2025_england_lsoa21.csv"))
    let deciles = Set(lookup.compactMap { l in new.first { $0["lsoa21_code"] == l["lsoa21_code"] }?["imd_decile"] })
    #expect(!deciles.isEmpty)
    #expect(Set(result.groups.map { group -> String in
      if case .decile(_, let index, let d) = group.key[0] { return "\(index) \(d)" }
      return ""
    }) == Set(deciles.map { "IMD2025 \($0)" }))
  }

  @Test func placeKeysGroupByLocalAuthorityAndRegionWithCurrentCodes() throws {
    let result = try run([Grants.grant("a", amount: Grants.money("10"), beneficiary: ["E01027679"])], keys: [.region, .localAuthority])
    // Harrogate (E07000165) became part of North Yorkshire (E06000065) in 2023.
    #expect(result.group("E12000003", "E06000065")?.total == 10)
  }

  @Test func theAreaFilterKeepsGrantsInsideTheArea() throws {
    let grants = [
      Grants.grant("in", beneficiary: ["E01027679"]), Grants.grant("out", beneficiary: ["W01000446"]),
      Grants.grant("exact", beneficiary: ["E06000065"]),
    ]
    let result = try run(grants, keys: [.funder]) { $0.filter.area = "E06000065" }
    #expect(result.grantsCounted == 2)
  }

  @Test func loadingTheGeographyIsQuick() throws {
    let start = Date()
    _ = try Geography(englishIndex: .imd2019)
    let elapsed = Date().timeIntervalSince(start)
    // Debug builds are several times slower than release; the release target is well under a second.
    #expect(elapsed < 3)
  }
}
