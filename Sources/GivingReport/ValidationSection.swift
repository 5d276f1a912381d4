public import GivingKit

/// The validation section of the report, laid out as the Data Quality Tool's results page: a
/// verdict per file, then each file's schema errors (required, format, other), codelist errors,
/// accuracy checks and usefulness checks (most important first), each finding with its count,
/// its explanation and a table of its places.
///
/// Each file's part is written when its report is added, so a report is dropped once added:
/// ``add(_:)`` them as ``ValidationRun`` hands them on.
public struct ValidationSection: Sendable {
  /// Places listed per finding; the count beyond is given exactly.
  public static let maxPlaces = 1000

  /// What `giving explain` says of a check or schema rule code, if it knows the code.
  public let explanation: @Sendable (String) -> String?
  /// Removed from the front of file paths shown (the working directory).
  public let pathPrefix: String?
  private var verdicts: [(verdict: ValidationVerdict, anchor: String)] = []
  private var files = HTMLWriter()

  public init(pathPrefix: String? = nil, explanation: @escaping @Sendable (String) -> String?) {
    self.pathPrefix = pathPrefix
    self.explanation = explanation
  }

  /// Writes the part of one file's report (its places: the first ``maxPlaces`` of each finding).
  public mutating func add(_ report: ValidationReport) {
    let anchor = "file-\(verdicts.count + 1)"
    verdicts.append((ValidationVerdict(report), anchor))
    var html = HTMLWriter()
    FilePart(report: report, section: self).write(anchor: anchor, into: &html)
    files.append(html)
  }

  func display(_ path: String) -> String {
    guard let pathPrefix, path.hasPrefix(pathPrefix) else { return path }
    return String(path.dropFirst(pathPrefix.count))
  }

  /// The section: the verdicts, then every file's part.
  public func write(into html: inout HTMLWriter) {
    html.openSection(
      id: "validation", title: "Validation",
      lead: "Every file against the 360Giving schema, its codelists and the Data Quality Tool's accuracy and usefulness checks, with every place of each finding up to \(NumberText.grouped(Self.maxPlaces)).")
    html.open("table", ["class": "verdicts"])
    html.raw("<thead><tr><th scope=\"col\">File</th><th scope=\"col\">Verdict</th><th scope=\"col\">Grants</th><th scope=\"col\">Schema errors</th><th scope=\"col\">Codelist errors</th><th scope=\"col\">Accuracy checks</th></tr></thead><tbody>")
    for (verdict, anchor) in verdicts {
      html.open("tr", ["class": "verdict", "data-file": display(verdict.file)])
      html.open("th", ["scope": "row"])
      html.open("a", ["href": "#\(anchor)"])
      html.text(display(verdict.file))
      html.close("a")
      html.close("th")
      let (word, style) = Self.verdict(verdict)
      html.element("td", ["class": style], word)
      html.element("td", verdict.isReadable ? NumberText.grouped(verdict.grants) : "—")
      html.element("td", NumberText.grouped(verdict.schemaErrorCount))
      html.element("td", NumberText.grouped(verdict.codelistErrorCount))
      html.element("td", NumberText.grouped(verdict.qualityCheckCount))
      html.close("tr")
    }
    html.raw("</tbody></table>")
    html.append(files)
    html.closeSection()
  }

  /// The verdict's words (the mark makes it read without colour) and its style.
  static func verdict(_ verdict: ValidationVerdict) -> (String, String) {
    if !verdict.isReadable { return ("✘ cannot be read", "bad") }
    if !verdict.isValid { return ("✘ invalid", "bad") }
    if verdict.codelistErrorCount > 0 { return ("✔ valid, with codelist errors", "warn") }
    return ("✔ valid", "good")
  }
}

/// One file's part of the validation section.
private struct FilePart {
  let report: ValidationReport
  let section: ValidationSection

