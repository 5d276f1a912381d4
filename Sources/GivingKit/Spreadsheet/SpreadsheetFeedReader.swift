/// Turns the rows of a workbook into grants, following flatten-tool's `unflatten` rules
/// (SPEC.md §2.2–2.3).
///
/// Memory stays bounded for the common case of one grant sheet, however long:
/// - The main grant sheet is streamed: the one named `grants`, else the first. (Grants then
///   come in that sheet's order; flatten-tool orders them by first appearance in workbook
///   order, which differs only when a one-to-many sheet comes first and lists ids in another
///   order.) Adjacent rows with the same `id` merge into one grant,
///   which is handed out as soon as a row with another id arrives.
/// - Rows whose id comes back after rows with other ids (scattered rows) merge too, as in
///   flatten-tool: a first pass reads only the Identifier column to find those ids
///   (``ScatteredIDs``); when there are any, a second pass merges their rows, in row order,
///   into grants kept in memory (only those), and the streaming pass hands each out at the
///   place of its first row and skips its other rows. With ``mergesScatteredRows`` off, such
///   a row is warned about and becomes a separate grant instead (the validator then reports
///   the duplicate id).
/// - The other grant sheets (one-to-many sheets: `Recipient Org`, `Beneficiary Location`, …)
///   are read into memory first, grouped by id, and attached to the grant with that id when
///   it is handed out. Rows of those sheets whose id never appears in the main sheet (or
///   that have no id) become grants after the main sheet's.
final class SpreadsheetFeedReader {
  let workbook: any Workbook
  let mapper: HeadingMapper
  let packageMapper: HeadingMapper
  /// Whether rows that start a grant are built through a ``RowTemplate`` (tests compare both
  /// ways).
  var usesRowTemplates = true

  /// The top-level grant members to read (``GrantFeed/neededMembers``); `nil` for all.
  let neededMembers: Set<String>?
  /// Whether the cell of every value is recorded (``GrantFeed/recordsCells``).
  var recordsCells = true
  /// When set, a grant of the main sheet made from one row (none merged into it) is handed
  /// here as its JSON text, written straight from the row's values, instead of to `body` as
  /// a tree (`convert` to JSON): its text, its `id`, and its row.
  var jsonSink: ((_ json: [UInt8], _ id: String?, _ row: RowReference) throws -> Void)?
  private var jsonScratch: [UInt8] = []
  /// Where the reader of the next range of the same file finds what this one made of the
  /// header (``ParallelCSVFeedReader``: one per worker).
  var headerLayouts: HeaderLayouts?
  /// Whether rows of the main sheet that share an id with rows that are not next to them
  /// merge into one grant, as flatten-tool merges them (``GrantFeed/mergesScatteredRows``).
  var mergesScatteredRows = true
  /// The scattered ids of the main sheet when already known (a caller found them), so that
  /// the sheet is not read a first time to find them.
  var knownScatteredIDs: ScatteredIDs?

  /// - Parameters:
  ///   - titles: the grant titles to map headings with (the extended schema's, when a package
  ///     declares an extension).
  ///   - neededMembers: read only the columns of these top-level members (`nil`: all).
  init(workbook: any Workbook, titles: SchemaTitles = .grant, neededMembers: Set<String>? = nil) {
    self.workbook = workbook
    self.neededMembers = neededMembers
    self.mapper = HeadingMapper(titles: titles)
    self.packageMapper = HeadingMapper(titles: .package)
  }

  /// A non-empty row of a grant sheet, as a tree.
  private struct PendingRow {
    var tree: RowTree
    var sheet: Int
    var row: Int
  }

