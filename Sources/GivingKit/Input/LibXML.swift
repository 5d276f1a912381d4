internal import CLibXML2
internal import Foundation

/// The one owner of libxml2 in GivingKit. Two ways in: this reader, over `xmlTextReader`, for
/// XML packages and small workbook parts, and ``XMLPushParser``, over the SAX2 push parser, for
/// the parts a workbook inflates as it goes (a sheet's own handler, ``XLSXSheetReader``, or the
/// pull reader ``XMLEventReader``).
///
/// Both never touch the network, never load a DTD and refuse any document type declaration or
/// entity reference, so external entities (XXE) and entity-expansion bombs are rejected outright.
///
/// Errors are captured per reader (not through libxml2's process-global handler) and the
/// first one is reported, with its line and column.
final class XMLStreamReader {
  enum NodeKind: Equatable {
    case startElement, endElement, text, whitespace, other
  }

  let file: String
  private let reader: xmlTextReaderPtr
  private let errors = ErrorSink()
  /// Keeps the bytes alive for readers made from memory.
  private let storage: UnsafeMutableBufferPointer<CChar>?

  private static let options: Int32 = Int32(XML_PARSE_NONET.rawValue)
    | Int32(XML_PARSE_NOCDATA.rawValue) | Int32(XML_PARSE_COMPACT.rawValue)

  private static let initialise: Void = { xmlInitParser() }()

  /// Opens `url` for streaming.
  /// - Throws: ``FeedError/unreadable(file:reason:)`` if it cannot be opened.
  init(url: URL, displayName: String? = nil) throws {
    _ = Self.initialise
    file = displayName ?? url.path
    guard let reader = xmlReaderForFile(url.path, nil, Self.options) else {
      throw FeedError.unreadable(file: file, reason: "cannot be opened as XML")
    }
    self.reader = reader
    storage = nil
    installErrorHandler()
  }

  /// Reads XML held in memory.
  init(bytes: [UInt8], displayName: String) throws {
    _ = Self.initialise
    file = displayName
    let buffer = UnsafeMutableBufferPointer<CChar>.allocate(capacity: max(bytes.count, 1))
    bytes.withUnsafeBytes { raw in
      _ = raw.bindMemory(to: CChar.self).enumerated().map { buffer[$0.offset] = $0.element }
    }
    guard let reader = xmlReaderForMemory(buffer.baseAddress, Int32(bytes.count), nil, nil, Self.options)
    else {
      buffer.deallocate()
      throw FeedError.unreadable(file: displayName, reason: "cannot be read as XML")
    }
    self.reader = reader
    storage = buffer
    installErrorHandler()
  }

  deinit {
    xmlFreeTextReader(reader)
    storage?.deallocate()
  }

  private func installErrorHandler() {
    let context = Unmanaged.passUnretained(errors).toOpaque()
    // The structured handler gives the error's own line and column (the parser's current
    // position reads ahead of the node) and its level, so warnings are not taken for errors.
    xmlTextReaderSetStructuredErrorHandler(
      reader,
      { arg, error in
        guard let arg, let error else { return }
        Unmanaged<ErrorSink>.fromOpaque(arg).takeUnretainedValue().record(error.pointee)
      }, context)
  }

  /// Moves to the next node. Returns `false` at the end of the document.
  /// - Throws: ``FeedError/malformedXML(file:line:column:reason:)`` or
  ///   ``FeedError/forbiddenXML(file:line:column:reason:)``.
  func next() throws -> Bool {
    let status = xmlTextReaderRead(reader)
    if status < 0 || errors.first != nil {
      throw ErrorSink.feedError(errors.first, file: file, line: line, column: column)
    }
    if status == 0 { return false }
    switch Int(xmlTextReaderNodeType(reader)) {
    case Int(XML_READER_TYPE_DOCUMENT_TYPE.rawValue):
      throw FeedError.forbiddenXML(
        file: file, line: line, column: column,
        reason: "a document type declaration (DOCTYPE) is not allowed: giving never reads DTDs or entities")
    case Int(XML_READER_TYPE_ENTITY_REFERENCE.rawValue), Int(XML_READER_TYPE_ENTITY.rawValue):
      throw FeedError.forbiddenXML(
        file: file, line: line, column: column, reason: "entity references are not allowed")
    default:
      return true
    }
  }

