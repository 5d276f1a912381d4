import Foundation
import GivingKit
import GivingTestSupport
import Testing

/// `docs/checks.md` is generated from the check registry; this test fails when the committed
/// file differs, and rewrites it when run with `RECORD_DOCS=1`.
@Suite struct ChecksDocTests {
  static func markdown() -> String {
    var out = """
      <!-- generated — do not edit: written by Tests/GivingKitTests/Checks/ChecksDocTests.swift (RECORD_DOCS=1 swift test --filter ChecksDocTests) -->

      # The additional checks

      `giving` runs the 36 additional checks of the 360Giving Data Quality Tool (lib360dataquality),
      with their official names, headings and messages. Headings read `<n> grants <verb> <heading>`:
      checks marked *count* show the raw count; the others show a count up to 5, else a rounded
      percentage of the relevant grants (all grants, grants to organisations, or grants to individuals).

      One deliberate difference: when a grant makes the official engine raise (e.g. a grant without
      `id`), the official tool hides every check of that class for the whole file; `giving` skips that
      grant for that check only and reports how many grants it skipped.

      Explain any check with `giving explain <name>`.


      """
    for category in CheckCategory.allCases {
      out += "## \(category == .quality ? "Accuracy" : "Usefulness") checks\n\n"
      out += "| Check | Topic | Importance | Over | Counts | Heading |\n|---|---|---|---|---|---|\n"
      for check in GrantChecks.all where check.category == category {
        let over: String
        switch check.relevance {
        case .any: over = "all grants"
        case .recipientOrganisation: over = "grants to organisations"
        case .recipientIndividual: over = "grants to individuals"
        }
        let fileLevel = check.heading.contains("{}")
        let counts = fileLevel ? "0 (distinct ids in heading)" : "\(check.countStyle == .raw ? "count" : "count or %") of \(check.countUnit)s"
        let heading = fileLevel ? check.heading.replacingOccurrences(of: "{}", with: "<n>") : "\(check.verb.rawValue) \(check.heading)"
        out += "| [\(check.id)](#\(check.id.lowercased())) | \(check.topic) | \(check.importance) | \(over) | \(counts) | \(heading) |\n"
      }
      out += "\n"
      for check in GrantChecks.all where check.category == category {
        out += "### \(check.id)\n\n\(check.summary)\n\n**Official message:** \(check.message)\n\n**How to fix:** \(check.fix)\n\n"
      }
    }
    return out
  }

  @Test func docsChecksMatchesTheRegistry() throws {
    let url = FixturePaths.root.appendingPathComponent("docs/checks.md")
    let generated = Self.markdown()
    if ProcessInfo.processInfo.environment["RECORD_DOCS"] == "1" {
      try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
      try Data(generated.utf8).write(to: url)
    }
    let committed = try String(contentsOf: url, encoding: .utf8)
    #expect(committed == generated, "docs/checks.md is out of date: run RECORD_DOCS=1 swift test --filter ChecksDocTests")
  }
}