  func read(_ body: (Grant) throws -> Void) throws -> FeedReport {
    let names = workbook.sheetNames
    let hashComments = workbook.format != .csv
    var sources = FeedSources()
    var warnings: [ConversionWarning] = []
    var report = FeedReport(format: workbook.format, sources: sources)

    var grantSheets: [Int] = []
    var metaSheet: Int?
    for (i, name) in names.enumerated() {
      if hashComments && name.hasPrefix("#") { continue }
      if name == "Meta" {
        if metaSheet == nil { metaSheet = i }
        continue
      }
      grantSheets.append(i)
    }
    // Stream the sheet named `grants` when there is one (several CSV files sort as `Funding
    // Org`, `Recipient Org`, `grants`: the big sheet comes last), else the first.
    if let main = grantSheets.firstIndex(where: { names[$0].lowercased() == "grants" }), main > 0 {
      grantSheets.insert(grantSheets.remove(at: main), at: 0)
    }

    func addSource(_ sheet: Int) -> Int {
      let file = workbook.file(ofSheet: sheet)
      if !sources.files.contains(file) { sources.files.append(file) }
      sources.sheets.append(FeedSources.Sheet(file: file, name: names[sheet], headings: []))
      return sources.sheets.count - 1
    }

    // The Meta sheet: column A = package titles, column B = values.
    if let metaSheet {
      let source = addSource(metaSheet)
      let root = RowTree()
      var cells: [CellReference] = []
      var headings: [String?] = []
      try workbook.readRows(sheet: metaSheet) { row in
        guard let title = row.cells.first ?? nil else { return }
        let heading = title.text
        if heading.isEmpty || (hashComments && heading.hasPrefix("#")) { return }
        guard row.cells.count > 1, let cell = row.cells[1], cell != .text("") else { return }
        let plan = packageMapper.plan(for: heading)
        let (value, nonNumeric) = CellTyping.value(of: cell, kind: plan.kind)
        headings.append(heading)
        if nonNumeric {
          warnings.append(nonNumericWarning(cell, at: SourceLocation(
            file: workbook.file(ofSheet: metaSheet), sheet: names[metaSheet], row: row.number,
            columnLetter: "B", heading: heading)))
        }
        if insert(value, plan: plan, column: 1, into: root) {
          cells.append(CellReference(path: plan.path, sheet: source, column: 1, row: row.number))
        }
      }
      var assembly = GrantAssembly()
      assembly.merge(root, sheet: source, rowNumber: 0, sources: sources, warnings: &warnings)
      report.package = assembly.object
      report.packageSource = .cells(rows: [], cells: cells)
    }

    // The one-to-many sheets, grouped by id.
    var attached: [String: [PendingRow]] = [:]
    var attachedOrder: [String] = []
    var unattached: [PendingRow] = []
    for sheet in grantSheets.dropFirst() {
      let source = addSource(sheet)
      warnings += try readGrantRows(sheet: sheet, onHeader: { sources.sheets[source].headings = $0 }) { row, rowNumber in
        let tree = row.tree
        let pending = PendingRow(tree: tree, sheet: source, row: rowNumber)
        if let id = tree.leafText("id") {
          if attached[id] == nil { attachedOrder.append(id) }
          attached[id, default: []].append(pending)
        } else {
          unattached.append(pending)
        }
      }
    }

    // Rows of the main sheet whose id comes back after other rows: their grants, merged in
    // row order before any grant is handed out.
    var scattered = ScatteredIDs.none
    var scatteredGrants: [IDBytes: GrantAssembly] = [:]
    var scatteredHandedOut = Set<IDBytes>()
    if mergesScatteredRows, let first = grantSheets.first {
      scattered = try knownScatteredIDs ?? scatteredIDs(inSheet: first)
    }
    // The main sheet's source, after the other sheets'.
    let mainSource = grantSheets.first.map(addSource)
    if !scattered.isEmpty, let first = grantSheets.first, let source = mainSource {
      // The sheet's own warnings come from the streaming pass below; only the merges' here.
      _ = try readGrantRows(sheet: first, onHeader: { sources.sheets[source].headings = $0 }) { row, rowNumber in
        guard let id = row.id, scattered.contains(id) else { return }
        let key = IDBytes(id)
        var assembly = scatteredGrants.removeValue(forKey: key) ?? GrantAssembly()
        assembly.id = id
        assembly.merge(row.tree, sheet: source, rowNumber: rowNumber, sources: sources, warnings: &warnings)
        try Self.checkRowCount(of: assembly, sources: sources)
        scatteredGrants[key] = assembly
      }
      // Each kept grant's index of cells by path is made again if a one-to-many row merges in.
      var i = scatteredGrants.values.startIndex
      while i != scatteredGrants.values.endIndex {
        scatteredGrants.values[i].dropMergeIndex()
        scatteredGrants.values.formIndex(after: &i)
      }
    }

    var grantCount = 0
    var rowsMerged = 0
    // Ids of grants handed out, to warn of a row whose id was handed out earlier (exactly:
    // never on a hash alone).
    var emittedIDs = ExactIDTable<Bool>(vacant: false)
    var current: GrantAssembly?

    func emit(_ assembly: GrantAssembly) throws {
      var assembly = assembly
      if let id = assembly.id, let extra = attached.removeValue(forKey: id) {
        assembly.materialize(recordsCells: recordsCells)
        for pending in extra {
          assembly.merge(pending.tree, sheet: pending.sheet, rowNumber: pending.row, sources: sources, warnings: &warnings)
          try Self.checkRowCount(of: assembly, sources: sources)
        }
      }
      if let id = assembly.id { _ = emittedIDs.firstValue(of: id, digest: IDDigest(id), keeping: true) }
      rowsMerged += assembly.rows.count
      if let written = assembly.written, let jsonSink, let row = assembly.rows.first {
        grantCount += 1
        try jsonSink(written.json, assembly.id, row)
        return
      }
      let source: GrantSource
      if let layout = assembly.layout, assembly.rows.count == 1 {
        source = .row(assembly.rows[0], layout: layout)
      } else {
        assembly.materialize(recordsCells: recordsCells)
        source = .cells(rows: assembly.rows, cells: assembly.cells)
      }
      let grant = Grant(json: .object(assembly.object), index: grantCount, source: source)
      grantCount += 1
      try body(grant)
    }

    if let first = grantSheets.first, let source = mainSource {
      warnings += try readGrantRows(sheet: first, onHeader: { sources.sheets[source].headings = $0 }) { row, rowNumber in
        let id = row.id
        if let id, scattered.contains(id) {
          // A grant of scattered rows, merged already: handed out at its first row, and its
          // other rows skipped. (A row the merging pass did not take reads as ever.)
          let key = IDBytes(id)
          let assembly = scatteredGrants.removeValue(forKey: key)
          if assembly != nil || scatteredHandedOut.contains(key) {
            if let done = current {
              current = nil
              try emit(done)
            }
            if let assembly {
              scatteredHandedOut.insert(key)
              try emit(assembly)
            }
            return
          }
        }
        if let id, current?.id == id, var assembly = current {
          current = nil
          assembly.materialize(recordsCells: recordsCells)
          assembly.merge(row.tree, sheet: source, rowNumber: rowNumber, sources: sources, warnings: &warnings)
          try Self.checkRowCount(of: assembly, sources: sources)
          current = assembly
          return
        }
        if let done = current {
          current = nil
          try emit(done)
        }
        if let id, emittedIDs.value(of: id, digest: IDDigest(id)) != nil {
          warnings.append(
            Self.separatedRowsWarning(
              id: id, at: SourceLocation(file: sources.sheets[source].file, sheet: sources.sheets[source].name, row: rowNumber)))
        }
        var assembly = GrantAssembly()
        assembly.id = id
        if jsonSink != nil, case .values(let values, let template) = row.content {
          // Written into one reused buffer, then copied out at its exact size: a grant's text
          // outgrows any fixed first guess, and growing an array copies it each time.
          jsonScratch.removeAll(keepingCapacity: true)
          if template.writeJSON(values: values, into: &jsonScratch) {
            assembly.written = (Array(jsonScratch), values, template, source, rowNumber)
            assembly.rows.append(RowReference(sheet: source, row: rowNumber))
            current = assembly
            return
          }
        }
        if case .values(let values, let template) = row.content, let (object, layout) = template.object(values: values) {
          assembly.object = object
          if recordsCells { assembly.layout = layout }
          assembly.rows.append(RowReference(sheet: source, row: rowNumber))
        } else {
          assembly.merge(row.tree, sheet: source, rowNumber: rowNumber, sources: sources, warnings: &warnings)
        }
        current = assembly
      }
      if let done = current {
        current = nil
        try emit(done)
      }
    }

    // Rows of other sheets whose id the first sheet never had, then rows without an id.
    for id in attachedOrder {
      guard let rows = attached.removeValue(forKey: id), let firstRow = rows.first else { continue }
      var assembly = GrantAssembly()
      assembly.id = id
      assembly.merge(firstRow.tree, sheet: firstRow.sheet, rowNumber: firstRow.row, sources: sources, warnings: &warnings)
      for pending in rows.dropFirst() {
        assembly.merge(pending.tree, sheet: pending.sheet, rowNumber: pending.row, sources: sources, warnings: &warnings)
        try Self.checkRowCount(of: assembly, sources: sources)
      }
      try emit(assembly)
    }
    for pending in unattached {
      var assembly = GrantAssembly()
      assembly.merge(pending.tree, sheet: pending.sheet, rowNumber: pending.row, sources: sources, warnings: &warnings)
      try emit(assembly)
    }

    report.sources = sources
    report.encoding = workbook.encoding
    report.warnings = workbook.warnings + ConversionWarning.inRowOrder(warnings, sheets: sources.sheets.map(\.name))
    // flatten-tool always produces a `grants` array from a workbook, empty when no row holds a
    // grant (the official tool then reports `[] is too short`, not a missing `grants`).
    report.hasGrantsMember = true
    report.grantCount = grantCount
    report.rowsRejected = 0
    report.rowsRead = rowsMerged + report.rowsRejected
    return report
  }

