internal import Foundation

/// An Office Open XML workbook (`.xlsx`), read the way openpyxl reads it with `data_only=True`:
/// sheets in workbook order, formula cells give their cached value, date cells recognised
/// through their number format.
///
/// Bounded memory: each sheet is inflated to a temporary file (size-capped) and streamed;
/// only shared strings (capped) and the styles' date flags are held.
final class XLSXWorkbook: Workbook {
  let url: URL
  private let container: ZipContainer
  private(set) var sheetNames: [String] = []
  /// The zip path of each sheet's XML (`nil` for a sheet with no worksheet part, e.g. a chart sheet).
  private var sheetParts: [String?] = []
  private var sharedStrings = SharedStringTable()
  /// Per `cellXfs` index: whether the cell format shows a date or time.
  private var dateStyles: [Bool] = []
  /// Per sheet read so far: the highest row number with any `<c>` element.
  private var maxCellRows: [Int: Int] = [:]
  private var date1904 = false
  /// Where the container's bytes behind the shared strings and sheets are counted as they are
  /// parsed, when set (the small parts are left out).
  private let progress: ReadProgress?

  /// The most text the shared-string table may hold.
  static let maxSharedStringBytes = 512 << 20
  /// The most text one cell (or one shared string) may hold; Excel itself stops at 32,767
  /// characters.
  static let maxCellBytes = 16 << 20

  func cellTooLarge(_ sheet: String?) -> FeedError {
    FeedError.limitExceeded(
      file: file, reason: "a cell\(sheet.map { " in sheet '\($0)'" } ?? "") holds more than \(Self.maxCellBytes >> 20) MiB of text")
  }

  /// Opens `url` and reads its workbook, relationships, shared strings and styles.
  /// - Throws: ``FeedError`` when the file is not an XLSX workbook, is damaged, or breaks a limit.
  convenience init(url: URL, progress: ReadProgress? = nil) throws {
    try self.init(url: url, limits: .standard, progress: progress)
  }

  init(url: URL, limits: ZipLimits, progress: ReadProgress? = nil) throws {
    self.url = url
    self.progress = progress
    container = try ZipContainer(url: url, kind: "XLSX", limits: limits)
    try readWorkbook()
  }

  var file: String { url.path }
  var format: FeedFormat { .xlsx }
  func file(ofSheet index: Int) -> String { file }
  var encoding: String? { nil }
  var warnings: [ConversionWarning] { [] }

  // MARK: - Workbook structure

  private func malformed(_ reason: String, sheet: String? = nil) -> FeedError {
    FeedError.malformedSpreadsheet(file: file, sheet: sheet, reason: reason)
  }

  /// A reader over a structural part (workbook, relationships, styles), capped at
  /// `maxPartBytes`: small parts from memory, larger ones from a temporary file that is
  /// unlinked as soon as the reader has it open.
  private func xml(_ part: String) throws -> XMLStreamReader {
    let name = "\(file) [\(part)]"
    if let entry = container.entry(part), entry.uncompressedSize > 1 << 20 {
      let temporary = try container.extractToTemporaryFile(part, limit: container.limits.maxPartBytes)
      defer { try? FileManager.default.removeItem(at: temporary) }
      return try XMLStreamReader(url: temporary, displayName: name)
    }
    return try XMLStreamReader(bytes: try container.data(part), displayName: name)
  }

