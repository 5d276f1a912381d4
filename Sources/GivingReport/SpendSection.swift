public import Foundation
public import GivingKit

/// The spend section of the report: per currency, the total by award year, the 20 largest
/// funders and recipients (the rest as one bar), and the spend in each deprivation decile of
/// each nation beside the decile's share of the nation's population, with the money no decile
/// can be given and the attribution of the indices.
///
/// Every bar is a group of an ``AggregationResult`` (what `giving aggregate --by year`, `funder`,
/// `recipient` and `imd-decile` give for the same filters), and carries its exact total in `data-value`.
public struct SpendSection: Sendable {
  public var byYear: AggregationResult
  public var funders: Ranking
  public var recipients: Ranking
  public var byDecile: AggregationResult
  /// The population of each decile of each nation (index 0 = decile 1), as ``Geography/population(of:)`` gives it.
  public var populations: [Nation: [Int64]]
  /// Bars in the funder and recipient charts, before "all others".
  public static let topCount = 20

  public init(
    byYear: AggregationResult, funders: Ranking, recipients: Ranking, byDecile: AggregationResult,
    populations: [Nation: [Int64]]
  ) {
    self.byYear = byYear
    self.funders = funders
    self.recipients = recipients
    self.byDecile = byDecile
    self.populations = populations
  }

  /// The largest groups of a one-key run in each currency, largest first (ties by key), and
  /// the others added up as one bar: all a chart of the largest funders or recipients needs of
  /// a run that may have a group for each of a million recipients.
  public struct Ranking: Sendable {
    /// Per currency: at most ``SpendSection/topCount`` bars, then the others as one bar
    /// labelled `all others (N)`, if there are others.
    public var bars: [String: [MoneyBar]] = [:]

    public init(_ ranking: AggregationRanking) {
      for group in ranking.result.groups {
        bars[group.currency, default: []].append(
          MoneyBar(label: group.key[0].text, total: group.total, grants: group.grants, split: group.split))
      }
      for (currency, others) in ranking.others {
        bars[currency, default: []].append(
          MoneyBar(
            label: "all others (\(NumberText.grouped(others.groups)))", total: others.total, grants: others.grants,
            split: others.split))
      }
    }
  }

  /// One bar of a chart of totals.
  public struct MoneyBar: Sendable, Hashable {
    public var label: String
    public var total: Decimal
    public var grants: Decimal
    /// Whether some grant was split into it (its sums are rounded to the penny).
    public var split: Bool
  }

  /// The currencies, those with most grants first.
  var currencies: [String] {
    var grants: [String: Decimal] = [:]
    for group in byYear.groups { grants[group.currency, default: 0] += group.grants }
    return grants.sorted { ($1.value, $0.key) < ($0.value, $1.key) }.map(\.key)
  }

  public func write(into html: inout HTMLWriter) {
    html.openSection(
      id: "spend", title: "Spend",
      lead: "\(NumberText.grouped(byYear.grantsCounted)) grants counted of \(NumberText.grouped(byYear.grantsRead)) read (\(NumberText.grouped(byYear.duplicateCopies)) later copies of an identifier, \(NumberText.grouped(byYear.grantsExcluded)) without a usable amount, currency or date, \(NumberText.grouped(byYear.grantsFilteredOut)) left out by the filters). Money is never added across currencies.")
    if currencies.isEmpty { html.element("p", "No grant could be counted.") }
    for currency in currencies { write(currency: currency, into: &html) }
    html.open("p", ["class": "attribution"])
    html.text(byDecile.attribution ?? geographyAttribution)
    html.close("p")
    html.closeSection()
  }

  private func write(currency: String, into html: inout HTMLWriter) {
    html.open("div", ["class": "currency", "data-currency": currency])
    html.element("h3", currency)
    let years = byYear.groups.filter { $0.currency == currency }
    moneyChart(
      id: "year-\(currency)", title: "Total by award year, \(currency)", layout: .columns,
      bars: years.map { MoneyBar(label: $0.key[0].text, total: $0.total, grants: $0.grants, split: $0.split) },
      into: &html)
    for (ranking, name) in [(funders, "funders"), (recipients, "recipients")] {
      moneyChart(
        id: "\(name)-\(currency)", title: "The \(Self.topCount) largest \(name) by total, \(currency)", layout: .rows,
        bars: ranking.bars[currency] ?? [], into: &html)
    }
    writeDeprivation(currency: currency, into: &html)
    html.close("div")
  }

