import Foundation
import GivingKit
import GivingTestSupport
import Testing

/// XML that tries to reach files or the network, expand entities, or is simply broken is
/// refused quickly with an error naming the place; nothing crashes.
@Suite struct XMLHostileInputTests {
  /// Reads `text` as an XML feed and returns the error it throws (or `nil`) and how long it took.
  static func readError(_ text: String) throws -> (error: FeedError?, seconds: Double) {
    try readError(Array(text.utf8))
  }

  static func readError(_ bytes: [UInt8]) throws -> (error: FeedError?, seconds: Double) {
    let folder = try XMLTestSupport.scratchFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = try XMLTestSupport.write(bytes, named: "input.xml", in: folder)
    let start = Date()
    do {
      try GrantFeed(paths: [path]).read { _ in }
      return (nil, Date().timeIntervalSince(start))
    } catch let error as FeedError {
      return (error, Date().timeIntervalSince(start))
    }
  }

  static let open = #"<package xmlns="https://giving.example/360giving-xml/1">"#

  @Test func externalEntityIsRefusedNamingTheLine() throws {
    let (error, seconds) = try Self.readError(
      """
      <?xml version="1.0"?>
      <!DOCTYPE package [<!ENTITY e SYSTEM "file:///etc/passwd">]>
      \(Self.open)<grants><grant><title>&e;</title></grant></grants></package>
      """)
    guard case .forbiddenXML(_, let line, _, let reason)? = error else {
      Issue.record("expected forbiddenXML, got \(String(describing: error))")
      return
    }
    #expect(line == 2)
    #expect(reason.contains("DOCTYPE") || reason.contains("entit"))
    #expect(seconds < 2)
  }

  @Test func billionLaughsIsRefusedQuickly() throws {
    var entities = #"<!ENTITY lol0 "lol">"#
    for i in 1...9 {
      entities += "\n<!ENTITY lol\(i) \"" + String(repeating: "&lol\(i - 1);", count: 10) + "\">"
    }
    let (error, seconds) = try Self.readError(
      "<?xml version=\"1.0\"?>\n<!DOCTYPE package [\n\(entities)\n]>\n\(Self.open)<grants><grant><title>&lol9;</title></grant></grants></package>"
    )
    guard case .forbiddenXML(_, let line, _, _)? = error else {
      Issue.record("expected forbiddenXML, got \(String(describing: error))")
      return
    }
    #expect(line >= 2)
    #expect(seconds < 2)
  }

  @Test func externalDTDIsRefusedWithoutFetchingIt() throws {
    let (error, seconds) = try Self.readError(
      """
      <?xml version="1.0"?>
      <!DOCTYPE package SYSTEM "http://192.0.2.1/giving.dtd">
      \(Self.open)<grants/></package>
      """)
    guard case .forbiddenXML(let file, let line, _, _)? = error else {
      Issue.record("expected forbiddenXML, got \(String(describing: error))")
      return
    }
    #expect(file.hasSuffix("input.xml"))
    #expect(line == 2)
    #expect(seconds < 2)
  }

  @Test func undefinedEntityReferenceIsRefused() throws {
    let (error, _) = try Self.readError("\(Self.open)<grants><grant><t>&nope;</t></grant></grants></package>")
    guard case .forbiddenXML(_, let line, _, _)? = error else {
      Issue.record("expected forbiddenXML, got \(String(describing: error))")
      return
    }
    #expect(line == 1)
  }

  @Test func unclosedTagIsMalformedWithLineAndColumn() throws {
    let (error, _) = try Self.readError(
      """
      \(Self.open)
        <grants>
          <grant>
            <id>g-1</id>
            <title>never closed
          </grant>
        </grants>
      </package>
      """)
    guard case .malformedXML(_, let line, let column, let reason)? = error else {
      Issue.record("expected malformedXML, got \(String(describing: error))")
      return
    }
    // libxml2 notices at the end tag that does not match: line 6, after `</grant>`.
    #expect(line == 6, "line \(line): \(reason)")
    #expect(column == 13, "column \(column): \(reason)")
    #expect(error?.description.contains(":\(line):\(column): not well-formed XML") == true)
  }

  @Test func forbiddenControlCharacterIsMalformed() throws {
    let (error, _) = try Self.readError(
      "\(Self.open)\n<grants>\n<grant><t>a\u{1}b</t></grant></grants></package>")
    guard case .malformedXML(_, let line, let column, _)? = error else {
      Issue.record("expected malformedXML, got \(String(describing: error))")
      return
    }
    #expect(line == 3)
    #expect(column == 12)  // the control character itself
  }

  @Test func invalidUTF8IsAnEncodingError() throws {
    var bytes = Array("\(Self.open)\n<grants>\n<grant><t>caf".utf8)
    bytes += [0xC3, 0x28]  // a lead byte without its continuation
    bytes += Array("</t></grant></grants></package>".utf8)
    let (error, _) = try Self.readError(bytes)
    guard case .invalidEncoding(_, let line, let reason)? = error else {
      Issue.record("expected invalidEncoding, got \(String(describing: error))")
      return
    }
    #expect(line == 3)
    #expect(reason.contains("UTF-8"))
    #expect(reason.contains("column 14"), "\(reason)")  // the lead byte
  }

