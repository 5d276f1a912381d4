public import GivingKit
internal import Foundation

/// The summary section of the report: for each file, the numbers the Data Quality Tool's
/// summary shows (``GrantsSummary``), as a table.
public struct SummarySection: Sendable {
  public var summaries: [GrantsSummary]

  public init(summaries: [GrantsSummary]) { self.summaries = summaries }

  public func write(into html: inout HTMLWriter) {
    html.openSection(
      id: "summary", title: "Summary",
      lead: "Grants, identifiers, dates, money per currency (exact; zero amounts left out of the smallest) and the organisation identifier schemes of funders and recipients, per file.")
    if summaries.isEmpty { html.element("p", "No file could be read.") }
    for summary in summaries { write(summary, into: &html) }
    html.closeSection()
  }

  private func write(_ s: GrantsSummary, into html: inout HTMLWriter) {
    html.open(
      "article",
      ["class": "summary", "data-file": s.file ?? "", "data-grants": String(s.grants), "data-funders": String(s.funders), "data-recipients": String(s.recipients)])
    html.element("h3", s.file ?? "—")
    html.open("table", ["class": "facts"])
    func row(_ heading: String, _ value: String) {
      html.open("tr")
      html.element("th", ["scope": "row"], heading)
      html.element("td", value)
      html.close("tr")
    }
    row("Grants", "\(NumberText.grouped(s.grants)) (\(NumberText.grouped(s.grantsWithId)) with an identifier)")
    row("Duplicate identifiers", s.duplicateIds.isEmpty ? "none" : "\(NumberText.grouped(s.duplicateIds.count)): " + GrantsSummary.quotedList(s.duplicateIds, limit: 10))
    row("Funders", "\(NumberText.grouped(s.funders)) distinct identifiers")
    row("Recipients", "\(NumberText.grouped(s.recipients)) organisation identifiers; \(NumberText.grouped(s.recipientIndividuals)) grants to individuals")
    row("Award dates", s.awardDates.min.isEmpty ? "none" : "\(s.awardDates.min) to \(s.awardDates.max)")
    if !s.awardYears.isEmpty {
      row("Award years", s.awardYears.sorted { $0.key < $1.key }.map { "\($0.key): \(NumberText.grouped($0.value))" }.joined(separator: ", "))
    }
    row("Funder identifier schemes", s.funderPrefixes.text(limit: 10))
    row("Recipient identifier schemes", s.recipientPrefixes.text(limit: 10))
    html.close("table")

    html.open("table", ["class": "currencies"])
    html.raw("<caption>Money per currency</caption><thead><tr><th scope=\"col\">Currency</th><th scope=\"col\">Grants</th><th scope=\"col\">Total</th><th scope=\"col\">Smallest</th><th scope=\"col\">Largest</th></tr></thead><tbody>")
    for (code, c) in s.currencies.sorted(by: { $0.key < $1.key }) {
      html.open("tr", ["class": "currency", "data-currency": code, "data-total": c.total.description])
      html.element("th", ["scope": "row"], code == "None" ? "No currency" : code)
      html.element("td", NumberText.grouped(c.grants))
      html.element("td", NumberText.grouped(c.total.description))
      html.element("td", NumberText.grouped(c.min.description))
      html.element("td", NumberText.grouped(c.max.description))
      html.close("tr")
    }
    html.raw("</tbody></table>")
    if s.officialWouldFail {
      html.element("p", ["class": "note"], "The official Data Quality Tool would show no summary for this file: one of its grants makes the official calculation fail.")
    }
    html.close("article")
  }
}
