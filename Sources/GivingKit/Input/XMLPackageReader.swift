internal import Foundation

/// Reads giving's XML form of a 360Giving package (see `docs/xml-format.md`) with libxml2's
/// streaming reader, handing each `<grant>` over as soon as it is closed.
///
/// Every JSON value gets the line and column of the start tag that holds it (the first item's
/// tag for an array written as repeated elements), in preorder, as the JSON reader records them.
struct XMLPackageReader {
  let url: URL
  var progress: ReadProgress?

  func read(_ body: (Grant) throws -> Void) throws -> FeedReport {
    let file = url.path
    // The locator reads the file a step behind libxml2, so its reads measure the progress.
    let tags = try ByteInput(url: url)
    tags.progress = progress
    let parser = XMLTreeParser(xml: try XMLStreamReader(url: url), tags: StartTagLocator(input: tags), file: file)
    return try parser.readPackage(body)
  }
}

/// The names and namespace of giving's XML form.
enum GivingXML {
  /// The namespace of every element of the form.
  static let namespace = "https://giving.example/360giving-xml/1"
  /// Keys that are always written as `<field name="…">` because the form uses them itself.
  static let reservedNames: Set<String> = ["field", "grants", "package"]

  /// Whether `key` can be written as an element name: ASCII `[A-Za-z_][A-Za-z0-9._-]*`,
  /// not starting with `xml` (reserved by XML) and not one of ``reservedNames``.
  static func isPlainName(_ key: String) -> Bool {
    var utf8 = key.utf8.makeIterator()
    guard let first = utf8.next(), isNameStart(first) else { return false }
    var count = 1
    var prefix: UInt32 = UInt32(first | 0x20)
    while let byte = utf8.next() {
      guard isNameStart(byte) || (byte >= 0x30 && byte <= 0x39) || byte == 0x2D || byte == 0x2E
      else { return false }
      if count < 3 { prefix = prefix << 8 | UInt32(byte | 0x20) }
      count += 1
    }
    // "xml" in any case.
    if count >= 3 && prefix == 0x78_6D_6C { return false }
    return !reservedNames.contains(key)
  }

  @inline(__always)
  private static func isNameStart(_ byte: UInt8) -> Bool {
    (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || byte == 0x5F
  }
}

/// The attributes of one element of the form.
private struct ElementInfo {
  /// The JSON key the element stands for (its name, or the `name` attribute of `<field>`).
  var key: String
  /// The element's local name.
  var name: String
  var type: ValueType?
  var isArrayItem: Bool
  var isBase64: Bool
  var isEmpty: Bool
  var position: TextPosition

  enum ValueType: String {
    case string, number, boolean, null, array, object
  }
}

/// Turns the node stream of one document into JSON values, grant by grant.
private final class XMLTreeParser {
  let xml: XMLStreamReader
  var tags: StartTagLocator?
  let file: String
  /// Positions of the values of the tree being read, in preorder.
  var positions: [TextPosition] = []
  /// The position of the current start element.
  var position = TextPosition(line: 1, column: 1)
  /// The namespace of the root, which every element must share.
  var namespace: String?
  var namespaceBytes: UnsafePointer<UInt8>?
  /// Element names by their interned libxml2 pointer, so that a name becomes a `String` once.
  var names: [UnsafePointer<UInt8>: String] = [:]
  /// Whether a start tag has been met (before it, a DOCTYPE may be placed by the scanner).
  var sawStartTag = false

  static let maxDepth = 512

  init(xml: XMLStreamReader, tags: StartTagLocator, file: String) {
    self.xml = xml
    self.tags = tags
    self.file = file
  }

  // MARK: Nodes

  /// Moves to the next node; at a start element, finds where its tag is.
  func next() throws -> Bool {
    let more: Bool
    do {
      more = try nextNode()
    } catch FeedError.malformedXML(let file, let line, let column, let reason)
      where reason.contains("UTF-8") || reason.lowercased().contains("encoding")
    {
      let detail = reason.split(whereSeparator: \.isNewline).joined(separator: "; ")
      throw FeedError.invalidEncoding(
        file: file, line: line,
        reason: "bytes not valid in the document's encoding at column \(column) (\(detail))")
    }
    if more && xml.kind == .startElement { locateStartTag() }
    return more
  }

