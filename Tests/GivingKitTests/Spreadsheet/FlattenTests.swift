import Foundation
@testable import GivingKit
import GivingTestSupport
import Testing

/// Grants → standard-title sheet → grants.
@Suite struct FlattenTests {
  static func layout(_ grants: [Grant]) -> FlatLayout {
    var flattener = Flattener()
    for g in grants { flattener.add(g) }
    return flattener.layout()
  }

  /// The sheet a CSV file would hold: every cell is text.
  static func csvSheet(_ grants: [Grant]) -> [[CellValue?]] {
    let layout = layout(grants)
    var rows: [[CellValue?]] = [layout.headings.map { .text($0) }]
    for g in grants {
      rows.append(layout.row(for: g).map { $0.map { .text(CSVFeedWriter.text(of: $0)) } })
    }
    return rows
  }

  static func grant(_ json: String) throws -> Grant {
    Grant(json: try JSONValue(parsing: Array(json.utf8), file: "test.json"))
  }

  @Test func headingsUseTitlesRolledUpFirstItemsAndNumberedFurtherItems() throws {
    let g = try Self.grant("""
      {"id":"g","title":"T","amountAwarded":10.50,
       "recipientOrganization":[
         {"id":"O1","location":[{"geoCode":"E1"},{"geoCode":"E2"}]},
         {"id":"O2","location":[{"name":"L"}]}],
       "relatedActivity":["a","b"],
       "commitmentTransaction":[{"value":5},{"value":6}],
       "zExtra":{"inner":"x"}}
      """)
    let layout = Self.layout([g])
    #expect(layout.headings == [
      "Identifier", "Title", "Amount Awarded",
      "Recipient Org:Identifier", "Recipient Org:Location:Geographic Code", "Recipient Org:Location:1:Geographic Code",
      "Recipient Org:1:Identifier", "Recipient Org:1:Location:0:Name",
      "commitmentTransaction/0/value", "commitmentTransaction/1/value",
      "Related Activity", "zExtra/inner",
    ])
    let row = layout.row(for: g)
    #expect(row[2] == .number("10.50"))
    #expect(row[10] == .text("a;b"))
  }

  @Test func unknownKeysInsideTitledObjectsKeepTheTitledPrefix() throws {
    let g = try Self.grant(#"{"id":"g","fundingOrganization":[{"id":"F","extra":"e"}]}"#)
    let layout = Self.layout([g])
    #expect(layout.headings == ["Identifier", "Funding Org:Identifier", "Funding Org:extra"])
  }

  @Test func nullsAreEmptyCells() throws {
    let g = try Self.grant(#"{"id":"g","dataSource":null}"#)
    let layout = Self.layout([g])
    #expect(layout.headings == ["Identifier"])
  }

  /// Every JSON file in `Fixtures/real/` that is a readable package with grants.
  static let packages: [URL] = {
    var found: [URL] = []
    let root = FixturePaths.url("real")
    let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)
    while let url = walker?.nextObject() as? URL {
      guard url.pathExtension == "json",
        let feed = try? GrantFeed(files: [url]), let (grants, report) = try? feed.readAll(),
        report.hasGrantsMember, !grants.isEmpty
      else { continue }
      found.append(url)
    }
    return found.sorted { $0.path < $1.path }
  }()

  /// Real files whose grants repeat an id (and so merge when read from a sheet).
  static let filesWithRepeatedIDs: Set<String> = [
    "fundingproviders-grants-email.json", "fundingproviders-grants_broken_grants.json",
    "fundingproviders-grants_fixed_2_grants.json",
  ]

  @Test func thereAreRealPackagesToRoundTrip() {
    #expect(Self.packages.count >= 10)
  }

  @Test(arguments: packages)
  func jsonToSheetToJSONKeepsEveryGrant(file: URL) throws {
    let (all, _) = try GrantFeed(files: [file]).readAll()
    // A grant with no value a cell can hold gives an empty row, which is no grant.
    let grants = all.filter { !RoundTrip.isAbsentable($0.json) }
    // A sheet merges rows with the same id by design: files whose ids repeat cannot round-trip.
    let ids = grants.compactMap(\.id)
    if Set(ids).count != ids.count {
      #expect(Self.filesWithRepeatedIDs.contains(file.lastPathComponent))
      return
    }
    let book = MemoryWorkbook(format: .csv, [("grants", Self.csvSheet(grants))])
    var back: [Grant] = []
    _ = try SpreadsheetFeedReader(workbook: book).read { back.append($0) }
    try #require(back.count == grants.count, "\(file.lastPathComponent)")
    for (original, read) in zip(grants, back) {
      var differences: [String] = []
      RoundTrip.compare(original.json, read.json, path: "", differences: &differences)
      #expect(differences.isEmpty, "\(file.lastPathComponent) grant \(original.index): \(differences.prefix(5))")
    }
  }

  /// The same through real files: `Converter` writes the CSV, ``GrantFeed`` reads it back.
  @Test(arguments: packages)
  func jsonToCSVFileToJSONKeepsEveryGrant(file: URL) throws {
    let (all, _) = try GrantFeed(files: [file]).readAll()
    let grants = all.filter { !RoundTrip.isAbsentable($0.json) }
    let ids = grants.compactMap(\.id)
    if Set(ids).count != ids.count { return }
    let directory = ScratchSpace.root.appendingPathComponent("giving-mapping-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let csv = directory.appendingPathComponent("grants.csv")
    let written = try Converter.convert(GrantFeed(files: [file]), to: .csv, path: csv.path)
    #expect(written.grantCount == all.count)
    let (back, report) = try GrantFeed(files: [csv]).readAll()
    #expect(report.format == .csv)
    try #require(back.count == grants.count, "\(file.lastPathComponent)")
    for (original, read) in zip(grants, back) {
      var differences: [String] = []
      RoundTrip.compare(original.json, read.json, path: "", differences: &differences)
      #expect(differences.isEmpty, "\(file.lastPathComponent) grant \(original.index): \(differences.prefix(5))")
    }
  }
}

/// What a CSV round trip may change, and nothing else: `null` (and other values a cell cannot
/// hold: `""`, `[]`, `{}`) may come back absent; a cell has no type, so a number in a string
/// or unknown column comes back as its text and a numeric string in a number column as a
/// number with the same text; a list where the schema has none (or an unknown field) comes
/// back as its `;`-joined text; a scalar where the schema has a list of objects comes back as
/// an empty list (with a warning).
enum RoundTrip {
  static func isAbsentable(_ value: JSONValue) -> Bool {
    switch value {
    case .null: true
    case .string(let s): s.isEmpty
    case .array(let a): a.allSatisfy(isAbsentable)
    case .object(let o): o.members.allSatisfy { isAbsentable($0.value) }
    default: false
    }
  }

  static func scalarText(_ value: JSONValue) -> String {
    switch value {
    case .string(let s): s
    case .number(let n): n.text
    default: JSONWriter().string(value)
    }
  }

  /// `["a","b"]` → `a;b`, `[["a","b"],["c"]]` → `a,b;c`.
  static func listText(_ value: JSONValue) -> String {
    guard case .array(let items) = value else { return scalarText(value) }
    return items.map { item in
      if case .array(let inner) = item { return inner.map(scalarText).joined(separator: ",") }
      return scalarText(item)
    }.joined(separator: ";")
  }

  static func compare(_ a: JSONValue, _ b: JSONValue?, path: String, differences: inout [String]) {
    guard let b else {
      if !isAbsentable(a) { differences.append("\(path): missing") }
      return
    }
    switch (a, b) {
    case (.object(let x), .object(let y)):
      for m in x.members { compare(m.value, y[m.key], path: path + "/" + m.key, differences: &differences) }
      for m in y.members where x[m.key] == nil { differences.append("\(path)/\(m.key): added") }
    case (.array(let x), .array(let y)) where y.isEmpty && !x.isEmpty && x.allSatisfy({ $0.objectValue == nil && $0.arrayValue == nil }):
      // Scalars as the items of a list of objects (`"actualDates": ["…"]`): the same case as
      // below, one level down.
      break
    case (.array(let x), .array(let y)):
      let kept = x.filter { !isAbsentable($0) }
      if kept.count != y.count { differences.append("\(path): \(x.count) items, \(y.count) back"); return }
      for (i, (p, q)) in zip(kept, y).enumerated() { compare(p, q, path: path + "/\(i)", differences: &differences) }
    case (.number(let x), .number(let y)):
      // Exact text, not just equal value: amounts must keep every digit written.
      if x.text != y.text { differences.append("\(path): \(x.text) ≠ \(y.text)") }
    case (.number(let x), .string(let y)), (.string(let y), .number(let x)):
      if x.text != y { differences.append("\(path): \(x.text) ≠ \(y)") }
    case (.string, .array(let y)) where y.isEmpty, (.number, .array(let y)) where y.isEmpty, (.bool, .array(let y)) where y.isEmpty:
      // A scalar where the schema wants a list of objects (`"plannedDates": "…"`) sits in a
      // column that names the list itself; read back, such a column gives an empty list, with
      // a conversion warning, as the official tools do.
      break
    case (.array(let x), .string(let y)) where x.allSatisfy({ $0.objectValue == nil }):
      if listText(a) != y { differences.append("\(path): \(JSONWriter().string(a)) ≠ \(y)") }
    default:
      if a != b { differences.append("\(path): \(JSONWriter().string(a)) ≠ \(JSONWriter().string(b))") }
    }
  }
}
