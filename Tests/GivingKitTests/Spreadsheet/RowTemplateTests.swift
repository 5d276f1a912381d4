import Foundation
import GivingTestSupport
@testable import GivingKit
import Testing

/// Rows built through a ``RowTemplate`` must give exactly what building each row's tree and
/// merging it gives: the same grants (member order, values, cells) and the same warnings, in
/// the same order.
@Suite struct RowTemplateTests {
  func read(_ workbook: () throws -> any Workbook, templates: Bool) throws -> (grants: [Grant], report: FeedReport) {
    let reader = SpreadsheetFeedReader(workbook: try workbook())
    reader.usesRowTemplates = templates
    var grants: [Grant] = []
    let report = try reader.read { grants.append(Self.withCellsListed($0)) }
    return (grants, report)
  }

  /// The grant with its cells listed one by one, as a grant read without templates has them
  /// (a grant of one row made through a template refers to its template's ``CellLayout``).
  static func withCellsListed(_ grant: Grant) -> Grant {
    var grant = grant
    if case .row = grant.source, let (rows, cells) = grant.source.rowsAndCells {
      grant.source = .cells(rows: rows, cells: cells)
    }
    return grant
  }

  func expectSame(_ name: String, _ workbook: () throws -> any Workbook) throws {
    let fast = try read(workbook, templates: true)
    let slow = try read(workbook, templates: false)
    #expect(fast.grants.count == slow.grants.count, "\(name)")
    for (a, b) in zip(fast.grants, slow.grants) where a != b {
      Issue.record("\(name): grant \(b.index) differs:\n\(a)\nvs\n\(b)")
      break
    }
    #expect(fast.report.warnings == slow.report.warnings, "\(name)")
    #expect(fast.report.rowsRead == slow.report.rowsRead, "\(name)")
  }

  /// Grants of one row refer to their template's cell layout, one per pattern of filled cells,
  /// instead of listing their cells.
  @Test func rowsWithTheSameCellsFilledShareOneLayout() throws {
    let reader = SpreadsheetFeedReader(workbook: try CSVWorkbook(files: [FixturePaths.url("sample/grants.csv")]))
    var layouts: [ObjectIdentifier] = []
    var grants = 0
    _ = try reader.read { grant in
      grants += 1
      if case .row(_, let layout) = grant.source { layouts.append(ObjectIdentifier(layout)) }
    }
    #expect(grants == 500)
    #expect(layouts.count > grants / 2)
    #expect(Set(layouts).count < layouts.count / 10)
  }

  @Test func everyRealWorkbookAndCSVReadsAlike() throws {
    var compared = 0
    for folder in ["real/dataquality", "real/standard", "real/flatten-tool", "real/dataquality-tools-data", "sample"] {
      for url in FixturePaths.files(in: folder, extensions: ["csv", "xlsx", "ods"]) {
        let workbook: () throws -> any Workbook
        switch url.pathExtension {
        case "csv": workbook = { try CSVWorkbook(files: [url]) }
        case "xlsx": workbook = { try XLSXWorkbook(url: url) }
        default: workbook = { try ODSWorkbook(url: url) }
        }
        guard (try? workbook()) != nil, (try? read(workbook, templates: false)) != nil else { continue }
        try expectSame(url.lastPathComponent, workbook)
        compared += 1
      }
    }
    #expect(compared >= 20)
  }

  // Indexed items with gaps, an item written both with and without an index, the same id
  // in two items of one row, members whose first column is empty, an unknown column, rows
  // that merge, a number column holding text.
  static let awkwardCSV = """
    Title,Identifier,Recipient Org:Name,Beneficiary Location:2:Name,Beneficiary Location:0:Name,Recipient Org:Identifier,Recipient Org:1:Identifier,Amount Awarded,Extra:Thing,Beneficiary Location:2:Geographic Code
    T1,1,Org,Far,Near,GB-1,GB-2,10,x,E01
    ,2,,,Near,GB-1,GB-1,ten,,E02
    T3,3,,Far,,,GB-3,,y,
    T3b,3,Other,,,GB-4,,30,,
    ,4,,,,,,,,
    ,,,,,,,,,

    """

