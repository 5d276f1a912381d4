import Foundation
import GivingKit
import GivingTestSupport
import Testing

@Suite(.serialized) struct ValidateCommandTests {
  func report(_ arguments: [String]) throws -> (status: Int32, files: [JSONValue]) {
    let result = try runGiving(["validate", "--format", "json", "--now", "2026-11-25"] + arguments)
    let output = try JSONValue(parsing: Array(result.standardOutput.utf8))
    return (result.status, output["files"]?.arrayValue ?? [])
  }

  @Test func validFileExitsZero() throws {
    let (status, files) = try report([FixturePaths.url("real/dataquality/additional_fields.json").path])
    #expect(status == 0)
    #expect(files.first?["valid"] == .bool(true))
  }

  @Test func schemaErrorsExitOne() throws {
    let (status, files) = try report([FixturePaths.url("real/dataquality/nulls.json").path])
    #expect(status == 1)
    #expect(files.first?["schemaErrorCount"]?.numberValue?.text == "133")
  }

  @Test func strictAlsoFailsOnAccuracyNotices() throws {
    let file = FixturePaths.url("real/dataquality/multiple_funder_names_org_ids.json").path
    #expect(try report([file]).status == 0)
    #expect(try report(["--strict", file]).status == 1)
  }

  @Test func unreadableFileExitsTwoAndOtherFilesAreStillReported() throws {
    let (status, files) = try report([
      FixturePaths.url("real/dataquality/fundingproviders-grants_malformed.json").path,
      FixturePaths.url("real/dataquality/additional_fields.json").path,
    ])
    #expect(status == 2)
    #expect(files.count == 2)
    #expect(files[0]["error"]?["kind"] == .string("notWellFormedJSON"))
    #expect(files[1]["valid"] == .bool(true))
  }

  @Test func everyCopyOfADuplicateIdIsLocated() throws {
    let (_, files) = try report([FixturePaths.url("real/dataquality/fundingproviders-grants_broken_grants.json").path])
    let duplicates = (files.first?["schemaErrors"]?.arrayValue ?? []).filter { $0["validator"] == .string("uniqueItems") }
    #expect(duplicates.count == 2)
    let lines = duplicates.compactMap { $0["locations"]?.arrayValue?.compactMap { $0["line"]?.numberValue?.text } }
    #expect(lines == [["11", "54"], ["101", "140"]])
  }

  /// The CSV of `everyCopyOfADuplicateIdInASheetIsLocatedAtItsCell`: the rows of `360G-a` are apart.
  static let scatteredCSV = """
    Amount Awarded,Identifier,Title
    10,360G-a,one
    20,360G-b,two
    30,360G-a,three

    """

  @Test func everyCopyOfADuplicateIdInASheetIsLocatedAtItsCell() throws {
    let url = ScratchSpace.root.appendingPathComponent("giving-dup-\(UUID().uuidString).csv")
    defer { try? FileManager.default.removeItem(at: url) }
    try Data(Self.scatteredCSV.utf8).write(to: url)
    // Rows apart stay apart only with --no-merge-scattered.
    let (_, files) = try report(["--no-merge-scattered", url.path])
    let duplicates = (files.first?["schemaErrors"]?.arrayValue ?? []).filter { $0["validator"] == .string("uniqueItems") }
    #expect(duplicates.map { $0["value"] } == [.string("360G-a")])
    let cells = duplicates.first?["locations"]?.arrayValue?.map {
      "\($0["columnLetter"]?.stringValue ?? "?")\($0["row"]?.numberValue?.text ?? "?")"
    }
    #expect(cells == ["B2", "B4"])
  }

  @Test func rowsOfOneIdentifierApartInASheetMergeWithTheirConflictsNamed() throws {
    let url = ScratchSpace.root.appendingPathComponent("giving-dup-\(UUID().uuidString).csv")
    defer { try? FileManager.default.removeItem(at: url) }
    try Data(Self.scatteredCSV.utf8).write(to: url)
    let (_, files) = try report([url.path])
    let file = try #require(files.first)
    #expect(file["grants"]?.numberValue?.text == "2")
    let duplicates = (file["schemaErrors"]?.arrayValue ?? []).filter { $0["validator"] == .string("uniqueItems") }
    #expect(duplicates.isEmpty)
    // 360G-a keeps its first amount and title; both conflicts name both cells.
    let warnings = file["conversionWarnings"]?.arrayValue ?? []
    let cells = warnings.map { warning in
      (warning["locations"]?.arrayValue ?? []).map {
        "\($0["columnLetter"]?.stringValue ?? "?")\($0["row"]?.numberValue?.text ?? "?")"
      }
    }
    #expect(cells == [["A2", "A4"], ["C2", "C4"]])
    #expect(warnings.first?["message"]?.stringValue?.contains(#"field "amountAwarded" in sheet"#) == true)
  }

  @Test func spreadsheetFindingsNameTheCell() throws {
    let (_, files) = try report([FixturePaths.url("real/dataquality/decimal_amounts.csv").path])
    let errors = files.first?["schemaErrors"]?.arrayValue ?? []
    let missingIds = errors.filter { $0["message"] == .string("'id' is missing but required") }
    #expect(missingIds.count == 7)
    #expect(missingIds.first?["location"]?["row"]?.numberValue?.text == "2")
    // Every check occurrence of a CSV file names its column letter.
    for check in files.first?["checks"]?.arrayValue ?? [] {
      for place in check["locations"]?.arrayValue ?? [] {
        #expect(place["location"]?["row"] != nil, "\(check["type"] ?? .null)")
      }
    }
  }

  @Test func textReportGroupsLikeTheOfficialReport() throws {
    let result = try runGiving(["validate", "--now", "2026-11-25", FixturePaths.url("real/dataquality/badfile_all_validation_errors.json").path])
    #expect(result.status == 1)
    for heading in ["Schema errors — required", "Schema errors — format", "Schema errors — other", "Codelist errors", "Usefulness checks"] {
      #expect(result.standardOutput.contains(heading), "\(heading)")
    }
    #expect(!result.standardOutput.contains("\u{1B}["), "no colour without a terminal")
  }

  @Test func badDateIsAUsageError() throws {
    let result = try runGiving(["validate", "--now", "2026-02-30", "x.json"])
    #expect(result.status == 64)
  }
}
