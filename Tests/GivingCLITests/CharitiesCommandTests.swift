import Foundation
import GivingKit
import GivingTestSupport
import Testing

/// `giving charities`, and `aggregate --organisations`, on the hand-made registers of
/// `Fixtures/registers/made/` and the grants of `Fixtures/aggregate/linked-recipients.csv`
/// (expected totals worked out by hand from those files).
@Suite(.serialized) struct CharitiesCommandTests {
  let made = FixturePaths.url("registers/made").path
  let grants = FixturePaths.url("aggregate/linked-recipients.csv").path
  let postcodes = FixturePaths.url("geo/postcodes_nspl_nov2021_sample.csv").path
  var registers: [String] { ["--organisations", made + "/publicextract.charity.txt", "--organisations", made + "/CharityExport.csv"] }

  func json(_ arguments: [String]) throws -> (status: Int32, json: JSONValue?, standardError: String) {
    let result = try runGiving(arguments + ["--format", "json"])
    return (result.status, try? JSONValue(parsing: Array(result.standardOutput.utf8)), result.standardError)
  }

  func totals(_ json: JSONValue?, key: String) -> [String: String] {
    var out: [String: String] = [:]
    for group in json?["groups"]?.arrayValue ?? [] {
      out[group["key"]?[key]?.stringValue ?? "?"] = group["total"]?.stringValue
    }
    return out
  }

  @Test func charitiesByIncomeBandInJSON() throws {
    let run = try json(["charities", made + "/publicextract.charity.txt", made + "/CharityExport.csv", "--by", "income-band"])
    #expect(run.status == 0)
    let groups = run.json?["groups"]?.arrayValue ?? []
    #expect(groups.map { $0["income-band"]?.stringValue ?? "" } == ["under £10k", "£10k–100k", "£100k–1m", "£1m–10m", "no income given"])
    #expect(groups.map { $0["totalIncome"]?.numberValue?.text ?? "" } == ["9999.99", "10000", "150000", "2500000", "0"])
    #expect(run.json?["removed"]?.numberValue?.text == "2")
    #expect(run.json?["charitiesRead"]?.numberValue?.text == "7")
  }

  @Test func charitiesByTradingSubsidiary() throws {
    let run = try json([
      "charities", made + "/publicextract.charity.txt", made + "/publicextract.charity_annual_return_parta.txt",
      made + "/CharityExport.csv", "--by", "trading-subsidiary",
    ])
    #expect(run.status == 0)
    let groups = (run.json?["groups"]?.arrayValue ?? []).map {
      ($0["trading-subsidiary"]?.stringValue ?? "", $0["charities"]?.numberValue?.text ?? "")
    }
    // 2000001 yes, 1000001 no, 4000001 and 5000001 not said, SC000001 not in OSCR's data.
    #expect(groups.map(\.0) == ["has a trading subsidiary", "no trading subsidiary", "not in this register's data", "not said"])
    #expect(groups.map(\.1) == ["1", "1", "1", "2"])
    let without = try runGiving(["charities", made + "/publicextract.charity.txt", "--by", "trading-subsidiary"])
    #expect(without.standardError.contains("give that file too"))
  }

  @Test func charitiesByDecileNeedAPostcodeDirectory() throws {
    let run = try runGiving(["charities", made + "/publicextract.charity.txt", "--by", "imd-decile"])
    #expect(run.status == 64)
    #expect(run.standardError.contains("give a postcode directory with --postcodes"))
    let placed = try json(["charities", made + "/publicextract.charity.txt", "--by", "imd-decile", "--postcodes", postcodes])
    #expect(placed.status == 0)
    #expect(placed.json?["notPlaced"]?["no postcode"]?.numberValue?.text == "1")
    let counted = (placed.json?["groups"]?.arrayValue ?? []).reduce(0) { $0 + (Int($1["charities"]?.numberValue?.text ?? "") ?? 0) }
    // Four registered charities of England and Wales, one without a postcode.
    #expect(counted == 3)
  }

  @Test func aFileThatIsNoRegisterIsRefusedWithItsMissingColumns() throws {
    let run = try runGiving(["charities", made + "/wrong-columns.csv", "--by", "income-band"])
    #expect(run.status == 65)
    #expect(run.standardError.contains("wrong-columns.csv: not a charity register: no column 'Public address', 'Total income'"))
    let aggregate = try runGiving(["aggregate", grants, "--by", "funder", "--organisations", made + "/wrong-columns.csv"])
    #expect(aggregate.status == 65)
    let missing = try runGiving(["charities", made + "/nothing-here.txt", "--by", "income-band"])
    #expect(missing.status == 2)
    #expect(missing.standardError.contains("nothing-here.txt"))
  }

  @Test func recipientsJoinedToTheRegistersByIdentifierCompanyAndCharityNumber() throws {
    let run = try json(["aggregate", grants, "--by", "recipient-income-band"] + registers)
    #expect(run.status == 0)
    // 4000001 (£9,999.99) and SC000002 (£500, by its charity number only); SC000001 (£10,000);
    // 2000001 (£150,000) as itself and as its company GB-COH-00000002.
    #expect(totals(run.json, key: "recipient-income-band") == ["under £10k": "90.4", "£10k–100k": "275", "£100k–1m": "1300"])
    let top = run.json?["groups"]?.arrayValue?.last
    #expect(top?["recipientsWithIncome"]?.numberValue?.text == "1")
    #expect(top?["recipientIncomeMean"]?.stringValue == "150000")
    #expect(run.json?["recipientsInRegisters"]?.numberValue?.text == "4")
    let without = try runGiving(["aggregate", grants, "--by", "recipient-income-band"])
    #expect(without.status == 64)
    #expect(without.standardError.contains("give one with --organisations"))
  }

  @Test func whoElseFundsTheGovernmentsGranteesThroughTheirOtherIdentifiers() throws {
    let selectors = ["--by", "funder", "--recipients-of", "type:government", "--not-funder", "type:government"]
    let asWritten = try json(["aggregate", grants] + selectors)
    #expect(totals(asWritten.json, key: "funder") == ["GB-CHC-1000001": "75"])
    #expect(asWritten.json?["recipientsLinked"] == nil)
    // With the register, GB-COH-00000002 (the department's grantee) is charity 2000001.
    let linked = try json(["aggregate", grants] + selectors + registers)
    #expect(totals(linked.json, key: "funder") == ["GB-CHC-1000001": "375"])
    #expect(linked.json?["recipientsLinked"]?.numberValue?.text == "1")
  }

  @Test func theRegisteredPostcodePlacesAGrantWithNoOtherPlace() throws {
    let placed = try json(["aggregate", grants, "--by", "local-authority", "--postcodes", postcodes] + registers)
    #expect(placed.json?["placeSources"]?["register-postcode"]?.numberValue?.text == "1")
    // 360G-l-3, £50 to 4000001 at DT4 9QR (laua E06000059 in the NSPL sample), with the
    // beneficiary locations E06000001 (£1,300) and S12000006 (£315.40).
    #expect(totals(placed.json, key: "local-authority") == ["E06000001": "1300", "E06000059": "50", "S12000006": "315.4"])
    let unplaced = try json(["aggregate", grants, "--by", "local-authority", "--postcodes", postcodes])
    #expect(totals(unplaced.json, key: "local-authority")["E06000059"] == nil)
    #expect(unplaced.json?["placeSources"]?["none"]?.numberValue?.text == "1")
  }
}