  /// Runs `body` with ``awkwardCSV`` written to a file of its own.
  func withAwkwardCSV(_ body: (URL) throws -> Void) throws {
    let folder = ScratchSpace.root.appendingPathComponent("giving-template-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let url = folder.appendingPathComponent("grants.csv")
    try Data(Self.awkwardCSV.utf8).write(to: url)
    try body(url)
  }

  @Test func awkwardHeadingsAndRowsReadAlike() throws {
    try withAwkwardCSV(awkwardHeadingsAndRowsReadAlike)
  }

  func awkwardHeadingsAndRowsReadAlike(_ url: URL) throws {
    let headings = Self.awkwardCSV.split(separator: "\n")[0].split(separator: ",").map(String.init)
    #expect(RowTemplate(plans: headings.map { HeadingMapper().plan(for: $0) }) != nil, "the template is used")
    #expect(RowTemplate(plans: ["Funding Org", "Funding Org:Identifier"].map { HeadingMapper().plan(for: $0) }) == nil)
    try expectSame("awkward.csv") { try CSVWorkbook(files: [url]) }
    let (grants, _) = try read({ try CSVWorkbook(files: [url]) }, templates: true)
    #expect(grants.map(\.id) == ["1", "2", "3", "4"])
    // Members follow their first filled column: Identifier before the org in row 3.
    #expect(grants[2].object.members.map(\.key).first == "title")
    #expect(grants[1].object.members.map(\.key).first == "id")
  }

  /// A grant of one row written as JSON text straight from the row (`convert`) must be the
  /// text of the grant the row builds; a row whose items would merge is built instead.
  @Test func rowsWrittenAsJSONAreTheTextOfTheirGrants() throws {
    enum Read: Equatable {
      case text(String)
      case grant(Grant)
    }
    func compare(_ name: String, _ url: URL) throws -> [Read] {
      let built = try read({ try CSVWorkbook(files: [url]) }, templates: true).grants
      let reader = SpreadsheetFeedReader(workbook: try CSVWorkbook(files: [url]))
      var reads: [Read] = []
      reader.jsonSink = { json, _, _ in reads.append(.text(String(decoding: json, as: UTF8.self))) }
      _ = try reader.read { reads.append(.grant($0)) }
      #expect(reads.count == built.count, "\(name)")
      for (read, grant) in zip(reads, built) {
        switch read {
        case .text(let text):
          #expect(text == String(decoding: JSONWriter().string(bytesOf: grant.json), as: UTF8.self), "\(name)")
        case .grant(let other):
          #expect(other.json == grant.json, "\(name)")
        }
      }
      return reads
    }
    var texts = 0
    for file in ["sample/grants.csv", "sample/dirty.csv"] {
      texts += try compare(file, FixturePaths.url(file)).filter { if case .text = $0 { true } else { false } }.count
    }
    #expect(texts > 100)
    try withAwkwardCSV { url in
      let reads = try compare("awkward.csv", url)
      // Grant 2 names GB-1 in two recipient items, which merge: it is built, not written.
      guard reads.count == 4 else { return }
      if case .text = reads[1] { Issue.record("grant 2 was written although its items merge") }
      if case .grant = reads[0] { Issue.record("grant 1 was built although it could be written") }
    }
  }

  /// `convert` reads without recording the cell of every value; the grants must not change.
  @Test func readingWithoutCellsGivesTheSameGrants() throws {
    for file in ["sample/grants.csv", "sample/dirty.csv"] {
      func read(cells: Bool) throws -> [Grant] {
        let reader = SpreadsheetFeedReader(workbook: try CSVWorkbook(files: [FixturePaths.url(file)]))
        reader.recordsCells = cells
        var grants: [Grant] = []
        _ = try reader.read { grants.append($0) }
        return grants
      }
      let with = try read(cells: true)
      let without = try read(cells: false)
      #expect(with.map(\.json) == without.map(\.json), "\(file)")
      #expect(with.map(\.firstRow) == without.map(\.firstRow), "\(file)")
      let recorded = without.reduce(0) { n, grant in
        guard case .cells(_, let cells) = grant.source else { return n }
        return n + cells.count
      }
      // Only rows that merge record their cells.
      #expect(recorded < with.count, "\(file)")
    }
  }
}