  /// Reads the non-empty data rows of a grant sheet as trees, calling `onHeader` with the
  /// headings once the header row is read.
  /// - Returns: the warnings met (duplicate headings, non-numeric values, ignored columns).
  private func readGrantRows(
    sheet: Int, onHeader: ([String?]) -> Void, _ body: (GrantRow, Int) throws -> Void
  ) throws -> [ConversionWarning] {
    let hashComments = workbook.format != .csv
    let file = workbook.file(ofSheet: sheet)
    let name = workbook.sheetNames[sheet]
    var headingRow = HeadingRowFinder()
    var plans: [ColumnPlan?] = []
    /// What each row needs of a column, so that rows never copy a plan (copying one per cell
    /// costs retains; measured: about 5% less CPU converting 100k grants without).
    var uses: [ColumnUse] = []
    /// Columns left unread because their member is not needed.
    var unneeded: [Bool] = []
    var template: RowTemplate?
    var headings: [String?] = []
    var warnedColumns = Set<Int>()
    var localWarnings: [ConversionWarning] = []

    try workbook.readRows(sheet: sheet) { row in
      if !headingRow.isFound {
        guard headingRow.isHeadingRow(row) else { return }
        headings = row.cells.map { cell in cell.map(\.text) }
        onHeader(headings)
        if let known = headerLayouts?.layout(headings: headings, hashComments: hashComments, rowTemplates: usesRowTemplates) {
          (plans, uses, unneeded, template) = (known.plans, known.uses, known.unneeded, known.template)
          return
        }
        plans = Array(repeating: nil, count: headings.count)
        var columnsByPath: [String: [Int]] = [:]
        var pathOrder: [String] = []
        for (column, heading) in headings.enumerated() {
          guard let heading, !heading.trimmingSpaces.isEmpty else { continue }
          if hashComments && heading.hasPrefix("#") { continue }
          let plan = mapper.plan(for: heading)
          plans[column] = plan
          let key = plan.path
          if columnsByPath[key] == nil { pathOrder.append(key) }
          columnsByPath[key, default: []].append(column)
        }
        // Two columns for one path: the right-most wins (flatten-tool overwrites as it goes);
        // identical headings are warned about as flatten-tool does.
        for key in pathOrder {
          guard let columns = columnsByPath[key], columns.count > 1 else { continue }
          for c in columns.dropLast() { plans[c] = nil }
        }
        var columnsByHeading: [String: [Int]] = [:]
        var headingOrder: [String] = []
        for (column, heading) in headings.enumerated() {
          guard let heading, !heading.trimmingSpaces.isEmpty else { continue }
          if hashComments && heading.hasPrefix("#") { continue }
          if columnsByHeading[heading] == nil { headingOrder.append(heading) }
          columnsByHeading[heading, default: []].append(column)
        }
        unneeded = Array(repeating: false, count: plans.count)
        if let neededMembers {
          for (column, plan) in plans.enumerated() {
            guard case .key(let member)? = plan?.steps.first, !neededMembers.contains(member) else { continue }
            plans[column] = nil
            unneeded[column] = true
          }
        }
        uses = plans.map(ColumnUse.init)
        template = usesRowTemplates ? RowTemplate(plans: plans) : nil
        for heading in headingOrder {
          guard let columns = columnsByHeading[heading], columns.count > 1 else { continue }
          let ignored = Array(columns.dropLast())
          let letters = ignored.map { SourceLocation.columnLetter(for: $0) }
          let list: String
          if letters.count == 1 {
            list = "column " + letters[0]
          } else {
            list = "columns " + letters.dropLast().joined(separator: ", ") + " and " + (letters.last ?? "")
          }
          localWarnings.append(
            ConversionWarning(
              "Duplicate heading \"\(heading)\" found, ignoring the data in \(list).",
              at: ignored.map {
                SourceLocation(
                  file: file, sheet: name, row: row.number, columnLetter: SourceLocation.columnLetter(for: $0),
                  heading: headings[$0])
              }))
        }
        if localWarnings.isEmpty {
          headerLayouts?.keep(
            HeaderLayouts.Layout(
              headings: headings, hashComments: hashComments, plans: plans, uses: uses, unneeded: unneeded,
              template: template))
        }
        return
      }
      // With a template, values are gathered by column and the grant is built from them;
      // otherwise each goes into the row's tree as it is read.
      let tree = template == nil ? RowTree() : nil
      var values: [JSONValue?] = template == nil ? [] : Array(repeating: nil, count: plans.count)
      var filled = false
      // A row whose only values are in unneeded columns is still a grant (with none of the
      // needed members), never dropped.
      var filledUnneeded = false
      let uses = uses
      let count = min(row.cells.count, uses.count)
      var column = 0
      while column < count {
        defer { column += 1 }
        if unneeded[column], let cell = row.cells[column], cell != .text("") { filledUnneeded = true }
        let use = uses[column]
        guard use.isMapped, let cell = row.cells[column] else { continue }
        if case .text(let s) = cell, s.isEmpty { continue }
        var (value, nonNumeric) = CellTyping.value(of: cell, kind: use.kind)
        if use.namesObjectList {
          // A column that names a list of objects itself (`Funding Org`) has nowhere to put a
          // value: flatten-tool makes the list empty, so the official tool reports it as empty.
          // giving does the same, but says so.
          localWarnings.append(
            ConversionWarning(
              "Column \"\(headings[column] ?? "")\" names a list of objects, not a field: the value \"\(cell.text)\" was ignored and the list left empty",
              at: [SourceLocation(file: file, sheet: name, row: row.number, columnLetter: SourceLocation.columnLetter(for: column), heading: headings[column])]))
          value = .array([])
          nonNumeric = false
        }
        if case .number(let number) = cell, use.kind == .string, let path = plans[column]?.canonicalPath,
          let message = NumericCellWarnings.message(number: number, heading: headings[column] ?? "", path: path)
        {
          localWarnings.append(
            ConversionWarning(
              message,
              at: [SourceLocation(file: file, sheet: name, row: row.number, columnLetter: SourceLocation.columnLetter(for: column), heading: headings[column])]))
        }
        if nonNumeric {
          localWarnings.append(
            nonNumericWarning(cell, at: SourceLocation(
              file: file, sheet: name, row: row.number, columnLetter: SourceLocation.columnLetter(for: column),
              heading: headings[column])))
        }
        guard let tree else {
          values[column] = value
          filled = true
          continue
        }
        if let plan = plans[column], !insert(value, plan: plan, column: column, into: tree),
          warnedColumns.insert(column).inserted
        {
          localWarnings.append(
            ConversionWarning(
              "Column \"\(headings[column] ?? "")\" has been ignored, because another column treats its path differently",
              at: [SourceLocation(file: file, sheet: name, row: row.number, columnLetter: SourceLocation.columnLetter(for: column), heading: headings[column])]))
        }
      }
      if let tree {
        if tree.isEmpty && !filledUnneeded { return }
        try body(GrantRow(content: .tree(tree), plans: plans, reader: self), row.number)
      } else if filled || filledUnneeded, let template {
        try body(GrantRow(content: .values(values, template), plans: plans, reader: self), row.number)
      }
    }
    return localWarnings
  }

