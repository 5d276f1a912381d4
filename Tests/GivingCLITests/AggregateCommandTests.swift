import Foundation
import GivingKit
import GivingTestSupport
import Testing

@Suite(.serialized) struct AggregateCommandTests {
  func temporaryPackage(_ grants: [JSONValue], name: String) throws -> String {
    let dir = ScratchSpace.root.appendingPathComponent("giving-aggcli-\(UUID())")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    let url = dir.appendingPathComponent("\(name).json")
    try Data(JSONWriter(indent: 1).string(.object(["grants": .array(grants)])).utf8).write(to: url)
    return url.path
  }

  func grant(_ id: String, _ amount: String, currency: String = "GBP", funder: String = "GB-CHC-1234567") -> JSONValue {
    .object([
      "id": .string(id), "currency": .string(currency), "amountAwarded": .number(JSONNumber(text: amount)),
      "awardDate": .string("2024-02-01"), "title": .string("t"),
      "recipientOrganization": .array([.object(["id": .string("GB-COH-1"), "name": .string("R")])]),
      "fundingOrganization": .array([.object(["id": .string(funder), "name": .string("F")])]),
    ])
  }

  @Test func jsonOutputHasTheDocumentedShapeWithMoneyAsStrings() throws {
    let path = try temporaryPackage((1...7).map { grant("g\($0)", "1000.1") } + [grant("u", "3", currency: "USD")], name: "a")
    let result = try runGiving(["aggregate", path, "--by", "funder", "--format", "json"])
    #expect(result.status == 0)
    let json = try JSONValue(parsing: Array(result.standardOutput.utf8))
    let groups = try #require(json["groups"]?.arrayValue)
    #expect(groups.count == 2)
    let gbp = try #require(groups.first { $0["currency"]?.stringValue == "GBP" })
    #expect(gbp["key"]?["funder"]?.stringValue == "GB-CHC-1234567")
    #expect(gbp["total"]?.stringValue == "7000.7")
    #expect(gbp["grants"]?.numberValue?.text == "7")
    #expect(gbp["median"]?.stringValue == "1000.1")
    #expect(gbp["recipients"]?.numberValue?.text == "1")
    #expect(gbp["funders"]?.numberValue?.text == "1")
    #expect(gbp["share"]?.stringValue == "1")
    #expect(json["excluded"]?.arrayValue != nil)
    #expect(json["duplicates"]?.arrayValue != nil)
  }

  @Test func manyFilesCountEachGrantOnceAndReportDuplicates() throws {
    let a = try temporaryPackage([grant("x", "10"), grant("y", "5")], name: "a")
    let b = try temporaryPackage([grant("x", "12")], name: "b")
    let result = try runGiving(["aggregate", a, b, "--by", "funder"])
    #expect(result.status == 0)
    #expect(result.standardOutput.contains("15"))
    #expect(result.standardOutput.contains("'x' 2 copies, conflicting amounts"))
  }

  /// A folder of publishers' files adds up as the files listed one by one do.
  @Test func aFolderAddsUpAsItsFilesDo() throws {
    let folder = ScratchSpace.root.appendingPathComponent("giving-aggfolder-\(UUID())")
    try FileManager.default.createDirectory(at: folder.appendingPathComponent("more"), withIntermediateDirectories: true)
    let a = folder.appendingPathComponent("a.json").path
    let b = folder.appendingPathComponent("more/b.csv").path
    try FileManager.default.copyItem(atPath: try temporaryPackage([grant("x", "10"), grant("y", "5")], name: "a"), toPath: a)
    try FileManager.default.copyItem(atPath: FixturePaths.url("sample/grants.csv").path, toPath: b)
    let listed = try runGiving(["aggregate", a, b, "--by", "funder,currency", "--format", "json"])
    let whole = try runGiving(["aggregate", folder.path, "--by", "funder,currency", "--format", "json"])
    #expect(listed.status == 0)
    #expect(whole.status == 0)
    #expect(whole.standardOutput == listed.standardOutput)
    #expect(whole.standardOutput.contains("\"grants\": 2"))

    let empty = ScratchSpace.root.appendingPathComponent("giving-aggempty-\(UUID())")
    try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
    let refused = try runGiving(["aggregate", empty.path, "--by", "funder"])
    #expect(refused.status == 2)
    #expect(refused.standardError.contains("holds no .json, .csv, .xlsx, .ods or .xml file"))
  }

  @Test func csvIsExcelFriendlyAndDeprivationCarriesAttribution() throws {
    let result = try runGiving([
      "aggregate", FixturePaths.url("sample/grants.json").path, "--by", "imd-decile", "--format", "csv",
    ])
    #expect(result.status == 0)
    #expect(result.standardOutput.hasPrefix("\u{FEFF}nation,index,decile,currency,grants,total"))
    #expect(result.standardOutput.contains("England,IMD2019,1,GBP,"))
    #expect(result.standardOutput.contains("Scotland,SIMD2020,10,GBP,"))
    #expect(result.standardOutput.contains("Contains public sector information licensed under the Open Government Licence v3.0."))
    #expect(result.standardOutput.contains("relative within each nation"))
  }