  @Test func wrongRootOrNamespaceIsRefused() throws {
    let wrongRoot = try Self.readError("<grants xmlns=\"https://giving.example/360giving-xml/1\"/>").error
    #expect(wrongRoot?.description.contains("expecting 'package'") == true)
    let wrongNamespace = try Self.readError("<package xmlns=\"urn:other\"><grants/></package>").error
    #expect(wrongNamespace?.description.contains("urn:other") == true)
    let foreignChild = try Self.readError(
      "\(Self.open)<grants><grant><x:id xmlns:x=\"urn:other\">1</x:id></grant></grants></package>"
    ).error
    #expect(foreignChild?.description.contains("x:id") == true)
  }

  @Test func badTypedValuesNameTheElementAndPlace() throws {
    let cases: [(String, String)] = [
      ("<amountAwarded type=\"number\">12,000</amountAwarded>", "'12,000' is not a JSON number"),
      ("<amountAwarded type=\"number\">0x10</amountAwarded>", "is not a JSON number"),
      ("<fromOpenCall type=\"boolean\">yes</fromOpenCall>", "'yes' is not 'true' or 'false'"),
      ("<x type=\"null\">0</x>", "type 'null'"),
      ("<x type=\"date\">2020</x>", "unknown type 'date'"),
      ("<x array=\"maybe\">1</x>", "array='maybe'"),
      ("<x encoding=\"base64\">!!!</x>", "not base64"),
      ("<x type=\"number\"><y>1</y></x>", "cannot hold elements"),
      ("<x>text<y>1</y></x>", "mixes text and child elements"),
      ("<x><y>1</y>text</x>", "text is not allowed beside child elements"),
      ("<x type=\"array\"><y>1</y></x>", "expecting 'item'"),
      ("<field>1</field>", "needs a 'name' attribute"),
    ]
    for (element, expected) in cases {
      let (error, _) = try Self.readError(
        "\(Self.open)\n<grants>\n<grant>\n  \(element)\n</grant></grants></package>")
      guard case .malformedXML(_, let line, let column, let reason)? = error else {
        Issue.record("\(element): expected malformedXML, got \(String(describing: error))")
        continue
      }
      #expect(reason.contains(expected), "\(element): \(reason)")
      #expect(line == 4, "\(element): line \(line)")
      // An element where none may be is pointed at itself; anything else at the typed element.
      let offset =
        element.contains("type=\"") && element.contains("<y>")
        ? element.distance(from: element.startIndex, to: element.range(of: "<y>")!.lowerBound) : 0
      #expect(column == 3 + offset, "\(element): column \(column)")
    }
  }

  @Test func deepNestingIsRefusedWithoutCrashing() throws {
    let depth = 5000
    let text =
      Self.open + "<grants><grant>" + String(repeating: "<a>", count: depth)
      + String(repeating: "</a>", count: depth) + "</grant></grants></package>"
    let (error, seconds) = try Self.readError(text)
    #expect(error != nil)
    #expect(seconds < 5)
  }

  /// A package as giving writes it, with values that need escaping.
  static func awkwardPackage() throws -> [UInt8] {
    let folder = try XMLTestSupport.scratchFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let json = try XMLTestSupport.write(XMLRoundTripTests.awkwardPackage, named: "awkward.json", in: folder)
    let xml = folder.appendingPathComponent("awkward.xml").path
    try Converter.convert(try GrantFeed(paths: [json]), to: .xml, path: xml)
    return try [UInt8](Data(contentsOf: URL(fileURLWithPath: xml)))
  }

  /// Whether `error` says what is wrong and at which line and column.
  static func isPlacedError(_ error: FeedError?) -> Bool {
    switch error {
    case .malformedXML(_, let line, let column, _)?, .forbiddenXML(_, let line, let column, _)?:
      return line >= 1 && column >= 1
    case .invalidEncoding(_, let line?, _)?:
      return line >= 1
    default:
      return false
    }
  }

  @Test func everyStrictPrefixOfAPackageIsAnErrorWithALineAndColumn() throws {
    let bytes = try Self.awkwardPackage()
    // Only a line break may follow the package's last '>': every prefix without it is cut short.
    let last = try #require(bytes.lastIndex(of: UInt8(ascii: ">")))
    for length in 0...last {
      let (error, _) = try Self.readError(Array(bytes[..<length]))
      #expect(Self.isPlacedError(error), "prefix of \(length) bytes: \(String(describing: error))")
    }
    #expect(try Self.readError(bytes).error == nil)
  }

  @Test func everyCorruptedByteIsAnErrorOrAValidRead() throws {
    let bytes = try Self.awkwardPackage()
    for offset in stride(from: 0, to: bytes.count, by: 17) {
      var corrupted = bytes
      corrupted[offset] = [0x3C, 0x26, 0x00, 0xFF, 0x22][offset % 5]
      // A corruption may still be well-formed XML (a changed character in a text); anything
      // else must be an error naming its place, never a crash or a partial read.
      let (error, _) = try Self.readError(corrupted)
      if let error { #expect(Self.isPlacedError(error), "byte \(offset): \(error)") }
    }
  }

  @Test func emptyAndNonXMLFilesAreErrors() throws {
    #expect(try Self.readError("").error != nil)
    #expect(try Self.readError("{\"grants\": []}").error != nil)
    #expect(try Self.readError("\(Self.open)<grants/></package>trailing").error != nil)
  }
}
