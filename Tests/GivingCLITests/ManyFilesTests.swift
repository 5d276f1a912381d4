import Foundation
import GivingKit
import GivingTestSupport
import Testing

/// A folder of downloads: every file is its own feed, whichever format, and one run reports on
/// all of them; CSV files form one workbook only when asked or when they plainly are one.
@Suite(.serialized) struct ManyFilesTests {
  static let publishers = ["sample/grants.csv", "sample/dirty.csv"]

  /// A new folder holding copies of `fixtures` (paths below `Fixtures/`), and `extra` files.
  static func folder(_ fixtures: [String], extra: [(String, String)] = []) throws -> URL {
    let folder = ScratchSpace.root.appendingPathComponent("many-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    for fixture in fixtures {
      try FileManager.default.copyItem(
        at: FixturePaths.url(fixture), to: folder.appendingPathComponent(URL(fileURLWithPath: fixture).lastPathComponent))
    }
    for (name, text) in extra { try Data(text.utf8).write(to: folder.appendingPathComponent(name)) }
    return folder
  }

  static func validate(_ arguments: [String]) throws -> (status: Int32, report: JSONValue, stderr: String) {
    let result = try runGiving(["validate", "--format", "json", "--now", "2026-11-25"] + arguments)
    return (result.status, try JSONValue(parsing: Array(result.standardOutput.utf8)), result.standardError)
  }

  static func int(_ value: JSONValue?) -> Int? { value?.numberValue.flatMap { Int($0.text) } }

  /// A file's report with its `file` member left out, to compare one file's report across runs.
  static func withoutFile(_ report: JSONValue?) -> JSONValue? {
    guard case .object(var object)? = report else { return report }
    object.members.removeAll { $0.key == "file" }
    return .object(object)
  }

  @Test func twoPublishersInAFolderAreTwoFeedsEachReportedAsAlone() throws {
    let folder = try Self.folder(Self.publishers)
    defer { try? FileManager.default.removeItem(at: folder) }
    let together = try Self.validate([folder.path])
    let files = try #require(together.report["files"]?.arrayValue)
    #expect(files.count == 2)
    var grants = 0
    for (index, name) in ["dirty.csv", "grants.csv"].enumerated() {
      let alone = try Self.validate([folder.appendingPathComponent(name).path])
      #expect(Self.withoutFile(files[index]) == Self.withoutFile(alone.report["files"]?.arrayValue?.first), "\(name)")
      grants += Self.int(alone.report["files"]?.arrayValue?.first?["grants"]) ?? 0
    }
    let totals = try #require(together.report["totals"])
    #expect(Self.int(totals["files"]) == 2)
    #expect(Self.int(totals["grants"]) == grants)
    #expect(Self.int(totals["unreadable"]) == 0)
    // The dirty sample has schema errors: the worst of the two files decides.
    #expect(Self.int(totals["invalid"]) == 1)
    #expect(together.status == 1)
  }

  @Test func theTextReportEndsWithALineForAllTheFiles() throws {
    let folder = try Self.folder(Self.publishers)
    defer { try? FileManager.default.removeItem(at: folder) }
    let result = try runGiving(["validate", "--now", "2026-11-25", folder.path])
    let json = try Self.validate([folder.path]).report
    let grants = json["totals"]?["grants"]?.numberValue?.text ?? "?"
    #expect(result.standardOutput.contains("2 files: 1 valid, 1 invalid, 0 unreadable; \(grants) grants in all"))
    // 200 rows, four of them (apart) with one Identifier: flatten-tool 0.27 makes 197 grants.
    #expect(result.standardOutput.contains("✘ \(folder.path)/dirty.csv: 197 grants,"))
  }

  @Test func sheetsReadsTheCSVFilesAsOneWorkbook() throws {
    let folder = try Self.folder(Self.publishers)
    defer { try? FileManager.default.removeItem(at: folder) }
    let apart = try Self.validate([folder.path])
    let joined = try Self.validate(["--sheets", folder.path])
    let files = try #require(joined.report["files"]?.arrayValue)
    #expect(files.count == 1)
    // Rows of the two files that share an Identifier merge, so there are fewer grants.
    let apartGrants = Int(apart.report["totals"]?["grants"]?.numberValue?.text ?? "") ?? 0
    let joinedGrants = Int(files[0]["grants"]?.numberValue?.text ?? "") ?? 0
    #expect(joinedGrants < apartGrants)
  }

