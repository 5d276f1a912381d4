internal import Foundation
internal import GivingKit

/// Prints a validation report for people, grouped like the official report: schema errors
/// (required / format / other), codelist errors, accuracy checks, usefulness checks.
struct ValidationPrinter {
  let terminal: Terminal
  /// Locations listed per kind of finding (`nil`: all).
  let maxLocations: Int?

  /// After the reports of several files: one line that adds them up, then a line per file
  /// with its verdict.
  func printTotals(_ verdicts: [ValidationVerdict], totals: ValidationTotals) {
    let t = terminal
    t.line(
      t.styled("\(English.count(totals.files, "file")): ", .bold)
        + "\(totals.valid) valid, \(totals.invalid) invalid, \(totals.unreadable) unreadable; "
        + "\(English.count(totals.grants, "grant")) in all")
    for verdict in verdicts {
      if !verdict.isReadable {
        t.line("  " + t.styled("✘ ", .red) + verdict.file + ": cannot be read")
      } else if verdict.isValid {
        t.line("  " + t.styled("✔ ", .green) + verdict.file + ": " + English.count(verdict.grants, "grant"))
      } else {
        t.line(
          "  " + t.styled("✘ ", .red) + verdict.file + ": " + English.count(verdict.grants, "grant") + ", "
            + English.count(verdict.schemaErrorCount, "schema error"))
      }
    }
  }

  /// The ids that grants of different files share, each with its first copy in every file.
  func printCrossFileDuplicates(_ duplicates: [CrossFeedDuplicate], count: Int) {
    guard count > 0 else { return }
    let t = terminal
    t.line()
    t.line(
      t.styled("Identifiers in more than one file (\(count))", .bold)
        + " — the same grant published twice, or two grants given one Identifier")
    for duplicate in duplicates.prefix(maxLocations ?? Int.max) {
      t.line("  " + t.styled("!", .yellow) + " \(duplicate.id)")
      for copy in duplicate.copies { t.line("      " + copy.description) }
    }
    let shown = min(duplicates.count, maxLocations ?? Int.max)
    if count > shown {
      t.line(t.styled("  … and \(count - shown) more (--all lists every one)", .dim))
    }
  }

  func print(_ report: ValidationReport) {
    let t = terminal
    let format = [report.format?.rawValue, report.encoding].compactMap { $0 }.joined(separator: ", ")
    if let error = report.error {
      t.line(t.styled("✘ ", .red) + t.styled(report.file, .bold) + (format.isEmpty ? "" : " (\(format))"))
      t.line("  cannot be read: \(error.description)")
      t.line()
      return
    }
    let verdict: String
    if report.isValid && report.codelistErrors.isEmpty {
      verdict = t.styled("✔ valid", .green)
    } else if report.isValid {
      verdict = t.styled("✔ valid against the schema, but with codelist errors", .yellow)
    } else {
      verdict = t.styled("✘ invalid", .red)
    }
    t.line(t.styled(report.file, .bold) + " (\(format)): \(report.grants) grant\(report.grants == 1 ? "" : "s") — \(verdict)")
    let codelistValues = report.codelistErrors.reduce(0) { $0 + $1.values.count }
    t.line(
      "  \(report.schemaErrorCount) schema error\(report.schemaErrorCount == 1 ? "" : "s"), "
        + "\(codelistValues) codelist error\(codelistValues == 1 ? "" : "s"), "
        + "\(report.checks(in: .quality).count) accuracy and \(report.checks(in: .usefulness).count) usefulness notices")

    printSchemaErrors(report)
    if !report.codelistErrors.isEmpty {
      t.line()
      t.line(t.styled("Codelist errors (\(codelistValues))", .bold))
      for c in report.codelistErrors {
        t.line("  \(c.field) (\(c.path)) uses codes not in \(c.codelist): " + c.values.map { "'\($0)'" }.joined(separator: ", "))
      }
    }
    printChecks(report, category: .quality, title: "Accuracy checks")
    printChecks(report, category: .usefulness, title: "Usefulness checks")
    if !report.additionalFields.isEmpty {
      t.line()
      t.line(t.styled("Additional fields (\(report.additionalFieldsCount)) — not in the schema, kept as they are", .bold))
      for field in report.additionalFields {
        let parent = field.parentPath.isEmpty ? "" : "\(field.parentPath)/"
        t.line("  \(parent)\(field.field) ×\(field.count)")
      }
    }
    if !report.conversionWarnings.isEmpty {
      t.line()
      t.line(t.styled("Conversion warnings (\(report.conversionWarnings.count))", .bold))
      for warning in report.conversionWarnings.prefix(maxLocations ?? Int.max) {
        t.line("  " + warning.description)
      }
      if let maxLocations, report.conversionWarnings.count > maxLocations {
        t.line(t.styled("  … and \(report.conversionWarnings.count - maxLocations) more (--all lists every one)", .dim))
      }
    }
    t.line()
  }