  private func readWorkbook() throws {
    // The package relationships name the workbook part; fall back to the usual place.
    var workbookPart = "xl/workbook.xml"
    if container.entry("_rels/.rels") != nil {
      for rel in try relationships(of: "") where rel.type.hasSuffix("/officeDocument") {
        workbookPart = try resolve(rel.target, from: "")
        break
      }
    }
    guard container.entry(workbookPart) != nil else {
      if container.entry("content.xml") != nil || container.entry("mimetype") != nil {
        throw malformed("the file has extension .xlsx but is an OpenDocument file (.ods?), not an XLSX workbook")
      }
      throw malformed("the file has extension .xlsx but isn't an XLSX workbook: it has no part '\(workbookPart)'")
    }
    let rels = try relationships(of: workbookPart)
    var relsByID: [String: Relationship] = [:]
    for rel in rels { relsByID[rel.id] = rel }

    // Workbook: sheets in order, the date system.
    let reader = try xml(workbookPart)
    var sheets: [(name: String, rid: String?)] = []
    while try reader.next() {
      guard reader.kind == .startElement else { continue }
      switch reader.localName {
      case "workbookPr":
        if let value = reader.attribute("date1904") { date1904 = value == "1" || value.lowercased() == "true" }
      case "sheet":
        let rid =
          reader.attribute("id", namespace: "http://schemas.openxmlformats.org/officeDocument/2006/relationships")
          ?? reader.attribute("id", namespace: "http://purl.oclc.org/ooxml/officeDocument/relationships")
          ?? reader.attribute("r:id")
        sheets.append((reader.attribute("name") ?? "Sheet\(sheets.count + 1)", rid))
      default: break
      }
    }
    for sheet in sheets {
      sheetNames.append(sheet.name)
      if let rid = sheet.rid, let rel = relsByID[rid], rel.type.hasSuffix("/worksheet") {
        let part = try resolve(rel.target, from: workbookPart)
        guard container.entry(part) != nil else {
          throw malformed("the worksheet part '\(part)' is missing", sheet: sheet.name)
        }
        sheetParts.append(part)
      } else {
        sheetParts.append(nil)
      }
    }

    let strings = try rels.first { $0.type.hasSuffix("/sharedStrings") }.map { try resolve($0.target, from: workbookPart) }
      ?? (container.entry("xl/sharedStrings.xml") != nil ? "xl/sharedStrings.xml" : nil)
    if let strings, container.entry(strings) != nil { try readSharedStrings(strings) }
    let styles = try rels.first { $0.type.hasSuffix("/styles") }.map { try resolve($0.target, from: workbookPart) }
      ?? (container.entry("xl/styles.xml") != nil ? "xl/styles.xml" : nil)
    if let styles, container.entry(styles) != nil { try readStyles(styles) }
  }

  private struct Relationship {
    var id: String
    var type: String
    var target: String
    var external: Bool
  }

  /// The relationships of `part` (`""` for the package), from its `_rels/*.rels` part.
  private func relationships(of part: String) throws -> [Relationship] {
    let slash = part.lastIndex(of: "/")
    let directory = slash.map { String(part[..<$0]) + "/" } ?? ""
    let name = slash.map { String(part[part.index(after: $0)...]) } ?? part
    let relsPart = directory + "_rels/" + name + ".rels"
    guard container.entry(relsPart) != nil else { return [] }
    let reader = try xml(relsPart)
    var result: [Relationship] = []
    while try reader.next() {
      guard reader.kind == .startElement, reader.localName == "Relationship" else { continue }
      result.append(
        Relationship(
          id: reader.attribute("Id") ?? "", type: reader.attribute("Type") ?? "",
          target: reader.attribute("Target") ?? "",
          external: reader.attribute("TargetMode") == "External"))
    }
    return result.filter { !$0.external }
  }

  /// The zip path a relationship target names, relative to the part `source`.
  private func resolve(_ target: String, from source: String) throws -> String {
    var components: [Substring]
    if target.hasPrefix("/") {
      components = []
    } else {
      components = source.split(separator: "/")
      if !components.isEmpty { components.removeLast() }
    }
    for piece in target.split(separator: "/") {
      if piece == "." { continue }
      if piece == ".." {
        guard !components.isEmpty else { throw malformed("a relationship target '\(target)' leaves the workbook") }
        components.removeLast()
      } else {
        components.append(piece)
      }
    }
    return components.joined(separator: "/")
  }

  /// Parses `part` as it is inflated (on a second thread), however large it is.
  private func streamPart<T>(_ part: String, _ body: (XMLEventReader) throws -> T) throws -> T {
    let reader = try XMLEventReader(stream: try countedStream(part), displayName: "\(file) [\(part)]")
    return try body(reader)
  }

  /// `part` inflated on a second thread, counted in ``progress`` as it is parsed.
  private func countedStream(_ part: String) throws -> ZipEntryStream {
    let stream = try container.stream(part)
    stream.progress = progress
    return stream
  }

