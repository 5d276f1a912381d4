internal import Foundation

/// Writes a minimal, valid XLSX workbook — content types, relationships, workbook, styles and
/// one worksheet per ``addSheet(name:)`` — row by row, in bounded memory.
///
/// Each sheet's XML is streamed to a temporary file and deflated into the container by
/// ``finish()``, which then copies the container into the ``OutputFile`` (committing it is the
/// caller's job). Text is written as inline strings, numbers as numbers, booleans as booleans
/// and dates as serial numbers (1900 system) with a `yyyy-mm-dd` or `yyyy-mm-dd hh:mm:ss` format,
/// so the file reads back through ``XLSXWorkbook`` to the same cells.
public final class XLSXSheetWriter {
  /// An XLSX sheet holds at most this many rows…
  public static let maxRows = 1_048_576
  /// …and this many columns.
  public static let maxColumns = 16_384

  private let output: OutputFile
  private let directory: URL
  private var sheets: [(name: String, file: URL)] = []
  private var handle: FileHandle?
  private var buffer: [UInt8] = []
  private var rowNumber = 0
  private var columnLetters: [[UInt8]] = []
  private var finished = false

  /// Starts a workbook that ``finish()`` writes to `output`.
  /// - Throws: ``FeedError/unreadable(file:reason:)`` if no temporary folder can be made.
  public init(output: OutputFile) throws {
    self.output = output
    directory = ZipContainer.temporaryURL(suffix: ".xlsx.d")
    do {
      try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    } catch {
      throw FeedError.unreadable(file: output.path, reason: "cannot create a temporary folder: " + FeedError.describe(error))
    }
    buffer.reserveCapacity(1 << 20)
  }

  deinit {
    try? handle?.close()
    try? FileManager.default.removeItem(at: directory)
  }

  /// Starts a new sheet; later rows go to it. The name is made valid for Excel (at most 31
  /// characters, none of `[]:*?/\`, unique ignoring case).
  /// - Throws: ``FeedError/unreadable(file:reason:)`` if the temporary file cannot be written.
  public func addSheet(name: String) throws {
    try closeSheet()
    let file = directory.appendingPathComponent("sheet\(sheets.count + 1).xml")
    guard FileManager.default.createFile(atPath: file.path, contents: nil),
      let handle = try? FileHandle(forWritingTo: file)
    else {
      throw FeedError.unreadable(file: output.path, reason: "cannot create a temporary file in '\(directory.path)'")
    }
    self.handle = handle
    sheets.append((uniqueName(name), file))
    rowNumber = 0
    append(
      "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
        + "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>")
  }

  /// Appends the next row to the current sheet (starting a sheet named `Sheet1` if there is
  /// none). `nil` cells are left empty; a row of only `nil`s is an empty row.
  /// - Throws: ``FeedError/limitExceeded(file:reason:)`` past ``maxRows`` rows or
  ///   ``maxColumns`` columns; ``FeedError/unreadable(file:reason:)`` if writing fails.
  public func appendRow(_ cells: [CellValue?]) throws {
    if handle == nil { try addSheet(name: "Sheet1") }
    rowNumber += 1
    guard rowNumber <= Self.maxRows else {
      throw FeedError.limitExceeded(
        file: output.path, reason: "sheet '\(sheets[sheets.count - 1].name)' would have more than \(Self.maxRows) rows, the most an XLSX sheet holds")
    }
    guard cells.count <= Self.maxColumns else {
      throw FeedError.limitExceeded(
        file: output.path, reason: "a row of sheet '\(sheets[sheets.count - 1].name)' has \(cells.count) cells, more than the \(Self.maxColumns) an XLSX sheet holds")
    }
    guard cells.contains(where: { $0 != nil }) else { return }
    let rowText = Array(String(rowNumber).utf8)
    append("<row r=\"")
    buffer.append(contentsOf: rowText)
    append("\">")
    for (column, cell) in cells.enumerated() {
      guard let cell else { continue }
      append("<c r=\"")
      buffer.append(contentsOf: letters(column))
      buffer.append(contentsOf: rowText)
      switch cell {
      case .text(let text):
        appendText(text)
      case .number(let text):
        if Self.isNumber(text) {
          append("\"><v>")
          append(text)
          append("</v></c>")
        } else {
          appendText(text)
        }
      case .bool(let value):
        append(value ? "\" t=\"b\"><v>1</v></c>" : "\" t=\"b\"><v>0</v></c>")
      case .date(let date):
        let hasTime = date.hour != 0 || date.minute != 0 || date.second != 0
        append(hasTime ? "\" s=\"2\"><v>" : "\" s=\"1\"><v>")
        append(SerialDate.serial(of: date))
        append("</v></c>")
      }
    }
    append("</row>")
    if buffer.count >= 1 << 20 { try flush() }
  }