  private func printSchemaErrors(_ report: ValidationReport) {
    let t = terminal
    for group in SchemaErrorGroup.allCases {
      let findings = report.schemaErrors.filter { ValidationReport.group(of: $0.error) == group }
      guard !findings.isEmpty else { continue }
      // Identical messages at the same path together, as the official report groups them.
      var order: [SchemaErrorKind] = []
      var byKind: [SchemaErrorKind: [ValidationReport.SchemaFinding]] = [:]
      for finding in findings {
        let kind = SchemaErrorKind(finding.error)
        if byKind[kind] == nil { order.append(kind) }
        byKind[kind, default: []].append(finding)
      }
      let count = { (kind: SchemaErrorKind) in byKind[kind]!.count + report.unlistedSchemaErrors[kind, default: 0] }
      t.line()
      t.line(t.styled("Schema errors — \(group.rawValue) (\(order.reduce(0) { $0 + count($1) }))", .bold))
      for kind in order {
        let items = byKind[kind]!
        let e = items[0].error
        let total = count(kind)
        t.line("  " + t.styled("✘", .red) + " \(e.message)  " + t.styled("[\(e.validator)] \(e.pathNoNumber) ×\(total)", .dim))
        let listed = items.prefix(maxLocations ?? Int.max)
        for finding in listed {
          var text = report.location(of: finding)?.description ?? finding.error.path
          if finding.places.count > 1 {
            text = finding.places.compactMap { report.sources.resolve($0)?.description }.joined(separator: ", ")
          }
          if let value = finding.error.value, !value.isNull || e.validator == "type" {
            text += "  value: " + JSONWriter().string(value).prefix(80)
          }
          t.line("      " + text)
        }
        if total > listed.count {
          t.line(t.styled("      … and \(total - listed.count) more (--all lists every one)", .dim))
        }
      }
    }
  }

  private func printChecks(_ report: ValidationReport, category: CheckCategory, title: String) {
    let findings = report.checks(in: category)
    let t = terminal
    let silenced = report.officialWouldSilence[category] ?? false
    guard !findings.isEmpty || silenced else { return }
    t.line()
    t.line(t.styled("\(title) (\(findings.count))", .bold))
    if silenced {
      t.line(
        t.styled(
          "  note: the official Data Quality Tool would hide every \(category == .quality ? "accuracy" : "usefulness") check for this file because one grant makes a check fail; giving skips only that grant for that check",
          .dim))
    }
    for finding in findings {
      let r = finding.result
      let mark = category == .quality ? t.styled("!", .yellow) : t.styled("i", .cyan)
      t.line("  \(mark) \(r.heading)  " + t.styled("[\(r.type)]", .dim))
      if r.skippedGrants > 0 {
        t.line(t.styled("      (\(r.skippedGrants) grant\(r.skippedGrants == 1 ? "" : "s") skipped: the check cannot apply to them)", .dim))
      }
      for occurrence in finding.occurrences.prefix(maxLocations ?? Int.max) {
        t.line("      " + (report.sources.resolve(occurrence.place)?.description ?? report.path(of: occurrence)))
      }
      if let maxLocations, finding.occurrenceCount > maxLocations {
        t.line(t.styled("      … and \(finding.occurrenceCount - maxLocations) more (--all lists every one)", .dim))
      }
    }
  }
}
