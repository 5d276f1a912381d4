import Foundation
import GivingTestSupport
import Testing

/// A `giving` binary copied somewhere without the `.resources` folders the build puts beside it
/// (its schemas, codelists and geography tables) crashed on its first use of them once its
/// build folder was gone too (`Bundle.module`'s fatal error). It now finds the data in the
/// source tree it was built from, and says what is missing, with exit code 2, when that is
/// gone as well.
@Suite struct InstallationTests {
  @Test func aBinaryCopiedWithoutItsResourceFoldersStillWorks() throws {
    let folder = ScratchSpace.root.appendingPathComponent("giving-alone-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let copy = folder.appendingPathComponent("giving")
    try FileManager.default.copyItem(at: FixturePaths.givingBinary, to: copy)
    #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("giving_GivingSchemas.resources").path))

    let sample = FixturePaths.url("sample/grants.json").path
    let validation = try runGiving(["validate", "--format", "json", "--now", "2026-11-25", sample], executable: copy)
    #expect(validation.status == 0 || validation.status == 1, "\(validation.standardError)")
    #expect(validation.standardOutput.contains("\"grants\""))

    let deciles = try runGiving(["aggregate", "--by", "imd-decile", sample], executable: copy)
    #expect(deciles.status == 0, "\(deciles.standardError)")
    #expect(deciles.standardOutput.contains("England"))
  }
}
