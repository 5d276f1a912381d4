import Foundation
import GivingKit
import GivingTestSupport
import Testing

/// Builds grants as JSON and writes them to temporary 360Giving packages.
enum Grants {
  static func grant(
    _ id: String, amount: JSONValue? = .number(JSONNumber(text: "100")), currency: String? = "GBP",
    date: String? = "2023-05-01", funder: String = "GB-CHC-1", recipient: String = "GB-CHC-9",
    title: String = "A grant", beneficiary: [String] = [], recipientLocation: [String] = [], postcode: String? = nil,
    programme: String? = nil
  ) -> JSONValue {
    var o = JSONObject()
    o.append("id", .string(id))
    o.append("title", .string(title))
    if let currency { o.append("currency", .string(currency)) }
    if let amount { o.append("amountAwarded", amount) }
    if let date { o.append("awardDate", .string(date)) }
    var org = JSONObject()
    org.append("id", .string(recipient))
    org.append("name", .string("Recipient"))
    if let postcode { org.append("postalCode", .string(postcode)) }
    if !recipientLocation.isEmpty {
      org.append("location", .array(recipientLocation.map { .object(["geoCode": .string($0)]) }))
    }
    o.append("recipientOrganization", .array([.object(org)]))
    o.append("fundingOrganization", .array([.object(["id": .string(funder), "name": .string("Funder")])]))
    if !beneficiary.isEmpty {
      o.append("beneficiaryLocation", .array(beneficiary.map { .object(["geoCode": .string($0), "geoCodeType": .string("WD")]) }))
    }
    if let programme { o.append("grantProgramme", .array([.object(["title": .string(programme)])])) }
    return .object(o)
  }

  static func money(_ text: String) -> JSONValue { .number(JSONNumber(text: text)) }

  /// Writes `grants` as a package to a new temporary file and returns its feed.
  static func feed(_ grants: [JSONValue], name: String = "grants") throws -> GrantFeed {
    let dir = ScratchSpace.root.appendingPathComponent("giving-agg-\(UUID())")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    let url = dir.appendingPathComponent("\(name).json")
    let package: JSONValue = .object(["grants": .array(grants)])
    try Data(JSONWriter(indent: 1).string(package).utf8).write(to: url)
    return try GrantFeed(files: [url])
  }

  static func run(
    _ grants: [JSONValue], keys: [AggregationKey], configure: (inout AggregationOptions) -> Void = { _ in }
  ) throws -> AggregationResult {
    var options = AggregationOptions(keys: keys)
    configure(&options)
    return try Aggregator.aggregate([feed(grants)], options: options)
  }
}

extension AggregationResult {
  func group(_ values: String..., currency: String = "GBP") -> AggregateGroup? {
    groups.first { $0.currency == currency && $0.key.map(\.text) == values }
  }
}

@Suite struct AggregatorTests {
  @Test func sevenGrantsOfAThousandPointOneTotalExactly() throws {
    let grants = (1...7).map { Grants.grant("g\($0)", amount: Grants.money("1000.1")) }
    let result = try Grants.run(grants, keys: [.funder])
    let group = try #require(result.group("GB-CHC-1"))
    #expect(group.total == Decimal(string: "7000.7"))
    #expect(group.total.description == "7000.7")
    #expect(group.grants == 7)
    #expect(group.mean == Decimal(string: "1000.1"))
    #expect(group.median == Decimal(string: "1000.1"))
    #expect(group.share == 1)
    let json = JSONWriter().string(result.jsonValue)
    #expect(json.contains("\"total\":\"7000.7\""))
  }

  @Test func hugeAndExponentAmountsStayExact() throws {
    let grants = [
      Grants.grant("a", amount: Grants.money("123456789012345678.5")),
      Grants.grant("b", amount: Grants.money("1.5e3")),
      Grants.grant("c", amount: Grants.money("0.00001")),
      Grants.grant("d", amount: Grants.money("99999999999999.9999")),
      Grants.grant("e", amount: Grants.money("-0.5")),
    ]
    let result = try Grants.run(grants, keys: [.funder])
    let group = try #require(result.group("GB-CHC-1"))
    #expect(group.total == Decimal(string: "123556789012347177.99991"))
    #expect(group.minimum == Decimal(string: "-0.5"))
    #expect(group.maximum == Decimal(string: "123456789012345678.5"))
    #expect(group.median == 1500)
  }

  @Test func penniesAndFinerAmountsOrderTogether() throws {
    // Whole pennies up to £42,949,672.95 are kept in 4 bytes; the rest (fractions of a penny,
    // negative amounts, larger sums) apart; the median and extremes come from all of them.
    let amounts = ["10", "0.005", "-2", "20", "42949672.96", "42949672.95"]
    let grants = amounts.enumerated().map { Grants.grant("g\($0.offset)", amount: Grants.money($0.element)) }
    let result = try Grants.run(grants, keys: [.funder])
    let group = try #require(result.group("GB-CHC-1"))
    #expect(group.total == Decimal(string: "85899373.915"))
    #expect(group.minimum == -2)
    #expect(group.maximum == Decimal(string: "42949672.96"))
    #expect(group.median == 15)
  }

