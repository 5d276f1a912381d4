import Foundation
import GivingKit
import GivingTestSupport
import Testing

/// `giving aggregate` with organisation types, funder selectors and classifications, on the
/// hand-made files of `Fixtures/aggregate/` (totals worked out by hand in `FunderSelectionTests`).
@Suite(.serialized) struct AggregateSelectionCommandTests {
  let file = FixturePaths.url("aggregate/types-and-selectors.csv").path

  func json(_ arguments: [String]) throws -> (status: Int32, json: JSONValue?, standardError: String) {
    let result = try runGiving(["aggregate"] + arguments + ["--format", "json"])
    return (result.status, try? JSONValue(parsing: Array(result.standardOutput.utf8)), result.standardError)
  }

  func totals(_ json: JSONValue?, key: String = "funder", currency: String = "GBP") -> [String: String] {
    var out: [String: String] = [:]
    for group in json?["groups"]?.arrayValue ?? [] where group["currency"]?.stringValue == currency {
      out[group["key"]?[key]?.stringValue ?? "?"] = group["total"]?.stringValue
    }
    return out
  }

  @Test func whoElseFundsTheGovernmentsGrantees() throws {
    let run = try json([file, "--by", "funder", "--recipients-of", "type:government", "--not-funder", "type:government"])
    #expect(run.status == 0)
    #expect(totals(run.json) == ["GB-CHC-1000001": "1250.25", "GB-COH-00000001": "4000"])
    let json = try #require(run.json)
    let counts = ["grantsCounted", "grantsExcluded", "duplicateCopies", "grantsFilteredOut"].map {
      Int(json[$0]?.numberValue?.text ?? "") ?? -1
    }
    #expect(counts == [5, 0, 0, 7])
    #expect(json["grantsRead"]?.numberValue?.text == "12")
    #expect(run.standardError.isEmpty)
  }

  @Test func typesAreKeysAndFilters() throws {
    let byType = try runGiving(["aggregate", file, "--by", "funder-type", "--format", "csv"])
    #expect(byType.status == 0)
    let lines = byType.standardOutput.dropFirst().split(separator: "\r\n")
    #expect(lines.first?.hasPrefix("funder-type,currency,grants,total") == true)
    #expect(lines.contains { $0.hasPrefix("central-government,GBP,3,3999,") })
    #expect(lines.contains { $0.hasPrefix("local-government,GBP,1,500.5,") })
    let filtered = try json([file, "--by", "currency", "--funder-type", "government", "--recipient-org-type", "charity"])
    // The department's 1000 and the council's 500.50 to charities.
    #expect(totals(filtered.json, key: "currency") == ["GBP": "1500.5"])
  }

  @Test func aSelectorThatNamesNothingGivesAnEmptyResultAndANote() throws {
    let run = try json([file, "--by", "funder", "--places-of", "GB-GOR-NOBODY"])
    #expect(run.status == 0)
    #expect(run.json?["groups"]?.arrayValue?.isEmpty == true)
    #expect(run.json?["grantsFilteredOut"]?.numberValue?.text == "12")
    #expect(run.standardError.contains("--places-of 'GB-GOR-NOBODY' names no funder of a grant that could be counted: no grant passes it"))
    #expect(run.json?["unmatchedSelectors"]?.arrayValue?.first?.stringValue == "--places-of 'GB-GOR-NOBODY'")
  }

  @Test(arguments: [
    (["--recipients-of", "type:"], "'type:' must be followed by a type name"),
    (["--not-funder", ""], "a funder selector is a funder id or 'type:TYPE'"),
    (["--places-of", "type:lottery"], "--places-of 'type:lottery': no such type; types are government, central-government"),
    (["--funder-type", "lotery"], "--funder-type 'lotery': no such type"),
  ])
  func badSelectorsAndTypesAreUsageErrors(arguments: [String], message: String) throws {
    let result = try runGiving(["aggregate", file, "--by", "funder"] + arguments)
    #expect(result.status == 64)
    #expect(result.standardError.contains(message), "\(result.standardError)")
    #expect(result.standardOutput.isEmpty)
  }

  @Test func anOrgTypesTableRetypesOrganisations() throws {
    let table = FixturePaths.url("aggregate/org-types.csv").path
    let run = try json([file, "--by", "funder-type", "--org-types", table, "--funder-type", "lottery"])
    #expect(run.status == 0)
    #expect(totals(run.json, key: "funder-type") == ["lottery": "3999"])
  }

  @Test(arguments: [
    ("aggregate/org-types-bad-type.csv", ":3: 'Charity' is not a type"),
    ("aggregate/org-types-no-heading.csv", ":1: the first row must be the headings 'id,type'"),
  ])
  func anUnusableTableRowStopsTheRun(table: String, message: String) throws {
    let path = FixturePaths.url(table).path
    let result = try runGiving(["aggregate", file, "--by", "funder-type", "--org-types", path])
    #expect(result.status == 65)
    #expect(result.standardOutput.isEmpty)
    let lines = result.standardError.split(separator: "\n")
    #expect(lines.count == 1)
    #expect(lines.first?.contains(table.split(separator: "/").last! + message) == true, "\(result.standardError)")
    let missing = try runGiving(["aggregate", file, "--by", "funder-type", "--org-types", path + ".missing"])
    #expect(missing.status == 2)
  }

  @Test func classificationsHaveACodeAndATitleColumn() throws {
    let result = try runGiving(["aggregate", FixturePaths.url("aggregate/classified.json").path, "--by", "classification", "--format", "csv"])
    #expect(result.status == 0)
    let lines = result.standardOutput.dropFirst().split(separator: "\r\n")
    #expect(lines.first?.hasPrefix("classification,classification-title,currency,grants,total") == true)
    #expect(lines.contains { $0.hasPrefix("A:1,Arts,GBP,2.833333,80.33,") })
    let json = try json([FixturePaths.url("aggregate/classified.csv").path, "--by", "classification"])
    let group = try #require(json.json?["groups"]?.arrayValue?.first { $0["key"]?["classification"]?.stringValue == "B:2" })
    #expect(group["key"]?["classification-title"]?.stringValue == "Health, care")
    #expect(group["total"]?.stringValue == "12.5")
  }
}