  var kind: NodeKind {
    switch Int(xmlTextReaderNodeType(reader)) {
    case Int(XML_READER_TYPE_ELEMENT.rawValue): .startElement
    case Int(XML_READER_TYPE_END_ELEMENT.rawValue): .endElement
    case Int(XML_READER_TYPE_TEXT.rawValue), Int(XML_READER_TYPE_CDATA.rawValue): .text
    case Int(XML_READER_TYPE_WHITESPACE.rawValue), Int(XML_READER_TYPE_SIGNIFICANT_WHITESPACE.rawValue):
      .whitespace
    default: .other
    }
  }

  /// The element's name without its prefix.
  var localName: String {
    xmlTextReaderConstLocalName(reader).map { String(cString: $0) } ?? ""
  }

  var namespaceURI: String? {
    xmlTextReaderConstNamespaceUri(reader).map { String(cString: $0) }
  }

  /// The text of a text node.
  var value: String {
    xmlTextReaderConstValue(reader).map { String(cString: $0) } ?? ""
  }

  var depth: Int { Int(xmlTextReaderDepth(reader)) }

  /// Whether a start element is self-closing (`<a/>`), so no end element follows.
  var isEmptyElement: Bool { xmlTextReaderIsEmptyElement(reader) == 1 }

  /// Whether the current element has any attributes (namespace declarations included).
  var hasAttributes: Bool { xmlTextReaderHasAttributes(reader) == 1 }

  /// Calls `body` with the qualified name and value of each attribute of the current element
  /// (namespace declarations included), then returns to the element. The bytes are
  /// NUL-terminated and valid only during the call.
  ///
  /// One walk over the attributes, copying nothing: ``attribute(_:)`` walks them again for
  /// every name and copies the value (with element names told apart by pointer, measured
  /// 3–8% less CPU time validating a workbook of 100k rows).
  func forEachAttribute(
    _ body: (_ name: UnsafePointer<UInt8>, _ value: UnsafePointer<UInt8>) throws -> Void
  ) rethrows {
    guard xmlTextReaderMoveToFirstAttribute(reader) == 1 else { return }
    defer { xmlTextReaderMoveToElement(reader) }
    repeat {
      if let name = xmlTextReaderConstName(reader), let value = xmlTextReaderConstValue(reader) {
        try body(name, value)
      }
    } while xmlTextReaderMoveToNextAttribute(reader) == 1
  }

  /// The value of attribute `name` (qualified name) on the current element.
  func attribute(_ name: String) -> String? {
    guard let value = xmlTextReaderGetAttribute(reader, name) else { return nil }
    defer { giving_xmlFree(value) }
    return String(cString: value)
  }

  /// The value of attribute `localName` in namespace `namespace` on the current element.
  func attribute(_ localName: String, namespace: String) -> String? {
    guard let value = xmlTextReaderGetAttributeNs(reader, localName, namespace) else { return nil }
    defer { giving_xmlFree(value) }
    return String(cString: value)
  }

  /// The element's qualified name as written (`prefix:local` or `local`).
  var qualifiedName: String {
    xmlTextReaderConstName(reader).map { String(cString: $0) } ?? ""
  }

  /// The qualified name's bytes, NUL-terminated and interned in libxml2's dictionary (the same
  /// pointer for the same name); valid until the reader is freed.
  var qualifiedNameBytes: UnsafePointer<UInt8>? { xmlTextReaderConstName(reader) }

  /// The local name's bytes, as ``qualifiedNameBytes``.
  var localNameBytes: UnsafePointer<UInt8>? { xmlTextReaderConstLocalName(reader) }

  /// The namespace URI's bytes, as ``qualifiedNameBytes``.
  var namespaceURIBytes: UnsafePointer<UInt8>? { xmlTextReaderConstNamespaceUri(reader) }

  /// The encoding the document declared (lower-cased), or `nil` before the declaration is read.
  var encoding: String? {
    xmlTextReaderConstEncoding(reader).map { String(cString: $0).lowercased() }
  }

  /// The line of the current node as libxml2 recorded it (at most 65535 for elements).
  var nodeLine: Int {
    guard let node = xmlTextReaderCurrentNode(reader) else { return line }
    return Int(xmlGetLineNo(node))
  }

  var line: Int { Int(xmlTextReaderGetParserLineNumber(reader)) }
  var column: Int { Int(xmlTextReaderGetParserColumnNumber(reader)) }
}

/// Collects the first error libxml2 reports for one reader.
private final class ErrorSink {
  struct Entry {
    var message: String
    var line: Int
    var column: Int
  }
  var first: Entry?