  func write(anchor: String, into html: inout HTMLWriter) {
    let verdict = ValidationVerdict(report)
    let (word, style) = ValidationSection.verdict(verdict)
    html.open(
      "article",
      [
        "class": "file", "id": anchor, "data-file": section.display(report.file), "data-readable": String(verdict.isReadable),
        "data-valid": String(report.isValid), "data-grants": String(verdict.grants),
        "data-schema-errors": String(report.schemaErrorCount), "data-codelist-errors": String(verdict.codelistErrorCount),
      ])
    html.open("h3")
    html.text(section.display(report.file) + " ")
    html.element("span", ["class": "verdict-word \(style)"], word)
    html.close("h3")
    if let error = report.error {
      html.element("p", ["class": "refusal"], "This file cannot be read: " + section.display(error.description))
      html.close("article")
      return
    }
    let format = [report.format?.rawValue, report.encoding].compactMap { $0 }.joined(separator: ", ")
    html.element(
      "p",
      "\(format.isEmpty ? "" : format + "; ")\(NumberText.grouped(report.grants)) grants; \(NumberText.grouped(report.schemaErrorCount)) schema errors, \(NumberText.grouped(verdict.codelistErrorCount)) codelist errors, \(report.checks(in: .quality).count) accuracy and \(report.checks(in: .usefulness).count) usefulness checks with findings."
    )
    writeSchemaErrors(into: &html)
    writeCodelistErrors(into: &html)
    writeChecks(.quality, title: "Accuracy checks", into: &html)
    writeChecks(.usefulness, title: "Usefulness checks", into: &html)
    if !report.additionalFields.isEmpty {
      html.element("h4", "Additional fields (\(NumberText.grouped(report.additionalFieldsCount))) — not in the schema, kept as they are")
      html.open("ul", ["class": "fields"])
      for field in report.additionalFields {
        html.element("li", (field.parentPath.isEmpty ? "" : field.parentPath + "/") + field.field + " ×\(field.count)")
      }
      html.close("ul")
    }
    html.close("article")
  }

  private func writeSchemaErrors(into html: inout HTMLWriter) {
    for group in SchemaErrorGroup.allCases {
      // Identical messages at the same path are one finding, as the official report shows them.
      var order: [SchemaErrorKind] = []
      var byKind: [SchemaErrorKind: [ValidationReport.SchemaFinding]] = [:]
      for finding in report.schemaErrors where ValidationReport.group(of: finding.error) == group {
        let kind = SchemaErrorKind(finding.error)
        if byKind[kind] == nil { order.append(kind) }
        byKind[kind, default: []].append(finding)
      }
      guard !order.isEmpty else { continue }
      let count = { (kind: SchemaErrorKind) in byKind[kind]!.count + report.unlistedSchemaErrors[kind, default: 0] }
      html.element("h4", "Schema errors — \(group.rawValue) (\(NumberText.grouped(order.reduce(0) { $0 + count($1) })))")
      for kind in order {
        let findings = byKind[kind]!
        html.open(
          "div",
          [
            "class": "finding schema", "data-kind": "schema", "data-group": group.rawValue, "data-validator": kind.validator,
            "data-path": kind.pathNoNumber, "data-message": kind.message, "data-count": String(count(kind)),
          ])
        heading(kind.message, count: count(kind), code: "\(kind.validator) · \(kind.pathNoNumber)", into: &html)
        explain(kind.validator, into: &html)
        var rows: [PlaceRow] = []
        for finding in findings.prefix(ValidationSection.maxPlaces) {
          let value = finding.error.value.map { JSONWriter().string($0) } ?? ""
          let places = finding.places.isEmpty ? [finding.place] : finding.places
          for place in places {
            rows.append(PlaceRow(location: report.sources.resolve(place), value: value, path: finding.error.path))
          }
        }
        places(rows, total: count(kind), into: &html)
        html.close("div")
      }
    }
  }

  private func writeCodelistErrors(into html: inout HTMLWriter) {
    guard !report.codelistErrors.isEmpty else { return }
    let values = report.codelistErrors.reduce(0) { $0 + $1.values.count }
    html.element("h4", "Codelist errors (\(NumberText.grouped(values)))")
    for error in report.codelistErrors {
      html.open(
        "div",
        [
          "class": "finding codelist", "data-kind": "codelist", "data-path": error.path, "data-codelist": error.codelist,
          "data-count": String(error.values.count),
        ])
      heading("\(error.field) uses codes not in \(error.codelist)", count: error.values.count, code: "codelist · \(error.path)", into: &html)
      explain("codelist", into: &html)
      html.open("ul", ["class": "values"])
      for value in error.values { html.element("li", ["class": "value"], value) }
      html.close("ul")
      html.close("div")
    }
  }