  /// A currency key is the currency column: CSV headings stay unique, as spreadsheets and
  /// data frames need them.
  @Test func aCurrencyKeyIsNotRepeatedAsAColumn() throws {
    let result = try runGiving([
      "aggregate", FixturePaths.url("sample/grants.json").path, "--by", "funder,currency", "--format", "csv",
    ])
    #expect(result.status == 0)
    let firstLine = result.standardOutput.dropFirst().split(whereSeparator: \.isNewline).first ?? ""
    let headings = firstLine.split(separator: ",")
    #expect(headings.first == "funder")
    #expect(headings.dropFirst().first == "currency")
    #expect(headings.filter { $0 == "currency" }.count == 1)
    #expect(Set(headings).count == headings.count)
  }

  @Test func deprivationJSONHasNationKeysPopulationAndNotAttributable() throws {
    let result = try runGiving([
      "aggregate", FixturePaths.url("sample/grants.json").path, "--by", "imd-decile", "--format", "json",
    ])
    #expect(result.status == 0)
    let json = try JSONValue(parsing: Array(result.standardOutput.utf8))
    let first = try #require(json["groups"]?.arrayValue?.first)
    #expect(first["key"]?["nation"]?.stringValue == "England")
    #expect(first["key"]?["index"]?.stringValue == "IMD2019")
    #expect(first["key"]?["decile"]?.numberValue?.text == "1")
    #expect(first["population"]?.numberValue != nil)
    #expect(first["perHead"]?.stringValue != nil)
    #expect(first["relativeShare"]?.stringValue != nil)
    let na = try #require(json["notAttributable"]?.arrayValue?.first)
    #expect(na["currency"]?.stringValue == "GBP")
    #expect(na["reasons"]?.arrayValue?.isEmpty == false)
    #expect(json["attribution"]?.stringValue?.contains("NISRA") == true)
  }

  @Test func postcodesLocateRecipientsWithNoGeoCodes() throws {
    var g = grant("p", "40")
    if case .object(var o) = g {
      o.members.removeAll { $0.key == "recipientOrganization" }
      o.append("recipientOrganization", .array([.object(["id": .string("GB-COH-2"), "name": .string("R"), "postalCode": .string("HG1 1AA")])]))
      g = .object(o)
    }
    let path = try temporaryPackage([g], name: "p")
    let result = try runGiving([
      "aggregate", path, "--by", "local-authority", "--postcodes", FixturePaths.url("geo/postcodes_nspl_nov2021_sample.csv").path,
      "--format", "json",
    ])
    #expect(result.status == 0)
    let json = try JSONValue(parsing: Array(result.standardOutput.utf8))
    #expect(json["groups"]?.arrayValue?.first?["key"]?["local-authority"]?.stringValue == "E06000065")
    #expect(json["placeSources"]?["recipient-postcode"]?.numberValue?.text == "1")
  }

  @Test func unknownKeysAndBadDatesAreUsageErrors() throws {
    let path = FixturePaths.url("sample/grants.json").path
    #expect(try runGiving(["aggregate", path, "--by", "colour"]).status == 64)
    #expect(try runGiving(["aggregate", path, "--by", "year", "--from", "2020-13-01"]).status == 64)
  }

  @Test func duplicatesNameTheirFilesAsTheUserDid() throws {
    let csv = FixturePaths.url("sample/grants.csv").path
    let json = FixturePaths.url("sample/grants.json").path
    let result = try runGiving(["aggregate", json, csv, "--by", "funder", "--format", "json"])
    #expect(result.status == 0)
    let report = try JSONValue(parsing: Array(result.standardOutput.utf8))
    let first = try #require(report["duplicates"]?.arrayValue?.first)
    #expect(first["firstFile"]?.stringValue == SummaryCommandTests.asShown(json))
    #expect(first["locations"]?.arrayValue?.first?.stringValue?.hasPrefix(SummaryCommandTests.asShown(csv) + " ") == true)
  }

  @Test func anEmptyPathIsAUsageErrorForEveryCommand() throws {
    let path = FixturePaths.url("sample/grants.json").path
    for command in [["aggregate", "--by", "funder"], ["validate"], ["summary"], ["convert", "--to", "json"]] {
      let result = try runGiving(command + [path, ""])
      #expect(result.status == 64, "\(command)")
      #expect(result.standardError.contains("empty path"), "\(command)")
    }
  }

  @Test func aMissingFileExitsTwo() throws {
    let result = try runGiving(["aggregate", "/no/such/file.json", "--by", "funder"])
    #expect(result.status == 2)
  }

  @Test func anUnreadableFileIsReportedAndTheOthersStillCount() throws {
    let good = try temporaryPackage([grant("x", "10.25")], name: "good")
    let bad = FixturePaths.url("real/dataquality/fundingproviders-grants_malformed.json").path
    let result = try runGiving(["aggregate", good, bad, "--by", "currency", "--format", "json"])
    #expect(result.status == 2)
    #expect(result.standardError.contains("fundingproviders-grants_malformed.json:10:15"))
    let json = try JSONValue(parsing: Array(result.standardOutput.utf8))
    #expect(json["groups"]?.arrayValue?.first?["total"]?.stringValue == "10.25")
  }

  @Test func filtersAndCrossTabsWorkFromTheCommandLine() throws {
    let path = try temporaryPackage(
      [grant("a", "1", funder: "F1"), grant("b", "2", funder: "F2"), grant("c", "4", currency: "EUR", funder: "F1")],
      name: "f")
    let result = try runGiving([
      "aggregate", path, "--by", "funder,currency", "--funder", "F1", "--min", "2", "--format", "csv",
    ])
    #expect(result.status == 0)
    let lines = result.standardOutput.split(separator: "\r\n").map(String.init)
    #expect(lines.count == 2)
    #expect(lines[1].hasPrefix("F1,EUR,1,4,"))
  }
}