  /// Keeps `error` if it is the first error (warnings are not errors).
  func record(_ error: xmlError) {
    guard first == nil, error.level != XML_ERR_WARNING else { return }
    let text = error.message.map { String(cString: $0) } ?? "XML error"
    first = Entry(
      message: text.trimmingCharacters(in: .whitespacesAndNewlines), line: Int(error.line), column: Int(error.int2))
  }

  /// The error to report for `entry`, placed at its own line and column when libxml2 gave
  /// them (else the parser's): an entity is refused as forbidden, anything else is malformed.
  static func feedError(_ entry: Entry?, file: String, line: Int, column: Int) -> FeedError {
    let message = entry?.message ?? "not well-formed"
    let line = entry.map(\.line).flatMap { $0 > 0 ? $0 : nil } ?? line
    let column = entry.map(\.column).flatMap { $0 > 0 ? $0 : nil } ?? column
    if message.lowercased().contains("entity") {
      return FeedError.forbiddenXML(
        file: file, line: line, column: column, reason: "entities are not allowed (\(message))")
    }
    return FeedError.malformedXML(file: file, line: line, column: column, reason: message)
  }
}

/// What the workbook readers need of a streaming XML parser: a pull interface over element
/// starts and ends and text, with attributes and names as libxml2 interns them.
protocol XMLPullReader: AnyObject {
  func next() throws -> Bool
  var kind: XMLStreamReader.NodeKind { get }
  var localName: String { get }
  var namespaceURI: String? { get }
  var value: String { get }
  var depth: Int { get }
  var isEmptyElement: Bool { get }
  var localNameBytes: UnsafePointer<UInt8>? { get }
  func forEachAttribute(_ body: (_ name: UnsafePointer<UInt8>, _ value: UnsafePointer<UInt8>) throws -> Void) rethrows
  func attribute(_ name: String) -> String?
  func attribute(_ localName: String, namespace: String) -> String?
}

extension XMLStreamReader: XMLPullReader {}

/// The attributes libxml2's SAX2 parser gives an element: five pointers each (local name,
/// prefix, namespace URI, value start, value end), valid only during the callback.
struct XMLAttributes {
  let count: Int
  private let values: UnsafeMutablePointer<UnsafePointer<UInt8>?>?

  fileprivate init(count: Int, values: UnsafeMutablePointer<UnsafePointer<UInt8>?>?) {
    self.count = values == nil ? 0 : count
    self.values = values
  }

  /// The local name of attribute `i`, NUL-terminated and interned in the parser's dictionary.
  func localName(_ i: Int) -> UnsafePointer<UInt8>? { values![5 * i] }
  /// Its prefix (`nil` for none).
  func prefix(_ i: Int) -> UnsafePointer<UInt8>? { values![5 * i + 1] }
  /// Its namespace URI (`nil` for none).
  func namespace(_ i: Int) -> UnsafePointer<UInt8>? { values![5 * i + 2] }

  /// Its value, entities and character references already replaced; not NUL-terminated.
  func value(_ i: Int) -> UnsafeBufferPointer<UInt8> {
    guard let begin = values![5 * i + 3], let end = values![5 * i + 4] else { return UnsafeBufferPointer(start: nil, count: 0) }
    return UnsafeBufferPointer(start: begin, count: end - begin)
  }
}

/// What libxml2's SAX2 push parser tells as it reads a part (see ``XMLPushParser``). Names
/// are NUL-terminated, interned in the parser's dictionary (the same pointer for the same
/// name: compare them with ``XMLPushParser/interned(_:)``), and valid until the parser is freed;
/// text is valid only during the call and may come in several pieces.
protocol XMLPushHandler: AnyObject {
  func startElement(_ localName: UnsafePointer<UInt8>, namespace: UnsafePointer<UInt8>?, attributes: XMLAttributes)
  func endElement(_ localName: UnsafePointer<UInt8>, namespace: UnsafePointer<UInt8>?)
  func characters(_ text: UnsafeBufferPointer<UInt8>)
}

/// Parses a workbook part as it is inflated, through libxml2's SAX2 push parser, 64 KiB at a
/// time, telling a handler what it reads.
///
/// The same refusals as ``XMLStreamReader``: no network, no DTD (a document type declaration
/// stops the parser), no entities but XML's five.
final class XMLPushParser {
  let file: String
  private var context: xmlParserCtxtPtr?
  private let stream: ZipEntryStream
  /// The handler owns the parser, so it outlives it.
  private unowned(unsafe) let handler: any XMLPushHandler
  private let errors = ErrorSink()
  private var stopped: FeedError?
  /// The error that ended the parse, once one has.
  private(set) var failure: FeedError?
  /// Whether the whole part has been parsed, or parsing has failed.
  private(set) var isFinished = false
  private let chunk = UnsafeMutableRawPointer.allocate(byteCount: 1 << 16, alignment: 16)