  @Test func aFolderThatIsOneWorkbookOfSheetsIsReadAsOneAndSaysSo() throws {
    let main = """
      Identifier,Title,Description,Currency,Amount Awarded,Award Date,Recipient Org:Identifier,Recipient Org:Name,Funding Org:Identifier,Funding Org:Name
      360G-x-1,Grant one,For one,GBP,100,2024-01-01,GB-CHC-1,One,GB-CHC-9,Funder
      360G-x-2,Grant two,For two,GBP,200,2024-02-01,GB-CHC-2,Two,GB-CHC-9,Funder

      """
    let locations = """
      Identifier,Beneficiary Location:Name,Beneficiary Location:Country Code
      360G-x-1,Leeds,GB
      360G-x-1,York,GB
      360G-x-2,Hull,GB

      """
    let folder = try Self.folder([], extra: [("grants.csv", main), ("locations.csv", locations)])
    defer { try? FileManager.default.removeItem(at: folder) }
    let result = try Self.validate([folder.path])
    let files = try #require(result.report["files"]?.arrayValue)
    #expect(files.count == 1)
    #expect(Self.int(files.first?["grants"]) == 2)
    #expect(result.stderr.contains("its 2 CSV files are read as the sheets of one workbook"))

    let converted = try runGiving(["convert", folder.path, "--to", "json"])
    let package = try JSONValue(parsing: Array(converted.standardOutput.utf8))
    let names = package["grants"]?.arrayValue?.first?["beneficiaryLocation"]?.arrayValue?.compactMap { $0["name"]?.stringValue }
    #expect(names == ["Leeds", "York"])
  }

  @Test func anUnreadableFileAmongManyIsNamedAndTheOthersAreStillValidated() throws {
    let folder = try Self.folder(Self.publishers, extra: [("broken.json", "{\"grants\": [{\"id\": ")])
    defer { try? FileManager.default.removeItem(at: folder) }
    let result = try Self.validate([folder.path])
    #expect(result.status == 2)
    let files = try #require(result.report["files"]?.arrayValue)
    #expect(files.count == 3)
    #expect(files.filter { $0["error"] != .null }.count == 1)
    #expect(Self.int(result.report["totals"]?["unreadable"]) == 1)
    #expect(result.stderr.contains("broken.json:1:"))
  }

  @Test func summaryGivesOneSummaryPerFile() throws {
    let folder = try Self.folder(Self.publishers)
    defer { try? FileManager.default.removeItem(at: folder) }
    let result = try runGiving(["summary", "--format", "json", folder.path])
    let summaries = try #require(try JSONValue(parsing: Array(result.standardOutput.utf8)).arrayValue)
    #expect(summaries.count == 2)
  }

  @Test func convertRefusesTwoFeedsForOneOutput() throws {
    let folder = try Self.folder(Self.publishers)
    defer { try? FileManager.default.removeItem(at: folder) }
    let result = try runGiving(["convert", folder.path, "--to", "json"])
    #expect(result.status == 64)
    #expect(result.standardError.contains("--sheets"))
  }

  /// Three small files sharing ids, laid out so that every place can be worked out by hand:
  /// `360G-t-Y` is in all three (and twice in a.csv), `360G-t-Z` in a.csv and c.json.
  static let sharedIDs: [(String, String)] = [
    ("a.csv", "Identifier,Title\n360G-t-Y,first\n360G-t-X,x\n360G-t-Z,z\n360G-t-Y,again\n"),
    ("b.csv", "Identifier,Title\n360G-t-W,w\n360G-t-Y,y\n"),
    ("c.json", "{\"grants\": [\n  {\"id\": \"360G-t-Z\", \"title\": \"z\"},\n  {\"id\": \"360G-t-Y\", \"title\": \"y\"}\n]}\n"),
  ]

  @Test func idsPublishedInSeveralFilesAreReportedWithTheirPlaceInEach() throws {
    let folder = try Self.folder([], extra: Self.sharedIDs)
    defer { try? FileManager.default.removeItem(at: folder) }
    let paths = ["a.csv", "b.csv", "c.json"].map { folder.appendingPathComponent($0).path }
    let result = try Self.validate(paths)
    #expect(Self.int(result.report["totals"]?["crossFileDuplicateIDs"]) == 2)
    let duplicates = try #require(result.report["crossFileDuplicates"]?.arrayValue)
    #expect(duplicates.compactMap { $0["id"]?.stringValue } == ["360G-t-Y", "360G-t-Z"])
    func places(_ duplicate: JSONValue) -> [String] {
      (duplicate["copies"]?.arrayValue ?? []).map { copy in
        let file = URL(fileURLWithPath: copy["file"]?.stringValue ?? "").lastPathComponent
        if let row = Self.int(copy["row"]) { return "\(file) \(copy["columnLetter"]?.stringValue ?? "")\(row)" }
        return "\(file):\(Self.int(copy["line"]) ?? 0):\(Self.int(copy["column"]) ?? 0)"
      }
    }
    // The first copy in each file, files in the order given; a JSON id at its value's first byte.
    #expect(places(duplicates[0]) == ["a.csv A2", "b.csv A3", "c.json:3:10"])
    #expect(places(duplicates[1]) == ["a.csv A4", "c.json:2:10"])

    let text = try runGiving(["validate", "--now", "2026-11-25"] + paths)
    #expect(text.standardOutput.contains("Identifiers in more than one file (2)"))
    #expect(text.standardOutput.contains("360G-t-Z"))
  }

  @Test func aFileAloneHasNoCrossFileFindings() throws {
    let folder = try Self.folder([], extra: Self.sharedIDs)
    defer { try? FileManager.default.removeItem(at: folder) }
    let result = try Self.validate([folder.appendingPathComponent("a.csv").path])
    #expect(Self.int(result.report["totals"]?["crossFileDuplicateIDs"]) == 0)
    #expect(result.report["crossFileDuplicates"]?.arrayValue?.isEmpty == true)
  }
}
