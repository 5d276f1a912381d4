internal import Foundation

/// Where a value was in the input: a cell of a sheet, or a line and column of a text file.
///
/// All numbers are 1-based. Spreadsheet locations carry the sheet, row, column letter and
/// heading; JSON and XML locations carry the line and column (in bytes from the line's start),
/// and JSON locations also the JSON pointer of the value (``pointer``), which still says where
/// a value is when the file is one line.
public struct SourceLocation: Sendable, Hashable, Codable, CustomStringConvertible {
  public var file: String
  public var sheet: String?
  public var row: Int?
  public var columnLetter: String?
  public var heading: String?
  public var line: Int?
  public var column: Int?
  /// For a JSON file, the RFC 6901 pointer of the value in the file
  /// (`/grants/1234/recipientOrganization/0/url`; `""` is the whole document).
  public var pointer: String?

  public init(
    file: String, sheet: String? = nil, row: Int? = nil, columnLetter: String? = nil,
    heading: String? = nil, line: Int? = nil, column: Int? = nil, pointer: String? = nil
  ) {
    self.file = file
    self.sheet = sheet
    self.row = row
    self.columnLetter = columnLetter
    self.heading = heading
    self.line = line
    self.column = column
    self.pointer = pointer
  }

  /// `file:line:column` for text, then the pointer for JSON
  /// (`grants.json:1:367470 /grants/1234/recipientOrganization/0/url`);
  /// `file [sheet] E2 (Heading)` for cells.
  public var description: String {
    if let line {
      let text = column.map { "\(file):\(line):\($0)" } ?? "\(file):\(line)"
      guard let pointer, !pointer.isEmpty else { return text }
      return text + " " + pointer
    }
    var text = file
    // A CSV file's only sheet is named after the file: don't say it twice.
    let stem = file.split(separator: "/").last.map { $0.split(separator: ".").dropLast().joined(separator: ".") }
    if let sheet, sheet != stem { text += " [\(sheet)]" }
    if let columnLetter, let row {
      text += " \(columnLetter)\(row)"
    } else if let row {
      text += " row \(row)"
    }
    if let heading { text += " (\(heading))" }
    return text
  }

  /// The spreadsheet column letters for a 0-based column index (0 → `A`, 26 → `AA`).
  public static func columnLetter(for index: Int) -> String {
    commonColumnLetters.indices.contains(index) ? commonColumnLetters[index] : spelledColumnLetter(for: index)
  }

  /// The letters of columns A…ZZ, made once: every location in a report names its column, and
  /// spelling each afresh was measured at 0.7% of validating a workbook of 100k rows.
  private static let commonColumnLetters = (0..<702).map(spelledColumnLetter)

  private static func spelledColumnLetter(for index: Int) -> String {
    var n = index + 1
    var letters: [Character] = []
    while n > 0 {
      let r = (n - 1) % 26
      letters.append(Character(Unicode.Scalar(UInt8(65 + r))))
      n = (n - 1) / 26
    }
    return String(letters.reversed())
  }
}

/// A line and column in a text input, kept compact: readers record one per value.
public struct TextPosition: Sendable, Hashable {
  public var line: UInt32
  public var column: UInt32

  public init(line: Int, column: Int) {
    self.line = UInt32(truncatingIfNeeded: line)
    self.column = UInt32(truncatingIfNeeded: column)
  }
}

/// The cell a spreadsheet value came from, recorded by the spreadsheet reader.
public struct CellReference: Sendable, Hashable {
  /// The grant-relative JSON path the cell's value went to (`recipientOrganization/0/id`).
  public var path: String
  /// Index into ``FeedSources/sheets``.
  public var sheet: Int32
  /// 0-based column index in that sheet.
  public var column: Int32
  /// 1-based row number.
  public var row: Int32

  public init(path: String, sheet: Int, column: Int, row: Int) {
    self.path = path
    self.sheet = Int32(truncatingIfNeeded: sheet)
    self.column = Int32(truncatingIfNeeded: column)
    self.row = Int32(truncatingIfNeeded: row)
  }

  init(path: String, sheet: Int32, column: Int32, row: Int32) {
    self.path = path
    self.sheet = sheet
    self.column = column
    self.row = row
  }
}