  private func readSharedStrings(_ part: String) throws {
    var table = SharedStringTable()
    try streamPart(part) { reader in
      var inItem = false
      var inText = false
      var phoneticDepth = 0
      var current = ""
      while try reader.next() {
        switch reader.kind {
        case .startElement:
          switch reader.localName {
          case "si":
            if table.count >= SharedStringTable.maxCount {
              throw FeedError.limitExceeded(
                file: file, reason: "the workbook has more than \(SharedStringTable.maxCount) shared strings")
            }
            if reader.isEmptyElement {
              table.append("")
            } else {
              inItem = true
              current = ""
            }
          case "t": inText = inItem && phoneticDepth == 0 && !reader.isEmptyElement
          case "rPh": if !reader.isEmptyElement { phoneticDepth += 1 }
          default: break
          }
        case .endElement:
          switch reader.localName {
          case "si":
            inItem = false
            table.append(current.contains("x005F_") ? current.replacingOccurrences(of: "x005F_", with: "") : current)
            if table.byteCount > Self.maxSharedStringBytes {
              throw FeedError.limitExceeded(
                file: file, reason: "the shared strings hold more than \(Self.maxSharedStringBytes >> 20) MiB of text")
            }
          case "t": inText = false
          case "rPh": phoneticDepth = max(0, phoneticDepth - 1)
          default: break
          }
        case .text, .whitespace:
          if inText {
            current += reader.value
            if current.utf8.count > Self.maxCellBytes { throw cellTooLarge(nil) }
          }
        case .other: break
        }
      }
    }
    sharedStrings = table
  }

  private func readStyles(_ part: String) throws {
    let reader = try xml(part)
    var customFormats: [Int: String] = [:]
    var xfFormats: [Int] = []
    var cellXfsDepth: Int?
    while try reader.next() {
      switch reader.kind {
      case .startElement:
        let name = reader.localName
        if name == "numFmt", let id = reader.attribute("numFmtId").flatMap({ Int($0) }) {
          customFormats[id] = reader.attribute("formatCode") ?? ""
        } else if name == "cellXfs" {
          if !reader.isEmptyElement { cellXfsDepth = reader.depth }
        } else if name == "xf", let depth = cellXfsDepth, reader.depth == depth + 1 {
          xfFormats.append(reader.attribute("numFmtId").flatMap { Int($0) } ?? 0)
        }
      case .endElement:
        if reader.localName == "cellXfs" { cellXfsDepth = nil }
      default: break
      }
    }
    dateStyles = xfFormats.map { id in
      if let code = customFormats[id] { return NumberFormat.isDate(code) }
      return NumberFormat.builtinDateIDs.contains(id)
    }
  }

  // MARK: - Rows

  /// The highest row number holding any cell element, empty styled cells included: openpyxl's
  /// `max_row`, which the Data Quality Tool compares with its 50,000-row limit (0 for an empty
  /// sheet). Known without a further pass once the sheet has been read.
  /// - Throws: as ``readRows(sheet:_:)``.
  func maxRow(sheet index: Int) throws -> Int {
    if let known = maxCellRows[index] { return known }
    try readRows(sheet: index) { _ in }
    return maxCellRows[index] ?? 0
  }

  /// Streams the rows of sheet `index` that hold at least one value.
  /// - Throws: ``FeedError`` if the sheet's XML is malformed, forbidden or too large.
  func readRows(sheet index: Int, _ body: (SheetRow) throws -> Void) throws {
    guard sheetNames.indices.contains(index) else { return }
    guard let part = sheetParts[index] else { return }
    let sheet = try XLSXSheetReader(
      workbook: self, sheetName: sheetNames[index], stream: try countedStream(part), displayName: "\(file) [\(part)]")
    defer { maxCellRows[index] = sheet.maxCellRow }
    while let rows = try sheet.nextRows() {
      for row in rows { try body(row) }
    }
  }

