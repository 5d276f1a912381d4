/// The values of one spreadsheet row, arranged as the grant (or part of it) they describe,
/// before merging with other rows. Array items are kept by their written index (−1 = none).
final class RowTree {
  enum Entry {
    /// A value, its column, and the column's precomputed path (``ColumnPlan/canonicalPath``).
    case leaf(JSONValue, column: Int, path: String)
    case object(RowTree)
    case array(RowArray)
  }

  var keys: [String] = []
  var entries: [Entry] = []

  var isEmpty: Bool { keys.isEmpty }

  func position(of key: String) -> Int? {
    keys.firstIndex(of: key)
  }

  /// The top-level string or number leaf `key` as text (an id).
  func leafText(_ key: String) -> String? {
    guard let i = position(of: key), case .leaf(let value, _, _) = entries[i] else { return nil }
    switch value {
    case .string(let s): return s
    case .number(let n): return n.text
    default: return nil
    }
  }
}

/// The items of one array in one row, by written index.
final class RowArray {
  var items: [(index: Int, tree: RowTree)] = []

  func item(_ index: Int) -> RowTree {
    if let found = items.first(where: { $0.index == index }) { return found.tree }
    let tree = RowTree()
    items.append((index, tree))
    return tree
  }

  /// Items ordered by index (−1 first), stable.
  var ordered: [(index: Int, tree: RowTree)] {
    if items.count < 2 { return items }
    return items.enumerated().sorted {
      $0.element.index != $1.element.index ? $0.element.index < $1.element.index : $0.offset < $1.offset
    }.map(\.element)
  }
}

/// Turns cells into typed JSON values and rows into trees (SPEC.md §2.3).
enum CellTyping {
  /// The JSON value of `cell` in a column of schema `kind` (`nil` = not in the schema), and
  /// whether it was kept as text in a number column.
  static func value(of cell: CellValue, kind: SchemaFieldKind?) -> (JSONValue, nonNumeric: Bool) {
    switch kind {
    case .number:
      switch cell {
      case .number(let text):
        return (.number(JSONNumber(text: decimalJSONText(text) ?? text)), false)
      case .text(let text):
        if let json = decimalJSONText(text) { return (.number(JSONNumber(text: json)), false) }
        return (.string(text), true)
      case .bool(let b):
        return (.number(JSONNumber(b ? 1 : 0)), false)
      case .date(let d):
        return (.string(d.isoDateTime), true)
      }
    case .stringArray:
      return (splitList(stringText(cell)), false)
    case .string, .object, .objectArray, .other:
      return (.string(stringText(cell)), false)
    case nil:
      switch cell {
      case .text(let s): return (.string(s), false)
      case .date(let d): return (.string(d.isoDateTime), false)
      case .bool(let b): return (.bool(b), false)
      case .number(let text):
        if let integral = integralText(text) { return (.number(JSONNumber(text: integral)), false) }
        return (.string(text), false)
      }
    }
  }

  /// The text a string column receives: numeric cells without a `.0`, dates as ISO date-times.
  static func stringText(_ cell: CellValue) -> String {
    if case .number(let text) = cell { return integralText(text) ?? text }
    return cell.text
  }

  /// `"a;b"` → `["a","b"]`; with a comma every part is split again (flatten-tool's rule).
  static func splitList(_ text: String) -> JSONValue {
    let parts = text.split(separator: ";", omittingEmptySubsequences: false)
    if text.contains(",") {
      return .array(parts.map { .array($0.split(separator: ",", omittingEmptySubsequences: false).map { .string(String($0)) }) })
    }
    return .array(parts.map { .string(String($0)) })
  }