  @Test func currenciesAreNeverSummedTogether() throws {
    let grants = [
      Grants.grant("a", amount: Grants.money("10"), currency: "GBP"),
      Grants.grant("b", amount: Grants.money("20"), currency: "USD"),
      Grants.grant("c", amount: Grants.money("5.5"), currency: "GBP"),
    ]
    let result = try Grants.run(grants, keys: [.funder])
    #expect(result.groups.count == 2)
    #expect(result.group("GB-CHC-1")?.total == Decimal(string: "15.5"))
    #expect(result.group("GB-CHC-1", currency: "USD")?.total == 20)
    #expect(result.group("GB-CHC-1", currency: "USD")?.share == 1)
  }

  @Test func severalKeysGiveACrossTabulation() throws {
    let grants = [
      Grants.grant("a", amount: Grants.money("1"), date: "2022-03-31", funder: "F1"),
      Grants.grant("b", amount: Grants.money("2"), date: "2022-04-01", funder: "F1"),
      Grants.grant("c", amount: Grants.money("4"), date: "2022-04-02", funder: "F2"),
      Grants.grant("d", amount: Grants.money("8"), date: "2023-01-15T10:00:00Z", funder: "F1"),
    ]
    let result = try Grants.run(grants, keys: [.funder, .financialYear])
    #expect(result.groups.map { $0.key.map(\.text) } == [["F1", "2021-22"], ["F1", "2022-23"], ["F2", "2022-23"]])
    #expect(result.group("F1", "2022-23")?.total == 10)
    #expect(result.group("F1", "2022-23")?.median == 5)
    let byYear = try Grants.run(grants, keys: [.year, .month])
    #expect(byYear.group("2022", "2022-04")?.grants == 2)
    let calendar = try Grants.run(grants, keys: [.financialYear]) { $0.financialYearStartMonth = 1 }
    #expect(calendar.group("2022")?.total == 7)
  }

  @Test func amountBandsAndRecipientTypeSortNaturally() throws {
    var individual = JSONObject()
    individual.append("id", .string("i1"))
    individual.append("currency", .string("GBP"))
    individual.append("amountAwarded", Grants.money("500"))
    individual.append("awardDate", .string("2020-01-01"))
    individual.append("recipientIndividual", .object(["id": .string("P-1"), "name": .string("Someone")]))
    let grants = [
      Grants.grant("a", amount: Grants.money("2000000")), Grants.grant("b", amount: Grants.money("999.99")),
      Grants.grant("c", amount: Grants.money("1000")), .object(individual),
    ]
    let bands = try Grants.run(grants, keys: [.amountBand])
    #expect(bands.groups.map { $0.key[0].text } == ["under 1k", "1k to 10k", "1m and over"])
    #expect(bands.group("under 1k")?.grants == 2)
    let types = try Grants.run(grants, keys: [.recipientType])
    #expect(types.group("individual")?.recipients == 1)
    #expect(types.group("organisation")?.grants == 3)
  }

  /// A JSON file `name` of grants with these ids and amounts.
  static func feed(_ name: String, _ grants: [(id: String, amount: String)]) throws -> GrantFeed {
    try Grants.feed(grants.map { Grants.grant($0.id, amount: Grants.money($0.amount)) }, name: name)
  }

  @Test func aGrantInSeveralFilesCountsOnceAndConflictsAreReported() throws {
    let first = try Self.feed("first", [("same", "100"), ("other", "1"), ("conflict", "50")])
    let second = try Self.feed("second", [("same", "100"), ("conflict", "60")])
    let result = try Aggregator.aggregate([first, second], options: AggregationOptions(keys: [.funder]))
    #expect(result.group("GB-CHC-1")?.total == 151)
    #expect(result.group("GB-CHC-1")?.grants == 3)
    #expect(result.duplicates.count == 2)
    let same = try #require(result.duplicates.first { $0.id == "same" })
    #expect(!same.conflictingAmounts)
    #expect(same.firstFile.hasSuffix("first.json"))
    #expect(same.locations.first?.file.hasSuffix("second.json") == true)
    #expect(same.locations.first?.line != nil)
    #expect(result.duplicates.first { $0.id == "conflict" }?.conflictingAmounts == true)
  }

  /// The first copy's file and amount are kept one way while one file has been read and
  /// another once a second is: duplicates found either way are reported alike.
  @Test func firstCopiesAreFoundInTheRightFileAcrossManyFiles() throws {
    let first = try Self.feed("first", [("twice", "5"), ("twice", "6"), ("early", "7")])
    let second = try Self.feed("second", [("late", "8"), ("early", "7")])
    let third = try Self.feed("third", [("late", "9"), ("early", "70")])
    let result = try Aggregator.aggregate([first, second, third], options: AggregationOptions(keys: [.funder]))
    #expect(result.group("GB-CHC-1")?.total == 20)
    let byID = Dictionary(uniqueKeysWithValues: result.duplicates.map { ($0.id, $0) })
    #expect(byID["twice"]?.firstFile.hasSuffix("first.json") == true)
    #expect(byID["twice"]?.conflictingAmounts == true)
    #expect(byID["early"]?.firstFile.hasSuffix("first.json") == true)
    #expect(byID["early"]?.copies == 3)
    #expect(byID["early"]?.conflictingAmounts == true)
    #expect(byID["late"]?.firstFile.hasSuffix("second.json") == true)
    #expect(byID["late"]?.conflictingAmounts == true)
  }

