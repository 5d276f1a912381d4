import Foundation
import GivingKit
import GivingTestSupport
import Testing

/// Values read from XML point back at the line and column of their start tag, and what the
/// writer makes is valid against the bundled XSD.
@Suite struct XMLLocationTests {
  static let document = """
    <?xml version="1.0" encoding="UTF-8"?>
    <!-- a comment with <tags> in it -->
    <package xmlns="https://giving.example/360giving-xml/1">
      <grants>
        <grant>
          <id>360G-x-1</id>
          <amountAwarded type="number">1500.50</amountAwarded>
          <recipientOrganization array="true"><id>GB-CHC-1</id><name>One</name></recipientOrganization>
          <recipientOrganization array="true">
            <id>GB-CHC-2</id>
          </recipientOrganization>
        </grant>
        <grant><id>360G-x-2</id>   <amountAwarded type="number">7</amountAwarded></grant>
      </grants>
      <publisher><name>Funder</name></publisher>
    </package>
    """

  /// `line:column` (1-based, columns in bytes) of the `occurrence`-th `needle` in ``document``.
  static func find(_ needle: String, occurrence: Int = 1) -> String? {
    var seen = 0
    for (n, line) in document.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
      var rest = Substring(line)
      while let range = rest.range(of: needle) {
        seen += 1
        if seen == occurrence {
          return "\(n + 1):\(line.utf8.distance(from: line.startIndex, to: range.lowerBound) + 1)"
        }
        rest = rest[range.upperBound...]
      }
    }
    return nil
  }

  @Test func findingLocationsResolveToTheStartTag() throws {
    let folder = try XMLTestSupport.scratchFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = try XMLTestSupport.write(Self.document, named: "located.xml", in: folder)
    let (grants, report) = try GrantFeed(paths: [path]).readAll()
    try #require(grants.count == 2)
    let sources = report.sources
    func place(_ p: String, _ g: Int) -> String? {
      sources.location(of: p, in: grants[g]).map { "\($0.line ?? 0):\($0.column ?? 0)" }
    }
    #expect(sources.location(of: "amountAwarded", in: grants[0])?.file == path)
    // Expected places are found by searching the document's text, not by counting by hand.
    #expect(place("", 0) == Self.find("<grant>"))
    #expect(place("id", 0) == Self.find("<id>360G-x-1"))
    #expect(place("amountAwarded", 0) == Self.find("<amountAwarded"))
    #expect(place("recipientOrganization", 0) == Self.find("<recipientOrganization"))
    #expect(place("recipientOrganization/0", 0) == Self.find("<recipientOrganization"))
    #expect(place("recipientOrganization/0/name", 0) == Self.find("<name>One"))
    #expect(place("recipientOrganization/1", 0) == Self.find("<recipientOrganization", occurrence: 2))
    #expect(place("recipientOrganization/1/id", 0) == Self.find("<id>GB-CHC-2"))
    #expect(place("", 1) == Self.find("<grant>", occurrence: 2))
    #expect(place("amountAwarded", 1) == Self.find("<amountAwarded", occurrence: 2))
    #expect(place("title", 0) == nil)
    #expect(report.grantCount == 2)
    #expect(report.package["publisher"]?["name"] == .string("Funder"))
    #expect(report.encoding == "utf-8")
    guard case .text(_, let positions) = report.packageSource else {
      Issue.record("package source is not text")
      return
    }
    #expect(
      positions.map { "\($0.line):\($0.column)" }
        == [Self.find("<package"), Self.find("<publisher>"), Self.find("<name>Funder")])
  }

  @Test func locationsInConvertedRealDataPointAtTheirElement() throws {
    let folder = try XMLTestSupport.scratchFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let source = FixturePaths.url("real/dataquality-tools-data/json_all_a003W000001B7PzQAK.json")
    let xml = folder.appendingPathComponent("real.xml").path
    try Converter.convert(try GrantFeed(files: [source]), to: .xml, path: xml)
    let lines = try String(contentsOfFile: xml, encoding: .utf8).split(
      separator: "\n", omittingEmptySubsequences: false)
    var checked = 0
    let report = try GrantFeed(paths: [xml]).read { grant in
      for path in ["amountAwarded", "recipientOrganization/0/id", "fundingOrganization/0/name"] {
        guard grant.json.value(at: path) != nil else { continue }
        let location = FeedSources(files: [xml]).location(of: path, in: grant)
        #expect(location != nil, "\(path) has no location")
        guard let location, let line = location.line, let column = location.column else { continue }
        let text = lines[line - 1]
        let element = String(path.split(separator: "/").last!)
        let tag = text.utf8.dropFirst(column - 1)
        #expect(String(decoding: tag, as: UTF8.self).hasPrefix("<\(element)"), "\(path) at \(line):\(column)")
        checked += 1
      }
    }
    #expect(report.grantCount > 100)
    #expect(checked > 300)
  }
}

@Suite struct XMLSchemaTests {
  static let skipMessage =
    "xmllint is not installed (apt-get install -y libxml2-utils): the XSD check is skipped"

  @Test(.enabled(if: XMLTestSupport.xmllint != nil, Comment(rawValue: skipMessage)))
  func writerOutputValidatesAgainstTheSchema() throws {
    let folder = try XMLTestSupport.scratchFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let awkward = try XMLTestSupport.write(
      XMLRoundTripTests.awkwardPackage, named: "awkward.json", in: folder)
    let inputs = [URL(fileURLWithPath: awkward)] + XMLTestSupport.realPackages
    for (i, input) in inputs.enumerated() {
      let xml = folder.appendingPathComponent("out-\(i).xml").path
      try Converter.convert(try GrantFeed(files: [input]), to: .xml, path: xml)
      let (status, output) = try XMLTestSupport.validate(xml)
      #expect(status == 0, "\(input.lastPathComponent): \(output)")
    }
  }

  @Test(.enabled(if: XMLTestSupport.xmllint != nil, Comment(rawValue: skipMessage)))
  func schemaRejectsBrokenStructure() throws {
    let folder = try XMLTestSupport.scratchFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let cases = [
      "<grants><item/></grants>",
      "<grants><grant type=\"decimal\">1</grant></grants>",
      "<grants><grant array=\"maybe\">1</grant></grants>",
      "<grants/><field>no name</field>",
      "<grants/><field name=\"k\" name-encoding=\"rot13\">x</field>",
      "<grants><grant><amountAwarded type=\"nmber\">1</amountAwarded></grant></grants>",
      "<grants><grant><unknown><recipientOrganization array=\"yes\"/></unknown></grant></grants>",
    ]
    for (i, body) in cases.enumerated() {
      let path = try XMLTestSupport.write(
        "<package xmlns=\"https://giving.example/360giving-xml/1\">\(body)</package>",
        named: "bad-\(i).xml", in: folder)
      let (status, output) = try XMLTestSupport.validate(path)
      #expect(status != 0, "\(body) validated: \(output)")
    }
  }

  @Test func xmllintAvailabilityIsReported() {
    // Makes a missing xmllint visible in the test log rather than silent.
    if XMLTestSupport.xmllint == nil {
      print("note: \(Self.skipMessage)")
    }
    #expect(FileManager.default.fileExists(atPath: XMLTestSupport.schema.path))
  }
}