  /// The value of a cell of type `type` and style `style` whose `<v>` holds `value` and whose
  /// inline string is `inline` (`nil` for an empty cell).
  func cellValue(
    type: XLSXCellType, style: Int, value: String?, inline: String?, row: Int, column: Int, sheet: String
  ) throws -> CellValue? {
    switch type {
    case .sharedString:
      guard let value else { return nil }
      // Trimmed only when it must be: Foundation's trimming was measured on every string cell.
      guard let i = Int(value) ?? Int(value.trimmingCharacters(in: .whitespaces)), let text = sharedStrings[i] else {
        throw malformed("cell \(A1Reference.letters(column))\(row) refers to shared string '\(value)', which does not exist", sheet: sheet)
      }
      return .text(text)
    case .inlineString:
      // Kept as written, `_xHHHH_` escapes included, as openpyxl does for inline strings.
      if let inline { return .text(inline) }
      return value.map { .text($0) }
    case .formulaString, .error:
      return value.map { .text($0) }
    case .boolean:
      guard let value else { return nil }
      return .bool(value == "1" || value.lowercased() == "true")
    case .date:
      guard let value, !value.isEmpty else { return nil }
      return ISODate.parse(value).map { .date($0) } ?? .text(value)
    case .number:
      guard let value, !value.isEmpty else { return nil }
      if style > 0, style < dateStyles.count, dateStyles[style], let serial = Double(value),
        let date = SerialDate.date(serial: serial, date1904: date1904)
      {
        return .date(date)
      }
      return .number(value)
    }
  }
}

/// Shared strings held compactly: one byte buffer and the end offset of each string.
struct SharedStringTable {
  private var bytes: [UInt8] = []
  private var ends: [UInt32] = []

  /// The most strings the table holds (4 bytes of bookkeeping each).
  static let maxCount = 1 << 25

  var byteCount: Int { bytes.count }
  var count: Int { ends.count }

  /// Appends `s`; the caller keeps ``byteCount`` under 4 GiB and ``count`` under ``maxCount``.
  mutating func append(_ s: String) {
    bytes.append(contentsOf: s.utf8)
    ends.append(UInt32(truncatingIfNeeded: bytes.count))
  }

  subscript(index: Int) -> String? {
    guard index >= 0, index < ends.count else { return nil }
    let start = index == 0 ? 0 : Int(ends[index - 1])
    return String(decoding: bytes[start..<Int(ends[index])], as: UTF8.self)
  }
}

/// A1-style references.
enum A1Reference {
  /// XLSX sheets have columns A…XFD.
  static let maxColumns = 16_384

  /// The 0-based column of a reference such as `AB12` (`nil` if it does not start with letters
  /// or names a column past XFD).
  static func column(of ref: String) -> Int? { column(of: ref.utf8) }

  /// The 0-based column of a reference's bytes.
  static func column(of ref: some Sequence<UInt8>) -> Int? {
    var column = 0
    var letters = 0
    for byte in ref {
      let upper = byte & ~0x20
      if upper >= 0x41 && upper <= 0x5A {
        letters += 1
        guard letters <= 3 else { return nil }
        column = column * 26 + Int(upper - 0x40)
      } else {
        break
      }
    }
    guard letters > 0, column <= maxColumns else { return nil }
    return column - 1
  }

  /// The letters of 0-based `column` (`0` → `A`, `27` → `AB`).
  static func letters(_ column: Int) -> String {
    var n = column + 1
    var result: [UInt8] = []
    while n > 0 {
      let r = (n - 1) % 26
      result.append(UInt8(0x41 + r))
      n = (n - 1) / 26
    }
    return String(decoding: result.reversed(), as: UTF8.self)
  }
}

/// Excel number formats: which ones show dates.
enum NumberFormat {
  /// Built-in format ids that are dates or times (openpyxl's list).
  static let builtinDateIDs: Set<Int> = [14, 15, 16, 17, 18, 19, 20, 21, 22, 45, 46, 47]

  /// Whether a format code shows a date or time: a `d`, `m`, `y`, `h` or `s` in its first
  /// section outside quoted text, `[...]` brackets and escaped characters.
  static func isDate(_ code: String) -> Bool {
    var quoted = false
    var bracket = false
    var skipNext = false
    for byte in code.utf8 {
      if skipNext {
        skipNext = false
        continue
      }
      if quoted {
        if byte == 0x22 { quoted = false }
        continue
      }
      if bracket {
        if byte == 0x5D { bracket = false }
        continue
      }
      switch byte {
      case 0x22: quoted = true
      case 0x5B: bracket = true
      case 0x5C, 0x5F, 0x2A: skipNext = true  // \x, _x, *x
      case 0x3B: return false  // only the first section counts
      default:
        switch byte | 0x20 {
        case 0x64, 0x6D, 0x79, 0x68, 0x73: return true  // d m y h s
        default: break
        }
      }
    }
    return false
  }
}

