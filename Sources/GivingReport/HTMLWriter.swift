/// Builds an HTML document as UTF-8 bytes: markup written by giving goes in as it is, and
/// every text or attribute value that comes from the data is escaped, so that a grant's title
/// can never open an element or run a script.
///
/// ```swift
/// var html = HTMLWriter()
/// html.open("p", ["class": "note"])
/// html.text("Grants < £1,000 & more")
/// html.close("p")
/// ```
public struct HTMLWriter: Sendable {
  /// The document so far.
  public private(set) var bytes: [UInt8] = []

  public init() {}

  /// Markup written as it is (giving's own tags and styles, never data).
  public mutating func raw(_ markup: String) {
    bytes.append(contentsOf: markup.utf8)
  }

  /// Text, escaped for an element's content or an attribute value.
  public mutating func text(_ text: String) {
    for byte in text.utf8 {
      switch byte {
      case UInt8(ascii: "&"): bytes.append(contentsOf: "&amp;".utf8)
      case UInt8(ascii: "<"): bytes.append(contentsOf: "&lt;".utf8)
      case UInt8(ascii: ">"): bytes.append(contentsOf: "&gt;".utf8)
      case UInt8(ascii: "\""): bytes.append(contentsOf: "&quot;".utf8)
      case UInt8(ascii: "'"): bytes.append(contentsOf: "&#39;".utf8)
      default: bytes.append(byte)
      }
    }
  }

  /// An opening tag with its attributes in the order given (values escaped).
  public mutating func open(_ tag: String, _ attributes: KeyValuePairs<String, String> = [:]) {
    bytes.append(UInt8(ascii: "<"))
    raw(tag)
    for (name, value) in attributes {
      bytes.append(UInt8(ascii: " "))
      raw(name)
      raw("=\"")
      text(value)
      bytes.append(UInt8(ascii: "\""))
    }
    bytes.append(UInt8(ascii: ">"))
  }

  public mutating func close(_ tag: String) {
    raw("</\(tag)>")
  }

  /// An element holding only `content`, escaped.
  public mutating func element(_ tag: String, _ attributes: KeyValuePairs<String, String> = [:], _ content: String) {
    open(tag, attributes)
    text(content)
    close(tag)
  }

  /// An element without attributes holding only `content`, escaped.
  public mutating func element(_ tag: String, _ content: String) {
    element(tag, [:], content)
  }

  /// Opens a section of the report with its heading and the paragraph that says what it
  /// holds. A section starts on a line of its own (and ``closeSection()`` ends one), so
  /// that a section can be cut out of the page by line.
  mutating func openSection(id: String, title: String, lead: String) {
    raw("\n")
    open("section", ["id": id, "class": "report-section"])
    element("h2", title)
    element("p", ["class": "lead"], lead)
  }

  mutating func closeSection() {
    close("section")
    raw("\n")
  }

  /// Appends a document (or part of one) written separately.
  public mutating func append(_ other: HTMLWriter) {
    bytes.append(contentsOf: other.bytes)
  }
}
