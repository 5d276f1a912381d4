/// The shape every row of a sheet builds, worked out once from the sheet's column plans, so
/// that a row that starts a new grant becomes JSON directly: no ``RowTree`` per row, no key
/// searches, no merge.
///
/// Written because building a tree per row and merging it into an empty grant was a third of
/// the time of reading a large CSV (measured with perf on 100k grants). The result is exactly
/// what ``GrantAssembly/merge(_:sheet:rowNumber:sources:warnings:)`` makes of the row's tree in
/// an empty grant: members in the order of their first non-empty column, array items in the
/// order of their written index, and each value's cell at its path. Sheets whose headings
/// could make a row's tree differ (two columns that treat one path differently, a heading
/// that ends in an index) have no template; neither does a row whose array items share an
/// `id` (they would merge): such rows take the tree path.
final class RowTemplate {
  private final class Node {
    enum Child {
      case leaf(column: Int, path: String)
      case object(Node)
      /// Items by written index, ascending.
      case array([(index: Int, node: Node)])
    }
    var keys: [String] = []
    var children: [Child] = []
    /// Every column below this node, ascending.
    var columns: [Int] = []

    /// The column of this node's own `id` member, if it has one.
    var idColumn: Int? {
      guard let i = keys.firstIndex(of: "id"), case .leaf(let column, _) = children[i] else { return nil }
      return column
    }

    /// The first column below this node with a value, if any.
    func firstFilled(_ values: [JSONValue?]) -> Int? {
      columns.first { values[$0] != nil }
    }

    /// The children with a value below them, in the order of their first filled column: the
    /// order of the members of the object a row makes.
    func filledChildren(_ values: [JSONValue?]) -> [(first: Int, child: Int)] {
      var order: [(first: Int, child: Int)] = []
      order.reserveCapacity(children.count)
      for (i, child) in children.enumerated() {
        let first: Int?
        switch child {
        case .leaf(let column, _): first = values[column] == nil ? nil : column
        case .object(let sub): first = sub.firstFilled(values)
        case .array(let items): first = items.compactMap { $0.node.firstFilled(values) }.min()
        }
        if let first { order.append((first, i)) }
      }
      if !zip(order, order.dropFirst()).allSatisfy({ $0.first < $1.first }) {
        order.sort { $0.first < $1.first }
      }
      return order
    }
  }

  private let root = Node()
  /// The column of the top-level `id`, if any.
  let idColumn: Int?

  /// The template for columns planned as `plans` (`nil` = not mapped), or `nil` when a row's
  /// tree could depend on more than which cells are filled.
  init?(plans: [ColumnPlan?]) {
    var idColumn: Int?
    for (column, plan) in plans.enumerated() {
      guard let plan else { continue }
      guard Self.add(plan, column: column, to: root) else { return nil }
      if plan.steps == [.key("id")] { idColumn = column }
    }
    self.idColumn = idColumn
  }

  /// Adds one column's path, as ``SpreadsheetFeedReader`` inserts a value; `false` when the
  /// insert could fail for some row.
  private static func add(_ plan: ColumnPlan, column: Int, to root: Node) -> Bool {
    let steps = plan.steps
    var node = root
    var i = 0
    while i < steps.count {
      node.columns.append(column)
      guard case .key(let key) = steps[i] else { return false }
      let position = node.keys.firstIndex(of: key)
      if i == steps.count - 1 {
        guard position == nil else { return false }  // two columns, one path: not planned twice
        node.keys.append(key)
        node.children.append(.leaf(column: column, path: plan.canonicalPath))
        return true
      }
      if case .index(let index) = steps[i + 1] {
        guard i + 2 < steps.count else { return false }
        var items: [(index: Int, node: Node)] = []
        if let position {
          guard case .array(let existing) = node.children[position] else { return false }
          items = existing
        }
        let item: Node
        if let found = items.first(where: { $0.index == index }) {
          item = found.node
        } else {
          item = Node()
          items.append((index, item))
          items.sort { $0.index < $1.index }
        }
        if let position {
          node.children[position] = .array(items)
        } else {
          node.keys.append(key)
          node.children.append(.array(items))
        }
        node = item
        i += 2
      } else {
        let child: Node
        if let position {
          guard case .object(let existing) = node.children[position] else { return false }
          child = existing
        } else {
          child = Node()
          node.keys.append(key)
          node.children.append(.object(child))
        }
        node = child
        i += 1
      }
    }
    return false
  }

  /// The row's id (the top-level `id` value as text).
  func id(in values: [JSONValue?]) -> String? {
    guard let idColumn else { return nil }
    return Self.idText(values[idColumn])
  }

  /// The grant object a row with `values` (by column, `nil` = empty) makes in an empty
  /// grant, and its cells (unless `recordsCells` is off); `nil` when two items of one array
  /// share an `id`.
  func object(
    values: [JSONValue?], sheet: Int, row: Int, cells: inout [CellReference], recordsCells: Bool = true
  ) -> JSONObject? {
    guard let (object, layout) = object(values: values) else { return nil }
    if recordsCells { cells += layout.references(sheet: sheet, row: row) }
    return object
  }