  /// What a header row made of its columns, kept by one thread for the next range of the same
  /// file it reads: mapping the headings and planning each pattern of filled cells afresh for
  /// every half-megabyte range was 2–3% of validating a large CSV file.
  final class HeaderLayouts {
    struct Layout {
      var headings: [String?]
      var hashComments: Bool
      var plans: [ColumnPlan?]
      fileprivate var uses: [ColumnUse]
      var unneeded: [Bool]
      /// Used by one thread at a time: its plans are made as rows need them.
      var template: RowTemplate?
    }

    private var last: Layout?

    init() {}

    fileprivate func layout(headings: [String?], hashComments: Bool, rowTemplates: Bool) -> Layout? {
      guard let last, last.headings == headings, last.hashComments == hashComments,
        (last.template != nil) == rowTemplates
      else { return nil }
      return last
    }

    fileprivate func keep(_ layout: Layout) { last = layout }
  }

  /// What the reading of a row needs of a column's plan.
  fileprivate struct ColumnUse {
    /// Whether the column has a plan (its values go into the grant).
    var isMapped: Bool
    var kind: SchemaFieldKind?
    /// Whether the column names a list of objects itself (`Funding Org`), not a field.
    var namesObjectList: Bool

    init(_ plan: ColumnPlan?) {
      isMapped = plan != nil
      kind = plan?.kind
      if plan?.kind == .objectArray, case .key? = plan?.steps.last {
        namesObjectList = true
      } else {
        namesObjectList = false
      }
    }
  }

