/// Lays grants out as one sheet with the standard 360Giving titles, in a form flatten-tool
/// (and ``SpreadsheetFeedReader``) reads back to the same grants.
///
/// Use it in two passes so memory stays bounded: ``add(_:)`` every grant to learn the
/// columns, then take the ``layout()`` and ask it for each grant's ``FlatLayout/row(for:)``.
///
/// - The first item of an array (and of arrays inside it) goes under the plain title
///   (`Recipient Org:Identifier`, `Recipient Org:Location:Geographic Code`); further items get
///   their index (`Recipient Org:1:Identifier`, `Recipient Org:Location:1:Name`), and once an
///   index was written every inner index is written too (`Recipient Org:1:Location:0:Name`).
/// - Paths without a title (`commitmentTransaction/0/value`) and unknown keys are written as
///   paths; below a titled prefix the untitled rest is joined with `/`
///   (`Recipient Org:extraField`).
/// - Arrays of strings are joined with `;`. Columns follow schema order, unknown fields after
///   in order of first appearance.
///
/// ```swift
/// var flattener = Flattener()
/// try feed.read { flattener.add($0) }
/// let layout = flattener.layout()
/// try feed.read { grant in write(layout.row(for: grant)) }
/// ```
public struct Flattener: Sendable {
  /// The titles headings are made from.
  public let titles: SchemaTitles
  /// Column path (`recipientOrganization/1/id`) → sort key.
  private var columns: [String: [Int]] = [:]
  /// Unknown key (with its parent's index-free path) → order of first appearance.
  private var unknownOrder: [String: Int] = [:]

  /// A flattener using the titles of `titles` (the grant schema by default).
  public init(titles: SchemaTitles = .grant) {
    self.titles = titles
  }

  /// Learns the columns `grant` needs.
  public mutating func add(_ grant: Grant) {
    guard let object = grant.json.objectValue else { return }
    var key: [Int] = []
    addObject(object, path: "", freePath: "", parent: nil, known: true, key: &key)
  }

  private mutating func addObject(
    _ object: JSONObject, path: String, freePath: String, parent: Int?, known: Bool, key: inout [Int]
  ) {
    for member in object {
      let field = known ? titles.child(of: parent, named: member.key) : nil
      let ordinal: Int
      if let field, let o = titles.ordinal(of: titles.fields[field].name, in: parent) {
        ordinal = o
      } else {
        let unknownKey = freePath + "\u{0}" + member.key
        if let o = unknownOrder[unknownKey] {
          ordinal = o
        } else {
          ordinal = 1_000_000 + unknownOrder.count
          unknownOrder[unknownKey] = ordinal
        }
      }
      key.append(ordinal)
      addValue(
        member.value, path: path + member.key, freePath: freePath + member.key, field: field, key: &key)
      key.removeLast()
    }
  }

  private mutating func addValue(_ value: JSONValue, path: String, freePath: String, field: Int?, key: inout [Int]) {
    switch value {
    case .null:
      return
    case .object(let object):
      if object.isEmpty { return }
      addObject(object, path: path + "/", freePath: freePath + "/", parent: field, known: field != nil, key: &key)
    case .array(let items):
      if items.isEmpty { return }
      if Self.isObjectArray(items) {
        for (i, item) in items.enumerated() {
          guard let object = item.objectValue, !object.isEmpty else { continue }
          key.append(i)
          addObject(
            object, path: path + "/" + String(i) + "/", freePath: freePath + "/", parent: field,
            known: field != nil, key: &key)
          key.removeLast()
        }
      } else if columns[path] == nil {
        columns[path] = key
      }
    default:
      if columns[path] == nil { columns[path] = key }
    }
  }

  static func isObjectArray(_ items: [JSONValue]) -> Bool {
    items.contains { $0.objectValue != nil } && items.allSatisfy { $0.objectValue != nil || $0.isNull }
  }