  /// Whether `text` is already a JSON number (`-12.50`, `2e3`): the common case, kept as is.
  static func isJSONNumber(_ text: String.UTF8View) -> Bool {
    var it = text.makeIterator()
    var b = it.next()
    if b == UInt8(ascii: "-") { b = it.next() }
    guard let first = b, first >= 48 && first <= 57 else { return false }
    b = it.next()
    if first == 48, let next = b, next >= 48 && next <= 57 { return false }  // leading zero
    while let c = b, c >= 48 && c <= 57 { b = it.next() }
    if b == UInt8(ascii: ".") {
      b = it.next()
      guard let c = b, c >= 48 && c <= 57 else { return false }
      while let c = b, c >= 48 && c <= 57 { b = it.next() }
    }
    if b == UInt8(ascii: "e") || b == UInt8(ascii: "E") {
      b = it.next()
      if b == UInt8(ascii: "-") || b == UInt8(ascii: "+") { b = it.next() }
      guard let c = b, c >= 48 && c <= 57 else { return false }
      while let c = b, c >= 48 && c <= 57 { b = it.next() }
    }
    return b == nil
  }

  /// `"45000"` / `"45000.0"` / `"45000.00"` → `"45000"`; anything not a plain integral
  /// decimal → `nil`.
  static func integralText(_ text: String) -> String? {
    var sawDigit = false
    var pointAt: String.Index?
    for i in text.indices {
      let c = text[i]
      if c.isASCII && c.isNumber { sawDigit = true; continue }
      if c == "." && pointAt == nil { pointAt = i; continue }
      if c == "-" && i == text.startIndex { continue }
      return nil
    }
    guard sawDigit else { return nil }
    guard let pointAt else { return text }
    let fraction = text[text.index(after: pointAt)...]
    guard fraction.allSatisfy({ $0 == "0" }), pointAt != text.startIndex else { return nil }
    return String(text[..<pointAt])
  }

  /// The JSON number text for what Python's `Decimal()` accepts as a finite number
  /// (surrounding white space, a sign, `_` between digits, `.5`, `5.`, an exponent), keeping
  /// every digit written (`1000.50` stays `1000.50`); `nil` for anything else (`1,000`, `£100`).
  static func decimalJSONText(_ raw: String) -> String? {
    if isJSONNumber(raw.utf8) { return raw }
    let bytes = Array(raw.utf8)
    var i = 0
    var end = bytes.count
    func isSpace(_ b: UInt8) -> Bool { b == 32 || (b >= 9 && b <= 13) }
    while i < end && isSpace(bytes[i]) { i += 1 }
    while end > i && isSpace(bytes[end - 1]) { end -= 1 }
    guard i < end else { return nil }
    var negative = false
    if bytes[i] == UInt8(ascii: "-") || bytes[i] == UInt8(ascii: "+") {
      negative = bytes[i] == UInt8(ascii: "-")
      i += 1
    }
    func digits() -> [UInt8]? {
      var out: [UInt8] = []
      while i < end {
        let b = bytes[i]
        if b >= 48 && b <= 57 {
          out.append(b)
        } else if b == UInt8(ascii: "_"), !out.isEmpty, i + 1 < end, bytes[i + 1] >= 48 && bytes[i + 1] <= 57 {
          // digit grouping, dropped
        } else {
          break
        }
        i += 1
      }
      return out
    }
    guard var integer = digits() else { return nil }
    var fraction: [UInt8] = []
    if i < end && bytes[i] == UInt8(ascii: ".") {
      i += 1
      fraction = digits() ?? []
    }
    guard !integer.isEmpty || !fraction.isEmpty else { return nil }
    var exponent: [UInt8] = []
    if i < end && (bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E")) {
      let marker = bytes[i]
      i += 1
      var sign: [UInt8] = []
      if i < end && (bytes[i] == UInt8(ascii: "-") || bytes[i] == UInt8(ascii: "+")) {
        sign = [bytes[i]]
        i += 1
      }
      let e = digits() ?? []
      guard !e.isEmpty else { return nil }
      exponent = [marker] + sign + e
    }
    guard i == end else { return nil }
    while integer.count > 1 && integer[0] == 48 { integer.removeFirst() }
    if integer.isEmpty { integer = [48] }
    var out: [UInt8] = negative ? [UInt8(ascii: "-")] : []
    out += integer
    if !fraction.isEmpty { out += [UInt8(ascii: ".")] + fraction }
    out += exponent
    return String(decoding: out, as: UTF8.self)
  }
}

