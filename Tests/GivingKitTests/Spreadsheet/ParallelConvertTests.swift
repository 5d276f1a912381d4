import Foundation
import GivingTestSupport
@testable import GivingKit
import Testing

/// `convert --to json` of a large CSV file: workers write each grant's JSON text, straight from
/// its row where the grant has one. The package and the warnings must be byte for byte those
/// of a sequential conversion through trees.
@Suite struct ParallelConvertTests {
  func convert(_ url: URL, parallel: Bool, into folder: URL) throws -> (json: Data, warnings: [ConversionWarning]) {
    var feed = try GrantFeed(files: [url])
    // Ranges of a few hundred bytes, so that every file is cut many times.
    feed.parallelMinimumSize = parallel ? 0 : .max
    feed.parallelChunkSize = 512
    let out = folder.appendingPathComponent(parallel ? "parallel.json" : "sequential.json")
    let report = try Converter.convert(feed, to: .json, path: out.path)
    return (try Data(contentsOf: out), report.warnings)
  }

  @Test func parallelAndSequentialConversionAgree() throws {
    let files = try DirectRowsTests.csvFiles()
    defer { files.remove() }
    let folder = ScratchSpace.root.appendingPathComponent("giving-pconvert-\(UUID())")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    var compared = 0
    for url in files.urls where try ParallelCSVFeedReader.plan(for: url, titles: .grant, minimumSize: 0) != nil {
      let sequential = try convert(url, parallel: false, into: folder)
      let parallel = try convert(url, parallel: true, into: folder)
      #expect(parallel.json == sequential.json, "\(url.lastPathComponent)")
      #expect(parallel.warnings == sequential.warnings, "\(url.lastPathComponent)")
      compared += 1
    }
    #expect(compared >= 5)
  }
}
