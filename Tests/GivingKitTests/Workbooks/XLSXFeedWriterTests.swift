import Foundation
@testable import GivingKit
import GivingTestSupport
import Testing

/// JSON → XLSX file → JSON through `Converter` and ``GrantFeed``: every grant and the package
/// metadata come back (within what any sheet round trip may change, see `RoundTrip`).
@Suite struct XLSXFeedWriterTests {
  @Test(arguments: FlattenTests.packages)
  func jsonToXLSXFileToJSONKeepsEveryGrantAndTheMetadata(file: URL) throws {
    let (all, original) = try GrantFeed(files: [file]).readAll()
    let grants = all.filter { !RoundTrip.isAbsentable($0.json) }
    let ids = grants.compactMap(\.id)
    if Set(ids).count != ids.count { return }
    let xlsx = TestWorkbooks.temporaryPath("grants.xlsx")
    defer { TestWorkbooks.remove(xlsx) }
    let written = try Converter.convert(GrantFeed(files: [file]), to: .xlsx, path: xlsx.path)
    #expect(written.grantCount == all.count)
    let (back, report) = try GrantFeed(files: [xlsx]).readAll()
    #expect(report.format == .xlsx)
    try #require(back.count == grants.count, "\(file.lastPathComponent)")
    for (a, b) in zip(grants, back) {
      var differences: [String] = []
      RoundTrip.compare(a.json, b.json, path: "", differences: &differences)
      #expect(differences.isEmpty, "\(file.lastPathComponent) grant \(a.index): \(differences.prefix(5))")
    }
    var differences: [String] = []
    RoundTrip.compare(.object(original.package), .object(report.package), path: "", differences: &differences)
    #expect(differences.isEmpty, "\(file.lastPathComponent) package: \(differences.prefix(5))")
    let sheets = try XLSXWorkbook(url: xlsx).sheetNames
    #expect(sheets == (original.package.isEmpty ? ["grants"] : ["grants", "Meta"]))
  }
}
