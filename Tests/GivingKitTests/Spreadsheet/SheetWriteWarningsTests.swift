import Foundation
@testable import GivingKit
import GivingTestSupport
import Testing

/// Writing a sheet warns about every value it cannot hold and every grant that shares an
/// identifier with an earlier one, naming the grant, the JSON path and the input place.
@Suite struct SheetWriteWarningsTests {
  static func scratch() throws -> URL {
    let directory = ScratchSpace.root.appendingPathComponent("sheet-warnings-\(UUID())")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    return directory
  }

  static let badfile = FixturePaths.url("real/dataquality/badfile_all_validation_errors.json").path

  @Test(arguments: [FeedFormat.csv, .xlsx])
  func publishedBadFileWarnsForEveryValueTheSheetDrops(format: FeedFormat) throws {
    let directory = try Self.scratch()
    defer { try? FileManager.default.removeItem(at: directory) }
    let out = directory.appendingPathComponent("out.\(format.rawValue)").path
    let report = try Converter.convert(try GrantFeed(paths: [Self.badfile]), to: format, path: out)
    // In the grant's member order.
    #expect(report.warnings.map(\.path) == ["grants/0/title", "grants/0/plannedDates", "grants/0/actualDates/0"])
    #expect(report.warnings.allSatisfy { $0.grantID == "360G-sampletrust-105177/Z/14/Z" })
    let actual = try #require(report.warnings.first { $0.path == "grants/0/actualDates/0" })
    #expect(actual.locations.first?.line == 17)
    #expect(
      actual.description.hasSuffix(
        #"badfile_all_validation_errors.json:17:29 /grants/0/actualDates/0: grants/0/actualDates/0 (grant "360G-sampletrust-105177/Z/14/Z") is the text "This should be an object", not an object: a sheet reader takes "Actual Dates" for a list of objects and drops what its cell holds"#
      ))
    #expect(report.warnings[1].message.contains(#"is the text "This should be an array", not a list of objects"#))
    #expect(report.warnings[0].message.contains(#"is the number 9001, which reads back from a sheet as the text "9001""#))
    #expect(FileManager.default.fileExists(atPath: out))
  }

  @Test func listsOfListsAndTextInNumberColumnsAreNamed() throws {
    let directory = try Self.scratch()
    defer { try? FileManager.default.removeItem(at: directory) }
    let source = FixturePaths.url("real/flatten-tool/fundingproviders-grants_fixed_2_grants.json").path
    let report = try Converter.convert(
      try GrantFeed(paths: [source]), to: .csv, path: directory.appendingPathComponent("out.csv").path)
    #expect(
      report.warnings.map(\.path) == [
        "grants/0/plannedDates/0/duration", "grants/0/test_array_of_arrays", "grants/1/plannedDates/0/duration",
      ])
    let lists = try #require(report.warnings.first { $0.path == "grants/0/test_array_of_arrays" })
    #expect(lists.message.contains(#"the list of lists [["a","r"],["s","t","n"],["e"]], which reads back from a sheet as the text "a,r;s,t,n;e""#))
    #expect(lists.grantID == "360G-fundingproviders-000001/X/00/X")
  }

  @Test(arguments: [FeedFormat.csv, .xlsx])
  func grantsSharingAnIdentifierWarnWithBothRowsEvenApart(format: FeedFormat) throws {
    let directory = try Self.scratch()
    defer { try? FileManager.default.removeItem(at: directory) }
    let source = directory.appendingPathComponent("dupes.json")
    try Data(
      """
      {"grants": [
        {"id": "360G-x-1", "title": "first"},
        {"id": "360G-x-2", "title": "other"},
        {"id": "360G-x-1", "title": "again"},
        {"id": "360G-x-10", "title": "not the same"}
      ]}
      """.utf8
    ).write(to: source)
    let out = directory.appendingPathComponent("out.\(format.rawValue)").path
    let report = try Converter.convert(try GrantFeed(paths: [source.path]), to: format, path: out)
    #expect(report.warnings.count == 1)
    let warning = try #require(report.warnings.first)
    #expect(warning.path == "grants/2/id")
    #expect(warning.grantID == "360G-x-1")
    #expect(warning.locations.first?.line == 4)
    #expect(warning.message.contains(#"grants/2 has the same Identifier "360G-x-1" as grants/0 ("#))
    #expect(warning.message.contains("dupes.json:2:3 /grants/0)"))
    #expect(warning.message.contains("written to rows 2 and 4 of \(out)"))
    #expect(warning.message.hasSuffix("which a sheet reader merges into one grant"))
  }

  @Test func cleanFeedsGiveNoWarnings() throws {
    let directory = try Self.scratch()
    defer { try? FileManager.default.removeItem(at: directory) }
    for name in ["multiple_funder_names_org_ids.json", "additional_fields.json", "nulls.json"] {
      let source = FixturePaths.url("real/dataquality/\(name)").path
      for format in [FeedFormat.csv, .xlsx] {
        let out = directory.appendingPathComponent("\(name).\(format.rawValue)").path
        let report = try Converter.convert(try GrantFeed(paths: [source]), to: format, path: out)
        #expect(report.warnings.isEmpty, "\(name) → \(format): \(report.warnings)")
      }
    }
  }

  @Test func packageMembersAreNamedWhenCSVCannotHoldThem() throws {
    let directory = try Self.scratch()
    defer { try? FileManager.default.removeItem(at: directory) }
    let source = directory.appendingPathComponent("package.json")
    try Data(#"{"version": "1.4", "grants": [{"id": "360G-x-1"}], "title": "A feed"}"#.utf8).write(to: source)
    let csv = try Converter.convert(
      try GrantFeed(paths: [source.path]), to: .csv, path: directory.appendingPathComponent("out.csv").path)
    #expect(csv.warnings.map(\.message) == [
      "the package members 'version', 'title' are not written: a CSV file holds only grants (XLSX output keeps them on a Meta sheet)"
    ])
    let xlsx = try Converter.convert(
      try GrantFeed(paths: [source.path]), to: .xlsx, path: directory.appendingPathComponent("out.xlsx").path)
    #expect(xlsx.warnings.isEmpty)
  }

  @Test func strictConversionWithWarningsWritesNothing() throws {
    let directory = try Self.scratch()
    defer { try? FileManager.default.removeItem(at: directory) }
    let out = directory.appendingPathComponent("out.csv").path
    #expect(throws: ConversionRefusal.self) {
      try Converter.convert(try GrantFeed(paths: [Self.badfile]), to: .csv, path: out, strict: true)
    }
    #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
    // Without warnings, strict writes as usual.
    let clean = FixturePaths.url("real/dataquality/additional_fields.json").path
    try Converter.convert(try GrantFeed(paths: [clean]), to: .csv, path: out, strict: true)
    #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["out.csv"])
  }

  @Test func layoutLossesFollowTheReaderOfEachSheetKind() throws {
    let grant = try FlattenTests.grant(#"{"id":"g","extra":true,"amountAwarded":5,"relatedActivity":["a","b;c"]}"#)
    var flattener = Flattener()
    flattener.add(grant)
    let layout = flattener.layout()
    // CSV holds text only: the boolean comes back as "True"; XLSX has boolean cells.
    #expect(layout.losses(in: grant.json, cellsAreText: true).map(\.path) == ["extra", "relatedActivity"])
    #expect(layout.losses(in: grant.json, cellsAreText: false).map(\.path) == ["relatedActivity"])
    #expect(layout.losses(in: .string("x"), cellsAreText: true).map(\.path) == [""])
  }
}
