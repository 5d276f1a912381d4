import Foundation
import GivingTestSupport
@testable import GivingKit
import GivingSchemas
import Testing

/// Where giving finds the data bundled with it (``ResourceFolder``).
@Suite struct ResourceFolderTests {
  @Test func theBundledDataIsFound() {
    #expect(SchemaBundle.missingBundledData().isEmpty)
  }

  @Test func aFolderFoundNowhereIsLookedForBesideTheExecutable() throws {
    let found = ResourceFolder.locate(bundle: "giving_Nothing.resources", folder: "Nothing", source: "/nonexistent/Nothing.swift")
    let executable = try #require(Bundle.main.executableURL)
    #expect(found.path == executable.deletingLastPathComponent().appendingPathComponent("giving_Nothing.resources/Nothing").path)
    #expect(!FileManager.default.fileExists(atPath: found.path))
  }

  @Test func theSourceTreeIsTheLastPlaceLookedIn() throws {
    let folder = ScratchSpace.root.appendingPathComponent("giving-source-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder.appendingPathComponent("Data"), withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let found = ResourceFolder.locate(
      bundle: "giving_Nothing.resources", folder: "Data", source: folder.appendingPathComponent("Data.swift").path)
    #expect(found.standardizedFileURL.path == folder.appendingPathComponent("Data").standardizedFileURL.path)
  }
}