  private func writeChecks(_ category: CheckCategory, title: String, into html: inout HTMLWriter) {
    // Most important first; checks of equal importance in the official order.
    let findings = report.checks(in: category).enumerated()
      .sorted { ($1.element.result.importance, $0.offset) < ($0.element.result.importance, $1.offset) }
      .map(\.element)
    let silenced = report.officialWouldSilence[category] ?? false
    guard !findings.isEmpty || silenced else { return }
    html.element("h4", "\(title) (\(findings.count))")
    if silenced {
      html.element(
        "p", ["class": "note"],
        "The official Data Quality Tool would hide every \(category == .quality ? "accuracy" : "usefulness") check for this file, because one grant makes a check fail; giving skips only that grant for that check.")
    }
    for finding in findings {
      let r = finding.result
      html.open(
        "div",
        [
          "class": "finding check", "data-kind": "check", "data-type": r.type, "data-importance": String(r.importance),
          "data-count": String(r.count), "data-places": String(finding.occurrenceCount),
        ])
      // Some checks count nothing of their own (their heading says what they found): their places then.
      heading(r.heading, count: r.count > 0 ? r.count : finding.occurrenceCount, code: "\(r.type) · \(r.topic)" + (r.importance > 0 ? " · importance \(r.importance)" : ""), into: &html)
      html.element("p", ["class": "message"], r.message)
      if r.skippedGrants > 0 {
        html.element("p", ["class": "note"], "\(r.skippedGrants) grants skipped: the check cannot apply to them.")
      }
      explain(r.type, into: &html)
      let rows = finding.occurrences.prefix(ValidationSection.maxPlaces).map { occurrence in
        PlaceRow(location: report.sources.resolve(occurrence.place), value: "", path: report.path(of: occurrence))
      }
      places(rows, total: finding.occurrenceCount, into: &html)
      html.close("div")
    }
  }

  private func heading(_ text: String, count: Int, code: String, into html: inout HTMLWriter) {
    html.open("h5")
    html.text(text + " ")
    html.element("span", ["class": "count"], "×" + NumberText.grouped(count))
    html.close("h5")
    html.element("p", ["class": "code"], code)
  }

  private func explain(_ code: String, into html: inout HTMLWriter) {
    guard let text = section.explanation(code) else { return }
    html.open("details", ["class": "explanation", "data-code": code])
    html.element("summary", "What this means and how to fix it")
    html.element("pre", text)
    html.close("details")
  }

  /// One row of a finding's places table.
  struct PlaceRow {
    var location: SourceLocation?
    var value: String
    var path: String
  }

  private func places(_ rows: [PlaceRow], total: Int, into html: inout HTMLWriter) {
    guard !rows.isEmpty else { return }
    html.open("details", rows.count <= 10 ? ["class": "places", "open": ""] : ["class": "places"])
    html.element("summary", "\(NumberText.grouped(total)) place\(total == 1 ? "" : "s")" + (total > rows.count ? " (the first \(NumberText.grouped(rows.count)) listed)" : ""))
    // A JSON file's places also give the value's JSON pointer (a one-line file's columns say little).
    let hasPointers = rows.contains { $0.location?.pointer != nil }
    html.raw("<table><thead><tr><th scope=\"col\">File</th><th scope=\"col\">Sheet</th><th scope=\"col\">Cell or line</th>")
    if hasPointers { html.raw("<th scope=\"col\">JSON pointer</th>") }
    html.raw("<th scope=\"col\">Heading</th><th scope=\"col\">Value</th><th scope=\"col\">Path</th></tr></thead><tbody>")
    for row in rows {
      html.raw("<tr class=\"place\">")
      let location = row.location
      html.element("td", location.map { section.display($0.file) } ?? "")
      html.element("td", location?.sheet ?? "")
      html.element("td", location.map(Self.cell) ?? "")
      if hasPointers { html.element("td", ["class": "pointer"], location?.pointer ?? "") }
      html.element("td", location?.heading ?? "")
      html.element("td", row.value.count > 200 ? String(row.value.prefix(199)) + "…" : row.value)
      html.element("td", row.path)
      html.raw("</tr>")
    }
    html.raw("</tbody></table>")
    if total > rows.count {
      html.element("p", ["class": "more", "data-unlisted": String(total - rows.count)], "… and \(NumberText.grouped(total - rows.count)) more.")
    }
    html.close("details")
  }

  /// Where in the file: `E2` (a cell), `row 5`, or `line 3, column 7` (JSON and XML).
  static func cell(_ location: SourceLocation) -> String {
    if let line = location.line { return location.column.map { "line \(line), column \($0)" } ?? "line \(line)" }
    if let letter = location.columnLetter, let row = location.row { return "\(letter)\(row)" }
    if let row = location.row { return "row \(row)" }
    return ""
  }
}