  /// Reads the next node; a refused DOCTYPE is placed by the scanner when libxml2 cannot say
  /// where it was (its parser reads ahead of the node).
  private func nextNode() throws -> Bool {
    do {
      return try xml.next()
    } catch FeedError.forbiddenXML(let file, let line, let column, let reason) where !sawStartTag {
      if let tags, let found = try? tags.doctypePosition() {
        throw FeedError.forbiddenXML(
          file: file, line: Int(found.line), column: Int(found.column), reason: reason)
      }
      throw FeedError.forbiddenXML(file: file, line: line, column: column, reason: reason)
    }
  }

  private func locateStartTag() {
    sawStartTag = true
    if let tags, let name = xml.qualifiedNameBytes {
      do {
        if let found = try tags.next(matching: name) {
          position = found
          return
        }
      } catch {
        // Fall through: positions come from libxml2 from here on.
      }
      self.tags = nil
    }
    position = TextPosition(line: xml.nodeLine, column: 1)
  }

  /// The current element's local name, made a `String` once per distinct name.
  private func elementName() -> String {
    guard let bytes = xml.localNameBytes else { return xml.localName }
    if let known = names[bytes] { return known }
    let name = String(cString: bytes)
    // Names are interned, so this stays small; bound it in case they are not.
    if names.count > 4096 { names.removeAll() }
    names[bytes] = name
    return name
  }

  func error(_ reason: String, at position: TextPosition? = nil) -> FeedError {
    let p = position ?? self.position
    return .malformedXML(file: file, line: Int(p.line), column: Int(p.column), reason: reason)
  }

  /// Reads the attributes of the current start element.
  func elementInfo() throws -> ElementInfo {
    let name = elementName()
    let uri = xml.namespaceURIBytes
    if uri != namespaceBytes {
      guard let uri, let namespaceBytes, strcmp(uri, namespaceBytes) == 0 else {
        throw error(
          "element '\(xml.qualifiedName)' is not in the namespace '\(namespace ?? "")' of the root")
      }
    }
    var info = ElementInfo(
      key: name, name: name, type: nil, isArrayItem: false, isBase64: false, isEmpty: xml.isEmptyElement,
      position: position)
    guard xml.hasAttributes else {
      if name == "field" { throw error("element 'field' needs a 'name' attribute") }
      return info
    }
    if name == "field" {
      guard let key = xml.attribute("name") else {
        throw error("element 'field' needs a 'name' attribute")
      }
      switch xml.attribute("name-encoding") {
      case nil: info.key = key
      case "base64": info.key = try decodeBase64(key, what: "the 'name' attribute")
      case let other?: throw error("unknown name-encoding '\(other)' (only 'base64' is defined)")
      }
    }
    if let type = xml.attribute("type") {
      guard let known = ElementInfo.ValueType(rawValue: type) else {
        throw error(
          "element '\(name)' has unknown type '\(type)' (expected string, number, boolean, null, array or object)"
        )
      }
      info.type = known
    }
    switch xml.attribute("array") {
    case nil, "false", "0": break
    case "true", "1": info.isArrayItem = true
    case let other?: throw error("element '\(name)' has array='\(other)' (expected 'true')")
    }
    switch xml.attribute("encoding") {
    case nil: break
    case "base64":
      guard info.type == nil || info.type == .string else {
        throw error("element '\(name)' has encoding='base64' but is not a string")
      }
      info.isBase64 = true
    case let other?: throw error("unknown encoding '\(other)' (only 'base64' is defined)")
    }
    return info
  }

  // MARK: Package

