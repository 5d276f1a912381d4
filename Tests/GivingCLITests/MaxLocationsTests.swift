import Foundation
import GivingTestSupport
import Testing

/// `--max-locations N` lists at most N places per finding, 0 none (only the counts), and
/// `--all` every place, in text and JSON: checked on real JSON files by what the reports
/// themselves say (each finding's count, and the `… and N more` lines), not by numbers copied
/// from giving's output.
@Suite(.serialized) struct MaxLocationsTests {
  static let now = JSONPointerPlacesTests.now

  static func jsonReport(_ arguments: [String]) throws -> [String: Any] {
    try JSONPointerPlacesTests.jsonReport(arguments)
  }

  static func firstFile(_ report: [String: Any]) throws -> [String: Any] {
    try JSONPointerPlacesTests.firstFile(report)
  }

  static func places(of file: [String: Any]) -> [JSONPointerPlacesTests.Place] {
    JSONPointerPlacesTests.places(of: file)
  }


  /// Many check occurrences; and 133 schema errors.
  static let manyPlaces = "real/dataquality-tools-data/json_all_a003W000001B7PzQAK.json"
  static let schemaErrors = "real/dataquality/nulls.json"

  @Test(arguments: [manyPlaces, schemaErrors])
  func maxLocationsZeroGivesCountsButNoPlacesInJSON(_ fixture: String) throws {
    let path = FixturePaths.url(fixture).path
    let all = try Self.firstFile(try Self.jsonReport([path]))
    let none = try Self.firstFile(try Self.jsonReport(["--max-locations", "0", path]))
    #expect(Self.places(of: all).count > 10)
    #expect(Self.places(of: none).isEmpty)
    #expect((none["schemaErrors"] as? [Any])?.isEmpty == true)
    #expect(none["schemaErrorCount"] as? Int == all["schemaErrorCount"] as? Int)
    #expect(none["valid"] as? Bool == all["valid"] as? Bool)
    let counts = { (file: [String: Any]) in
      (file["checks"] as? [[String: Any]] ?? []).map { "\($0["type"] ?? "") \($0["count"] ?? "")" }
    }
    #expect(!counts(all).isEmpty || (all["schemaErrorCount"] as? Int ?? 0) > 0)
    #expect(counts(none) == counts(all))
    for check in none["checks"] as? [[String: Any]] ?? [] { #expect((check["locations"] as? [Any])?.isEmpty == true) }
  }

  /// The place lines of a text report: those that name the file (as the working directory
  /// makes its path), with a line and column.
  static func placeLines(_ text: String, file: String) -> [String] {
    let name = URL(fileURLWithPath: file).lastPathComponent + ":"
    return text.split(separator: "\n").map(String.init).filter { $0.hasPrefix("      ") && $0.contains(name) }
  }

  /// The numbers of the "… and N more" lines of a text report.
  static func unlisted(_ text: String) -> [Int] {
    text.split(separator: "\n").compactMap { line in
      guard let range = line.range(of: "… and ") else { return nil }
      return Int(line[range.upperBound...].prefix { $0.isNumber })
    }
  }

  @Test(arguments: [manyPlaces, schemaErrors])
  func maxLocationsZeroGivesCountsButNoPlacesInText(_ fixture: String) throws {
    let path = FixturePaths.url(fixture).path
    let run = { (extra: [String]) in try runGiving(["validate", "--now", Self.now, "--quiet"] + extra + [path]) }
    let all = try run(["--all"])
    let none = try run(["--max-locations", "0"])
    #expect(none.status == all.status)
    #expect(Self.placeLines(all.standardOutput, file: path).count > 10)
    #expect(Self.placeLines(none.standardOutput, file: path).isEmpty)
    // The same counts: the summary line, and each finding's heading.
    let headings = { (text: String) in text.split(separator: "\n").filter { !$0.hasPrefix("      ") } }
    #expect(headings(none.standardOutput) == headings(all.standardOutput))
    // Every place not listed is counted: as many as --all lists.
    #expect(Self.unlisted(none.standardOutput).reduce(0, +) == Self.placeLines(all.standardOutput, file: path).count)
  }

  @Test(arguments: [manyPlaces, schemaErrors])
  func allListsEveryPlace(_ fixture: String) throws {
    let path = FixturePaths.url(fixture).path
    let run = { (extra: [String]) in try runGiving(["validate", "--now", Self.now, "--quiet"] + extra + [path]).standardOutput }
    let all = try run(["--all"])
    let ten = try run([])
    let three = try run(["--max-locations", "3"])
    #expect(Self.unlisted(all).isEmpty)
    let listed = Self.placeLines(all, file: path).count
    // The default lists 10 a finding and counts the rest; --all lists them.
    if fixture == Self.manyPlaces { #expect(!Self.unlisted(ten).isEmpty) }
    #expect(Self.placeLines(ten, file: path).count + Self.unlisted(ten).reduce(0, +) == listed)
    #expect(Self.placeLines(three, file: path).count + Self.unlisted(three).reduce(0, +) == listed)
    // --format json lists every place by default, and with --all; for check occurrences (one
    // place a line of text), as many as the text.
    let json = try Self.firstFile(try Self.jsonReport([path]))
    let jsonAll = try Self.firstFile(try Self.jsonReport(["--all", path]))
    #expect(Self.places(of: jsonAll).count == Self.places(of: json).count)
    if fixture == Self.manyPlaces { #expect(Self.places(of: jsonAll).count == listed) }
  }

  /// Two copies of a real file: every identifier is in both. `--all` lists each with its
  /// place in both files (the `id` member, by pointer); `--max-locations 0` only counts them.
  @Test func identifiersInSeveralFilesAreCountedWithoutPlaces() throws {
    let folder = ScratchSpace.root.appendingPathComponent("max-locations-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let source = FixturePaths.url("real/dataquality/multiple_funder_names_org_ids.json")
    let paths = ["a.json", "b.json"].map { folder.appendingPathComponent($0).path }
    for path in paths { try FileManager.default.copyItem(atPath: source.path, toPath: path) }
    let document = try JSONSerialization.jsonObject(with: Data(contentsOf: source))

    let all = try Self.jsonReport(["--all"] + paths)
    let duplicates = try #require(all["crossFileDuplicates"] as? [[String: Any]])
    let count = try #require((all["totals"] as? [String: Any])?["crossFileDuplicateIDs"] as? Int)
    #expect(!duplicates.isEmpty)
    #expect(duplicates.count == count)
    for duplicate in duplicates {
      let copies = duplicate["copies"] as? [[String: Any]] ?? []
      #expect(copies.count == 2)
      for copy in copies {
        let pointer = try #require(copy["pointer"] as? String)
        #expect(JSONPointerPlacesTests.resolve(pointer, in: document) as? String == duplicate["id"] as? String)
      }
    }

    let none = try Self.jsonReport(["--max-locations", "0"] + paths)
    #expect((none["totals"] as? [String: Any])?["crossFileDuplicateIDs"] as? Int == count)
    for duplicate in none["crossFileDuplicates"] as? [[String: Any]] ?? [] {
      #expect((duplicate["copies"] as? [Any])?.isEmpty == true)
    }
    let text = try runGiving(["validate", "--now", Self.now, "--quiet", "--max-locations", "0"] + paths).standardOutput
    #expect(text.contains("Identifiers in more than one file (\(count))"))
    #expect(Self.unlisted(text).last == count)
    for path in paths { #expect(Self.placeLines(text, file: path).isEmpty) }
  }

  @Test func allAndMaxLocationsTogetherAreRefused() throws {
    let result = try runGiving(["validate", "--all", "--max-locations", "3", FixturePaths.url(Self.manyPlaces).path])
    #expect(result.status == 64)
  }
}
