import Foundation
import GivingKit
import GivingTestSupport
import Testing

@Suite(.serialized) struct ConvertCommandTests {
  @Test func malformedJSONExitsTwoNamingThePlace() throws {
    let result = try runGiving([
      "convert", FixturePaths.url("real/dataquality/fundingproviders-grants_malformed.json").path, "--to", "json",
    ])
    #expect(result.status == 2)
    #expect(result.standardError.contains("fundingproviders-grants_malformed.json:10:15: not well-formed JSON"))
    #expect(result.standardOutput.isEmpty)
  }

  @Test func failedConversionLeavesNoOutputFile() throws {
    let directory = ScratchSpace.root.appendingPathComponent("giving-\(UUID())")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let out = directory.appendingPathComponent("out.json").path
    let result = try runGiving([
      "convert", FixturePaths.url("real/dataquality/fundingproviders-grants_malformed.json").path,
      "--to", "json", "-o", out,
    ])
    #expect(result.status == 2)
    #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
  }

  @Test func unknownFormatIsAUsageOrReadError() throws {
    let result = try runGiving(["convert", FixturePaths.url("real/dataquality/fundingtrust-grants_dc.txt").path, "--to", "json"])
    #expect(result.status == 2)
    #expect(result.standardError.contains("unknown format"))
  }

  @Test func badArgumentsExitSixtyFour() throws {
    let result = try runGiving(["convert", "x.json", "--to", "pdf"])
    #expect(result.status == 64)
  }
}