/// Where a grant's values came from, in the cheapest form each reader can record.
public enum GrantSource: Sendable, Hashable {
  /// JSON or XML: one position per value of the grant's tree, in preorder.
  case text(file: Int32, positions: [TextPosition])
  /// CSV, XLSX, ODS: the rows that made the grant and the cell of every value.
  case cells(rows: [RowReference], cells: [CellReference])
  /// CSV, XLSX, ODS: a grant made of one row, whose values are in the columns `layout` gives.
  case row(RowReference, layout: CellLayout)
  /// Made in memory.
  case none

  /// The rows and the cell of every value of a spreadsheet grant (`nil` for other sources).
  public var rowsAndCells: (rows: [RowReference], cells: [CellReference])? {
    switch self {
    case .cells(let rows, let cells): (rows, cells)
    case .row(let row, let layout): ([row], layout.references(sheet: Int(row.sheet), row: Int(row.row)))
    case .text, .none: nil
    }
  }

  /// The first row of a spreadsheet grant.
  public var firstRow: RowReference? {
    switch self {
    case .cells(let rows, _): rows.first
    case .row(let row, _): row
    case .text, .none: nil
    }
  }
}

/// Which column each value of a grant made of one spreadsheet row comes from, and its path:
/// the same for every row of a sheet with the same cells filled, so that such a grant keeps
/// one reference to it instead of a ``CellReference`` per value.
///
/// Written because making, retaining and freeing a cell reference for each of the 20-odd
/// values of every grant was about 4% of the CPU time of validating 1M grants of CSV.
///
/// The layout also fixes the grant's shape (its keys at every level; its values are cells),
/// so what depends on the shape alone is worked out once per layout and kept here
/// (``memoizedUnknownFields(for:_:)``). `@unchecked Sendable`: that memo is behind a lock.
public final class CellLayout: @unchecked Sendable, Hashable {
  /// One value: its grant-relative JSON path and its 0-based column.
  public struct Cell: Sendable, Hashable {
    public var path: String
    public var column: Int32
  }

  /// The values in the order of the grant's tree (preorder).
  public let cells: [Cell]

  init(cells: [Cell]) { self.cells = cells }

  private let memoLock = NSLock()
  private var unknownFields: (tree: ObjectIdentifier, fields: [(parent: String, field: String)])?

  /// The fields a grant of this layout has that the schema's field tree `tree` does not know:
  /// made by `find` for the first grant, then kept (for the last tree asked about).
  func memoizedUnknownFields(
    for tree: ObjectIdentifier, _ find: () -> [(parent: String, field: String)]
  ) -> [(parent: String, field: String)] {
    if let kept = memoLock.withLock({ unknownFields }), kept.tree == tree { return kept.fields }
    let fields = find()
    memoLock.withLock { unknownFields = (tree, fields) }
    return fields
  }

  /// The cells of the values of row `row` of sheet `sheet`.
  func references(sheet: Int, row: Int) -> [CellReference] {
    let sheet = Int32(truncatingIfNeeded: sheet)
    let row = Int32(truncatingIfNeeded: row)
    return cells.map { CellReference(path: $0.path, sheet: sheet, column: $0.column, row: row) }
  }

  public static func == (a: CellLayout, b: CellLayout) -> Bool { a === b || a.cells == b.cells }
  public func hash(into hasher: inout Hasher) { hasher.combine(cells) }
}

/// A row of a sheet that contributed to a grant.
public struct RowReference: Sendable, Hashable {
  public var sheet: Int32
  public var row: Int32
  public init(sheet: Int, row: Int) {
    self.sheet = Int32(truncatingIfNeeded: sheet)
    self.row = Int32(truncatingIfNeeded: row)
  }
}

/// The names a feed's compact references point into: its files, sheets and headings.
public struct FeedSources: Sendable, Hashable {
  /// Whether the feed is a JSON file, whose text places are also given as JSON pointers
  /// (an XML file's are not: its values' paths are those of the JSON made from it).
  public var isJSON = false

  public struct Sheet: Sendable, Hashable {
    public var file: String
    public var name: String
    /// The heading of each column, as written (`nil` for a column with no heading).
    public var headings: [String?]
    public init(file: String, name: String, headings: [String?]) {
      self.file = file
      self.name = name
      self.headings = headings
    }
  }

  public var files: [String]
  public var sheets: [Sheet]