  func readPackage(_ body: (Grant) throws -> Void) throws -> FeedReport {
    var report = FeedReport(format: .xml, sources: FeedSources(files: [file]))
    while try next() {
      guard xml.kind == .startElement else { continue }
      guard xml.localName == "package", xml.qualifiedName == "package" else {
        throw error(
          "the root element is '\(xml.qualifiedName)', expecting 'package' in the namespace '\(GivingXML.namespace)'"
        )
      }
      let uri = xml.namespaceURI
      guard uri == nil || uri == GivingXML.namespace else {
        throw error(
          "the root element is in the namespace '\(uri ?? "")', expecting '\(GivingXML.namespace)'")
      }
      namespace = uri
      namespaceBytes = xml.namespaceURIBytes
      report.encoding = xml.encoding ?? "utf-8"
      positions = [position]
      var index = 0
      if !xml.isEmptyElement {
        let members = try readMembers(depth: 1, parent: position) { info in
          guard info.name == "grants", info.key == "grants" else { return false }
          report.hasGrantsMember = true
          try self.readGrants(info, index: &index, body: body)
          return true
        }
        report.package = JSONObject(members)
      }
      report.packageSource = .text(file: 0, positions: positions)
      report.grantCount = index
      report.rowsRead = index
      // The rest of the document: libxml2 reports anything after the root as an error.
      while try next() {}
      return report
    }
    throw FeedError.malformedXML(file: file, line: 1, column: 1, reason: "the document has no root element")
  }

  private func readGrants(_ grants: ElementInfo, index: inout Int, body: (Grant) throws -> Void) throws {
    if grants.isEmpty { return }
    let saved = positions
    defer { positions = saved }
    while try next() {
      switch xml.kind {
      case .startElement:
        let info = try elementInfo()
        guard info.name == "grant" else {
          throw error("element '\(xml.qualifiedName)' inside 'grants', expecting 'grant'")
        }
        positions = []
        positions.reserveCapacity(64)
        let value = try readValue(info, depth: 2)
        let grant = Grant(json: value, index: index, source: .text(file: 0, positions: positions))
        index += 1
        try body(grant)
      case .endElement:
        return
      case .text:
        if !isWhitespace(xml.value) { throw error("text is not allowed inside 'grants'") }
      case .whitespace, .other:
        continue
      }
    }
  }

  // MARK: Values

  /// Reads the members of an object up to its end tag. `special` may take over an element
  /// (the package's `grants`); it returns `true` when it did.
  /// With `atChild`, the current node is already the first child's start tag.
  private func readMembers(
    depth: Int, parent: TextPosition, atChild: Bool = false,
    special: (ElementInfo) throws -> Bool = { _ in false }
  ) throws -> [JSONObject.Member] {
    var members: [JSONObject.Member] = []
    // Items of an array written as repeated elements, not yet stored.
    var run: [JSONValue] = []
    var runKey = ""
    func closeRun() {
      if !run.isEmpty {
        members.append(JSONObject.Member(key: runKey, value: .array(run)))
        run = []
      }
    }
    var atChild = atChild
    while try atChild || next() {
      atChild = false
      switch xml.kind {
      case .startElement:
        let info = try elementInfo()
        if try special(info) {
          closeRun()
          continue
        }
        if info.isArrayItem {
          if run.isEmpty || runKey != info.key {
            closeRun()
            runKey = info.key
            positions.append(info.position)  // the array itself
          }
          run.append(try readValue(info, depth: depth + 2))
        } else {
          closeRun()
          members.append(JSONObject.Member(key: info.key, value: try readValue(info, depth: depth + 1)))
        }
      case .endElement:
        closeRun()
        return members
      case .text:
        if !isWhitespace(xml.value) {
          throw error("text is not allowed beside child elements", at: parent)
        }
      case .whitespace, .other:
        continue
      }
    }
    throw error("unexpected end of document")
  }