  private static let options = Int32(XML_PARSE_NONET.rawValue) | Int32(XML_PARSE_NOCDATA.rawValue)

  /// Parses XML as `stream` inflates it; call ``parseChunk()`` until ``isFinished``.
  /// - Throws: ``FeedError/unreadable(file:reason:)`` if libxml2 cannot be set up.
  init(stream: ZipEntryStream, displayName: String, handler: any XMLPushHandler) throws {
    xmlInitParser()
    file = displayName
    self.stream = stream
    self.handler = handler
    var sax = xmlSAXHandler()
    sax.initialized = UInt32(XML_SAX2_MAGIC)
    sax.startElementNs = { context, localName, _, uri, _, _, count, _, attributes in
      guard let context, let localName else { return }
      Unmanaged<XMLPushParser>.fromOpaque(context).takeUnretainedValue().handler
        .startElement(localName, namespace: uri, attributes: XMLAttributes(count: Int(count), values: attributes))
    }
    sax.endElementNs = { context, localName, _, uri in
      guard let context, let localName else { return }
      Unmanaged<XMLPushParser>.fromOpaque(context).takeUnretainedValue().handler.endElement(localName, namespace: uri)
    }
    sax.characters = { context, bytes, count in
      guard let context, let bytes else { return }
      Unmanaged<XMLPushParser>.fromOpaque(context).takeUnretainedValue().handler
        .characters(UnsafeBufferPointer(start: bytes, count: Int(count)))
    }
    sax.ignorableWhitespace = sax.characters
    sax.cdataBlock = sax.characters
    sax.internalSubset = { context, _, _, _ in
      guard let context else { return }
      Unmanaged<XMLPushParser>.fromOpaque(context).takeUnretainedValue().refuseDocumentType()
    }
    sax.serror = { context, error in
      guard let context, let error else { return }
      Unmanaged<XMLPushParser>.fromOpaque(context).takeUnretainedValue().errors.record(error.pointee)
    }
    let me = Unmanaged.passUnretained(self).toOpaque()
    guard let context = xmlCreatePushParserCtxt(&sax, me, nil, 0, displayName) else {
      chunk.deallocate()
      stream.close()
      throw FeedError.unreadable(file: displayName, reason: "cannot be read as XML")
    }
    xmlCtxtUseOptions(context, Self.options)
    self.context = context
  }

  deinit {
    if let context {
      if let document = context.pointee.myDoc { xmlFreeDoc(document) }
      xmlFreeParserCtxt(context)
    }
    chunk.deallocate()
    stream.close()
  }

  /// `name` interned in the parser's dictionary, as the names handed to the handler are.
  func interned(_ name: String) -> UnsafePointer<UInt8>? {
    guard let dictionary = context?.pointee.dict else { return nil }
    return xmlDictLookup(dictionary, name, -1)
  }

  /// Stops parsing with `error` (a handler's own), once the current callback returns.
  func stop(_ error: FeedError) {
    if stopped == nil { stopped = error }
    if let context { xmlStopParser(context) }
  }

  var line: Int { context.map { Int(xmlSAX2GetLineNumber($0)) } ?? 0 }
  var column: Int { context.map { Int(xmlSAX2GetColumnNumber($0)) } ?? 0 }

  private func refuseDocumentType() {
    stop(
      FeedError.forbiddenXML(
        file: file, line: line, column: column,
        reason: "a document type declaration (DOCTYPE) is not allowed: giving never reads DTDs or entities"))
  }

  /// Inflates and parses the next 64 KiB of the part; at the end, or on an error (kept in
  /// ``failure``), ``isFinished`` becomes true.
  func parseChunk() {
    guard let context, !isFinished else { return }
    let count = stream.read(into: chunk, count: 1 << 16)
    if count < 0 {
      isFinished = true
      failure = stream.error ?? FeedError.unreadable(file: file, reason: "the part could not be inflated")
      return
    }
    if count == 0 {
      isFinished = true
      xmlParseChunk(context, nil, 0, 1)
    } else {
      xmlParseChunk(context, chunk.assumingMemoryBound(to: CChar.self), Int32(count), 0)
    }
    if let stopped {
      isFinished = true
      failure = stopped
    } else if let entry = errors.first {
      isFinished = true
      // A zip stream that failed (a limit, a damaged entry) explains the error best.
      failure = stream.error ?? ErrorSink.feedError(entry, file: file, line: line, column: column)
    }
  }
}