  /// Writes the workbook to the output (not committed: call `output.commit()` after).
  /// - Throws: ``FeedError/unreadable(file:reason:)`` if a temporary file or the output fails.
  public func finish() throws {
    guard !finished else { return }
    finished = true
    defer { try? FileManager.default.removeItem(at: directory) }
    if sheets.isEmpty { try addSheet(name: "Sheet1") }
    try closeSheet()
    let zipURL = directory.appendingPathComponent("workbook.xlsx")
    let zip = try ZipWriter(url: zipURL)
    try zip.add("[Content_Types].xml", bytes: Array(contentTypes().utf8))
    try zip.add("_rels/.rels", bytes: Array(Self.packageRels.utf8))
    try zip.add("xl/workbook.xml", bytes: Array(workbookXML().utf8))
    try zip.add("xl/_rels/workbook.xml.rels", bytes: Array(workbookRels().utf8))
    try zip.add("xl/styles.xml", bytes: Array(Self.styles.utf8))
    for (i, sheet) in sheets.enumerated() {
      try zip.add("xl/worksheets/sheet\(i + 1).xml", file: sheet.file)
      try? FileManager.default.removeItem(at: sheet.file)
    }
    do {
      let input = try FileHandle(forReadingFrom: zipURL)
      defer { try? input.close() }
      while let chunk = try input.read(upToCount: 1 << 20), !chunk.isEmpty {
        try output.write([UInt8](chunk))
      }
    } catch let error as FeedError {
      throw error
    } catch {
      throw FeedError.unreadable(file: output.path, reason: FeedError.describe(error))
    }
  }

  // MARK: - Sheet XML

  private func append(_ s: String) {
    buffer.append(contentsOf: s.utf8)
  }

  private func flush() throws {
    guard let handle, !buffer.isEmpty else { return }
    do {
      try handle.write(contentsOf: buffer)
    } catch {
      throw FeedError.unreadable(file: output.path, reason: "cannot write a temporary file: " + FeedError.describe(error))
    }
    buffer.removeAll(keepingCapacity: true)
  }

  private func closeSheet() throws {
    guard let handle else { return }
    append("</sheetData></worksheet>")
    try flush()
    try? handle.close()
    self.handle = nil
  }

  private func letters(_ column: Int) -> [UInt8] {
    while columnLetters.count <= column {
      columnLetters.append(Array(A1Reference.letters(columnLetters.count).utf8))
    }
    return columnLetters[column]
  }

  /// An inline-string cell (the `<c r="…` is already written). Control characters XML cannot
  /// carry are written as Excel's `_xHHHH_` escapes (Excel shows the character; openpyxl, and
  /// so the Data Quality Tool and ``XLSXWorkbook``, keep the escape text). A literal `_xHHHH_`
  /// is written as is, so openpyxl reads it unchanged (Excel would show it decoded).
  ///
  /// `xml:space="preserve"` is written only on text that starts or ends with white space, as
  /// Excel and openpyxl do: Excel trims such text without it, and on every cell it made a
  /// sheet of generated grants a fifth larger.
  private func appendText(_ text: String) {
    let bytes = Array(text.utf8)
    if let first = bytes.first, let last = bytes.last, Self.isWhiteSpace(first) || Self.isWhiteSpace(last) {
      append("\" t=\"inlineStr\"><is><t xml:space=\"preserve\">")
    } else {
      append("\" t=\"inlineStr\"><is><t>")
    }
    var i = 0
    while i < bytes.count {
      let b = bytes[i]
      switch b {
      case 0x26: append("&amp;")
      case 0x3C: append("&lt;")
      case 0x3E: append("&gt;")
      case 0x0D: append("&#13;")
      case 0x09, 0x0A: buffer.append(b)
      case 0x00..<0x20:
        append("_x00")
        append(String(format: "%02X", b))
        append("_")
      default: buffer.append(b)
      }
      i += 1
    }
    append("</t></is></c>")
  }

  private static func isWhiteSpace(_ byte: UInt8) -> Bool {
    byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
  }