  /// Reads the value of the current start element, through its end tag.
  private func readValue(_ info: ElementInfo, depth: Int) throws -> JSONValue {
    guard depth <= Self.maxDepth else {
      throw FeedError.limitExceeded(file: file, reason: "values nested deeper than \(Self.maxDepth) levels")
    }
    positions.append(info.position)
    switch info.type {
    case .array:
      return .array(info.isEmpty ? [] : try readItems(depth: depth + 1))
    case .object:
      return .object(JSONObject(info.isEmpty ? [] : try readMembers(depth: depth, parent: info.position)))
    case nil:
      if info.isEmpty { return .string("") }
      // A string, unless a child element turns up: then an object.
      var text = ""
      while try next() {
        switch xml.kind {
        case .text, .whitespace:
          text += xml.value
        case .endElement:
          return .string(
            info.isBase64 ? try decodeBase64(text, what: "element '\(info.key)'", at: info.position) : text)
        case .startElement:
          guard !info.isBase64, isWhitespace(text) else {
            throw error("element '\(info.key)' mixes text and child elements", at: info.position)
          }
          return .object(JSONObject(try readMembers(depth: depth, parent: info.position, atChild: true)))
        case .other:
          continue
        }
      }
      throw error("unexpected end of document")
    case .string?:
      let text = info.isEmpty ? "" : try readText(info)
      return .string(
        info.isBase64 ? try decodeBase64(text, what: "element '\(info.key)'", at: info.position) : text)
    case .number?:
      let text = trimmed(info.isEmpty ? "" : try readText(info))
      guard isJSONNumber(text) else {
        throw error(
          "element '\(info.key)' has type 'number' but '\(text)' is not a JSON number", at: info.position)
      }
      return .number(JSONNumber(text: text))
    case .boolean?:
      switch trimmed(info.isEmpty ? "" : try readText(info)) {
      case "true": return .bool(true)
      case "false": return .bool(false)
      case let other:
        throw error(
          "element '\(info.key)' has type 'boolean' but '\(other)' is not 'true' or 'false'",
          at: info.position)
      }
    case .null?:
      let text = info.isEmpty ? "" : try readText(info)
      guard isWhitespace(text) else {
        throw error("element '\(info.key)' has type 'null' but holds '\(text)'", at: info.position)
      }
      return .null
    }
  }

  private func readItems(depth: Int) throws -> [JSONValue] {
    var items: [JSONValue] = []
    while try next() {
      switch xml.kind {
      case .startElement:
        let info = try elementInfo()
        guard info.name == "item" else {
          throw error("element '\(xml.qualifiedName)' inside an array, expecting 'item'")
        }
        items.append(try readValue(info, depth: depth))
      case .endElement:
        return items
      case .text:
        if !isWhitespace(xml.value) { throw error("text is not allowed inside an array") }
      case .whitespace, .other:
        continue
      }
    }
    throw error("unexpected end of document")
  }

  /// The text of the current element up to its end tag; child elements are refused.
  private func readText(_ info: ElementInfo) throws -> String {
    var text = ""
    while try next() {
      switch xml.kind {
      case .text, .whitespace: text += xml.value
      case .endElement: return text
      case .startElement:
        throw error(
          "element '\(info.key)' has type '\(info.type?.rawValue ?? "string")' and cannot hold elements")
      case .other: continue
      }
    }
    throw error("unexpected end of document")
  }

  private func decodeBase64(_ text: String, what: String, at place: TextPosition? = nil) throws -> String {
    guard let data = Data(base64Encoded: trimmed(text), options: .ignoreUnknownCharacters),
      let string = String(validating: data, as: UTF8.self)
    else {
      throw error("\(what) is not base64 of UTF-8 text", at: place)
    }
    return string
  }

  private func trimmed(_ text: String) -> String {
    let utf8 = text.utf8
    func space(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D }
    guard let first = utf8.first, let last = utf8.last, space(first) || space(last) else { return text }
    guard let start = utf8.firstIndex(where: { !space($0) }), let end = utf8.lastIndex(where: { !space($0) })
    else { return "" }
    return String(text[start...end])
  }

  private func isWhitespace(_ text: String) -> Bool {
    text.utf8.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }
  }

  /// RFC 8259 number grammar.
  private func isJSONNumber(_ text: String) -> Bool {
    let b = Array(text.utf8)
    var i = 0
    func digits() -> Int {
      let start = i
      while i < b.count, b[i] >= 0x30, b[i] <= 0x39 { i += 1 }
      return i - start
    }
    if i < b.count, b[i] == 0x2D { i += 1 }
    guard i < b.count else { return false }
    if b[i] == 0x30 {
      i += 1
    } else if digits() == 0 {
      return false
    }
    if i < b.count, b[i] == 0x2E {
      i += 1
      guard digits() > 0 else { return false }
    }
    if i < b.count, b[i] == 0x65 || b[i] == 0x45 {
      i += 1
      if i < b.count, b[i] == 0x2B || b[i] == 0x2D { i += 1 }
      guard digits() > 0 else { return false }
    }
    return i == b.count
  }
}

/// Finds the line and column of each start tag by scanning the raw bytes alongside libxml2,
/// whose own element lines stop at 65535 and carry no column.
///
/// Start tags are met in document order, so the n-th `<name` outside comments, processing
/// instructions and CDATA is the n-th start element libxml2 reports. The tag's name is checked
/// against libxml2's; a mismatch (a compressed or UTF-16 file) stops the scanner.
final class StartTagLocator {
  private let input: ByteInput