/// One grant being assembled from rows: its JSON, the rows it came from and the cell of
/// every value.
struct GrantAssembly {
  var object = JSONObject()
  var id: String?
  var rows: [RowReference] = []
  var cells: [CellReference] = []
  /// The index in ``cells`` of the last cell of each path, kept once a second row merges in,
  /// so that a conflict finds the earlier cell without a search of every cell (rows that
  /// share an Identifier can number a million).
  var lastCellOfPath: [String: Int] = [:]
  /// The cells of a grant of one row so far, made from a ``RowTemplate`` (then `cells` is
  /// empty until another row merges in).
  var layout: CellLayout?
  /// A grant of one row so far, kept as its JSON text (``SpreadsheetFeedReader/jsonSink``) and
  /// the row's values, from which its tree is made if another row merges into it.
  var written: (json: [UInt8], values: [JSONValue?], template: RowTemplate, sheet: Int, row: Int)?

  /// Makes the tree of a grant kept as text, and the cells of one kept as a layout, so that
  /// rows can merge into it.
  mutating func materialize(recordsCells: Bool) {
    if let layout, let row = rows.first {
      self.layout = nil
      cells += layout.references(sheet: Int(row.sheet), row: Int(row.row))
    }
    guard let written else { return }
    self.written = nil
    // Never `nil`: the text was written, and writing fails exactly where building does.
    object =
      written.template.object(
        values: written.values, sheet: written.sheet, row: written.row, cells: &cells,
        recordsCells: recordsCells) ?? JSONObject()
  }

  /// Frees the index of cells by path, for a grant kept while others are read (the grants of
  /// scattered rows); a later merge makes it again.
  mutating func dropMergeIndex() {
    lastCellOfPath = [:]
  }

  static func display(_ value: JSONValue) -> String {
    switch value {
    case .string(let s): s
    case .number(let n): n.text
    case .bool(let b): b ? "True" : "False"
    case .null: "None"
    default: JSONWriter().string(value)
    }
  }

  /// Merges a row into the grant (SPEC.md §2.3): new values are added, equal values add
  /// their cell, a conflicting value keeps the first and produces a warning; array items
  /// merge by their own `id`, otherwise they are appended.
  mutating func merge(
    _ row: RowTree, sheet: Int, rowNumber: Int, sources: FeedSources,
    warnings: inout [ConversionWarning]
  ) {
    rows.append(RowReference(sheet: sheet, row: rowNumber))
    var object = self.object
    self.object = JSONObject()
    var context = MergeContext(sheet: sheet, rowNumber: rowNumber, id: id, sources: sources)
    let indexesCells = rows.count > 1
    if indexesCells && lastCellOfPath.isEmpty {
      // The second row, or the first since ``dropMergeIndex()``.
      for (i, cell) in cells.enumerated() { lastCellOfPath[cell.path] = i }
    }
    // Lent to the context and taken back, so that neither is copied.
    swap(&cells, &context.earlierCells)
    swap(&lastCellOfPath, &context.lastEarlierCellOfPath)
    context.merge(row, into: &object, canonical: true)
    swap(&cells, &context.earlierCells)
    swap(&lastCellOfPath, &context.lastEarlierCellOfPath)
    if indexesCells {
      for (i, cell) in context.cells.enumerated() { lastCellOfPath[cell.path] = cells.count + i }
    }
    self.object = object
    cells += context.cells
    warnings += context.warnings
  }
}

/// The state of merging one row into a grant.
private struct MergeContext {
  let sheet: Int
  let rowNumber: Int
  let id: String?
  let sources: FeedSources
  var cells: [CellReference] = []
  var warnings: [ConversionWarning] = []
  /// The path being merged, as UTF-8 bytes (reused: only non-canonical paths become strings).
  var path: [UInt8] = []
  /// Earlier cells of the grant, for conflict messages, and the index of the last of each
  /// path among them.
  var earlierCells: [CellReference] = []
  var lastEarlierCellOfPath: [String: Int] = [:]

