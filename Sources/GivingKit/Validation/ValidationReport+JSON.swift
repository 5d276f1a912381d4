/// The documented JSON form of validation reports (docs/report-format.md), written
/// incrementally so that a report with a million occurrences never exists as one tree.
public struct ValidationReportWriter {
  /// The date the date checks treated as today.
  public var now: CheckDate
  /// At most this many locations per schema-error kind, check, conversion warning or
  /// identifier in several files (`nil`: all; 0: none, only the counts).
  public var maxLocations: Int?

  /// Removed from the front of every file path written (the working directory, so paths read
  /// as the user gave them).
  public var pathPrefix: String?

  public init(now: CheckDate, maxLocations: Int? = nil, pathPrefix: String? = nil) {
    self.now = now
    self.maxLocations = maxLocations
    self.pathPrefix = pathPrefix
  }

  fileprivate func display(_ path: String) -> String {
    guard let pathPrefix, path.hasPrefix(pathPrefix) else { return path }
    return String(path.dropFirst(pathPrefix.count))
  }

  /// Writes `{"now": …, "files": [ … ], "valid": …, "totals": {…}, "crossFileDuplicates": […]}`
  /// through `emit`, in chunks.
  public func write(_ reports: [ValidationReport], to emit: ([UInt8]) throws -> Void) throws {
    try writeStart(to: emit)
    for (i, report) in reports.enumerated() { try write(report, number: i, to: emit) }
    try writeEnd(totals: ValidationTotals(reports), crossFileDuplicates: [], to: emit)
  }

  /// The start of the report, before its files: `{"now": …, "files": [`. Then
  /// ``write(_:number:to:)`` for each file as it is done, and ``writeEnd(totals:crossFileDuplicates:to:)``.
  public func writeStart(to emit: ([UInt8]) throws -> Void) throws {
    try emit(Array("{\"now\":\"\(now)\",\"files\":[".utf8))
  }

  /// One file's report, the `number`th (from 0).
  public func write(_ report: ValidationReport, number: Int, to emit: ([UInt8]) throws -> Void) throws {
    var out: [UInt8] = []
    out.reserveCapacity(1 << 20)
    if number > 0 { out.append(UInt8(ascii: ",")) }
    try write(report, into: &out, emit: emit)
    try emit(out)
  }

