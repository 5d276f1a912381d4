internal import Foundation

/// The Identifiers of a grant sheet whose rows are scattered: an id that comes back after a
/// row with another id (or none). flatten-tool merges every row of a sheet that shares an
/// Identifier, adjacent or not (SPEC.md §2.3); ``SpreadsheetFeedReader`` merges adjacent rows
/// as they stream and needs these ids, found before the first grant is handed out, to merge
/// the others.
///
/// Ids are compared by their bytes (Python's equality), never by a hash alone.
struct ScatteredIDs: Sendable, Equatable {
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
    var headingRow = HeadingRowFinder()
    var idColumn: Int?
    var idKind: SchemaFieldKind?
    try workbook.readRows(sheet: sheet) { row in
      if !headingRow.isFound {
        guard headingRow.isHeadingRow(row) else { return }
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
  /// The scattered ids of the file `plan` reads (the file is UTF-8, which the plan checked):
  /// from ``IDColumnScanner`` when it understands the file, else from libcsv's fields.
  static func scatteredIDs(of plan: Plan) throws -> ScatteredIDs {
    if let found = try IDColumnScanner(plan: plan).scatteredIDs() { return found }
    return try scatteredIDsFromFields(of: plan)
  }

  /// The scattered ids of the file `plan` reads, from one pass that makes text of the
  /// Identifier field alone.
  static func scatteredIDsFromFields(of plan: Plan) throws -> ScatteredIDs {
    let reader = try CSVRecordReader(url: plan.url, encoding: plan.encoding)
    // Columns past the end of this list would be made text too.
    var textColumns = Array(repeating: false, count: max(plan.header.cells.count, plan.idColumn + 1) + 64)
    textColumns[plan.idColumn] = true
    var finder = ScatteredIDs.Finder(capacity: plan.fileSize / 500)
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

/// Finds the Identifier of every record of a UTF-8 CSV file without splitting the other
/// fields: after the Identifier it only looks for the line break that ends the record, with
/// `memchr`, stepping over quoted fields (which may hold line breaks).
///
/// Written because reading the Identifiers with ``CSVRecordReader/readFields(textOf:)``, which
/// finds every field of every record, added a tenth to the CPU time of validating 200k clean
/// grants (4.2 → 4.6 s), for a pass that finds nothing in most files.
///
/// It reads records as Python's `csv` module does (a quote is special only at a field's
/// start; text after a closing quote continues the field). Anything it is not sure of — a lone
/// CR ending a line, text after a closing quote, a record longer than its buffer — makes it
/// give up (`nil`), and the caller reads the fields with libcsv instead.
struct IDColumnScanner {
  let plan: ParallelCSVFeedReader.Plan
  static let bufferSize = 4 << 20

  private static let quote = UInt8(ascii: "\""), comma = UInt8(ascii: ","), lf = UInt8(ascii: "\n"), cr = UInt8(ascii: "\r")

  /// The scattered ids, or `nil` when the file is not one this scanner reads.
  func scatteredIDs() throws -> ScatteredIDs? {
    let input = try ByteInput(url: plan.url, chunkSize: Self.bufferSize)
    var finder = ScatteredIDs.Finder(capacity: plan.fileSize / 500)
    var isHeader = true
    var first = true
    while try input.refill() {
      let base = UnsafePointer(input.buffer.baseAddress!)
      var p = input.position
      if first {
        first = false
        p = min(plan.firstRecordOffset, input.end)
      }
      let end = input.end
      let isLast = input.isExhausted || input.offset + (end - input.position) >= plan.fileSize
      while p < end {
        guard let record = Self.record(base, from: p, end: end, isLast: isLast, idColumn: plan.idColumn) else {
          break  // incomplete: refill
        }
        switch record {
        case .unsure: return nil
        case .blank(let next):
          p = next
        case .record(let id, let next):
          if isHeader {
            isHeader = false
          } else {
            finder.note(id)
          }
          p = next
        }
      }
      if p == input.position && !isLast && end - p >= Self.bufferSize { return nil }  // a record longer than the buffer
      input.position = p
      if isLast && p < end { return nil }
      if isLast { break }
    }
    return finder.found
  }

  enum Record {
    /// A record and its Identifier (`nil`: empty), and where the next one starts.
    case record(String?, next: Int)
    /// A blank line (not a record).
    case blank(next: Int)
    case unsure
  }

  /// The record that starts at `start`, or `nil` when it does not end before `end` (unless
  /// `isLast`, when the bytes end the file).
  static func record(_ b: UnsafePointer<UInt8>, from start: Int, end: Int, isLast: Bool, idColumn: Int) -> Record? {
    if b[start] == lf { return .blank(next: start + 1) }
    if b[start] == cr {
      guard start + 1 < end else { return isLast ? .blank(next: end) : nil }
      return b[start + 1] == lf ? .blank(next: start + 2) : .unsure
    }
    var p = start
    var column = 0
    var id: String?
    // The fields up to the Identifier, one at a time.
    while column <= idColumn {
      let fieldStart = p
      var text: Range<Int>
      var escaped = false
      if p < end && b[p] == quote {
        var q = p + 1
        while true {
          guard q < end, let found = memchr(b + q, Int32(quote), end - q) else { return isLast ? .unsure : nil }
          let close = b.distance(to: found.assumingMemoryBound(to: UInt8.self))
          if close + 1 < end && b[close + 1] == quote {
            escaped = true
            q = close + 2
            continue
          }
          if close + 1 >= end && !isLast { return nil }
          text = (fieldStart + 1)..<close
          p = close + 1
          break
        }
        if p < end && b[p] != comma && b[p] != lf && b[p] != cr { return .unsure }  // text after a closing quote
      } else {
        while p < end && b[p] != comma && b[p] != lf && b[p] != cr { p += 1 }
        text = fieldStart..<p
      }
      if p >= end && !isLast { return nil }
      if column == idColumn && !text.isEmpty {
        let bytes = UnsafeBufferPointer(start: b + text.lowerBound, count: text.count)
        if escaped {
          var unescaped: [UInt8] = []
          var i = 0
          while i < bytes.count {
            unescaped.append(bytes[i])
            i += bytes[i] == quote ? 2 : 1
          }
          id = String(decoding: unescaped, as: UTF8.self)
        } else {
          id = String(decoding: bytes, as: UTF8.self)
        }
      }
      if p >= end { return .record(id, next: end) }
      if b[p] != comma { return lineEnd(b, at: p, end: end, isLast: isLast, id: id) }
      p += 1
      column += 1
    }
    // The rest of the record: to the next line break outside quotes. A quote opens a quoted
    // field only at a field's start.
    while true {
      let lineBreak = memchr(b + p, Int32(lf), end - p).map { b.distance(to: $0.assumingMemoryBound(to: UInt8.self)) } ?? end
      guard let found = memchr(b + p, Int32(quote), lineBreak - p) else {
        if lineBreak == end { return isLast ? (memchr(b + p, Int32(cr), end - p) == nil ? .record(id, next: end) : .unsure) : nil }
        // A CR inside the record's last stretch ends a line only before the LF.
        if let r = memchr(b + p, Int32(cr), lineBreak - p), b.distance(to: r.assumingMemoryBound(to: UInt8.self)) != lineBreak - 1 {
          return .unsure
        }
        return .record(id, next: lineBreak + 1)
      }
      let q = b.distance(to: found.assumingMemoryBound(to: UInt8.self))
      if memchr(b + p, Int32(cr), q - p) != nil { return .unsure }
      guard q > 0, b[q - 1] == comma else {
        p = q + 1  // a literal quote inside an unquoted field
        continue
      }
      // A quoted field: to its closing quote.
      var r = q + 1
      while true {
        guard r < end, let close = memchr(b + r, Int32(quote), end - r) else { return isLast ? .unsure : nil }
        let c = b.distance(to: close.assumingMemoryBound(to: UInt8.self))
        if c + 1 < end && b[c + 1] == quote {
          r = c + 2
          continue
        }
        if c + 1 >= end && !isLast { return nil }
        p = c + 1
        break
      }
      if p < end && b[p] != comma && b[p] != lf && b[p] != cr { return .unsure }
      if p >= end { return .record(id, next: end) }
    }
  }

  /// The end of a record whose line break is at `p`.
  private static func lineEnd(_ b: UnsafePointer<UInt8>, at p: Int, end: Int, isLast: Bool, id: String?) -> Record? {
    if b[p] == lf { return .record(id, next: p + 1) }
    guard p + 1 < end else { return isLast ? .unsure : nil }
    return b[p + 1] == lf ? .record(id, next: p + 2) : .unsure
  }
}