  /// A chart of totals, one bar per group.
  private func moneyChart(
    id: String, title: String, layout: BarChart.Layout, bars: [MoneyBar], into html: inout HTMLWriter
  ) {
    let chart = BarChart(
      id: id, title: title, layout: layout,
      bars: bars.map { bar in
        let exact = AggregationResult.moneyText(bar.total, split: bar.split)
        return BarChart.Bar(
          label: bar.label, length: NumberText.double(bar.total), reference: nil,
          data: ["data-key": bar.label, "data-value": exact],
          cells: [NumberText.grouped(exact), NumberText.grouped(Self.grantsText(bar.grants))])
      },
      columns: ["", "Total", "Grants"], barLegend: "total awarded", referenceLegend: nil, axisText: NumberText.short)
    chart.write(into: &html)
  }

  static func grantsText(_ grants: Decimal) -> String {
    var value = grants
    var rounded = Decimal()
    NSDecimalRound(&rounded, &value, 1, .plain)
    return rounded.description
  }

  private func writeDeprivation(currency: String, into html: inout HTMLWriter) {
    var nations: [Nation: [Int: AggregateGroup]] = [:]
    for group in byDecile.groups where group.currency == currency {
      if case .decile(let nation, _, let decile) = group.key[0] { nations[nation, default: [:]][decile] = group }
    }
    html.element("h4", "Spend by deprivation decile, \(currency)")
    html.element("p", ["class": "note"], deprivationCaveat + " Each dark bar is the decile's share of the money placed in the nation; the white bar beside it is the decile's share of the nation's population: a dark bar longer than its white one is more money than the decile's people would get in equal shares.")
    for nation in Nation.allCases.sorted() {
      guard let deciles = nations[nation], let index = deciles.values.first.map({ group -> String in
        if case .decile(_, let index, _) = group.key[0] { return index }
        return ""
      }) else { continue }
      let population = populations[nation] ?? []
      let nationPopulation = population.reduce(0, +)
      let bars = (1...10).map { decile -> BarChart.Bar in
        let group = deciles[decile]
        let share = group.map { NumberText.double($0.share) } ?? 0
        let people = population.indices.contains(decile - 1) && nationPopulation > 0
          ? Double(population[decile - 1]) / Double(nationPopulation) : 0
        let exact = group.map { AggregationResult.moneyText($0.total, split: $0.split) } ?? "0"
        return BarChart.Bar(
          label: String(decile), length: share, reference: people,
          data: ["data-key": "\(nation.rawValue) \(decile)", "data-value": exact],
          cells: [NumberText.grouped(exact), NumberText.percent(share), NumberText.percent(people)])
      }
      BarChart(
        id: "decile-\(nation.rawValue)-\(currency)", title: "\(nation.rawValue), \(index) deciles (1 = most deprived), \(currency)",
        layout: .columns, bars: bars, columns: ["Decile", "Total", "Share of the money", "Share of the population"],
        barLegend: "share of the money", referenceLegend: "share of the population", axisText: NumberText.percent
      ).write(into: &html)
    }
    if let missing = byDecile.notAttributable.first(where: { $0.currency == currency }) {
      html.open("table", ["class": "not-attributable", "data-currency": currency, "data-value": missing.total.description])
      html.element("caption", "Money no decile can be given, \(currency)")
      html.raw("<thead><tr><th scope=\"col\">Why</th><th scope=\"col\">Grants</th><th scope=\"col\">Total</th></tr></thead><tbody>")
      for reason in missing.reasons {
        html.open("tr")
        html.element("th", ["scope": "row"], reason.reason)
        html.element("td", NumberText.grouped(Self.grantsText(reason.grants)))
        html.element("td", NumberText.grouped(AggregationResult.moneyText(reason.total, split: true)))
        html.close("tr")
      }
      html.raw("</tbody></table>")
    }
  }
}