  /// The end of the report: whether every file is valid, the totals and the ids that grants
  /// of different files share.
  public func writeEnd(
    totals t: ValidationTotals, crossFileDuplicates: [CrossFeedDuplicate], to emit: ([UInt8]) throws -> Void
  ) throws {
    var out: [UInt8] = []
    out.append(contentsOf: "],\"valid\":\(t.valid == t.files)".utf8)
    out.append(
      contentsOf: ",\"totals\":{\"files\":\(t.files),\"valid\":\(t.valid),\"invalid\":\(t.invalid),\"unreadable\":\(t.unreadable),\"grants\":\(t.grants),\"crossFileDuplicateIDs\":\(t.crossFileDuplicateIDs)}".utf8)
    out.append(contentsOf: ",\"crossFileDuplicates\":[".utf8)
    for (i, duplicate) in crossFileDuplicates.enumerated() {
      if i > 0 { out.append(UInt8(ascii: ",")) }
      out.append(contentsOf: #"{"id":"#.utf8)
      JSONWriter.writeString(duplicate.id, into: &out)
      out.append(contentsOf: #","copies":["#.utf8)
      for (j, copy) in duplicate.copies.prefix(maxLocations ?? Int.max).enumerated() {
        if j > 0 { out.append(UInt8(ascii: ",")) }
        write(copy, into: &out)
      }
      out.append(contentsOf: "]}".utf8)
      if out.count > 1 << 20 {
        try emit(out)
        out.removeAll(keepingCapacity: true)
      }
    }
    out.append(contentsOf: "]}\n".utf8)
    try emit(out)
  }

  private func value(_ v: JSONValue, _ out: inout [UInt8]) {
    JSONWriter().write(v, into: &out)
  }

  private func key(_ k: String, _ out: inout [UInt8], first: Bool = false) {
    if !first { out.append(UInt8(ascii: ",")) }
    JSONWriter.writeString(k, into: &out)
    out.append(UInt8(ascii: ":"))
  }

  private func string(_ s: String?) -> JSONValue { s.map(JSONValue.string) ?? .null }
  private func int(_ n: Int) -> JSONValue { .number(JSONNumber(n)) }

  /// What `value(json(location), &out)` writes, written directly (see ``PlaceWriter`` for the
  /// places of findings, which are many).
  fileprivate func write(_ location: SourceLocation?, into out: inout [UInt8]) {
    guard let location else {
      out.append(contentsOf: "null".utf8)
      return
    }
    func text(_ key: String, _ value: String?) {
      guard let value else { return }
      out.append(contentsOf: ",\"\(key)\":".utf8)
      JSONWriter.writeString(value, into: &out)
    }
    func number(_ key: String, _ value: Int?) {
      guard let value else { return }
      out.append(contentsOf: ",\"\(key)\":\(value)".utf8)
    }
    out.append(contentsOf: #"{"file":"#.utf8)
    JSONWriter.writeString(display(location.file), into: &out)
    text("sheet", location.sheet)
    number("row", location.row)
    text("columnLetter", location.columnLetter)
    text("heading", location.heading)
    number("line", location.line)
    number("column", location.column)
    text("pointer", location.pointer)
    out.append(UInt8(ascii: "}"))
  }

  func json(_ location: SourceLocation?) -> JSONValue {
    guard let location else { return .null }
    var object = JSONObject()
    object["file"] = .string(display(location.file))
    if let sheet = location.sheet { object["sheet"] = .string(sheet) }
    if let row = location.row { object["row"] = .number(JSONNumber(row)) }
    if let letter = location.columnLetter { object["columnLetter"] = .string(letter) }
    if let heading = location.heading { object["heading"] = .string(heading) }
    if let line = location.line { object["line"] = .number(JSONNumber(line)) }
    if let column = location.column { object["column"] = .number(JSONNumber(column)) }
    if let pointer = location.pointer { object["pointer"] = .string(pointer) }
    return .object(object)
  }

  private func write(_ report: ValidationReport, into out: inout [UInt8], emit: ([UInt8]) throws -> Void) throws {
    var places = PlaceWriter(writer: self)
    out.append(UInt8(ascii: "{"))
    key("file", &out, first: true)
    value(.string(display(report.file)), &out)
    key("format", &out)
    value(string(report.format?.rawValue), &out)
    key("encoding", &out)
    value(string(report.encoding), &out)
    if let error = report.error {
      key("grants", &out)
      value(.null, &out)
      key("valid", &out)
      value(.bool(false), &out)
      key("error", &out)
      value(
        .object([
          "kind": .string(report.refusal?.rawValue ?? "unreadable"), "message": .string(display(error.description)),
        ]), &out)
      out.append(UInt8(ascii: "}"))
      return
    }
    key("grants", &out)
    value(int(report.grants), &out)
    key("valid", &out)
    value(.bool(report.isValid), &out)
    key("error", &out)
    value(.null, &out)
    key("schemaErrorCount", &out)
    value(int(report.schemaErrorCount), &out)
    key("codelistErrorCount", &out)
    value(int(report.codelistErrors.reduce(0) { $0 + $1.values.count }), &out)

    key("schemaErrors", &out)
    out.append(UInt8(ascii: "["))
    var perKind: [String: Int] = [:]
    var firstError = true
    for finding in report.schemaErrors {
      let e = finding.error
      let kindKey = e.validator + "\u{0}" + e.pathNoNumber + "\u{0}" + e.message
      let seen = perKind[kindKey, default: 0]
      perKind[kindKey] = seen + 1
      if let maxLocations, seen >= maxLocations { continue }
      if !firstError { out.append(UInt8(ascii: ",")) }
      firstError = false
      out.append(UInt8(ascii: "{"))
      key("validator", &out, first: true)
      value(.string(e.validator), &out)
      key("errorId", &out)
      value(string(e.errorId), &out)
      key("group", &out)
      value(.string(ValidationReport.group(of: e).rawValue), &out)
      key("path", &out)
      value(.string(e.path), &out)
      key("pathNoNumber", &out)
      value(.string(e.pathNoNumber), &out)
      key("field", &out)
      value(.string(e.field), &out)
      key("message", &out)
      value(.string(e.message), &out)
      key("value", &out)
      value(e.value ?? .null, &out)
      key("location", &out)
      places.write(finding.place, of: report, into: &out)
      if !finding.places.isEmpty {
        key("locations", &out)
        out.append(UInt8(ascii: "["))
        for (n, place) in finding.places.enumerated() {
          if n > 0 { out.append(UInt8(ascii: ",")) }
          places.write(place, of: report, into: &out)
        }
        out.append(UInt8(ascii: "]"))
      }
      out.append(UInt8(ascii: "}"))
      if out.count > 1 << 20 {
        try emit(out)
        out.removeAll(keepingCapacity: true)
      }
    }
    out.append(UInt8(ascii: "]"))

    key("codelistErrors", &out)
    value(
      .array(
        report.codelistErrors.map { c in
          .object([
            "path": .string(c.path), "field": .string(c.field), "codelist": .string(c.codelist),
            "values": .array(c.values.map(JSONValue.string)),
          ])
        }), &out)

    key("checks", &out)
    out.append(UInt8(ascii: "["))
    for (i, finding) in report.checks.enumerated() {
      if i > 0 { out.append(UInt8(ascii: ",")) }
      let r = finding.result
      out.append(UInt8(ascii: "{"))
      key("type", &out, first: true)
      value(.string(r.type), &out)
      key("category", &out)
      value(.string(r.category.rawValue), &out)
      key("topic", &out)
      value(.string(r.topic), &out)
      key("importance", &out)
      value(int(r.importance), &out)
      key("count", &out)
      value(int(r.count), &out)
      key("percentage", &out)
      value(.number(JSONNumber(text: String(r.percentage))), &out)
      key("heading", &out)
      value(.string(r.heading), &out)
      key("message", &out)
      value(.string(r.message), &out)
      key("skippedGrants", &out)
      value(int(r.skippedGrants), &out)
      key("locations", &out)
      out.append(UInt8(ascii: "["))
      for (n, occurrence) in finding.occurrences.enumerated() {
        if let maxLocations, n >= maxLocations { break }
        if n > 0 { out.append(UInt8(ascii: ",")) }
        out.append(contentsOf: #"{"path":"grants/"#.utf8)
        places.appendDecimal(Int(occurrence.grantIndex), to: &out)
        places.appendPath(Int(occurrence.pathID), of: report, to: &out)
        out.append(contentsOf: #"","location":"#.utf8)
        places.write(occurrence.place, of: report, into: &out)
        out.append(UInt8(ascii: "}"))
        if out.count > 1 << 20 {
          try emit(out)
          out.removeAll(keepingCapacity: true)
        }
      }
      out.append(contentsOf: "]}".utf8)
    }
    out.append(UInt8(ascii: "]"))

    key("officialEngineWouldSilence", &out)
    value(
      .object([
        "quality": .bool(report.officialWouldSilence[.quality] ?? false),
        "usefulness": .bool(report.officialWouldSilence[.usefulness] ?? false),
      ]), &out)
    key("additionalFieldsCount", &out)
    value(int(report.additionalFieldsCount), &out)
    key("additionalFields", &out)
    value(
      .array(
        report.additionalFields.map {
          .object(["parentPath": .string($0.parentPath), "field": .string($0.field), "count": int($0.count)])
        }), &out)
    key("conversionWarnings", &out)
    value(
      .array(
        report.conversionWarnings.map { w in
          .object(["message": .string(w.message), "locations": .array(w.locations.prefix(maxLocations ?? Int.max).map(json))])
        }), &out)
    out.append(UInt8(ascii: "}"))
  }
}

/// Writes the places of one report's findings as ``ValidationReportWriter`` writes their
/// locations, from bytes made once per file, sheet, column and path: a report names a place
/// for every occurrence of every finding, a million of them for a large file, and resolving
/// each to a ``SourceLocation`` and writing its strings was a second of writing the report
/// of 1M generated grants, on the one thread that runs once reading has ended.
private struct PlaceWriter {
  let writer: ValidationReportWriter
  /// `{"file":…,"sheet":…,"row":` per sheet; `{"file":…,"line":` per text file.
  private var sheetHeads: [Int32: [UInt8]] = [:]
  private var textHeads: [Int32: [UInt8]] = [:]
  /// `,"columnLetter":…,"heading":…}` per sheet and column.
  private var cellTails: [Int64: [UInt8]] = [:]
  /// Each relative path of the report's occurrences, escaped, after its `/` (empty for none).
  private var pathTails: [[UInt8]?] = []
  /// The JSON pointer of each place path after `/grants/N`, escaped, without quotes.
  private var pointerTails: [Int32: [UInt8]] = [:]

  init(writer: ValidationReportWriter) { self.writer = writer }

  /// Writes what `writer.write(report.sources.resolve(place), into:)` writes.
  mutating func write(_ place: SourcePlace, of report: ValidationReport, into out: inout [UInt8]) {
    let sources = report.sources
    switch place {
    case .cell(let sheet, let row, let column) where sources.sheets.indices.contains(Int(sheet)) && column >= 0:
      out.append(contentsOf: sheetHead(sheet, sources))
      appendDecimal(Int(row), to: &out)
      let key = Int64(sheet) << 32 | Int64(column)
      if let tail = cellTails[key] {
        out.append(contentsOf: tail)
      } else {
        // The tail of the location `resolve` makes: everything after the row.
        var whole: [UInt8] = []
        writer.write(sources.resolve(.cell(sheet: sheet, row: 0, column: column)), into: &whole)
        let head = sheetHead(sheet, sources).count + 1
        let tail = Array(whole[head...])
        cellTails[key] = tail
        out.append(contentsOf: tail)
      }
    case .row(let sheet, let row) where sources.sheets.indices.contains(Int(sheet)):
      out.append(contentsOf: sheetHead(sheet, sources))
      appendDecimal(Int(row), to: &out)
      out.append(UInt8(ascii: "}"))
    case .text(let file, let position, let value):
      if textHeads[file] == nil {
        var head = Array(#"{"file":"#.utf8)
        JSONWriter.writeString(writer.display(sources.files.indices.contains(Int(file)) ? sources.files[Int(file)] : ""), into: &head)
        head.append(contentsOf: #","line":"#.utf8)
        textHeads[file] = head
      }
      out.append(contentsOf: textHeads[file]!)
      appendDecimal(Int(position.line), to: &out)
      out.append(contentsOf: #","column":"#.utf8)
      appendDecimal(Int(position.column), to: &out)
      if sources.isJSON { appendPointer(value, to: &out) }
      out.append(UInt8(ascii: "}"))
    default:
      writer.write(sources.resolve(place), into: &out)
    }
  }

  private mutating func sheetHead(_ sheet: Int32, _ sources: FeedSources) -> [UInt8] {
    if let head = sheetHeads[sheet] { return head }
    let s = sources.sheets[Int(sheet)]
    var head = Array(#"{"file":"#.utf8)
    JSONWriter.writeString(writer.display(s.file), into: &head)
    head.append(contentsOf: #","sheet":"#.utf8)
    JSONWriter.writeString(s.name, into: &head)
    head.append(contentsOf: #","row":"#.utf8)
    sheetHeads[sheet] = head
    return head
  }

  /// Appends `,"pointer":"…"`, the value's JSON pointer: `/grants/N` then its path in the
  /// grant, escaped once per path.
  private mutating func appendPointer(_ value: ValueAddress, to out: inout [UInt8]) {
    out.append(contentsOf: #","pointer":""#.utf8)
    if value.grant >= 0 {
      out.append(contentsOf: "/grants/".utf8)
      appendDecimal(Int(value.grant), to: &out)
    }
    if let tail = pointerTails[value.pathID] {
      out.append(contentsOf: tail)
    } else {
      var escaped: [UInt8] = []
      JSONWriter.writeString(ValueAddress(grant: -1, pathID: value.pathID).pointer, into: &escaped)
      escaped.removeFirst()
      escaped.removeLast()
      pointerTails[value.pathID] = escaped
      out.append(contentsOf: escaped)
    }
    out.append(UInt8(ascii: "\""))
  }

  /// Appends what `report.path(of:)` adds after `grants/N`, escaped, without the closing quote.
  mutating func appendPath(_ id: Int, of report: ValidationReport, to out: inout [UInt8]) {
    if pathTails.count < report.paths.count { pathTails += Array(repeating: nil, count: report.paths.count - pathTails.count) }
    if pathTails[id] == nil {
      let relative = report.paths[id]
      var escaped: [UInt8] = []
      if !relative.isEmpty {
        JSONWriter.writeString("/" + relative, into: &escaped)
        escaped.removeFirst()
        escaped.removeLast()
      }
      pathTails[id] = escaped
    }
    out.append(contentsOf: pathTails[id]!)
  }

  /// Appends `n` in decimal, as `String(n)` spells it.
  func appendDecimal(_ n: Int, to out: inout [UInt8]) {
    if n < 0 {
      out.append(UInt8(ascii: "-"))
      appendDecimal(-n, to: &out)
      return
    }
    if n < 10 {
      out.append(UInt8(truncatingIfNeeded: 48 + n))
      return
    }
    var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)
    var count = 0
    var rest = n
    withUnsafeMutableBytes(of: &digits) { buffer in
      while rest > 0 {
        count += 1
        buffer[24 - count] = UInt8(truncatingIfNeeded: 48 + rest % 10)
        rest /= 10
      }
      out.append(contentsOf: buffer[(24 - count)...])
    }
  }
}
