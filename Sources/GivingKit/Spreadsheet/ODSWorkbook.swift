internal import Foundation

/// An OpenDocument spreadsheet (`.ods`): the `table:table` elements of `content.xml`.
///
/// `content.xml` is parsed as it is inflated (on a second thread, see
/// ``ZipContainer/stream(_:limit:)``): once to list the sheets, once for each sheet read. Repeated rows and columns are counted, never
/// materialised, unless they hold values.
final class ODSWorkbook: Workbook {
  let url: URL
  private let container: ZipContainer
  private(set) var sheetNames: [String] = []
  /// Where the bytes of `content.xml` behind each sheet are counted as the sheet is read,
  /// when set (listing the sheets and skipping to one are not counted).
  private let progress: ReadProgress?

  /// Row numbers past this are refused (a repeated non-empty row cannot run for ever).
  static let maxRows = 1 << 24
  /// The most values one sheet may hold once its repeated rows and cells are counted out:
  /// a hundred columns of a million rows. A few bytes of `number-rows-repeated` and
  /// `number-columns-repeated` can otherwise stand for billions of values.
  static let maxValuesPerSheet = 100 << 20

  private static let tableNS = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
  private static let officeNS = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
  private static let textNS = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"

  /// Opens `url` and lists its sheets.
  /// - Throws: ``FeedError`` when the file is not an ODS spreadsheet, is damaged, or breaks a limit.
  convenience init(url: URL, progress: ReadProgress? = nil) throws {
    try self.init(url: url, limits: .standard, progress: progress)
  }

  init(url: URL, limits: ZipLimits, progress: ReadProgress? = nil) throws {
    self.url = url
    self.progress = progress
    container = try ZipContainer(url: url, kind: "ODS", limits: limits)
    guard container.entry("content.xml") != nil else {
      if container.entry("xl/workbook.xml") != nil || container.entry("[Content_Types].xml") != nil {
        throw FeedError.malformedSpreadsheet(
          file: url.path, sheet: nil, reason: "the file has extension .ods but is an Office Open XML file (.xlsx?), not an ODS spreadsheet")
      }
      throw FeedError.malformedSpreadsheet(
        file: url.path, sheet: nil, reason: "the file has extension .ods but isn't an ODS spreadsheet: it has no part 'content.xml'")
    }
    let reader = try XMLEventReader(stream: try container.stream("content.xml"), displayName: contentName)
    while try reader.next() {
      if reader.kind == .startElement, reader.localName == "table", reader.namespaceURI == Self.tableNS {
        sheetNames.append(reader.attribute("name", namespace: Self.tableNS) ?? "Sheet\(sheetNames.count + 1)")
      }
    }
  }

  private var contentName: String { "\(url.path) [content.xml]" }

  var file: String { url.path }
  var format: FeedFormat { .ods }
  func file(ofSheet index: Int) -> String { file }
  var encoding: String? { nil }
  var warnings: [ConversionWarning] { [] }

  private func cellTooLarge(_ sheet: String) -> FeedError {
    FeedError.limitExceeded(
      file: file, reason: "a cell in sheet '\(sheet)' holds more than \(XLSXWorkbook.maxCellBytes >> 20) MiB of text")
  }

  private func count(_ reader: XMLEventReader, _ name: String) -> Int {
    guard let text = reader.attribute(name, namespace: Self.tableNS), let n = Int(text), n > 0 else { return 1 }
    // Far more than any sheet has; keeps the running row and column counts from overflowing.
    return min(n, 1 << 30)
  }

