/// A cell's value as the spreadsheet stored it, before any schema typing.
public enum CellValue: Sendable, Hashable {
  /// Text (every CSV cell; XLSX shared/inline strings; ODS strings).
  case text(String)
  /// A numeric cell, as the decimal text the file stores (`1000.5`, `42912`).
  case number(String)
  case bool(Bool)
  /// A cell the workbook marks as a date or date-time.
  case date(CellDate)

  /// The text a string-typed column receives (flatten-tool's `str(value)` rules).
  public var text: String {
    switch self {
    case .text(let s): s
    case .number(let s): s
    case .bool(let b): b ? "True" : "False"
    case .date(let d): d.isoDateTime
    }
  }
}

/// A date cell's value (no time zone: spreadsheets have none).
public struct CellDate: Sendable, Hashable {
  public var year, month, day, hour, minute, second: Int

  public init(year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0, second: Int = 0) {
    self.year = year
    self.month = month
    self.day = day
    self.hour = hour
    self.minute = minute
    self.second = second
  }

  /// `YYYY-MM-DD`.
  public var isoDate: String {
    pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2)
  }

  /// `YYYY-MM-DDTHH:MM:SS+00:00`, the form flatten-tool gives date cells.
  public var isoDateTime: String {
    isoDate + "T" + pad(hour, 2) + ":" + pad(minute, 2) + ":" + pad(second, 2) + "+00:00"
  }

  private func pad(_ n: Int, _ width: Int) -> String {
    let s = String(n)
    return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
  }
}

/// One row of a sheet: its 1-based number and its cells by 0-based column (`nil` = empty).
public struct SheetRow: Sendable, Hashable {
  public var number: Int
  public var cells: [CellValue?]

  public init(number: Int, cells: [CellValue?]) {
    self.number = number
    self.cells = cells
  }
}

/// A source of sheets of rows: a CSV file (or several, as one workbook), an XLSX or ODS file.
///
/// Rows are delivered one at a time; a workbook may be asked to read a sheet more than once.
public protocol Workbook: AnyObject {
  /// The file the workbook was opened from (the first, for several CSV files).
  var file: String { get }
  var format: FeedFormat { get }
  /// Sheet names in workbook order.
  var sheetNames: [String] { get }
  /// The file each sheet comes from (differs per sheet only for several CSV files).
  func file(ofSheet index: Int) -> String
  /// The text encoding, for text formats.
  var encoding: String? { get }
  /// Warnings met while reading (an encoding guessed, a cell that could not be typed).
  var warnings: [ConversionWarning] { get }
  /// Calls `body` with each row of sheet `index`, in order, skipping nothing.
  func readRows(sheet index: Int, _ body: (SheetRow) throws -> Void) throws
}