/// Spreadsheet serial dates.
enum SerialDate {
  /// The date of an Excel serial number, as openpyxl computes it: days since 1899-12-30 (with
  /// the 1900 leap-year bug: serials below 60 are one day later, so 60 — Excel's 29 February
  /// 1900 — is 28 February) or since 1904-01-01; the fraction rounded to the millisecond, then
  /// truncated to the second. `nil` for negative serials or ones past 9999-12-31.
  static func date(serial: Double, date1904: Bool) -> CellDate? {
    guard serial.isFinite, serial >= 0, serial < 2_958_466 else { return nil }
    var day = serial.rounded(.down)
    var milliseconds = ((serial - day) * 86_400_000).rounded()
    if milliseconds >= 86_400_000 {
      day += 1
      milliseconds -= 86_400_000
    }
    var days = Int(day)
    if !date1904 && serial > 0 && serial < 60 { days += 1 }
    // Days since 1970-01-01 of the epoch.
    let epoch = date1904 ? -24_107 : -25_569
    let (y, m, d) = civil(days: epoch + days)
    let seconds = Int(milliseconds) / 1000
    return CellDate(year: y, month: m, day: d, hour: seconds / 3600, minute: seconds / 60 % 60, second: seconds % 60)
  }

  /// The serial number of a date in the 1900 system (the inverse of ``date(serial:date1904:)``
  /// for dates from 1900-03-01).
  static func serial(of date: CellDate) -> String {
    let days = daysSince1970(year: date.year, month: date.month, day: date.day) + 25_569
    let seconds = date.hour * 3600 + date.minute * 60 + date.second
    if seconds == 0 { return String(days) }
    // Seconds as a fraction of a day, to 10 decimal places (well under a millisecond).
    let fraction = Double(seconds) / 86_400
    var text = String(format: "%.10f", Double(days) + fraction)
    while text.hasSuffix("0") { text.removeLast() }
    if text.hasSuffix(".") { text.removeLast() }
    return text
  }

  /// Year, month, day of a count of days since 1970-01-01 (proleptic Gregorian).
  static func civil(days: Int) -> (Int, Int, Int) {
    let z = days + 719_468
    let era = (z >= 0 ? z : z - 146_096) / 146_097
    let doe = z - era * 146_097
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
    let mp = (5 * doy + 2) / 153
    let d = doy - (153 * mp + 2) / 5 + 1
    let m = mp < 10 ? mp + 3 : mp - 9
    return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
  }

  static func daysSince1970(year: Int, month: Int, day: Int) -> Int {
    let y = month <= 2 ? year - 1 : year
    let era = (y >= 0 ? y : y - 399) / 400
    let yoe = y - era * 400
    let mp = month > 2 ? month - 3 : month + 9
    let doy = (153 * mp + 2) / 5 + day - 1
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
    return era * 146_097 + doe - 719_468
  }
}

/// ISO 8601 dates as spreadsheets store them (`2019-02-04`, `2019-02-04T12:30:00.5`).
enum ISODate {
  static func parse(_ text: String) -> CellDate? {
    let b = Array(text.utf8)
    func number(_ from: Int, _ count: Int) -> Int? {
      guard from + count <= b.count else { return nil }
      var n = 0
      for i in from..<(from + count) {
        guard b[i] >= 0x30 && b[i] <= 0x39 else { return nil }
        n = n * 10 + Int(b[i] - 0x30)
      }
      return n
    }
    guard b.count >= 10, b[4] == 0x2D, b[7] == 0x2D, let y = number(0, 4), let m = number(5, 2),
      let d = number(8, 2), (1...12).contains(m), (1...31).contains(d)
    else { return nil }
    var date = CellDate(year: y, month: m, day: d)
    if b.count >= 19, b[10] == 0x54 || b[10] == 0x20, b[13] == 0x3A, b[16] == 0x3A,
      let h = number(11, 2), let mi = number(14, 2), let s = number(17, 2)
    {
      date.hour = h
      date.minute = mi
      date.second = s
    }
    return date
  }
}
