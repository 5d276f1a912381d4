internal import Foundation

/// Reads the rows of one XLSX sheet straight from libxml2's SAX2 callbacks
/// (``XMLPushHandler``): each cell's attributes read from the parser's own bytes, its text
/// gathered in one buffer, each row kept until ``XLSXWorkbook`` hands it on.
///
/// Written because the sheet is the part that bounds how fast a workbook is read, on one
/// thread: recording every element and text as an event (``XMLEventReader``) and dispatching
/// on them again was as much of that thread's time as libxml2's own parsing (perf, 1M rows).
final class XLSXSheetReader: XMLPushHandler {
  /// The elements of a sheet's XML that are acted on.
  private enum Element {
    case sheetData, row, c, v, `is`, t, rPh
  }

  /// The workbook reads the sheet with this reader and drops it before it returns.
  private unowned(unsafe) let workbook: XLSXWorkbook
  private let sheetName: String
  private var parser: XMLPushParser!
  /// Interned names, in the order of `Element`'s cases.
  private var names: [(pointer: UnsafePointer<UInt8>?, name: String, element: Element)] = []

  /// Rows read since the last ``nextRows()``.
  private var rows: [SheetRow] = []
  /// The highest row number with any `<c>` element.
  private(set) var maxCellRow = 0

  private var depth: Int32 = 0
  private var inSheetData = false
  private var sheetDataDepth: Int32 = 0
  private var inRow = false
  private var rowDepth: Int32 = 0
  private var rowNumber = 0
  /// Cells by column: at most 16,384, however many `<c>` elements a row repeats.
  private var cells: [CellValue?] = []
  private var column = -1

  private var inCell = false
  private var cellDepth: Int32 = 0
  private var cellType = XLSXCellType.number
  private var cellStyle = 0
  private var inValue = false
  private var hasValue = false
  private var value = ByteArena(capacity: 256)
  private var inInline = false
  private var inInlineText = false
  private var phoneticDepth = 0
  private var hasInline = false
  private var inline = ByteArena(capacity: 256)

  /// Reads sheet `sheetName` of `workbook` as `stream` inflates it.
  /// - Throws: ``FeedError/unreadable(file:reason:)`` if libxml2 cannot be set up.
  init(workbook: XLSXWorkbook, sheetName: String, stream: ZipEntryStream, displayName: String) throws {
    self.workbook = workbook
    self.sheetName = sheetName
    parser = try XMLPushParser(stream: stream, displayName: displayName, handler: self)
    let elements: [(String, Element)] = [
      ("sheetData", .sheetData), ("row", .row), ("c", .c), ("v", .v), ("is", .is), ("t", .t), ("rPh", .rPh),
    ]
    names = elements.map { (parser.interned($0.0), $0.0, $0.1) }
  }

  deinit {
    parser = nil
    value.deallocate()
    inline.deallocate()
  }

  /// The rows of the next stretch of the sheet (some 64 KiB of its XML; often none), or `nil`
  /// once the sheet has been read. Rows before an error are returned before it is thrown.
  /// - Throws: ``FeedError`` if the sheet's XML is malformed, forbidden or too large.
  func nextRows() throws -> [SheetRow]? {
    if parser.isFinished {
      if let failure = parser.failure { throw failure }
      return nil
    }
    rows.removeAll(keepingCapacity: true)
    parser.parseChunk()
    if parser.isFinished, rows.isEmpty, let failure = parser.failure { throw failure }
    return rows
  }

  private func element(_ name: UnsafePointer<UInt8>) -> Element? {
    for entry in names where entry.pointer == name { return entry.element }
    // A name interned apart (not seen with libxml2, but no element may be missed).
    for entry in names where strcmp(UnsafeRawPointer(name).assumingMemoryBound(to: CChar.self), entry.name) == 0 {
      return entry.element
    }
    return nil
  }

  private func stop(_ error: FeedError) { parser.stop(error) }

  private func malformed(_ reason: String) -> FeedError {
    FeedError.malformedSpreadsheet(file: workbook.file, sheet: sheetName, reason: reason)
  }

  // MARK: Callbacks

  func startElement(_ localName: UnsafePointer<UInt8>, namespace: UnsafePointer<UInt8>?, attributes: XMLAttributes) {
    let level = depth
    depth += 1
    let name = element(localName)
    guard inSheetData else {
      if name == .sheetData {
        inSheetData = true
        sheetDataDepth = level
      }
      return
    }
    switch name {
    case .row: startRow(attributes, depth: level)
    case .c: startCell(attributes, depth: level)
    case .v:
      if inCell {
        hasValue = true
        inValue = true
      }
    case .is:
      if inCell {
        hasInline = true
        inInline = true
      }
    case .t:
      inInlineText = inInline && phoneticDepth == 0
    case .rPh:
      if inInline { phoneticDepth += 1 }
    case .sheetData, nil: break
    }
  }

  private func startRow(_ attributes: XMLAttributes, depth level: Int32) {
    var numbered = false
    for i in 0..<attributes.count where Self.isName(attributes.localName(i), "r") && attributes.prefix(i) == nil {
      let text = attributes.value(i)
      guard let n = Self.integer(text), n > 0, n <= 1 << 24 else {
        stop(malformed("row number '\(String(decoding: text, as: UTF8.self))' is not valid"))
        return
      }
      rowNumber = n
      numbered = true
    }
    if !numbered { rowNumber += 1 }
    column = -1
    inRow = true
    rowDepth = level
  }