  /// The grant object a row with `values` makes in an empty grant, and where each of its
  /// values comes from in the row (shared by every row with the same cells filled); `nil`
  /// when two items of one array share an `id`.
  func object(values: [JSONValue?]) -> (JSONObject, CellLayout)? {
    let plan = buildPlan(for: values)
    for columns in plan.distinctItemIDs {
      let ids = columns.compactMap { Self.idText(values[$0]) }
      if Set(ids).count != ids.count { return nil }  // items that would merge
    }
    return (Maker(values: values).make(plan.root), plan.layout)
  }

  /// What building a row's object comes to once it is known which of its cells are filled:
  /// its members in order, its items, and the path of each cell.
  ///
  /// Written because working these out for every row (member order, filled items, paths) was
  /// most of the time of building a grant from a row of a workbook (8% of all the CPU time of
  /// validating 100k rows, on one of its four threads).
  private struct BuildPlan {
    final class Object {
      enum Value {
        case cell(column: Int)
        case object(Object)
        case array([Object])
      }
      var keys: [String] = []
      var values: [Value] = []
    }
    var root = Object()
    /// As ``WriteProgram/distinctItemIDs``.
    var distinctItemIDs: [[Int]] = []
    /// The path and column of each value, in the order ``Maker`` makes them.
    var layout = CellLayout(cells: [])
  }

  /// Plans by the filled columns of a row, as ``programs``.
  private var buildPlans: [UInt64: BuildPlan] = [:]

  private func buildPlan(for values: [JSONValue?]) -> BuildPlan {
    Self.cached(in: &buildPlans, for: values, make: planBuild)
  }

  private func planBuild(_ values: [JSONValue?]) -> BuildPlan {
    var planner = BuildPlanner(values: values)
    planner.plan.root = planner.object(root, canonical: true)
    planner.plan.layout = CellLayout(cells: planner.cells)
    return planner.plan
  }

  /// Walks the template for one pattern of filled cells: members in the order of their first
  /// filled column, array items in the order of their written index, each cell's path the
  /// column's own (canonical) unless its item moved to another position.
  private struct BuildPlanner {
    let values: [JSONValue?]
    var plan = BuildPlan()
    var cells: [CellLayout.Cell] = []
    /// The path being planned, as UTF-8.
    var path: [UInt8] = []

    init(values: [JSONValue?]) { self.values = values }

    mutating func object(_ node: Node, canonical: Bool) -> BuildPlan.Object {
      let object = BuildPlan.Object()
      for (_, i) in node.filledChildren(values) {
        let key = node.keys[i]
        let mark = path.count
        path.append(contentsOf: key.utf8)
        defer { path.removeSubrange(mark...) }
        object.keys.append(key)
        switch node.children[i] {
        case .leaf(let column, let columnPath):
          object.values.append(.cell(column: column))
          cells.append(
            CellLayout.Cell(
              path: canonical ? columnPath : String(decoding: path, as: UTF8.self),
              column: Int32(truncatingIfNeeded: column)))
        case .object(let sub):
          path.append(UInt8(ascii: "/"))
          object.values.append(.object(self.object(sub, canonical: canonical)))
        case .array(let items):
          let filled = items.filter { $0.node.firstFilled(values) != nil }
          if filled.count > 1 {
            plan.distinctItemIDs.append(filled.compactMap { $0.node.idColumn }.filter { values[$0] != nil })
          }
          var array: [BuildPlan.Object] = []
          for (position, item) in filled.enumerated() {
            let itemMark = path.count
            path.append(UInt8(ascii: "/"))
            path.append(contentsOf: String(position).utf8)
            path.append(UInt8(ascii: "/"))
            array.append(self.object(item.node, canonical: canonical && position == max(item.index, 0)))
            path.removeSubrange(itemMark...)
          }
          object.values.append(.array(array))
        }
      }
      return object
    }
  }

  /// Builds a row's object from its plan.
  private struct Maker {
    let values: [JSONValue?]

    func make(_ plan: BuildPlan.Object) -> JSONObject {
      var object = JSONObject()
      object.members.reserveCapacity(plan.keys.count)
      for (key, value) in zip(plan.keys, plan.values) {
        switch value {
        case .cell(let column):
          object.members.append(JSONObject.Member(key: key, value: values[column]!))
        case .object(let sub):
          object.members.append(JSONObject.Member(key: key, value: .object(make(sub))))
        case .array(let items):
          var array: [JSONValue] = []
          array.reserveCapacity(items.count)
          for item in items { array.append(.object(make(item))) }
          object.members.append(JSONObject.Member(key: key, value: .array(array)))
        }
      }
      return object
    }
  }

