import Foundation
import GivingKit
import GivingTestSupport
import Testing

@Suite(.serialized) struct SummaryCommandTests {
  /// `path` as giving names it: relative to the working directory when under it, as the user
  /// who typed a relative path wrote it.
  static func asShown(_ path: String) -> String {
    let working = FileManager.default.currentDirectoryPath + "/"
    return path.hasPrefix(working) ? String(path.dropFirst(working.count)) : path
  }

  @Test func jsonSummaryOfDecimalAmountsIsExact() throws {
    let path = FixturePaths.url("real/dataquality/decimal_amounts.json").path
    let result = try runGiving(["summary", "--format", "json", path])
    #expect(result.status == 0)
    let json = try JSONValue(parsing: Array(result.standardOutput.utf8))
    let file = try #require(json.arrayValue?.first)
    #expect(file["file"]?.stringValue == Self.asShown(path))
    #expect(file["grants"]?.numberValue?.text == "7")
    #expect(file["currencies"]?["GBP"]?["total"]?.stringValue == "7000.7")
    #expect(file["currencies"]?["GBP"]?["grants"]?.numberValue?.text == "7")
    #expect(file["currencies"]?["GBP"]?["max"]?.stringValue == "1000.1")
  }

  @Test func textSummaryReportsEveryFile() throws {
    let a = FixturePaths.url("real/dataquality/decimal_amounts.json").path
    let b = FixturePaths.url("real/flatten-tool/fundingproviders-grants_fixed_2_grants.json").path
    let result = try runGiving(["summary", a, b])
    #expect(result.status == 0)
    #expect(result.standardOutput.contains(Self.asShown(a) + "\n"))
    #expect(result.standardOutput.contains(Self.asShown(b) + "\n"))
    #expect(!result.standardOutput.contains(FileManager.default.currentDirectoryPath + "/"))
    #expect(result.standardOutput.contains("7 grants, total 7000.7"))
    #expect(result.standardOutput.contains("2 grants, total 331495"))
  }

  @Test func unreadableFileExitsTwoNamingThePlace() throws {
    let bad = FixturePaths.url("real/dataquality/fundingproviders-grants_malformed.json").path
    let good = FixturePaths.url("real/dataquality/decimal_amounts.json").path
    let result = try runGiving(["summary", bad, good])
    #expect(result.status == 2)
    #expect(result.standardError.contains("fundingproviders-grants_malformed.json:10:15"))
    #expect(result.standardOutput.contains("7000.7"))
  }

  @Test func explainPrintsACheckInAnyCase() throws {
    let result = try runGiving(["explain", "zeroamounttest"])
    #expect(result.status == 0)
    #expect(result.standardOutput.contains("ZeroAmountTest"))
    #expect(result.standardOutput.contains("a value of £0"))
    #expect(result.standardOutput.contains("How to fix"))
  }

  @Test func explainKnowsSchemaRules() throws {
    let result = try runGiving(["explain", "uniqueItems"])
    #expect(result.status == 0)
    #expect(result.standardOutput.contains("Non-unique id values"))
  }

  @Test func explainOfAnUnknownCodeListsTheKnownOnesAndExits64() throws {
    let result = try runGiving(["explain", "NoSuchCheck"])
    #expect(result.status == 64)
    #expect(result.standardError.contains("unknown code 'NoSuchCheck'"))
    #expect(result.standardError.contains("GeoCodePostcode"))
  }
}
