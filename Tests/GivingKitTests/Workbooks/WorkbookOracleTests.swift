import Foundation
@testable import GivingKit
import GivingTestSupport
import Testing

/// Every real workbook the official Data Quality Tool converted gives the same number of
/// grants here (workbook reading and the spreadsheet mapping together).
@Suite struct WorkbookOracleTests {
  static let expected: [(String, Int)] = {
    guard let data = try? Data(contentsOf: FixturePaths.url("dqt-oracle/results-now-2026-11-25.json")),
      let entries = try? JSONSerialization.jsonObject(with: data) as? [[String: Any]]
    else { return [] }
    return entries.compactMap { entry in
      guard let file = entry["file"] as? String, file.hasSuffix(".xlsx") || file.hasSuffix(".ods"),
        let grants = entry["grants"] as? Int
      else { return nil }
      return (file, grants)
    }
  }()

  @Test func theOracleListsTheWorkbooks() {
    #expect(Self.expected.count == 18)
  }

  @Test(arguments: expected.map(\.0))
  func grantCountMatchesTheDataQualityTool(file: String) throws {
    let count = try #require(Self.expected.first { $0.0 == file }?.1)
    let (grants, report) = try GrantFeed(files: [FixturePaths.url("real/" + file)]).readAll()
    #expect(grants.count == count)
    #expect(report.format == (file.hasSuffix(".ods") ? .ods : .xlsx))
  }

  @Test func theDataQualityToolsRefusalOfAnEmptyXLSXIsEchoed() {
    // The DQT: "The supplied file has extension .xlsx but isn't an XLSX file."
    #expect {
      try GrantFeed(files: [FixturePaths.url("real/dataquality/bad.xlsx")]).readAll()
    } throws: { error in
      (error as? FeedError)?.description.contains("has extension .xlsx but isn't an XLSX file") == true
    }
  }
}