  public init(files: [String] = [], sheets: [Sheet] = [], isJSON: Bool = false) {
    self.files = files
    self.sheets = sheets
    self.isJSON = isJSON
  }

  /// The location of the value at `path` (grant-relative, `/`-separated) of `grant`,
  /// or of the grant itself when `path` is empty.
  public func location(of path: String, in grant: Grant) -> SourceLocation? {
    switch grant.source {
    case .text(let file, let positions):
      let components = path.split(separator: "/").map(String.init)
      guard let index = grant.json.preorderIndex(of: components), positions.indices.contains(index)
      else { return nil }
      let p = positions[index]
      return SourceLocation(
        file: files.indices.contains(Int(file)) ? files[Int(file)] : "",
        line: Int(p.line), column: Int(p.column),
        pointer: isJSON ? ValueAddress.pointer(grant: grant.index, components: components) : nil)
    case .cells, .row:
      let (rows, cells) = grant.source.rowsAndCells ?? ([], [])
      if let cell = cells.first(where: { $0.path == path }) {
        return location(of: cell)
      }
      if path.isEmpty, let row = rows.first {
        let sheet = sheets[Int(row.sheet)]
        return SourceLocation(file: sheet.file, sheet: sheet.name, row: Int(row.row))
      }
      return nil
    case .none:
      return nil
    }
  }

  /// Every location of the value at `path`: a merged spreadsheet value may come from several cells.
  public func locations(of path: String, in grant: Grant) -> [SourceLocation] {
    if let (_, cells) = grant.source.rowsAndCells {
      return cells.filter { $0.path == path }.map(location(of:))
    }
    return location(of: path, in: grant).map { [$0] } ?? []
  }

  public func location(of cell: CellReference) -> SourceLocation {
    let sheet = sheets[Int(cell.sheet)]
    let column = Int(cell.column)
    return SourceLocation(
      file: sheet.file, sheet: sheet.name, row: Int(cell.row),
      columnLetter: SourceLocation.columnLetter(for: column),
      heading: sheet.headings.indices.contains(column) ? sheet.headings[column] : nil)
  }
}

/// A compact, name-free record of where a value is, cheap enough to keep for every finding of
/// a million-grant feed; ``FeedSources/resolve(_:)`` turns it into a ``SourceLocation``.
public enum SourcePlace: Sendable, Hashable {
  /// A value of a JSON or XML file: its line and column, and which value it is.
  case text(file: Int32, position: TextPosition, value: ValueAddress)
  case cell(sheet: Int32, row: Int32, column: Int32)
  case row(sheet: Int32, row: Int32)
  case unknown
}

extension Grant {
  /// Where the value at `path` (grant-relative, `/`-separated) of this grant is
  /// (``GrantSource/place(of:in:grant:)``).
  public func place(of path: String) -> SourcePlace {
    source.place(of: path, in: json, grant: index)
  }
}

extension GrantSource {
  /// Where the value at `path` (grant-relative, `/`-separated) of `json` is, `json` being
  /// grant number `grant` of its file (-1: the package around the grants). A path with no
  /// value of its own (a missing required field) falls back to its nearest present parent, and
  /// for spreadsheets to the grant's first row.
  public func place(of path: String, in json: JSONValue, grant: Int) -> SourcePlace {
    switch self {
    case .text(let file, let positions):
      // A member of the grant itself (`id`, `title`: the place of every grant's id is wanted)
      // needs no list of components.
      if !path.utf8.contains(UInt8(ascii: "/")) {
        var index = 0
        var found = path
        if !path.isEmpty {
          if let i = json.preorderIndex(of: CollectionOfOne(path)) { index = i } else { found = "" }
        }
        guard positions.indices.contains(index) else { return .unknown }
        return .text(file: file, position: positions[index], value: ValueAddress(grant: grant, path: found))
      }
      return place(
        of: path, components: path.split(separator: "/").map(String.init), file: file, positions: positions, in: json,
        grant: grant)
    case .cells, .row:
      return place(ofCellPath: path)
    case .none:
      return .unknown
    }
  }

  /// ``place(of:in:grant:)`` for a path already split at its slashes (`["recipientOrganization",
  /// "0", "id"]`), which the validator keeps for each path it has seen.
  func place(of path: String, components: [String], in json: JSONValue, grant: Int) -> SourcePlace {
    switch self {
    case .text(let file, let positions):
      return place(of: path, components: components, file: file, positions: positions, in: json, grant: grant)
    case .cells, .row:
      return place(ofCellPath: path)
    case .none:
      return .unknown
    }
  }