  /// Whether `text` is a number an XLSX `<v>` may hold: `-?digits[.digits][e[+-]digits]`.
  static func isNumber(_ text: String) -> Bool {
    var digits = 0
    var state = 0  // 0 sign/int, 1 fraction, 2 exponent sign, 3 exponent digits
    var expDigits = 0
    for (i, b) in text.utf8.enumerated() {
      switch b {
      case 0x2D where i == 0: continue
      case 0x30...0x39:
        if state >= 2 {
          state = 3
          expDigits += 1
        } else {
          digits += 1
        }
      case 0x2E where state == 0: state = 1
      case 0x65, 0x45:
        guard state < 2, digits > 0 else { return false }
        state = 2
      case 0x2B, 0x2D:
        guard state == 2, expDigits == 0 else { return false }
      default: return false
      }
    }
    return digits > 0 && (state < 2 || expDigits > 0)
  }

  // MARK: - Workbook parts

  private func uniqueName(_ proposed: String) -> String {
    var name = String(proposed.map { "[]:*?/\\".contains($0) ? "_" : $0 })
    while name.hasPrefix("'") { name.removeFirst() }
    while name.hasSuffix("'") { name.removeLast() }
    if name.isEmpty { name = "Sheet\(sheets.count + 1)" }
    name = String(name.prefix(31))
    let taken = Set(sheets.map { $0.name.lowercased() })
    var candidate = name
    var n = 2
    while taken.contains(candidate.lowercased()) {
      let suffix = " (\(n))"
      candidate = String(name.prefix(31 - suffix.count)) + suffix
      n += 1
    }
    return candidate
  }

  private static func escapeAttribute(_ s: String) -> String {
    var out = ""
    for c in s {
      switch c {
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "\"": out += "&quot;"
      default: out.append(c)
      }
    }
    return out
  }

  private static let main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
  private static let relNS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
  private static let header = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"

  private func contentTypes() -> String {
    var s = Self.header
      + "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
      + "<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
      + "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
      + "<Override PartName=\"/xl/workbook.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/>"
      + "<Override PartName=\"/xl/styles.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml\"/>"
    for i in sheets.indices {
      s += "<Override PartName=\"/xl/worksheets/sheet\(i + 1).xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>"
    }
    return s + "</Types>"
  }

  private static let packageRels = header
    + "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    + "<Relationship Id=\"rId1\" Type=\"\(relNS)/officeDocument\" Target=\"xl/workbook.xml\"/>"
    + "</Relationships>"

  private func workbookXML() -> String {
    var s = Self.header + "<workbook xmlns=\"\(Self.main)\" xmlns:r=\"\(Self.relNS)\"><sheets>"
    for (i, sheet) in sheets.enumerated() {
      s += "<sheet name=\"\(Self.escapeAttribute(sheet.name))\" sheetId=\"\(i + 1)\" r:id=\"rId\(i + 1)\"/>"
    }
    return s + "</sheets></workbook>"
  }

  private func workbookRels() -> String {
    var s = Self.header + "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    for i in sheets.indices {
      s += "<Relationship Id=\"rId\(i + 1)\" Type=\"\(Self.relNS)/worksheet\" Target=\"worksheets/sheet\(i + 1).xml\"/>"
    }
    s += "<Relationship Id=\"rId\(sheets.count + 1)\" Type=\"\(Self.relNS)/styles\" Target=\"styles.xml\"/>"
    return s + "</Relationships>"
  }

  /// Three cell formats: general, date (`yyyy-mm-dd`), date-time (`yyyy-mm-dd hh:mm:ss`).
  private static let styles = header + "<styleSheet xmlns=\"\(main)\">"
    + "<numFmts count=\"2\"><numFmt numFmtId=\"164\" formatCode=\"yyyy\\-mm\\-dd\"/>"
    + "<numFmt numFmtId=\"165\" formatCode=\"yyyy\\-mm\\-dd\\ hh:mm:ss\"/></numFmts>"
    + "<fonts count=\"1\"><font><sz val=\"11\"/><name val=\"Calibri\"/></font></fonts>"
    + "<fills count=\"2\"><fill><patternFill patternType=\"none\"/></fill><fill><patternFill patternType=\"gray125\"/></fill></fills>"
    + "<borders count=\"1\"><border><left/><right/><top/><bottom/><diagonal/></border></borders>"
    + "<cellStyleXfs count=\"1\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\"/></cellStyleXfs>"
    + "<cellXfs count=\"3\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\"/>"
    + "<xf numFmtId=\"164\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyNumberFormat=\"1\"/>"
    + "<xf numFmtId=\"165\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyNumberFormat=\"1\"/></cellXfs>"
    + "<cellStyles count=\"1\"><cellStyle name=\"Normal\" xfId=\"0\" builtinId=\"0\"/></cellStyles>"
    + "</styleSheet>"
}