  private func startCell(_ attributes: XMLAttributes, depth level: Int32) {
    if rowNumber > maxCellRow { maxCellRow = rowNumber }
    // The three attributes in one walk (this is once per cell), read from the parser's bytes.
    var refColumn: Int?
    cellType = .number
    cellStyle = 0
    for i in 0..<attributes.count {
      guard let name = attributes.localName(i), name[0] != 0, name[1] == 0, attributes.prefix(i) == nil else { continue }
      let text = attributes.value(i)
      switch name[0] {
      case UInt8(ascii: "r"):
        guard let c = A1Reference.column(of: text) else {
          stop(malformed("cell reference '\(String(decoding: text, as: UTF8.self))' is not valid"))
          return
        }
        refColumn = c
      case UInt8(ascii: "t"): cellType = XLSXCellType(text)
      case UInt8(ascii: "s"): cellStyle = Self.styleIndex(text)
      default: break
      }
    }
    column = refColumn ?? column + 1
    guard column < A1Reference.maxColumns else {
      stop(malformed("a cell lies beyond column XFD, the last an XLSX sheet has"))
      return
    }
    inCell = true
    cellDepth = level
    hasValue = false
    value.removeAll()
    hasInline = false
    inline.removeAll()
  }

  func endElement(_ localName: UnsafePointer<UInt8>, namespace: UnsafePointer<UInt8>?) {
    depth -= 1
    guard inSheetData else { return }
    // Ends are told apart by depth, sparing a name per element in the hot path.
    if inCell {
      if depth == cellDepth {
        endCell()
      } else if depth == cellDepth + 1 {
        inValue = false  // </v>, </is> or </f>
        inInline = false
      } else if inInline {
        switch element(localName) {
        case .t: inInlineText = false
        case .rPh: phoneticDepth = max(0, phoneticDepth - 1)
        default: break
        }
      }
    } else if inRow && depth == rowDepth {
      endRow()
      inRow = false
    } else if depth == sheetDataDepth {
      inSheetData = false
    }
  }

  private func endCell() {
    inCell = false
    let cell: CellValue?
    do {
      cell = try workbook.cellValue(
        type: cellType, style: cellStyle, value: hasValue ? value.string : nil,
        inline: hasInline ? inline.string : nil, row: rowNumber, column: column, sheet: sheetName)
    } catch let error as FeedError {
      stop(error)
      return
    } catch {
      stop(malformed(FeedError.describe(error)))
      return
    }
    guard let cell else { return }
    // Cells nearly always come in order, each the next column.
    if column == cells.count {
      cells.append(cell)
    } else {
      if column > cells.count { cells.append(contentsOf: repeatElement(nil, count: column - cells.count + 1)) }
      cells[column] = cell
    }
    // A cell outside any row element is delivered as its own row.
    if !inRow { endRow() }
  }

  private func endRow() {
    guard !cells.isEmpty else { return }
    rows.append(SheetRow(number: rowNumber, cells: cells))
    cells.removeAll(keepingCapacity: true)
  }

  func characters(_ text: UnsafeBufferPointer<UInt8>) {
    guard let bytes = text.baseAddress else { return }
    if inValue {
      value.append(bytes, count: text.count)
      if value.count > XLSXWorkbook.maxCellBytes { stop(workbook.cellTooLarge(sheetName)) }
    } else if inInlineText {
      inline.append(bytes, count: text.count)
      if inline.count > XLSXWorkbook.maxCellBytes { stop(workbook.cellTooLarge(sheetName)) }
    }
  }

  // MARK: Attribute values

  private static func isName(_ name: UnsafePointer<UInt8>?, _ single: Unicode.Scalar) -> Bool {
    guard let name else { return false }
    return name[0] == UInt8(ascii: single) && name[1] == 0
  }

  /// A row number as `Int(_:)` reads it: an optional sign, then decimal digits.
  private static func integer(_ text: UnsafeBufferPointer<UInt8>) -> Int? {
    guard text.count <= 18 else { return Int(String(decoding: text, as: UTF8.self)) }
    var i = 0
    var negative = false
    if i < text.count, text[i] == UInt8(ascii: "+") || text[i] == UInt8(ascii: "-") {
      negative = text[i] == UInt8(ascii: "-")
      i += 1
    }
    guard i < text.count else { return nil }
    var n = 0
    while i < text.count {
      let digit = Int(text[i]) - 48
      guard digit >= 0 && digit <= 9 else { return nil }
      n = n * 10 + digit
      i += 1
    }
    return negative ? -n : n
  }

  /// A cell's `s` attribute (0, the default style, when it is not a number).
  private static func styleIndex(_ text: UnsafeBufferPointer<UInt8>) -> Int {
    guard let n = integer(text), n >= 0, n < 1_000_000_000 else { return 0 }
    return n
  }
}

/// A cell's `t` attribute. A type XLSX does not define is read as a number, as `n` and no `t`
/// are.
enum XLSXCellType {
  case sharedString, inlineString, formulaString, error, boolean, date, number

  init(_ text: UnsafeBufferPointer<UInt8>) {
    func `is`(_ name: StaticString) -> Bool {
      name.utf8CodeUnitCount == text.count && memcmp(name.utf8Start, text.baseAddress!, text.count) == 0
    }
    guard !text.isEmpty else {
      self = .number
      return
    }
    switch text[0] {
    case UInt8(ascii: "s"): self = text.count == 1 ? .sharedString : `is`("str") ? .formulaString : .number
    case UInt8(ascii: "i"): self = `is`("inlineStr") ? .inlineString : .number
    case UInt8(ascii: "e"): self = text.count == 1 ? .error : .number
    case UInt8(ascii: "b"): self = text.count == 1 ? .boolean : .number
    case UInt8(ascii: "d"): self = text.count == 1 ? .date : .number
    default: self = .number
    }
  }
}
