import Foundation
import GivingKit
import GivingTestSupport
import Testing

/// A folder given as an input stands for the files giving reads inside it.
@Suite struct InputPathsTests {
  static func folder(_ files: [String]) throws -> String {
    let root = ScratchSpace.root.appendingPathComponent("inputs-\(UUID().uuidString)")
    for name in files {
      let url = root.appendingPathComponent(name)
      try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
      try Data("x".utf8).write(to: url)
    }
    try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    return root.path
  }

  @Test func aFolderStandsForTheFilesGivingReadsInItAndItsSubfolders() throws {
    let root = try Self.folder([
      "b.json", "a.CSV", "notes.txt", ".hidden.json", "sub/c.xlsx", "sub/deeper/d.ods", ".git/e.json", "f.xml",
    ])
    let files = try InputPaths.expand([root, "/no/such/file.json"])
    #expect(files == [
      root + "/a.CSV", root + "/b.json", root + "/f.xml", root + "/sub/c.xlsx", root + "/sub/deeper/d.ods",
      "/no/such/file.json",
    ])
    #expect(try InputPaths.expand([root + "/"]).first == root + "/a.CSV")
  }

  @Test func linksToFilesAreReadAndLinksToFoldersNotFollowed() throws {
    let root = try Self.folder(["a.json", "sub/b.csv"])
    let outside = try Self.folder(["elsewhere.xml"])
    try FileManager.default.createSymbolicLink(atPath: root + "/linked.xml", withDestinationPath: outside + "/elsewhere.xml")
    try FileManager.default.createSymbolicLink(atPath: root + "/sub/up", withDestinationPath: root)
    #expect(try InputPaths.expand([root]) == [root + "/a.json", root + "/linked.xml", root + "/sub/b.csv"])
  }

  @Test func aFolderWithNothingToReadIsRefused() throws {
    let root = try Self.folder(["readme.md"])
    #expect(throws: FeedError.unreadable(file: root, reason: "the folder holds no .json, .csv, .xlsx, .ods or .xml file")) {
      try InputPaths.expand([root])
    }
  }
}
