import Foundation
import GivingTestSupport
@testable import GivingKit
import Testing

/// ``XMLEventReader`` (libxml2's SAX2 push parser, for the parts a workbook inflates) must
/// hand on what ``XMLStreamReader`` (libxml2's tree reader) does: the same elements at the same
/// depths, with the same namespaces and attributes, and the same text between them.
@Suite struct XMLEventReaderTests {
  /// Events written out in one form for both readers: an empty element as a start and an end
  /// (the tree reader tells `<a></a>` from `<a/>`, the push parser only within a chunk), and
  /// the text between two element events joined (either may cut it in pieces). Namespace
  /// declarations are left out: the tree reader lists them among the attributes, the push
  /// parser resolves them into each name's namespace (compared here too) and lists them apart.
  static func transcript(_ reader: some XMLPullReader) throws -> [String] {
    var lines: [String] = []
    var text = ""
    func flush() {
      if !text.isEmpty { lines.append("text \(text)") }
      text = ""
    }
    while try reader.next() {
      switch reader.kind {
      case .startElement:
        flush()
        var attributes: [String] = []
        reader.forEachAttribute { name, value in
          let name = String(cString: name)
          if name != "xmlns" && !name.hasPrefix("xmlns:") { attributes.append(name + "=" + String(cString: value)) }
        }
        lines.append("start \(reader.depth) \(reader.namespaceURI ?? "-") \(reader.localName) \(attributes.sorted())")
        if reader.isEmptyElement { lines.append("end \(reader.depth) \(reader.localName)") }
      case .endElement:
        flush()
        lines.append("end \(reader.depth) \(reader.localName)")
      case .text, .whitespace:
        text += reader.value
      case .other:
        break
      }
    }
    flush()
    return lines
  }

  static var workbooks: [URL] {
    ["dataquality", "dataquality-tools-data", "flatten-tool", "standard"].flatMap {
      FixturePaths.files(in: "real/" + $0, extensions: ["xlsx", "ods"])
    }
  }

  @Test func everyPartOfEveryRealWorkbookReadsAsTheTreeReaderReadsIt() throws {
    var parts = 0
    var elements = 0
    for url in Self.workbooks {
      guard let container = try? ZipContainer(url: url, kind: url.pathExtension.uppercased()) else { continue }
      for entry in container.entries where entry.path.hasSuffix(".xml") || entry.path.hasSuffix(".rels") {
        let name = "\(url.lastPathComponent) [\(entry.path)]"
        let tree = try Self.transcript(XMLStreamReader(bytes: try container.data(entry.path), displayName: name))
        let events = try Self.transcript(XMLEventReader(stream: try container.stream(entry.path), displayName: name))
        #expect(events == tree, "\(name)")
        parts += 1
        elements += tree.count { $0.hasPrefix("start ") }
      }
    }
    // The real workbooks hold well over a hundred parts and many thousand elements.
    #expect(parts > 100)
    #expect(elements > 10_000)
  }

  @Test func refusesWhatTheTreeReaderRefuses() throws {
    let documents = [
      #"<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x "boom">]><a>&x;</a>"#,
      #"<?xml version="1.0"?><!DOCTYPE a SYSTEM "file:///etc/passwd"><a/>"#,
      #"<a>&undeclared;</a>"#,
      #"<a><b></a>"#,
      #"<a>"#,
    ]
    for document in documents {
      let url = try TestWorkbooks.zip("part.zip", [("part.xml", Array(document.utf8))])
      defer { TestWorkbooks.remove(url) }
      let container = try ZipContainer(url: url, kind: "XLSX")
      let reader = try XMLEventReader(stream: try container.stream("part.xml"), displayName: "part.xml")
      var thrown: FeedError?
      do {
        while try reader.next() {}
      } catch let error as FeedError {
        thrown = error
      }
      switch thrown {
      case .forbiddenXML?, .malformedXML?: break
      default: Issue.record("\(document): \(String(describing: thrown))")
      }
      if document.contains("ENTITY") || document.contains("SYSTEM") || document.contains("undeclared") {
        guard case .forbiddenXML? = thrown else {
          Issue.record("\(document) should be refused as forbidden: \(String(describing: thrown))")
          continue
        }
      }
    }
  }
}