  init(sheet: Int, rowNumber: Int, id: String?, sources: FeedSources) {
    self.sheet = sheet
    self.rowNumber = rowNumber
    self.id = id
    self.sources = sources
    path.reserveCapacity(128)
  }

  /// `canonical`: every array item so far landed at its written index (−1 as 0), so a leaf's
  /// path is its column's precomputed one.
  mutating func merge(_ row: RowTree, into object: inout JSONObject, canonical: Bool) {
    for (key, entry) in zip(row.keys, row.entries) {
      let mark = path.count
      path.append(contentsOf: key.utf8)
      defer { path.removeSubrange(mark...) }
      let existingIndex = object.members.lastIndex { $0.key == key }
      switch entry {
      case .leaf(let value, let column, let columnPath):
        let cellPath = canonical ? columnPath : String(decoding: path, as: UTF8.self)
        let cell = CellReference(path: cellPath, sheet: sheet, column: column, row: rowNumber)
        guard let existingIndex else {
          object.append(key, value)
          cells.append(cell)
          continue
        }
        let existing = object.members[existingIndex].value
        if existing == value {
          cells.append(cell)
        } else {
          conflict(key: key, existing: existing, value: value, cell: cell)
        }
      case .object(let sub):
        var child: JSONObject
        if let existingIndex {
          guard let o = object.members[existingIndex].value.objectValue else { continue }
          child = o
          object.members[existingIndex].value = .null
        } else {
          child = JSONObject()
        }
        path.append(UInt8(ascii: "/"))
        merge(sub, into: &child, canonical: canonical)
        if let existingIndex {
          object.members[existingIndex].value = .object(child)
        } else if !child.isEmpty {
          object.append(key, .object(child))
        }
      case .array(let array):
        var items: [JSONValue]
        if let existingIndex {
          guard let a = object.members[existingIndex].value.arrayValue else { continue }
          items = a
          object.members[existingIndex].value = .null
        } else {
          items = []
        }
        for (index, itemTree) in array.ordered {
          var position = items.count
          if let id = itemTree.leafText("id"),
            let found = items.firstIndex(where: { Self.itemID($0) == id })
          {
            position = found
          }
          var item: JSONObject
          if position < items.count {
            item = items[position].objectValue ?? JSONObject()
            items[position] = .null
          } else {
            item = JSONObject()
            items.append(.null)
          }
          let itemMark = path.count
          path.append(UInt8(ascii: "/"))
          path.append(contentsOf: String(position).utf8)
          path.append(UInt8(ascii: "/"))
          merge(itemTree, into: &item, canonical: canonical && position == max(index, 0))
          path.removeSubrange(itemMark...)
          items[position] = .object(item)
        }
        if let existingIndex {
          object.members[existingIndex].value = .array(items)
        } else {
          object.append(key, .array(items))
        }
      }
    }
  }

  private mutating func conflict(key: String, existing: JSONValue, value: JSONValue, cell: CellReference) {
    var locations: [SourceLocation] = []
    // The grant's first row has no index yet: its cells are all earlier cells then.
    let earlier =
      lastEarlierCellOfPath.isEmpty
      ? earlierCells.last { $0.path == cell.path } : lastEarlierCellOfPath[cell.path].map { earlierCells[$0] }
    if let first = cells.last(where: { $0.path == cell.path }) ?? earlier {
      locations.append(sources.location(of: first))
    }
    locations.append(sources.location(of: cell))
    let sheetName = sources.sheets.indices.contains(sheet) ? sources.sheets[sheet].name : ""
    warnings.append(
      ConversionWarning(
        "You may have a duplicate Identifier: We couldn't merge these rows with the id \"\(id ?? "")\": field \"\(key)\" in sheet \"\(sheetName)\": one cell has the value: \"\(GrantAssembly.display(existing))\", the other cell has the value: \"\(GrantAssembly.display(value))\"",
        at: locations))
  }

  static func itemID(_ value: JSONValue) -> String? {
    switch value["id"] {
    case .string(let s): s
    case .number(let n): n.text
    default: nil
    }
  }

}