  /// As `giving aggregate` says: a file that breaks off is reported, the grants read before
  /// the break stay counted, and the files after it are added up as usual.
  @Test func grantsBeforeAnErrorStayCounted() throws {
    let whole = try Grants.feed([
      Grants.grant("a", amount: Grants.money("10")), Grants.grant("b", amount: Grants.money("20")),
    ], name: "broken")
    let url = whole.files[0]
    var text = try String(contentsOf: url, encoding: .utf8)
    text = String(text[..<text.range(of: "]", options: .backwards)!.lowerBound]) + ",\n{\"id\": "
    try Data(text.utf8).write(to: url)
    let after = try Grants.feed([Grants.grant("c", amount: Grants.money("5"))], name: "after")
    var aggregator = try Aggregator(options: AggregationOptions(keys: [.funder]))
    #expect(throws: FeedError.self) { try aggregator.aggregate(try GrantFeed(files: [url])) }
    try aggregator.aggregate(after)
    let result = aggregator.result()
    #expect(result.group("GB-CHC-1")?.total == 35)
    #expect(result.grantsRead == 3)
  }

  @Test func filtersNarrowTheGrantsCounted() throws {
    let grants = [
      Grants.grant("a", amount: Grants.money("10"), date: "2021-06-01", funder: "F1", title: "Youth club", programme: "Main"),
      Grants.grant("b", amount: Grants.money("200"), date: "2022-06-01", funder: "F1", title: "Library roof"),
      Grants.grant("c", amount: Grants.money("3000"), currency: "EUR", date: "2023-06-01", funder: "F2",
        title: "YOUTH work"),
    ]
    func total(_ f: (inout AggregationFilter) -> Void) throws -> Int {
      try Grants.run(grants, keys: [.currency]) { f(&$0.filter) }.grantsCounted
    }
    #expect(try total { $0.funders = ["F1"] } == 2)
    #expect(try total { $0.from = "2022-01-01" } == 2)
    #expect(try total { $0.to = "2022-06-01" } == 2)
    #expect(try total { $0.minimum = 200; $0.maximum = 200 } == 1)
    #expect(try total { $0.currencies = ["EUR"] } == 1)
    #expect(try total { $0.search = "youth" } == 2)
    #expect(try total { $0.programmes = ["Main"] } == 1)
    #expect(try total { $0.recipients = ["nobody"] } == 0)
  }

  @Test func badGrantsAreExcludedWithReasonAndPlace() throws {
    let grants = [
      Grants.grant("ok", amount: Grants.money("1")),
      Grants.grant("none", amount: nil),
      Grants.grant("text", amount: .string("a lot")),
      Grants.grant("cur", currency: "XYZ"),
      Grants.grant("date", date: "31/12/2020"),
    ]
    let result = try Grants.run(grants, keys: [.funder])
    #expect(result.grantsCounted == 1)
    #expect(result.group("GB-CHC-1")?.total == 1)
    #expect(result.excludedCounts["no amount"] == 1)
    #expect(result.excludedCounts["non-numeric amount"] == 1)
    #expect(result.excludedCounts["unknown currency 'XYZ'"] == 1)
    #expect(result.excludedCounts["unparseable award date '31/12/2020'"] == 1)
    let text = try #require(result.excluded.first { $0.id == "text" })
    #expect(text.location?.line != nil)
    #expect(text.location?.file.hasSuffix("grants.json") == true)
    #expect(result.notes.contains { $0.contains("non-numeric amount") })
  }

  @Test func theSampleFeedAddsUpToItsOwnTotal() throws {
    // The expected figure is computed here from the JSON, independently of the aggregator.
    let url = FixturePaths.url("sample/grants.json")
    let json = try JSONValue(contentsOf: url)
    var expected = Decimal(0)
    for g in json["grants"]?.arrayValue ?? [] { expected += g["amountAwarded"]?.numberValue?.decimal ?? 0 }
    let result = try Aggregator.aggregate([GrantFeed(files: [url])], options: AggregationOptions(keys: [.funder]))
    let total = result.groups.reduce(Decimal(0)) { $0 + $1.total }
    #expect(total == expected)
    #expect(result.grantsCounted == 500)
    let shares = result.groups.reduce(Decimal(0)) { $0 + $1.share }
    #expect(abs((shares - 1 as Decimal).doubleValue) < 1e-20)
  }
}

extension Decimal {
  var doubleValue: Double { NSDecimalNumber(decimal: self).doubleValue }
}
