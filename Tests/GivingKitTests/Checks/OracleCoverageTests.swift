import Foundation
import GivingKit
import GivingTestSupport
import Testing

/// The suites that compare giving with the official engine take their cases from the oracle
/// file, one per fixture: if that file failed to load, or named fixtures that are not there,
/// they would run no cases and pass. This suite fails instead.
@Suite struct OracleCoverageTests {
  @Test func theOracleLoadsAndListsEveryRealFixtureAndNothingElse() throws {
    let oracle = try JSONValue(contentsOf: FixturePaths.url("dqt-oracle/results-now-2026-11-25.json"))
    let listed = Set(try #require(oracle.arrayValue).compactMap { $0["file"]?.stringValue })
    let real = FixturePaths.url("real")
    let walker = try #require(FileManager.default.enumerator(at: real, includingPropertiesForKeys: nil))
    var present = Set<String>()
    for case let url as URL in walker where !url.hasDirectoryPath && url.lastPathComponent != "MANIFEST.md" {
      present.insert(String(url.standardizedFileURL.path.dropFirst(real.standardizedFileURL.path.count + 1)))
    }
    #expect(listed.count == 49)
    #expect(listed.subtracting(present).isEmpty, "oracle entries without a fixture: \(listed.subtracting(present).sorted())")
    #expect(present.subtracting(listed).isEmpty, "fixtures the oracle does not cover: \(present.subtracting(listed).sorted())")
  }
}