  /// The JSON text (as ``JSONWriter`` writes it, on one line) of the object
  /// ``object(values:sheet:row:cells:recordsCells:)`` would make, appended to `out`, with no
  /// tree in between; `false` (and `out` as it was) where that would be `nil`.
  ///
  /// Written for `convert`, where building each grant's tree only to write it out was a
  /// quarter of all the work on a large CSV file.
  func writeJSON(values: [JSONValue?], into out: inout [UInt8]) -> Bool {
    let program = writeProgram(for: values)
    for columns in program.distinctItemIDs {
      let ids = columns.compactMap { Self.idText(values[$0]) }
      if Set(ids).count != ids.count { return false }  // items that would merge
    }
    let json = JSONWriter()
    program.text.withUnsafeBufferPointer { text in
      program.steps.withUnsafeBufferPointer { steps in
        for step in steps {
          out.append(contentsOf: UnsafeBufferPointer(rebasing: text[Int(step.textStart)..<Int(step.textEnd)]))
          if step.column >= 0 { json.write(values[Int(step.column)]!, into: &out) }
        }
      }
    }
    return true
  }

  /// What writing a row comes to once it is known which of its cells are filled: the
  /// members, their order and the punctuation depend on nothing else.
  private struct WriteProgram {
    /// Some text (a range of ``text``), then the value of a column (none when negative).
    struct Step {
      var textStart: Int32
      var textEnd: Int32
      var column: Int32
    }
    var text: [UInt8] = []
    var steps: [Step] = []
    /// For each array with several filled items: the `id` columns of those items, whose
    /// values must differ (items that share an `id` would merge).
    var distinctItemIDs: [[Int]] = []
  }

  /// Programs by the filled columns of a row (sheets of at most 64 columns).
  ///
  /// Written because working out the member order and the keys' text for every row was the
  /// largest cost of writing after libcsv's parse; the rows of a sheet have few distinct
  /// patterns of filled cells (measured: about 12% less CPU converting 1M grants).
  private var programs: [UInt64: WriteProgram] = [:]
  private static let maxPrograms = 1024

  private func writeProgram(for values: [JSONValue?]) -> WriteProgram {
    Self.cached(in: &programs, for: values, make: compile)
  }

  /// What `make` makes of a row with `values`, kept in `cache` by the row's filled columns
  /// (as bits: rows of more than 64 columns, and patterns past ``maxPrograms``, are made anew).
  private static func cached<Made>(
    in cache: inout [UInt64: Made], for values: [JSONValue?], make: ([JSONValue?]) -> Made
  ) -> Made {
    guard values.count <= 64 else { return make(values) }
    var filled: UInt64 = 0
    for (column, value) in values.enumerated() where value != nil { filled |= 1 << UInt64(column) }
    if let made = cache[filled] { return made }
    let made = make(values)
    if cache.count < maxPrograms { cache[filled] = made }
    return made
  }

  private func compile(_ values: [JSONValue?]) -> WriteProgram {
    var compiler = Compiler(values: values)
    compiler.compile(root)
    compiler.endText()
    return compiler.program
  }

  /// Walks the template as ``Builder`` builds: the same members in the same order, the same
  /// items, writing the program that writes them.
  private struct Compiler {
    let values: [JSONValue?]
    var program = WriteProgram()
    /// Where the text not yet in a step starts.
    var textStart = 0

    var text: [UInt8] {
      get { program.text }
      _modify { yield &program.text }
    }

    /// Ends a step with the text so far and then `column`'s value (or none).
    mutating func endText(column: Int = -1) {
      program.steps.append(
        WriteProgram.Step(textStart: Int32(textStart), textEnd: Int32(text.count), column: Int32(column)))
      textStart = text.count
    }

    mutating func compile(_ node: Node) {
      let order = node.filledChildren(values)
      if order.isEmpty {
        text.append(contentsOf: "{}".utf8)
        return
      }
      text.append(UInt8(ascii: "{"))
      for (n, (_, i)) in order.enumerated() {
        if n > 0 { text.append(UInt8(ascii: ",")) }
        JSONWriter.writeString(node.keys[i], into: &text)
        text.append(UInt8(ascii: ":"))
        switch node.children[i] {
        case .leaf(let column, _):
          endText(column: column)
        case .object(let sub):
          compile(sub)
        case .array(let items):
          let filled = items.filter { $0.node.firstFilled(values) != nil }
          if filled.isEmpty {
            text.append(contentsOf: "[]".utf8)
            continue
          }
          if filled.count > 1 {
            program.distinctItemIDs.append(filled.compactMap { $0.node.idColumn }.filter { values[$0] != nil })
          }
          text.append(UInt8(ascii: "["))
          for (position, item) in filled.enumerated() {
            if position > 0 { text.append(UInt8(ascii: ",")) }
            compile(item.node)
          }
          text.append(UInt8(ascii: "]"))
        }
      }
      text.append(UInt8(ascii: "}"))
    }

  }

  /// An `id` value as text, as rows and items are compared when merging.
  static func idText(_ value: JSONValue?) -> String? {
    switch value {
    case .string(let s)?: return s
    case .number(let n)?: return n.text
    default: return nil
    }
  }
}