/// Reads a workbook part as it is inflated, through ``XMLPushParser``, and hands its elements
/// and text on one at a time, as ``XMLStreamReader`` does.
///
/// Written because `xmlTextReader` builds (and frees) a tree node for every element and text:
/// on a 100k-row workbook, libxml2 was a third of all the CPU time of `giving validate`, on the
/// thread that bounds how fast a workbook is read. The parser's callbacks record each chunk's
/// events in reused buffers, and `next()` walks them. (Sheets, the largest parts by far, are
/// read by a handler of their own, ``XLSXSheetReader``, with no events in between.)
final class XMLEventReader: XMLPullReader, XMLPushHandler {
  private struct Event {
    var kind: XMLStreamReader.NodeKind
    /// Interned in the parser's dictionary (elements only).
    var localName: UnsafePointer<UInt8>?
    var namespace: UnsafePointer<UInt8>?
    var depth: Int32
    var isEmpty = false
    /// Text: a range of `text`; elements: a range of `attributes`.
    var start: Int32
    var end: Int32
  }

  private struct Attribute {
    /// A range of `attributeBytes`: the qualified name, NUL, the value, NUL.
    var name: Int32
    var value: Int32
    var localName: UnsafePointer<UInt8>?
    var namespace: UnsafePointer<UInt8>?
  }

  private var parser: XMLPushParser!
  private var events: [Event] = []
  private var cursor = -1
  private var text = ByteArena()
  private var attributes: [Attribute] = []
  private var attributeBytes = ByteArena()
  private var openDepth: Int32 = 0

  var file: String { parser.file }

  /// Reads XML as `stream` inflates it (a part of a workbook).
  /// - Throws: ``FeedError/unreadable(file:reason:)`` if libxml2 cannot be set up.
  init(stream: ZipEntryStream, displayName: String) throws {
    parser = try XMLPushParser(stream: stream, displayName: displayName, handler: self)
  }

  deinit {
    parser = nil
    text.deallocate()
    attributeBytes.deallocate()
  }

  // MARK: Callbacks

  func startElement(_ localName: UnsafePointer<UInt8>, namespace: UnsafePointer<UInt8>?, attributes given: XMLAttributes) {
    let first = Int32(attributes.count)
    for i in 0..<given.count {
      let name = Int32(attributeBytes.count)
      if let attributePrefix = given.prefix(i) {
        attributeBytes.append(cString: attributePrefix)
        attributeBytes.append(UInt8(ascii: ":"))
      }
      if let local = given.localName(i) { attributeBytes.append(cString: local) }
      attributeBytes.append(0)
      let value = Int32(attributeBytes.count)
      let bytes = given.value(i)
      if let base = bytes.baseAddress { attributeBytes.append(base, count: bytes.count) }
      attributeBytes.append(0)
      attributes.append(Attribute(name: name, value: value, localName: given.localName(i), namespace: given.namespace(i)))
    }
    events.append(
      Event(
        kind: .startElement, localName: localName, namespace: namespace, depth: openDepth, start: first,
        end: Int32(attributes.count)))
    openDepth += 1
  }

  func endElement(_ localName: UnsafePointer<UInt8>, namespace: UnsafePointer<UInt8>?) {
    openDepth -= 1
    // `<a/>`, or `<a></a>` read in one chunk: one empty element, as the tree reader gives.
    if let last = events.indices.last, events[last].kind == .startElement, events[last].depth == openDepth {
      events[last].isEmpty = true
      return
    }
    events.append(Event(kind: .endElement, localName: localName, namespace: namespace, depth: openDepth, start: 0, end: 0))
  }

  func characters(_ piece: UnsafeBufferPointer<UInt8>) {
    guard let bytes = piece.baseAddress else { return }
    let count = piece.count
    let blank = piece.allSatisfy { $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }
    if let last = events.indices.last, events[last].kind == .text || events[last].kind == .whitespace {
      text.append(bytes, count: count)
      events[last].end = Int32(text.count)
      if !blank { events[last].kind = .text }
      return
    }
    let start = Int32(text.count)
    text.append(bytes, count: count)
    events.append(
      Event(kind: blank ? .whitespace : .text, depth: openDepth, start: start, end: Int32(text.count)))
  }

