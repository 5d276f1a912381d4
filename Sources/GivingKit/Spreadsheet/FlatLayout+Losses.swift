/// A value of a grant that one sheet row cannot hold as it is: reading the sheet back (as
/// flatten-tool and ``SpreadsheetFeedReader`` do) drops it or gives something else.
struct FlatteningLoss: Sendable, Hashable {
  /// The grant-relative JSON path of the value (`actualDates/0`; empty for the grant itself).
  var path: String
  /// What happens to it, as a phrase that follows the path.
  var reason: String
}

extension FlatLayout {
  /// The values of `json` (a grant, or the package of a `Meta` sheet) that ``row(for:)``
  /// writes in a form a sheet reader does not read back as they are, or does not write.
  ///
  /// Each cell is read back the way ``SpreadsheetFeedReader`` reads it: the heading mapped to
  /// a path (``HeadingMapper``), the cell typed by the schema kind of that path
  /// (`CellTyping`). `cellsAreText` says the sheet keeps only text (CSV), not typed cells
  /// (XLSX). `null`, empty text, `[]` and `{}` are written as empty cells, which is how a
  /// sheet says "no value": they are not reported.
  func losses(in json: JSONValue, cellsAreText: Bool) -> [FlatteningLoss] {
    var losses: [FlatteningLoss] = []
    guard let object = json.objectValue else {
      if !json.isNull {
        losses.append(FlatteningLoss(path: "", reason: "is \(Self.describe(json)), not an object: a sheet row holds only objects, so nothing of it is written"))
      }
      return losses
    }
    for member in object {
      check(member.value, path: member.key, cellsAreText: cellsAreText, into: &losses)
    }
    return losses
  }

  private func check(_ value: JSONValue, path: String, cellsAreText: Bool, into losses: inout [FlatteningLoss]) {
    let cell: CellValue
    switch value {
    case .null: return
    case .object(let object):
      for member in object {
        check(member.value, path: path + "/" + member.key, cellsAreText: cellsAreText, into: &losses)
      }
      return
    case .array(let items):
      if items.isEmpty { return }
      if Flattener.isObjectArray(items) {
        for (i, item) in items.enumerated() {
          guard let object = item.objectValue else { continue }
          for member in object {
            check(
              member.value, path: path + "/" + String(i) + "/" + member.key, cellsAreText: cellsAreText,
              into: &losses)
          }
        }
        return
      }
      cell = .text(items.map(Self.listText).joined(separator: ";"))
    case .string(let s): cell = .text(s)
    case .number(let n): cell = .number(n.text)
    case .bool(let b): cell = .bool(b)
    }
    guard let column = columnByPath[path] else {
      losses.append(FlatteningLoss(path: path, reason: "has no column: \(Self.describe(value)) is not written"))
      return
    }
    let read: CellValue = cellsAreText ? .text(CSVFeedWriter.text(of: cell)) : cell
    if case .text(let s) = read, s.isEmpty { return }
    let plan = readBack[column]
    let heading = headings[column]
    if plan.kind == .objectArray, case .key? = plan.steps.last {
      // The reader takes the column for the list itself and drops its value.
      let dropped = "a sheet reader takes \"\(heading)\" for a list of objects and drops what its cell holds"
      guard case .array(let items) = value else {
        losses.append(FlatteningLoss(path: path, reason: "is \(Self.describe(value)), not a list of objects: \(dropped)"))
        return
      }
      for (i, item) in items.enumerated() where !item.isNull {
        let reason =
          item.objectValue == nil
          ? "is \(Self.describe(item)), not an object: \(dropped)"
          : "is an object in a list that also holds other values, so the list is written as text: \(dropped)"
        losses.append(FlatteningLoss(path: path + "/" + String(i), reason: reason))
      }
      return
    }
    if plan.canonicalPath != path {
      losses.append(
        FlatteningLoss(
          path: path,
          reason: "is written under the heading \"\(heading)\", which a sheet reader takes for \"\(plan.canonicalPath)\""))
      return
    }
    let back = CellTyping.value(of: read, kind: plan.kind).0
    if back != value {
      losses.append(
        FlatteningLoss(path: path, reason: "is \(Self.describe(value)), which reads back from a sheet as \(Self.describe(back))"))
    }
  }

  /// A value named in a warning: `the text "…"`, `the number 9001`, `the list […]`,
  /// shortened to about 60 characters.
  static func describe(_ value: JSONValue) -> String {
    func shortened(_ text: String) -> String {
      text.count <= 60 ? text : String(text.prefix(57)) + "…"
    }
    switch value {
    case .string(let s): return "the text \"\(shortened(s))\""
    case .number(let n): return "the number \(shortened(n.text))"
    case .bool(let b): return b ? "true" : "false"
    case .null: return "null"
    case .array(let items):
      let kind = items.contains { $0.arrayValue != nil } ? "the list of lists" : "the list"
      return "\(kind) \(shortened(JSONWriter().string(value)))"
    case .object: return "the object \(shortened(JSONWriter().string(value)))"
    }
  }
}