  private func place(
    of path: String, components: [String], file: Int32, positions: [TextPosition], in json: JSONValue, grant: Int
  ) -> SourcePlace {
    var kept = components[...]
    while true {
      if let index = json.preorderIndex(of: kept), positions.indices.contains(index) {
        // The value found is the one asked for, or (for a missing value) the nearest parent present.
        let found = kept.count == components.count ? path : kept.joined(separator: "/")
        return .text(file: file, position: positions[index], value: ValueAddress(grant: grant, path: found))
      }
      if kept.isEmpty { return .unknown }
      kept.removeLast()
    }
  }

  private func place(ofCellPath path: String) -> SourcePlace {
    switch self {
    case .cells(let rows, let cells):
      // A grant read from several sheets (the DEI extension's sheet repeats the Identifier)
      // is placed as the official tool places it: at the first sheet of the workbook that has
      // the value.
      let severalSheets = rows.contains { $0.sheet != rows.first?.sheet }
      return Self.place(ofCellPath: path, firstRow: rows.first, cells: cells, earliestSheet: severalSheets) {
        ($0.path, $0.sheet, $0.row, $0.column)
      }
    case .row(let row, let layout):
      return Self.place(ofCellPath: path, firstRow: row, cells: layout.cells, earliestSheet: false) {
        ($0.path, row.sheet, row.row, $0.column)
      }
    case .text, .none:
      return .unknown
    }
  }

  /// The cell at `path`, else the row of the first cell below it (`path/…`), else the same for
  /// its parent, and so on; else the first row. Paths are compared as bytes, without making
  /// a string: done for every finding, and for every grant's id. With `earliestSheet`, of
  /// several cells at `path` the one in the sheet that comes first in the workbook.
  private static func place<Cell>(
    ofCellPath path: String, firstRow: RowReference?, cells: [Cell], earliestSheet: Bool,
    _ parts: (Cell) -> (path: String, sheet: Int32, row: Int32, column: Int32)
  ) -> SourcePlace {
    let target = Array(path.utf8)
    var end = target.count
    while end > 0 {
      var below: (sheet: Int32, row: Int32)?
      var same: (sheet: Int32, row: Int32, column: Int32)?
      for cell in cells {
        let p = parts(cell)
        let relation = p.path.utf8.withContiguousStorageIfAvailable { Self.relation(of: $0, to: target, end) }
          ?? Array(p.path.utf8).withUnsafeBufferPointer { Self.relation(of: $0, to: target, end) }
        if relation == .same {
          guard earliestSheet else { return .cell(sheet: p.sheet, row: p.row, column: p.column) }
          if same.map({ p.sheet < $0.sheet }) ?? true { same = (p.sheet, p.row, p.column) }
        }
        if relation == .below, below == nil { below = (p.sheet, p.row) }
      }
      if let same { return .cell(sheet: same.sheet, row: same.row, column: same.column) }
      // A parent object or item: the row of the first cell below it.
      if let below { return .row(sheet: below.sheet, row: below.row) }
      guard let slash = target[..<end].lastIndex(of: UInt8(ascii: "/")) else { break }
      end = slash
    }
    if let row = firstRow { return .row(sheet: row.sheet, row: row.row) }
    return .unknown
  }

  private enum PathRelation { case same, below, other }

  /// Whether `cellPath` is `target[..<end]`, or below it (`target[..<end]` then `/`).
  private static func relation(of cellPath: UnsafeBufferPointer<UInt8>, to target: [UInt8], _ end: Int) -> PathRelation {
    guard cellPath.count >= end else { return .other }
    if cellPath.count > end, cellPath[end] != UInt8(ascii: "/") { return .other }
    for i in 0..<end where cellPath[i] != target[i] { return .other }
    return cellPath.count == end ? .same : .below
  }
}