  /// Streams the rows of sheet `index` that hold at least one value.
  /// - Throws: ``FeedError`` if `content.xml` is malformed or a repeated row runs past
  ///   ``maxRows``.
  func readRows(sheet index: Int, _ body: (SheetRow) throws -> Void) throws {
    guard sheetNames.indices.contains(index) else { return }
    let sheetName = sheetNames[index]
    let content = try container.stream("content.xml")
    let reader = try XMLEventReader(stream: content, displayName: contentName)
    var tableIndex = -1
    var tableDepth: Int?
    var rowNumber = 0  // rows before the current one
    var rowRepeat = 1
    var valuesRead = 0
    var inRow = false
    var column = 0  // columns before the current cell
    var cells: [(Int, CellValue)] = []
    // Current cell.
    var inCell = false
    var cellDepth = 0
    var cellRepeat = 1
    var cellType: String?
    var cellAttributeValue: CellValue?
    var paragraphs: [String] = []
    var paragraphDepth = 0  // > 0 inside a text:p (counting nested text:p in frames)
    var annotationDepth = 0
    var paragraph = ""

    func finishRow() throws {
      defer {
        rowNumber += rowRepeat
        cells.removeAll(keepingCapacity: true)
      }
      guard !cells.isEmpty else { return }
      guard rowNumber + rowRepeat <= Self.maxRows else {
        throw FeedError.limitExceeded(
          file: file, reason: "sheet '\(sheetName)' repeats a row past row \(Self.maxRows)")
      }
      valuesRead += cells.count * rowRepeat
      guard valuesRead <= Self.maxValuesPerSheet else {
        throw FeedError.limitExceeded(
          file: file,
          reason: "sheet '\(sheetName)' holds more than \(Self.maxValuesPerSheet) values once its repeated rows and cells"
            + " are counted (row \(rowNumber + 1) repeats \(cells.count) values \(rowRepeat) times)")
      }
      let width = (cells.map(\.0).max() ?? 0) + 1
      var row = [CellValue?](repeating: nil, count: width)
      for (c, v) in cells { row[c] = v }
      for k in 0..<rowRepeat {
        try body(SheetRow(number: rowNumber + k + 1, cells: row))
      }
    }

    func finishCell() throws {
      var value: CellValue?
      switch cellType {
      case nil, "string", "time":
        if !paragraphs.isEmpty {
          guard paragraphs.reduce(0, { $0 + $1.utf8.count + 1 }) <= XLSXWorkbook.maxCellBytes else {
            throw cellTooLarge(sheetName)
          }
          value = .text(paragraphs.joined(separator: "\n"))
        } else if let attributeValue = cellAttributeValue {
          value = attributeValue
        }
      default:
        value = cellAttributeValue
      }
      if let value {
        guard column + cellRepeat <= A1Reference.maxColumns else {
          throw FeedError.limitExceeded(
            file: file, reason: "sheet '\(sheetName)' has a value past column XFD (row \(rowNumber + 1))")
        }
        for k in 0..<cellRepeat { cells.append((column + k, value)) }
      }
      column += cellRepeat
    }

    while try reader.next() {
      switch reader.kind {
      case .startElement:
        let name = reader.localName
        let ns = reader.namespaceURI
        if tableDepth == nil {
          if name == "table", ns == Self.tableNS {
            tableIndex += 1
            if tableIndex == index && !reader.isEmptyElement {
              tableDepth = reader.depth
              content.progress = progress
            }
            if tableIndex > index { return }
          }
          continue
        }
        if inCell {
          if ns == Self.officeNS && name == "annotation" && !reader.isEmptyElement {
            annotationDepth += 1
          } else if annotationDepth > 0 {
            continue
          } else if ns == Self.textNS {
            switch name {
            case "p", "h":
              if reader.isEmptyElement {
                if paragraphDepth == 0 { paragraphs.append("") }
              } else {
                if paragraphDepth == 0 { paragraph = "" }
                paragraphDepth += 1
              }
            case "s":
              if paragraphDepth > 0 {
                let n = min(reader.attribute("c", namespace: Self.textNS).flatMap { Int($0) } ?? 1, 65_536)
                paragraph += String(repeating: " ", count: max(n, 1))
                if paragraph.utf8.count > XLSXWorkbook.maxCellBytes { throw cellTooLarge(sheetName) }
              }
            case "tab": if paragraphDepth > 0 { paragraph += "\t" }
            case "line-break": if paragraphDepth > 0 { paragraph += "\n" }
            default: break
            }
          }
          continue
        }
        guard ns == Self.tableNS else { continue }
        switch name {
        case "table-row":
          rowRepeat = count(reader, "number-rows-repeated")
          column = 0
          cells.removeAll(keepingCapacity: true)
          if reader.isEmptyElement {
            rowNumber += rowRepeat
          } else {
            inRow = true
          }
        case "table-cell", "covered-table-cell":
          guard inRow else { continue }
          cellRepeat = count(reader, "number-columns-repeated")
          cellType = reader.attribute("value-type", namespace: Self.officeNS)
          cellAttributeValue = attributeValue(reader, type: cellType)
          paragraphs.removeAll(keepingCapacity: true)
          paragraphDepth = 0
          annotationDepth = 0
          if reader.isEmptyElement {
            try finishCell()
          } else {
            inCell = true
            cellDepth = reader.depth
          }
        default: break
        }
      case .endElement:
        guard let depth = tableDepth else { continue }
        let name = reader.localName
        let ns = reader.namespaceURI
        if inCell {
          if reader.depth == cellDepth {
            inCell = false
            try finishCell()
          } else if ns == Self.officeNS && name == "annotation" {
            annotationDepth = max(0, annotationDepth - 1)
          } else if annotationDepth == 0, ns == Self.textNS, name == "p" || name == "h", paragraphDepth > 0 {
            paragraphDepth -= 1
            if paragraphDepth == 0 { paragraphs.append(paragraph) }
          }
          continue
        }
        if ns == Self.tableNS && name == "table-row" && inRow {
          inRow = false
          try finishRow()
        } else if reader.depth == depth && ns == Self.tableNS && name == "table" {
          return
        }
      case .text, .whitespace:
        if inCell && paragraphDepth > 0 && annotationDepth == 0 {
          paragraph += reader.value
          if paragraph.utf8.count > XLSXWorkbook.maxCellBytes { throw cellTooLarge(sheetName) }
        }
      case .other: break
      }
    }
  }

  /// The value an ODS cell carries in its attributes, by `office:value-type`.
  private func attributeValue(_ reader: XMLEventReader, type: String?) -> CellValue? {
    switch type {
    case "float", "percentage", "currency":
      return reader.attribute("value", namespace: Self.officeNS).map { .number($0) }
    case "date":
      guard let text = reader.attribute("date-value", namespace: Self.officeNS) else { return nil }
      return ISODate.parse(text).map { .date($0) } ?? .text(text)
    case "boolean":
      guard let text = reader.attribute("boolean-value", namespace: Self.officeNS) else { return nil }
      return .bool(text == "true" || text == "1")
    case "time":
      return reader.attribute("time-value", namespace: Self.officeNS).map { .text($0) }
    case "string":
      return reader.attribute("string-value", namespace: Self.officeNS).map { .text($0) }
    default:
      return nil
    }
  }
}
