internal import Foundation

/// The Identifiers of a grant sheet whose rows are scattered: an id that comes back after a
/// row with another id (or none). flatten-tool merges every row of a sheet that shares an
/// Identifier, adjacent or not (SPEC.md §2.3); ``SpreadsheetFeedReader`` merges adjacent rows
/// as they stream and needs these ids, found before the first grant is handed out, to merge
/// the others.
///
/// Ids are compared by their bytes (Python's equality), never by a hash alone.
struct ScatteredIDs: Sendable {
  private(set) var ids = Set<IDBytes>()

  static let none = ScatteredIDs()

  var isEmpty: Bool { ids.isEmpty }
  var count: Int { ids.count }

  func contains(_ id: String) -> Bool { !ids.isEmpty && ids.contains(IDBytes(id)) }

  /// Finds the scattered ids of a sheet from its rows, in order.
  struct Finder {
    /// Every id met so far (by digest, confirmed by the id's bytes).
    private var seen = ExactIDTable<Bool>(vacant: false)
    /// The id of the previous non-empty row (`nil`: none, or a row without one).
    private var previous: String?
    private(set) var found = ScatteredIDs()

    init(capacity: Int = 0) {
      seen = ExactIDTable(capacity: capacity, vacant: false)
    }

    /// Notes the next non-empty data row, whose Identifier is `id` (`nil`: none). A row that
    /// is not a grant (values only in columns not read) may be noted too: taking its
    /// neighbours for scattered only makes them go through the merge of scattered rows, which
    /// gives the same grant.
    mutating func note(_ id: String?) {
      defer { previous = id }
      guard let id else { return }
      if let previous, previous.isSameKey(as: id) { return }
      if seen.firstValue(of: id, digest: IDDigest(id), keeping: true) != nil {
        found.ids.insert(IDBytes(id))
      }
    }
  }
}

extension SpreadsheetFeedReader {
  /// The scattered ids of grant sheet `sheet`, from one pass over its rows that reads only
  /// the Identifier column.
  func scatteredIDs(inSheet sheet: Int) throws -> ScatteredIDs {
    let hashComments = workbook.format != .csv
    var finder = ScatteredIDs.Finder()
    var sawFirstRow = false
    var headerRead = false
    var idColumn: Int?
    var idKind: SchemaFieldKind?
    try workbook.readRows(sheet: sheet) { row in
      if !headerRead {
        if !sawFirstRow {
          sawFirstRow = true
          if let first = row.cells.first, first == .text("#") { return }  // configuration row
        }
        headerRead = true
        // The right-most column of the path `id` wins, as when rows are read.
        for (column, cell) in row.cells.enumerated() {
          guard let heading = cell?.text, !heading.trimmingSpaces.isEmpty else { continue }
          if hashComments && heading.hasPrefix("#") { continue }
          let plan = mapper.plan(for: heading)
          if plan.steps == [.key("id")] {
            idColumn = column
            idKind = plan.kind
          }
        }
        if let needed = neededMembers, !needed.contains("id") { idColumn = nil }
        return
      }
      var isEmpty = true
      for cell in row.cells {
        guard let cell else { continue }
        if case .text(let s) = cell, s.isEmpty { continue }
        isEmpty = false
        break
      }
      if isEmpty { return }
      guard let idColumn, idColumn < row.cells.count, let cell = row.cells[idColumn], cell != .text("") else {
        finder.note(nil)
        return
      }
      finder.note(RowTemplate.idText(CellTyping.value(of: cell, kind: idKind).0))
    }
    return finder.found
  }
}

extension ParallelCSVFeedReader {
  /// The scattered ids of the file `plan` reads, from one pass that makes text of the
  /// Identifier field alone (the file is UTF-8, which the plan checked).
  static func scatteredIDs(of plan: Plan) throws -> ScatteredIDs {
    let reader = try CSVRecordReader(url: plan.url, encoding: plan.encoding)
    // Columns past the end of this list would be made text too.
    var textColumns = Array(repeating: false, count: max(plan.header.cells.count, plan.idColumn + 1) + 64)
    textColumns[plan.idColumn] = true
    var finder = ScatteredIDs.Finder(capacity: plan.fileSize / 700)
    try reader.readFields(textOf: textColumns) { fields in
      if fields.number == 1 { return }  // the header
      var isEmpty = true
      for column in 0..<fields.count where !fields.isEmpty(column) {
        isEmpty = false
        break
      }
      if isEmpty { return }
      finder.note(fields.text(plan.idColumn))
    }
    return finder.found
  }
}
