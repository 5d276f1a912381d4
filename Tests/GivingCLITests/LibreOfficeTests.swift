import Foundation
import GivingKit
import GivingTestSupport
import Testing

/// The workbooks `giving convert --to xlsx` writes open in LibreOffice: LibreOffice turns one
/// into CSV, and giving reads that CSV back to the grants it started from.
@Suite struct LibreOfficeTests {
  /// LibreOffice's command-line program, when installed (`make test` installs
  /// `libreoffice-calc-nogui`).
  static let soffice: String? = ["/usr/bin/soffice", "/usr/bin/libreoffice", "/usr/local/bin/soffice"]
    .first { FileManager.default.isExecutableFile(atPath: $0) }

  /// The value with every object's members sorted, so that two workbooks whose columns come
  /// in another order compare by content.
  func canonical(_ value: JSONValue) -> JSONValue {
    switch value {
    case .object(let object):
      .object(JSONObject(object.members.map { .init(key: $0.key, value: canonical($0.value)) }.sorted { $0.key < $1.key }))
    case .array(let items): .array(items.map(canonical))
    default: value
    }
  }

  @Test(.enabled(if: soffice != nil, "LibreOffice is not installed (make test installs it)"))
  func libreOfficeOpensWhatGivingWrites() throws {
    let directory = ScratchSpace.root.appendingPathComponent("giving-lo-\(UUID())")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let source = FixturePaths.url("sample/grants.csv")
    let workbook = directory.appendingPathComponent("grants.xlsx")
    let converted = try runGiving(["convert", source.path, "--to", "xlsx", "-o", workbook.path])
    #expect(converted.status == 0, "\(converted.standardError)")

    let process = Process()
    process.executableURL = URL(fileURLWithPath: try #require(Self.soffice))
    process.arguments = [
      "-env:UserInstallation=file://\(directory.path)/profile", "--headless",
      "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76,1", "--outdir", directory.appendingPathComponent("out").path,
      workbook.path,
    ]
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    process.waitUntilExit()
    #expect(process.terminationStatus == 0)

    let exported = directory.appendingPathComponent("out/grants.csv")
    let original = try GrantFeed(files: [source]).readAll().grants
    let roundTripped = try GrantFeed(files: [exported]).readAll().grants
    #expect(roundTripped.count == original.count)
    #expect(original.count == 500)
    for (a, b) in zip(roundTripped, original) where canonical(a.json) != canonical(b.json) {
      Issue.record("grant \(b.id ?? "?") differs after LibreOffice: \(a.json) vs \(b.json)")
      break
    }
  }
}