  /// A non-empty row of a grant sheet: its values by column (when the sheet has a
  /// ``RowTemplate``) or its tree.
  struct GrantRow {
    enum Content {
      case tree(RowTree)
      case values([JSONValue?], RowTemplate)
    }
    var content: Content
    let plans: [ColumnPlan?]
    unowned let reader: SpreadsheetFeedReader

    /// The row's top-level `id` as text.
    var id: String? {
      switch content {
      case .tree(let tree): tree.leafText("id")
      case .values(let values, let template): template.id(in: values)
      }
    }

    /// The row as a tree, for merging into a grant that already has rows.
    var tree: RowTree {
      switch content {
      case .tree(let tree):
        return tree
      case .values(let values, _):
        let tree = RowTree()
        for (column, value) in values.enumerated() {
          if let value, let plan = plans[column] { _ = reader.insert(value, plan: plan, column: column, into: tree) }
        }
        return tree
      }
    }
  }

  /// The most rows that may merge into one grant: far more than any grant's rows, and few
  /// enough that the grant, its cells and its merge warnings stay small however many rows of
  /// a file share one Identifier.
  static let maxRowsPerGrant = 10_000

  /// Refuses a grant that has grown past ``maxRowsPerGrant`` rows, naming its Identifier and
  /// where its rows began.
  static func checkRowCount(of assembly: GrantAssembly, sources: FeedSources) throws {
    guard assembly.rows.count > maxRowsPerGrant, let first = assembly.rows.first else { return }
    let sheet = sources.sheets.indices.contains(Int(first.sheet)) ? sources.sheets[Int(first.sheet)] : nil
    throw FeedError.limitExceeded(
      file: sheet?.file ?? "",
      reason: "more than \(maxRowsPerGrant) rows share the Identifier '\(assembly.id ?? "")'"
        + " (from row \(first.row) of sheet '\(sheet?.name ?? "")'): giving merges at most \(maxRowsPerGrant) rows into one grant")
  }