  /// The columns learnt so far: their headings and where each path goes.
  public func layout() -> FlatLayout {
    let ordered = columns.sorted {
      $0.value == $1.value ? $0.key < $1.key : $0.value.lexicographicallyPrecedes($1.value)
    }.map(\.key)
    return FlatLayout(paths: ordered, headings: ordered.map(heading(for:)), titles: titles)
  }

  /// The heading for a column path with indexes (`recipientOrganization/1/location/0/name`
  /// → `Recipient Org:1:Location:0:Name`).
  public func heading(for path: String) -> String {
    let segments = path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
    var parts: [String] = []
    var current: Int? = nil
    var wroteIndex = false
    var i = 0
    while i < segments.count {
      let segment = segments[i]
      guard let field = titles.child(of: current, named: segment), let title = titles.fields[field].title,
        Int(segment) == nil
      else { break }
      parts.append(title)
      current = field
      i += 1
      if titles.fields[field].kind == .objectArray, i < segments.count, let index = Int(segments[i]) {
        if index != 0 || wroteIndex {
          parts.append(String(index))
          wroteIndex = true
        }
        i += 1
      }
    }
    if i < segments.count {
      let rest = segments[i...].joined(separator: "/")
      if parts.isEmpty { return rest }
      parts.append(rest)
    }
    return parts.joined(separator: ":")
  }
}

/// The columns of a flattened feed: headings, and each grant as one row of cells.
public struct FlatLayout: Sendable {
  /// Column paths with indexes, in column order (`recipientOrganization/0/id`).
  public let paths: [String]
  /// The heading of each column (`Recipient Org:Identifier`).
  public let headings: [String]
  let columnByPath: [String: Int]
  /// How a sheet reader takes each heading back (``HeadingMapper/plan(for:)``): where its
  /// values go and their schema kind. ``losses(in:cellsAreText:)`` compares it with the path.
  let readBack: [ColumnPlan]

  init(paths: [String], headings: [String], titles: SchemaTitles) {
    self.paths = paths
    self.headings = headings
    var map: [String: Int] = [:]
    for (i, p) in paths.enumerated() { map[p] = i }
    columnByPath = map
    let mapper = HeadingMapper(titles: titles)
    readBack = headings.map(mapper.plan(for:))
  }

  /// The grant's cells, one per column (`nil` = empty): strings as text, numbers as their
  /// exact text, arrays of strings joined with `;`, `null` as empty. Values in a column the
  /// layout does not have are left out.
  public func row(for grant: Grant) -> [CellValue?] {
    var cells = [CellValue?](repeating: nil, count: paths.count)
    guard let object = grant.json.objectValue else { return cells }
    fill(object, path: "", into: &cells)
    return cells
  }

  private func fill(_ object: JSONObject, path: String, into cells: inout [CellValue?]) {
    for member in object {
      fill(member.value, path: path + member.key, into: &cells)
    }
  }

  private func fill(_ value: JSONValue, path: String, into cells: inout [CellValue?]) {
    let cell: CellValue
    switch value {
    case .null: return
    case .object(let object):
      fill(object, path: path + "/", into: &cells)
      return
    case .array(let items):
      if items.isEmpty { return }
      if Flattener.isObjectArray(items) {
        for (i, item) in items.enumerated() {
          if let object = item.objectValue { fill(object, path: path + "/" + String(i) + "/", into: &cells) }
        }
        return
      }
      cell = .text(items.map(Self.listText).joined(separator: ";"))
    case .string(let s): cell = .text(s)
    case .number(let n): cell = .number(n.text)
    case .bool(let b): cell = .bool(b)
    }
    if let column = columnByPath[path] { cells[column] = cell }
  }

  static func listText(_ value: JSONValue) -> String {
    switch value {
    case .string(let s): s
    case .number(let n): n.text
    case .bool(let b): b ? "True" : "False"
    case .null: ""
    case .array(let items): items.map(listText).joined(separator: ",")
    case .object: JSONWriter().string(value)
    }
  }
}
