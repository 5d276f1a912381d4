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

/// `convert` names every value a sheet cannot hold, and `--strict` refuses to write.
@Suite(.serialized) struct ConvertWarningCommandTests {
  static let badfile = FixturePaths.url("real/dataquality/badfile_all_validation_errors.json").path

  static func scratch() throws -> URL {
    let directory = ScratchSpace.root.appendingPathComponent("giving-\(UUID())")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    return directory
  }

  @Test func warningsNameTheGrantAndPathOneLineEach() throws {
    let directory = try Self.scratch()
    defer { try? FileManager.default.removeItem(at: directory) }
    let out = directory.appendingPathComponent("out.csv").path
    let result = try runGiving(["convert", Self.badfile, "--to", "csv", "-o", out])
    #expect(result.status == 0)
    let lines = result.standardError.split(separator: "\n").map(String.init)
    #expect(lines.count == 4)
    #expect(lines.contains {
      $0.hasPrefix("giving: warning: ") && $0.contains(
        #"badfile_all_validation_errors.json:17:29 /grants/0/actualDates/0: grants/0/actualDates/0 (grant "360G-sampletrust-105177/Z/14/Z") is the text "This should be an object", not an object"#)
    })
    #expect(lines.last == "giving: 1 grant written to \(out) (3 warnings)")
    #expect(FileManager.default.fileExists(atPath: out))
  }

  @Test func strictWithWarningsExitsOneAndLeavesNoFile() throws {
    let directory = try Self.scratch()
    defer { try? FileManager.default.removeItem(at: directory) }
    for format in ["csv", "xlsx"] {
      let out = directory.appendingPathComponent("out.\(format)").path
      let result = try runGiving(["convert", Self.badfile, "--to", format, "-o", out, "--strict"])
      #expect(result.status == 1)
      #expect(result.standardError.contains("grants/0/actualDates/0"))
      #expect(result.standardError.hasSuffix("giving: error: 3 warnings with --strict: nothing written to \(out)\n"))
    }
    #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
  }

  @Test func strictToStandardOutputPrintsNothing() throws {
    let result = try runGiving(["convert", Self.badfile, "--to", "csv", "--strict", "--quiet"])
    #expect(result.status == 1)
    #expect(result.standardOutput.isEmpty)
    #expect(result.standardError == "giving: error: 3 warnings with --strict: nothing written to standard output\n")
  }

  @Test func strictWithoutWarningsWritesAsBefore() throws {
    let source = FixturePaths.url("real/dataquality/multiple_funder_names_org_ids.json").path
    let plain = try runGiving(["convert", source, "--to", "csv"])
    let strict = try runGiving(["convert", source, "--to", "csv", "--strict"])
    #expect(plain.status == 0 && strict.status == 0)
    #expect(!strict.standardOutput.isEmpty)
    #expect(strict.standardOutput == plain.standardOutput)
    #expect(strict.standardError.isEmpty)
  }

  @Test func countsReadRight() throws {
    let directory = try Self.scratch()
    defer { try? FileManager.default.removeItem(at: directory) }
    let out = directory.appendingPathComponent("out.csv").path
    let two = try runGiving([
      "convert", FixturePaths.url("real/dataquality/multiple_funder_names_org_ids.json").path, "--to", "csv", "-o", out,
    ])
    #expect(two.standardError == "giving: 2 grants written to \(out)\n")
    let one = try runGiving([
      "convert", FixturePaths.url("real/dataquality/ids-unexpected-chars.xlsx").path, "--to", "csv", "-o", out,
    ])
    #expect(one.standardError.hasSuffix("giving: 1 grant written to \(out) (1 warning)\n"))
  }
}

/// `convert --to json` of a CSV with scattered duplicate Identifiers gives the grants
/// flatten-tool 0.27 gives (`Fixtures/scattered/dirty-2000.flattentool.json`, made once with the
/// command recorded in `Fixtures/SOURCES.md`): the same grants, merged the same way, in the same
/// order, except that flatten-tool puts the grants without an Identifier after all the others
/// (docs/parity.md).
@Suite(.serialized) struct ScatteredRowsConvertTests {
  static let input = FixturePaths.url("scattered/dirty-2000/grants.csv").path

  /// The grants of a package, as Foundation reads them (objects compare whatever the order of
  /// their members), those with an `id` first, then those without, each in their order.
  static func grants(ofPackage bytes: Data) throws -> (withID: [NSDictionary], withoutID: [NSDictionary]) {
    let package = try #require(try JSONSerialization.jsonObject(with: bytes) as? NSDictionary)
    let grants = try #require(package["grants"] as? [NSDictionary])
    return (grants.filter { $0["id"] != nil }, grants.filter { $0["id"] == nil })
  }

  @Test func convertedGrantsAreFlattenToolsGrants() throws {
    let result = try runGiving(["convert", Self.input, "--to", "json"])
    #expect(result.status == 0)
    let ours = try Self.grants(ofPackage: Data(result.standardOutput.utf8))
    let official = try Self.grants(
      ofPackage: Data(contentsOf: FixturePaths.url("scattered/dirty-2000.flattentool.json")))
    #expect(ours.withID.count == official.withID.count)
    #expect(ours.withoutID.count == official.withoutID.count)
    for (i, (a, b)) in zip(ours.withID, official.withID).enumerated() where a != b {
      Issue.record("grant \(i) (\(b["id"] ?? "")) differs from flatten-tool's")
    }
    #expect(ours.withoutID == official.withoutID)
  }

  @Test func everyConflictFlattenToolWarnsOfIsWarnedOfNamingBothCells() throws {
    let result = try runGiving(["convert", Self.input, "--to", "json", "-o", "/dev/null"])
    let conflicts = result.standardError.split(separator: "\n").filter { $0.contains("You may have a duplicate Identifier") }
    // Each warning names the earlier cell and the later one: "in/grants.csv B2 (Title), in/grants.csv B57 (Title): …".
    for line in conflicts {
      let places = line.split(separator: ": You may have")[0]
      #expect(places.split(separator: ", ").count == 2, "\(line)")
    }
    // flatten-tool printed these messages (Python's warnings show each distinct text once).
    let messages = Set(conflicts.compactMap { line in line.range(of: "You may have").map { String(line[$0.lowerBound...]) } })
    let official = try String(contentsOf: FixturePaths.url("scattered/dirty-2000.flattentool-warnings.txt"), encoding: .utf8)
    let officialMessages = Set(official.split(separator: "\n").filter { $0.hasPrefix("You may have") }.map(String.init))
    #expect(messages == officialMessages)
  }

  @Test func withNoMergeScatteredEveryRowApartIsAGrant() throws {
    let result = try runGiving(["convert", "--no-merge-scattered", Self.input, "--to", "json"])
    #expect(result.status == 0)
    let ours = try Self.grants(ofPackage: Data(result.standardOutput.utf8))
    // gen360 wrote 2000 rows, none next to a row with the same Identifier.
    #expect(ours.withID.count + ours.withoutID.count == 2000)
    #expect(result.standardError.contains("are not next to each other; this row was read as a separate grant"))
  }
}