extension FeedSources {
  /// The full location a ``SourcePlace`` stands for, or `nil` for ``SourcePlace/unknown``.
  public func resolve(_ place: SourcePlace) -> SourceLocation? {
    switch place {
    case .text(let file, let position, let value):
      return SourceLocation(
        file: files.indices.contains(Int(file)) ? files[Int(file)] : "",
        line: Int(position.line), column: Int(position.column), pointer: isJSON ? value.pointer : nil)
    case .cell(let sheet, let row, let column):
      guard sheets.indices.contains(Int(sheet)) else { return nil }
      return location(of: CellReference(path: "", sheet: Int(sheet), column: Int(column), row: Int(row)))
    case .row(let sheet, let row):
      guard sheets.indices.contains(Int(sheet)) else { return nil }
      let s = sheets[Int(sheet)]
      return SourceLocation(file: s.file, sheet: s.name, row: Int(row))
    case .unknown:
      return nil
    }
  }

  /// The heading of the column a place is in, for spreadsheet cells.
  public func heading(of place: SourcePlace) -> String? {
    guard case .cell(let sheet, _, let column) = place, sheets.indices.contains(Int(sheet)) else {
      return nil
    }
    let headings = sheets[Int(sheet)].headings
    return headings.indices.contains(Int(column)) ? headings[Int(column)] : nil
  }
}

/// Which value of a JSON (or XML) document a text place is, in eight bytes: the grant, by its
/// index in the file's `grants` array (-1 for the package around the grants), and the value's
/// path within it, by number (``PlacePaths``). A report makes the value's JSON pointer from
/// it (``pointer``) only for the places it shows, so that the places kept for a million
/// grants (every grant's id, for duplicates) hold no string each.
public struct ValueAddress: Sendable, Hashable {
  public var grant: Int32
  /// The number ``PlacePaths`` gives the grant-relative path (`recipientOrganization/0/id`).
  public var pathID: Int32

  public init(grant: Int, path: String) {
    self.grant = Int32(truncatingIfNeeded: grant)
    self.pathID = PlacePaths.shared.id(of: path)
  }

  init(grant: Int32, pathID: Int32) {
    self.grant = grant
    self.pathID = pathID
  }

  /// The grant-relative path (`recipientOrganization/0/id`; empty for the grant itself).
  public var path: String { PlacePaths.shared.path(pathID) }

  /// The same value in grant number `index`.
  func inGrant(_ index: Int) -> ValueAddress {
    var moved = self
    moved.grant = Int32(truncatingIfNeeded: index)
    return moved
  }

  /// The RFC 6901 pointer of the value in its document: `/grants/3/recipientOrganization/0/id`,
  /// or for the package `/publisher/name` (`""`, the whole document, for its top).
  public var pointer: String {
    Self.pointer(grant: Int(grant), components: path.split(separator: "/"))
  }

  /// The pointer of the value at `components` (grant-relative) of grant number `grant`
  /// (-1: of the package), each component escaped (`~` as `~0`, `/` as `~1`).
  static func pointer<C: Collection>(grant: Int, components: C) -> String where C.Element: StringProtocol {
    var pointer = grant >= 0 ? "/grants/\(grant)" : ""
    for component in components {
      pointer += "/"
      if component.contains(where: { $0 == "~" || $0 == "/" }) {
        for c in component {
          switch c {
          case "~": pointer += "~0"
          case "/": pointer += "~1"
          default: pointer.append(c)
          }
        }
      } else {
        pointer += component
      }
    }
    return pointer
  }
}

/// The grant-relative paths of text places (``ValueAddress``), each kept once for the process
/// and named by number: distinct paths are few (those of the schema, with their array
/// indexes), places are many. The paths of every grant's id and amount, and of the grant
/// itself, are numbered in advance, so that recording them takes no lock.
public final class PlacePaths: @unchecked Sendable {
  public static let shared = PlacePaths()

  private let lock = NSLock()
  private var ids: [String: Int32] = ["": 0, "id": 1, "amountAwarded": 2]
  private var paths: [String] = ["", "id", "amountAwarded"]

  private init() {}

  /// The number of `path`, given it the first time it is asked for.
  public func id(of path: String) -> Int32 {
    switch path {
    case "": return 0
    case "id": return 1
    case "amountAwarded": return 2
    default:
      return lock.withLock {
        if let id = ids[path] { return id }
        let id = Int32(truncatingIfNeeded: paths.count)
        paths.append(path)
        ids[path] = id
        return id
      }
    }
  }

  /// The path numbered `id` (empty for a number never given).
  public func path(_ id: Int32) -> String {
    lock.withLock { paths.indices.contains(Int(id)) ? paths[Int(id)] : "" }
  }
}