  /// The warning for a row whose id was handed out earlier, not on the row before.
  static func separatedRowsWarning(id: String, at location: SourceLocation) -> ConversionWarning {
    ConversionWarning(
      "Rows with the id \"\(id)\" are not next to each other; this row was read as a separate grant",
      at: [location])
  }

  private func nonNumericWarning(_ cell: CellValue, at location: SourceLocation) -> ConversionWarning {
    ConversionWarning(
      "Non-numeric value \"\(cell.text)\" found in number column, returning as string instead.",
      at: [location])
  }

  /// Puts `value` where `plan` says in a row tree; `false` when the row already uses that
  /// path for a different shape (a value where an object is, or the reverse).
  fileprivate func insert(_ value: JSONValue, plan: ColumnPlan, column: Int, into root: RowTree) -> Bool {
    var node = root
    let steps = plan.steps
    var i = 0
    while i < steps.count {
      guard case .key(let key) = steps[i] else { return false }
      let position = node.position(of: key)
      if i == steps.count - 1 {
        if let position {
          guard case .leaf = node.entries[position] else { return false }
          node.entries[position] = .leaf(value, column: column, path: plan.canonicalPath)  // right-most wins
        } else {
          node.keys.append(key)
          node.entries.append(.leaf(value, column: column, path: plan.canonicalPath))
        }
        return true
      }
      if case .index(let index) = steps[i + 1] {
        guard i + 2 < steps.count else { return false }
        let array: RowArray
        if let position {
          guard case .array(let existing) = node.entries[position] else { return false }
          array = existing
        } else {
          array = RowArray()
          node.keys.append(key)
          node.entries.append(.array(array))
        }
        node = array.item(index)
        i += 2
      } else {
        let child: RowTree
        if let position {
          guard case .object(let existing) = node.entries[position] else { return false }
          child = existing
        } else {
          child = RowTree()
          node.keys.append(key)
          node.entries.append(.object(child))
        }
        node = child
        i += 1
      }
    }
    return false
  }
}

/// Finds a sheet's heading row: its first row, or the second when the first begins with `#`
/// (a configuration row, as flatten-tool reads them).
struct HeadingRowFinder {
  private var rowsSeen = 0
  /// Whether the heading row has been met: the rows after it are data.
  private(set) var isFound = false

  /// Whether `row`, the sheet's next row before its heading row is found, is the heading row.
  mutating func isHeadingRow(_ row: SheetRow) -> Bool {
    rowsSeen += 1
    if rowsSeen == 1, row.cells.first == .text("#") { return false }
    isFound = true
    return true
  }
}