  init(input: ByteInput) {
    self.input = input
  }

  @inline(__always)
  private func advance() throws -> UInt8? {
    if input.position >= input.end {
      guard try input.refill() else { return nil }
    }
    let byte = input.buffer[input.position]
    input.position += 1
    if byte == 0x0A {
      input.line += 1
      input.lineStart = input.offset
    }
    return byte
  }

  /// Skips to just after `terminator`.
  private func skip(past terminator: [UInt8]) throws -> Bool {
    var matched = 0
    while let byte = try advance() {
      if byte == terminator[matched] {
        matched += 1
        if matched == terminator.count { return true }
      } else {
        matched = byte == terminator[0] ? 1 : 0
      }
    }
    return false
  }

  /// The position of a `<!DOCTYPE` before the first start tag, if there is one.
  func doctypePosition() throws -> TextPosition? {
    while true {
      guard try skipToLessThan() else { return nil }
      let here = TextPosition(line: input.line, column: input.column)
      input.position += 1
      switch try input.peek() {
      case UInt8(ascii: "?"):
        guard try skip(past: [0x3F, 0x3E]) else { return nil }
      case UInt8(ascii: "!"):
        input.position += 1
        switch try input.peek() {
        case UInt8(ascii: "-"):
          guard try skip(past: Array("-->".utf8)) else { return nil }
        case UInt8(ascii: "D"):
          return here
        default:
          return nil
        }
      default:
        return nil
      }
    }
  }

  /// Moves to the next `<`; `false` at the end of the input.
  private func skipToLessThan() throws -> Bool {
    while true {
      if input.position >= input.end {
        guard try input.refill() else { return false }
      }
      // memchr for '<' and then for each line feed before it: this sees every byte of the file.
      guard let base = input.buffer.baseAddress else { return false }
      let start = base + input.position
      let count = input.end - input.position
      let found = memchr(start, 0x3C, count).map { $0.assumingMemoryBound(to: UInt8.self) }
      let stop = found ?? start + count
      var cursor = start
      var lines = 0
      var lastNewline: UnsafeMutablePointer<UInt8>?
      while cursor < stop, let nl = memchr(cursor, 0x0A, stop - cursor) {
        let newline = nl.assumingMemoryBound(to: UInt8.self)
        lines += 1
        lastNewline = newline
        cursor = newline + 1
      }
      if let lastNewline {
        input.line += lines
        input.lineStart = input.offset - input.position + (lastNewline - base) + 1
      }
      input.position = stop - base
      if found != nil { return true }
    }
  }

  /// The position of the next start tag, if its name is `qualifiedName`; `nil` otherwise.
  func next(matching qualifiedName: UnsafePointer<UInt8>) throws -> TextPosition? {
    while true {
      guard try skipToLessThan() else { return nil }
      let here = TextPosition(line: input.line, column: input.column)
      input.position += 1
      guard let byte = try input.peek() else { return nil }
      switch byte {
      case UInt8(ascii: "/"):
        continue
      case UInt8(ascii: "?"):
        guard try skip(past: [0x3F, 0x3E]) else { return nil }
      case UInt8(ascii: "!"):
        input.position += 1
        if try input.peek() == UInt8(ascii: "-") {
          guard try skip(past: Array("-->".utf8)) else { return nil }
        } else if try input.peek() == UInt8(ascii: "[") {
          guard try skip(past: Array("]]>".utf8)) else { return nil }
        } else {
          return nil
        }
      default:
        // The name must be followed by a delimiter (names never hold one).
        let length = strlen(qualifiedName)
        if input.end - input.position > length, let base = input.buffer.baseAddress {
          guard memcmp(base + input.position, qualifiedName, length) == 0 else { return nil }
          input.position += length
        } else {
          for i in 0..<length {
            guard try input.peek() == qualifiedName[i] else { return nil }
            input.position += 1
          }
        }
        switch try input.peek() {
        case 0x20, 0x09, 0x0A, 0x0D, 0x2F, 0x3E: return here
        default: return nil
        }
      }
    }
  }
}
