import Foundation
import GivingKit
import GivingTestSupport
import Testing

/// JSON → XML → JSON loses nothing: on every real package, and on a package made of the
/// awkward corners of JSON (duplicate keys, keys that are not XML names, control characters…).
@Suite struct XMLRoundTripTests {
  /// Converts `path` to XML and reads the XML back.
  static func roundTrip(_ path: String, in folder: URL) throws
    -> (
      original: (grants: [Grant], report: FeedReport), back: (grants: [Grant], report: FeedReport),
      xml: String
    )
  {
    let feed = try GrantFeed(paths: [path])
    let original = try feed.readAll()
    let xml = folder.appendingPathComponent("out.xml").path
    try Converter.convert(feed, to: .xml, path: xml)
    let back = try GrantFeed(paths: [xml]).readAll()
    return (original, back, xml)
  }

  static func expectSame(
    _ original: (grants: [Grant], report: FeedReport), _ back: (grants: [Grant], report: FeedReport),
    _ name: String, hasDuplicateKeys: Bool = false
  ) {
    #expect(back.grants.count == original.grants.count, "\(name): grant count")
    for (a, b) in zip(original.grants, back.grants) {
      // `JSONObject ==` compares the last of duplicate keys with every member of that key, so
      // a value with duplicate keys is not `==` to itself; the detailed comparison covers it.
      if !hasDuplicateKeys { #expect(a.json == b.json, "\(name): grant \(a.index) differs") }
      if let d = XMLTestSupport.difference(a.json, b.json) {
        Issue.record("\(name): grant \(a.index) differs at \(d)")
      }
      #expect(a.index == b.index)
      // One position per value, in preorder, as FeedSources expects.
      if case .text(_, let positions) = b.source {
        #expect(positions.count == b.json.nodeCount, "\(name): grant \(b.index) positions")
      } else {
        Issue.record("\(name): grant \(b.index) has no text positions")
      }
    }
    if case .text(_, let positions) = back.report.packageSource {
      #expect(positions.count == JSONValue.object(back.report.package).nodeCount, "\(name): package positions")
    } else {
      Issue.record("\(name): package has no text positions")
    }
    #expect(back.report.format == .xml)
    #expect(back.report.hasGrantsMember)
    #expect(back.report.grantCount == original.report.grantCount)
    #expect(back.report.rowsRead == original.report.grantCount)
    #expect(back.report.package == original.report.package, "\(name): package members differ")
    if let d = XMLTestSupport.difference(original.report.package, back.report.package) {
      Issue.record("\(name): package differs at \(d)")
    }
  }

  @Test func theRealFixturesIncludeTheLargePackages() {
    let names = XMLTestSupport.realPackages.map(\.lastPathComponent)
    #expect(names.count >= 12)
    #expect(names.contains("json_all_a001p00000zgyHZAAY.json"))
  }

  @Test(arguments: XMLTestSupport.realPackages)
  func realPackageSurvivesTheRoundTrip(file: URL) throws {
    let folder = try XMLTestSupport.scratchFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let (original, back, xml) = try Self.roundTrip(file.path, in: folder)
    Self.expectSame(original, back, file.lastPathComponent)
    #expect(back.report.encoding == "utf-8")
    #expect(back.report.sources.files == [xml])
  }

  /// A package built from every awkward corner of JSON that 360Giving data can hold.
  static let awkwardPackage = #"""
    {
      "version": "1.4",
      "#note": "package key that is not an XML name",
      "publisher": {"name": "Fund & Co <Ltd>", "prefix": "360G-fund"},
      "grants": [
        {
          "id": "360G-fund-1",
          "amountAwarded": 1000.10,
          "amountAppliedFor": 1e5,
          "amountDisbursed": -0,
          "Recipient Org:Name": "kept as a field",
          "": "the empty key",
          "field": "a key named like the wrapper",
          "grants": "a key named like the package's array",
          "package": {"nested": true},
          "xmlLike": "reserved prefix",
          "1abc": "starts with a digit",
          "Montant€": "non-ASCII key",
          "tab\tkey": "control characters in a key",
          "bell\u0007key": "a key XML cannot carry",
          "dup": 1,
          "dup": "two",
          "arr": [1],
          "arr": [2, 3],
          "arr": [],
          "arr": [4],
          "nested": [[1, 2], [], [[]], [{}]],
          "emptyObject": {},
          "emptyArray": [],
          "single": ["only"],
          "flags": [true, false, null],
          "strings": ["", " ", "  lead and trail  ", "line\nfeed", "cr\r\nlf", "lone\rcr", "tab\there",
                      "<&>\"'", "]]>", "ctl\u0001char", "nul\u0000byte", "\uFFFE\uFFFF", "emoji 😀", "é"],
          "recipientOrganization": [{"id": "GB-CHC-1", "name": "One"}, {"id": "GB-CHC-2", "name": "Two"}],
          "object": {"a": {"b": {"c": [{"d": 1.50}]}}}
        },
        1.0,
        "a grant that is a string",
        null,
        [],
        {},
        true
      ],
      "extra": [1, "two", {"three": 3}],
      "single": [{"only": "one"}]
    }
    """#

  @Test func awkwardPackageSurvivesTheRoundTrip() throws {
    let folder = try XMLTestSupport.scratchFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = try XMLTestSupport.write(Self.awkwardPackage, named: "awkward.json", in: folder)
    let (original, back, _) = try Self.roundTrip(path, in: folder)
    #expect(original.grants.count == 7)
    Self.expectSame(original, back, "awkward.json", hasDuplicateKeys: true)
    // Spot checks that do not rely on the comparison helper.
    let first = try #require(back.grants.first?.json.objectValue)
    #expect(first.keys.filter { $0 == "arr" }.count == 4)
    let arrays = first.members.filter { $0.key == "arr" }.map { $0.value.arrayValue?.count ?? -1 }
    #expect(arrays == [1, 2, 0, 1])
    #expect(first["amountAwarded"]?.numberValue?.text == "1000.10")
    #expect(first["amountDisbursed"]?.numberValue?.text == "-0")
    #expect(first["tab\tkey"] == .string("control characters in a key"))
    #expect(first["bell\u{7}key"] != nil)
    #expect(back.grants[1].json.numberValue?.text == "1.0")
    #expect(back.grants[3].json == .null)
    #expect(back.report.package.keys == ["version", "#note", "publisher", "extra", "single"])
  }

  @Test func writerUsesTheDocumentedShapes() throws {
    let folder = try XMLTestSupport.scratchFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = try XMLTestSupport.write(Self.awkwardPackage, named: "awkward.json", in: folder)
    let xml = folder.appendingPathComponent("out.xml").path
    try Converter.convert(try GrantFeed(paths: [path]), to: .xml, path: xml)
    let text = try String(contentsOfFile: xml, encoding: .utf8)
    #expect(
      text.hasPrefix(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<package xmlns=\"https://giving.example/360giving-xml/1\">"
      ))
    #expect(text.contains("<amountAwarded type=\"number\">1000.10</amountAwarded>"))
    #expect(text.contains("<field name=\"Recipient Org:Name\">kept as a field</field>"))
    #expect(text.contains("<field name=\"#note\">"))
    #expect(text.contains("<field name=\"tab&#9;key\">"))
    #expect(text.contains("<recipientOrganization array=\"true\">"))
    #expect(text.contains("<emptyArray type=\"array\"/>"))
    #expect(text.contains("<emptyObject type=\"object\"/>"))
    #expect(text.contains("<single array=\"true\">only</single>"))
    #expect(text.contains("&lt;&amp;&gt;&quot;'"))
    #expect(text.contains("cr&#13;\nlf"))
    #expect(text.contains("encoding=\"base64\""))
    #expect(text.contains("<item type=\"number\">1</item>"))
    // No character XML 1.0 forbids made it into the file.
    #expect(
      !text.unicodeScalars.contains {
        ($0.value < 0x20 && ![0x9, 0xA, 0xD].contains($0.value)) || $0.value == 0xFFFE || $0.value == 0xFFFF
      })
  }

  @Test func writingWhatWasReadGivesTheSameBytes() throws {
    let folder = try XMLTestSupport.scratchFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let awkward = try XMLTestSupport.write(Self.awkwardPackage, named: "awkward.json", in: folder)
    let sources = [awkward, FixturePaths.url("real/dataquality/nulls.json").path]
    for (i, source) in sources.enumerated() {
      let first = folder.appendingPathComponent("first-\(i).xml").path
      let second = folder.appendingPathComponent("second-\(i).xml").path
      try Converter.convert(try GrantFeed(paths: [source]), to: .xml, path: first)
      try Converter.convert(try GrantFeed(paths: [first]), to: .xml, path: second)
      let a = try Data(contentsOf: URL(fileURLWithPath: first))
      let b = try Data(contentsOf: URL(fileURLWithPath: second))
      #expect(a == b, "\(source): XML → XML changed the file")
      #expect(a.count > 500)
    }
  }

  @Test func packageMemberNamedGrantsThatIsNotAnArrayIsKept() throws {
    let folder = try XMLTestSupport.scratchFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = try XMLTestSupport.write(
      #"{"grants": [{"id": "a"}], "grants": "not the array", "version": "1.4"}"#, named: "odd.json",
      in: folder)
    let (original, back, xml) = try Self.roundTrip(path, in: folder)
    #expect(original.report.package.keys == ["grants", "version"])
    #expect(back.report.package.keys == ["grants", "version"])
    #expect(back.report.package["grants"] == .string("not the array"))
    let expected: JSONValue = .object(["id": .string("a")])
    #expect(back.grants.map(\.json) == [expected])
    #expect(try String(contentsOfFile: xml, encoding: .utf8).contains("<field name=\"grants\">not the array</field>"))
  }

  @Test func declaredLatin1IsDecodedAndReported() throws {
    let folder = try XMLTestSupport.scratchFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    var bytes = Array(
      "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<package xmlns=\"https://giving.example/360giving-xml/1\">\n<grants>\n<grant><title>Caf"
        .utf8)
    bytes.append(0xE9)  // é in Latin-1
    bytes += Array(
      "</title>\n<amountAwarded type=\"number\">5</amountAwarded></grant></grants></package>".utf8)
    let path = try XMLTestSupport.write(bytes, named: "latin1.xml", in: folder)
    let (grants, report) = try GrantFeed(paths: [path]).readAll()
    #expect(grants.first?.json["title"] == .string("Café"))
    #expect(report.encoding == "iso-8859-1")
    #expect(report.sources.location(of: "amountAwarded", in: try #require(grants.first))?.line == 5)
  }

  @Test func grantsStreamBeforeTheDocumentEnds() throws {
    let folder = try XMLTestSupport.scratchFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    // The first grant is complete; the document breaks afterwards.
    let path = try XMLTestSupport.write(
      """
      <package xmlns="https://giving.example/360giving-xml/1">
        <grants>
          <grant><id>g-1</id></grant>
          <grant><id>g-2</id>
      """ + String(repeating: "\n    <!-- padding -->", count: 2000) + "\n  <oops>",
      named: "broken.xml", in: folder)
    var seen: [String] = []
    #expect(throws: FeedError.self) {
      try GrantFeed(paths: [path]).read { seen.append($0.json["id"]?.stringValue ?? "") }
    }
    #expect(seen == ["g-1"])
  }
}