  // MARK: Reading

  /// Moves to the next element start, element end or text. Returns `false` at the end of the
  /// document; the events before an error are handed on before it is thrown.
  /// - Throws: ``FeedError/malformedXML(file:line:column:reason:)``,
  ///   ``FeedError/forbiddenXML(file:line:column:reason:)``, or the zip stream's error.
  func next() throws -> Bool {
    cursor += 1
    while cursor >= events.count {
      if parser.isFinished {
        if let failure = parser.failure { throw failure }
        return false
      }
      events.removeAll(keepingCapacity: true)
      text.removeAll()
      attributes.removeAll(keepingCapacity: true)
      attributeBytes.removeAll()
      cursor = 0
      parser.parseChunk()
    }
    return true
  }

  private var current: Event { events[cursor] }

  var kind: XMLStreamReader.NodeKind { current.kind }
  var depth: Int { Int(current.depth) }
  var isEmptyElement: Bool { current.isEmpty }
  var localNameBytes: UnsafePointer<UInt8>? { current.kind == .startElement || current.kind == .endElement ? current.localName : nil }

  var localName: String { localNameBytes.map { String(cString: $0) } ?? "" }

  var namespaceURI: String? {
    guard current.kind == .startElement || current.kind == .endElement else { return nil }
    return current.namespace.map { String(cString: $0) }
  }

  var value: String {
    let event = current
    guard event.kind == .text || event.kind == .whitespace else { return "" }
    return String(
      decoding: UnsafeBufferPointer(start: text.base + Int(event.start), count: Int(event.end - event.start)),
      as: UTF8.self)
  }

  func forEachAttribute(
    _ body: (_ name: UnsafePointer<UInt8>, _ value: UnsafePointer<UInt8>) throws -> Void
  ) rethrows {
    let event = current
    guard event.kind == .startElement, event.start < event.end else { return }
    let base = attributeBytes.base
    for i in Int(event.start)..<Int(event.end) {
      try body(base + Int(attributes[i].name), base + Int(attributes[i].value))
    }
  }

  func attribute(_ name: String) -> String? {
    var found: String?
    forEachAttribute { attributeName, value in
      if found == nil, strcmp(UnsafeRawPointer(attributeName).assumingMemoryBound(to: CChar.self), name) == 0 {
        found = String(cString: value)
      }
    }
    return found
  }

  func attribute(_ localName: String, namespace: String) -> String? {
    let event = current
    guard event.kind == .startElement else { return nil }
    for i in Int(event.start)..<Int(event.end) {
      let attribute = attributes[i]
      guard let local = attribute.localName, let uri = attribute.namespace,
        strcmp(UnsafeRawPointer(local).assumingMemoryBound(to: CChar.self), localName) == 0,
        strcmp(UnsafeRawPointer(uri).assumingMemoryBound(to: CChar.self), namespace) == 0
      else { continue }
      return String(cString: attributeBytes.base + Int(attribute.value))
    }
    return nil
  }
}

/// Bytes appended one piece at a time and dropped all at once: the text and attributes of the
/// events of one chunk. Its owner deallocates it. (`[UInt8].append(contentsOf:)` with its
/// uniqueness checks was 3% of validating a workbook, on the thread that parses its sheets.)
struct ByteArena {
  private(set) var base: UnsafeMutablePointer<UInt8>
  private(set) var count = 0
  private var capacity: Int

  init(capacity: Int = 1 << 16) {
    self.capacity = capacity
    base = .allocate(capacity: capacity)
  }

  mutating func append(_ bytes: UnsafePointer<UInt8>, count n: Int) {
    reserve(n)
    (base + count).update(from: bytes, count: n)
    count += n
  }

  mutating func append(cString: UnsafePointer<UInt8>) {
    append(cString, count: strlen(UnsafeRawPointer(cString).assumingMemoryBound(to: CChar.self)))
  }

  mutating func append(_ byte: UInt8) {
    reserve(1)
    base[count] = byte
    count += 1
  }

  mutating func removeAll() { count = 0 }

  /// The bytes as a string (invalid UTF-8 repaired, as `String(decoding:as:)` does).
  var string: String { String(decoding: UnsafeBufferPointer(start: base, count: count), as: UTF8.self) }

  func deallocate() { base.deallocate() }

  private mutating func reserve(_ n: Int) {
    guard count + n > capacity else { return }
    while count + n > capacity { capacity *= 2 }
    let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
    grown.update(from: base, count: count)
    base.deallocate()
    base = grown
  }
}
