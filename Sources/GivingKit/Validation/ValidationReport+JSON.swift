/// The documented JSON form of validation reports (docs/report-format.md), written
/// incrementally so that a report with a million occurrences never exists as one tree.
public struct ValidationReportWriter {
  /// The date the date checks treated as today.
  public var now: CheckDate
  /// At most this many locations per schema-error kind or check (`nil`: all).
  public var maxLocations: Int?

  /// Removed from the front of every file path written (the working directory, so paths read
  /// as the user gave them).
  public var pathPrefix: String?

  public init(now: CheckDate, maxLocations: Int? = nil, pathPrefix: String? = nil) {
    self.now = now
    self.maxLocations = maxLocations
    self.pathPrefix = pathPrefix
  }

  private func display(_ path: String) -> String {
    guard let pathPrefix, path.hasPrefix(pathPrefix) else { return path }
    return String(path.dropFirst(pathPrefix.count))
  }

  /// Writes `{"now": …, "valid": …, "files": [ … ]}` through `emit`, in chunks.
  public func write(_ reports: [ValidationReport], to emit: ([UInt8]) throws -> Void) throws {
    var out: [UInt8] = []
    out.reserveCapacity(1 << 20)
    let allValid = reports.allSatisfy(\.isValid)
    out.append(contentsOf: "{\"now\":\"\(now)\",\"valid\":\(allValid),\"files\":[".utf8)
    for (i, report) in reports.enumerated() {
      if i > 0 { out.append(UInt8(ascii: ",")) }
      try write(report, into: &out, emit: emit)
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

  /// What `value(json(location), &out)` writes, written directly: a report names a location
  /// for every occurrence of every finding, a million of them for a large file, and building
  /// an object for each was measured at 4% of validating a workbook of 100k rows, on the one
  /// thread that runs once reading has ended.
  private func write(_ location: SourceLocation?, into out: inout [UInt8]) {
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
    return .object(object)
  }

  private func write(_ report: ValidationReport, into out: inout [UInt8], emit: ([UInt8]) throws -> Void) throws {
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
    value(int(report.schemaErrors.count), &out)
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
      write(report.location(of: finding), into: &out)
      if !finding.places.isEmpty {
        key("locations", &out)
        out.append(UInt8(ascii: "["))
        for (n, place) in finding.places.enumerated() {
          if n > 0 { out.append(UInt8(ascii: ",")) }
          write(report.sources.resolve(place), into: &out)
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
        out.append(contentsOf: #"{"path":"#.utf8)
        JSONWriter.writeString(report.path(of: occurrence), into: &out)
        out.append(contentsOf: #","location":"#.utf8)
        write(report.sources.resolve(occurrence.place), into: &out)
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
          .object(["message": .string(w.message), "locations": .array(w.locations.map(json))])
        }), &out)
    out.append(UInt8(ascii: "}"))
  }
}
