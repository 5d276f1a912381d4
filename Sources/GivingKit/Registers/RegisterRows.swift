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
  /// - Parameter headings: given the heading row, returns the columns whose values `row` needs
  ///   (`nil`: all); the others may be left empty.
  static func read(
    _ url: URL, headings: ([String]) throws -> [Bool]?, row: ([String], Int) throws -> Void
  ) throws {
    guard FileManager.default.fileExists(atPath: url.path) else { throw FeedError.fileNotFound(file: url.path) }
    switch url.pathExtension.lowercased() {
    case "json": try json(url, headings: headings, row: row)
    case "txt", "tsv": try tabSeparated(url, wanted: headings, row: row)
    case "zip":
      throw FeedError.unreadable(
        file: url.path, reason: "a zipped register: unzip it and give the file inside (.txt, .json or .csv)")
    default: try csv(url, headings: headings, row: row)
    }
  }

  /// CSV through ``CSVRecordReader`` (libcsv), in the encoding it decides (CCNI's export is
  /// Windows-1252).
  private static func csv(
    _ url: URL, headings: ([String]) throws -> [Bool]?, row: ([String], Int) throws -> Void
  ) throws {
    try CSVRecordReader(url: url).read { record in
      let cells = record.row.cells.map { $0?.text ?? "" }
      if record.row.number == 1 { _ = try headings(cells) } else { try row(cells, record.line) }
    }
  }

  /// The England and Wales extract's JSON form: an array of flat objects, streamed an object
  /// at a time. The headings are those of the first object; a later object's other members
  /// are ignored (the extract's objects all have the same members).
  private static func json(
    _ url: URL, headings: ([String]) throws -> [Bool]?, row: ([String], Int) throws -> Void
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
        _ = try headings(names)
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
  /// Only the columns `wanted` names become strings: the extract has 34 columns, giving reads 8.
  private static func tabSeparated(
    _ url: URL, wanted: ([String]) throws -> [Bool]?, row: ([String], Int) throws -> Void
  ) throws {
    let handle: FileHandle
    do { handle = try FileHandle(forReadingFrom: url) } catch {
      throw FeedError.unreadable(file: url.path, reason: error.localizedDescription)
    }
    defer { try? handle.close() }
    var splitter = TabSeparatedSplitter(file: url.path)
    var atStart = true
    while true {
      let chunk: Data
      do { chunk = try handle.read(upToCount: 1 << 20) ?? Data() } catch {
        throw FeedError.unreadable(file: url.path, reason: error.localizedDescription)
      }
      if chunk.isEmpty { break }
      try chunk.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) in
        var from = 0
        if atStart {
          atStart = false
          if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { from = 3 }
        }
        try splitter.split(UnsafeRawBufferPointer(rebasing: bytes[from...]), wanted: wanted, row: row)
      }
    }
    try splitter.finish(wanted: wanted, row: row)
  }
}

/// The state of ``RegisterRows``' reading of the tab-separated form, a chunk at a time. A
/// struct of its own so that the loop over every byte reads and writes its state in place
/// (captured variables of a closure are checked for exclusive access at every use).
private struct TabSeparatedSplitter {
  let file: String
  /// The columns kept (`nil`: every column, for the heading row).
  var kept: [Bool]?
  var cells: [String] = []
  var field: [UInt8] = []
  var column = 0
  var keep = true
  var escaped = false
  var line = 1
  var recordLine = 1
  var recordBytes = 0
  var sawHeadings = false

  init(file: String) { self.file = file }

  mutating func split(
    _ bytes: UnsafeRawBufferPointer, wanted: ([String]) throws -> [Bool]?, row: ([String], Int) throws -> Void
  ) throws {
    for byte in bytes {
      recordBytes += 1
      if recordBytes > RegisterRows.maxRecordBytes {
        throw FeedError.limitExceeded(
          file: file, reason: "the record at line \(recordLine) is longer than \(RegisterRows.maxRecordBytes >> 20) MB")
      }
      if escaped {
        escaped = false
        if byte == UInt8(ascii: "\n") { line += 1 }
        guard keep else { continue }
        switch byte {
        case UInt8(ascii: "t"): field.append(UInt8(ascii: "\t"))
        case UInt8(ascii: "n"): field.append(UInt8(ascii: "\n"))
        case UInt8(ascii: "r"): field.append(UInt8(ascii: "\r"))
        default: field.append(byte)
        }
        continue
      }
      switch byte {
      case UInt8(ascii: "\\"): escaped = true
      case UInt8(ascii: "\t"): try endField()
      case UInt8(ascii: "\n"):
        line += 1
        try endRecord(wanted: wanted, row: row)
      default: if keep { field.append(byte) }
      }
    }
  }

  /// Ends the last record, when the file does not end with a line break.
  mutating func finish(wanted: ([String]) throws -> [Bool]?, row: ([String], Int) throws -> Void) throws {
    if recordBytes > 0 { try endRecord(wanted: wanted, row: row) }
  }

  private mutating func endField() throws {
    if keep {
      if field.last == UInt8(ascii: "\r") { field.removeLast() }
      guard let text = String(validating: field, as: UTF8.self) else {
        throw FeedError.invalidEncoding(file: file, line: recordLine, reason: "the extract's text form is UTF-8")
      }
      if column < cells.count { cells[column] = text } else { cells.append(text) }
      field.removeAll(keepingCapacity: true)
    }
    column += 1
    keep = kept.map { column < $0.count && $0[column] } ?? true
  }

  private mutating func endRecord(wanted: ([String]) throws -> [Bool]?, row: ([String], Int) throws -> Void) throws {
    try endField()
    let blank = column == 1 && (cells.first ?? "").isEmpty
    if !blank {
      if sawHeadings {
        try row(cells, recordLine)
      } else {
        sawHeadings = true
        kept = try wanted(cells)
      }
    }
    for i in cells.indices where !cells[i].isEmpty { cells[i] = "" }
    column = 0
    keep = kept.map { !$0.isEmpty && $0[0] } ?? true
    recordBytes = 0
    recordLine = line
  }
}
