internal import Foundation

/// A register file as a heading row and rows of text, streamed one row at a time whatever
/// its form, so that a whole register (hundreds of megabytes) is never held.
enum RegisterRows {
  /// The longest record of the tab-separated form: far beyond any real charity's, small
  /// enough that a file without line breaks is refused rather than held.
  static let maxRecordBytes = 16 << 20

  /// Calls `headings` once with the heading row, then `row` with each row and its line
  /// (CSV and text: the physical line it starts on; JSON: the item's position in the array).
  /// - Throws: ``FeedError``s of the readers; errors thrown by the callbacks pass through.
  static func read(
    _ url: URL, headings: ([String]) throws -> Void, row: ([String], Int) throws -> Void
  ) throws {
    guard FileManager.default.fileExists(atPath: url.path) else { throw FeedError.fileNotFound(file: url.path) }
    switch url.pathExtension.lowercased() {
    case "json": try json(url, headings: headings, row: row)
    case "txt", "tsv": try tabSeparated(url, headings: headings, row: row)
    case "zip":
      throw FeedError.unreadable(
        file: url.path, reason: "a zipped register: unzip it and give the file inside (.txt, .json or .csv)")
    default: try csv(url, headings: headings, row: row)
    }
  }

  /// CSV through ``CSVRecordReader`` (libcsv), in the encoding it decides (CCNI's export is
  /// Windows-1252).
  private static func csv(
    _ url: URL, headings: ([String]) throws -> Void, row: ([String], Int) throws -> Void
  ) throws {
    try CSVRecordReader(url: url).read { record in
      let cells = record.row.cells.map { $0?.text ?? "" }
      if record.row.number == 1 { try headings(cells) } else { try row(cells, record.line) }
    }
  }

  /// The England and Wales extract's JSON form: an array of flat objects, streamed an object
  /// at a time. The headings are those of the first object; a later object's other members
  /// are ignored (the extract's objects all have the same members).
  private static func json(
    _ url: URL, headings: ([String]) throws -> Void, row: ([String], Int) throws -> Void
  ) throws {
    let input = try ByteInput(url: url)
    let parser = JSONParser(input: input, file: url.path)
    try parser.skipByteOrderMark()
    guard try parser.peekNonSpace() == UInt8(ascii: "[") else {
      throw FeedError.unreadable(file: url.path, reason: "a register extract in JSON is an array of objects")
    }
    input.position += 1
    var column: [String: Int] = [:]
    var index = 0
    if try parser.peekNonSpace() == UInt8(ascii: "]") {
      input.position += 1
      try parser.expectEnd()
      return
    }
    while true {
      try parser.limitNextValue(bytes: maxRecordBytes, values: 10_000, what: "charity \(index + 1)")
      let value = try parser.parseValue(depth: 1)
      parser.endValueLimit()
      index += 1
      guard let object = value.objectValue else {
        throw FeedError.unreadable(file: url.path, reason: "item \(index) of the array is not an object")
      }
      if index == 1 {
        let names = object.map(\.key)
        column = Dictionary(names.enumerated().map { ($0.element, $0.offset) }, uniquingKeysWith: { a, _ in a })
        try headings(names)
      }
      var cells = [String](repeating: "", count: column.count)
      for member in object {
        guard let at = column[member.key] else { continue }
        switch member.value {
        case .string(let text): cells[at] = text
        case .number(let number): cells[at] = number.text
        case .bool(let flag): cells[at] = flag ? "True" : "False"
        default: break
        }
      }
      try row(cells, index)
      switch try parser.peekNonSpace() {
      case UInt8(ascii: ","): input.position += 1
      case UInt8(ascii: "]"):
        input.position += 1
        try parser.expectEnd()
        return
      case let byte:
        throw parser.error(byte == nil ? "unexpected end of input, expecting ',' or ']'" : "expecting ',' or ']'")
      }
    }
  }

  /// The extract's text form: UTF-8 (a byte-order mark allowed), one record a line (LF or
  /// CRLF), fields split at tabs, no quoting — a `"` is an ordinary character — and `\`
  /// escaping a tab, line break or backslash inside a field.
  ///
  /// Split here rather than by libcsv: libcsv always treats some byte as a quote, and has no
  /// escape character, so it would both split escaped tabs and join fields that start with `"`.
  private static func tabSeparated(
    _ url: URL, headings: ([String]) throws -> Void, row: ([String], Int) throws -> Void
  ) throws {
    let handle: FileHandle
    do { handle = try FileHandle(forReadingFrom: url) } catch {
      throw FeedError.unreadable(file: url.path, reason: error.localizedDescription)
    }
    defer { try? handle.close() }
    var fields: [String] = []
    var field: [UInt8] = []
    var escaped = false
    var line = 1
    var recordLine = 1
    var first = true
    var sawHeadings = false

    func endField() throws {
      if field.last == UInt8(ascii: "\r") { field.removeLast() }
      guard let text = String(validating: field, as: UTF8.self) else {
        throw FeedError.invalidEncoding(file: url.path, line: recordLine, reason: "the extract's text form is UTF-8")
      }
      fields.append(text)
      field.removeAll(keepingCapacity: true)
    }
    func endRecord() throws {
      try endField()
      defer {
        fields.removeAll(keepingCapacity: true)
        recordLine = line
      }
      if fields == [""] { return }
      if sawHeadings {
        try row(fields, recordLine)
      } else {
        sawHeadings = true
        try headings(fields)
      }
    }

    while true {
      let chunk: Data
      do { chunk = try handle.read(upToCount: 1 << 20) ?? Data() } catch {
        throw FeedError.unreadable(file: url.path, reason: error.localizedDescription)
      }
      if chunk.isEmpty { break }
      var bytes = [UInt8](chunk)
      if first {
        first = false
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
      }
      for byte in bytes {
        if escaped {
          escaped = false
          switch byte {
          case UInt8(ascii: "t"): field.append(UInt8(ascii: "\t"))
          case UInt8(ascii: "n"): field.append(UInt8(ascii: "\n"))
          case UInt8(ascii: "r"): field.append(UInt8(ascii: "\r"))
          case UInt8(ascii: "\n"):
            field.append(byte)
            line += 1
          default: field.append(byte)
          }
          continue
        }
        switch byte {
        case UInt8(ascii: "\\"): escaped = true
        case UInt8(ascii: "\t"): try endField()
        case UInt8(ascii: "\n"):
          line += 1
          try endRecord()
        default: field.append(byte)
        }
      }
      if field.count + fields.reduce(0, { $0 + $1.utf8.count }) > maxRecordBytes {
        throw FeedError.limitExceeded(
          file: url.path, reason: "the record at line \(recordLine) is longer than \(maxRecordBytes >> 20) MB")
      }
    }
    if !field.isEmpty || !fields.isEmpty { try endRecord() }
  }
}
