public import Foundation

extension Decimal {
  /// The value rounded to `scale` decimal places (half away from zero).
  func rounded(_ scale: Int) -> Decimal {
    var input = self
    var output = Decimal()
    NSDecimalRound(&output, &input, scale, .plain)
    return output
  }
}

extension AggregationResult {
  /// Money as text: exact, or rounded to the penny where a grant was split between places.
  public static func moneyText(_ value: Decimal, split: Bool) -> String { money(value, split: split) }

  static func money(_ value: Decimal, split: Bool) -> String {
    (split ? value.rounded(2) : value).description
  }

  /// A count of grants: whole, or to 6 decimal places when grants were split.
  static func count(_ value: Decimal) -> JSONValue {
    .number(JSONNumber(text: value.rounded(6).description))
  }

  private func keyObject(_ group: AggregateGroup) -> JSONValue {
    var object = JSONObject()
    for (key, value) in zip(keys, group.key) {
      switch value {
      case .text(let s): object.append(key.rawValue, .string(s))
      case .titled(let code, let title):
        object.append(key.rawValue, .string(code))
        object.append(key.rawValue + "-title", .string(title))
      case .decile(let nation, let index, let decile):
        object.append("nation", .string(nation.rawValue))
        object.append("index", .string(index))
        object.append("decile", .number(JSONNumber(decile)))
      }
    }
    return .object(object)
  }

  /// The result in the documented JSON shape (see `docs/aggregate.md`).
  public var jsonValue: JSONValue {
    var root = JSONObject()
    root.append("keys", .array(keys.map { .string($0.rawValue) }))
    root.append(
      "groups",
      .array(
        groups.map { g in
          var o = JSONObject()
          o.append("key", keyObject(g))
          o.append("currency", .string(g.currency))
          o.append("grants", Self.count(g.grants))
          o.append("total", .string(Self.money(g.total, split: g.split)))
          o.append("mean", .string(g.mean.rounded(2).description))
          o.append("median", .string(Self.money(g.median, split: g.split)))
          o.append("min", .string(Self.money(g.minimum, split: g.split)))
          o.append("max", .string(Self.money(g.maximum, split: g.split)))
          o.append("recipients", .number(JSONNumber(g.recipients)))
          o.append("funders", .number(JSONNumber(g.funders)))
          o.append("share", .string(g.share.rounded(6).description))
          if let p = g.population { o.append("population", .number(JSONNumber(Int(p)))) }
          if let p = g.perHead { o.append("perHead", .string(p.rounded(4).description)) }
          if let r = g.relativeShare { o.append("relativeShare", .string(r.rounded(4).description)) }
          if let n = g.recipientsWithIncome {
            o.append("recipientsWithIncome", .number(JSONNumber(n)))
            o.append("recipientIncomeMean", g.recipientIncomeMean.map { .string($0.description) } ?? .null)
            o.append("recipientIncomeMedian", g.recipientIncomeMedian.map { .string($0.description) } ?? .null)
          }
          return .object(o)
        }))
    root.append(
      "excluded",
      .array(
        excluded.map { e in
          var o = JSONObject()
          o.append("reason", .string(e.reason))
          o.append("id", e.id.map { .string($0) } ?? .null)
          o.append("location", e.location.map { .string($0.description) } ?? .null)
          return .object(o)
        }))
    var counts = JSONObject()
    for (reason, n) in excludedCounts.sorted(by: { $0.key < $1.key }) { counts.append(reason, .number(JSONNumber(n))) }
    root.append("excludedCounts", .object(counts))
    root.append(
      "duplicates",
      .array(
        duplicates.map { d in
          var o = JSONObject()
          o.append("id", .string(d.id))
          o.append("copies", .number(JSONNumber(d.copies)))
          o.append("conflictingAmounts", .bool(d.conflictingAmounts))
          o.append("firstFile", .string(d.firstFile))
          o.append("locations", .array(d.locations.map { .string($0.description) }))
          return .object(o)
        }))
    if keys.contains(where: \.isPlace) {
      root.append(
        "notAttributable",
        .array(
          notAttributable.map { n in
            var o = JSONObject()
            o.append("currency", .string(n.currency))
            o.append("grants", Self.count(n.grants))
            o.append("total", .string(n.total.rounded(2).description))
            o.append(
              "reasons",
              .array(
                n.reasons.map { r in
                  .object(
                    JSONObject([
                      .init(key: "reason", value: .string(r.reason)),
                      .init(key: "grants", value: Self.count(r.grants)),
                      .init(key: "total", value: .string(r.total.rounded(2).description)),
                    ]))
                }))
            return .object(o)
          }))
      var unknown = JSONObject()
      for (code, n) in unknownAreas.sorted(by: { $0.key < $1.key }) { unknown.append(code, .number(JSONNumber(n))) }
      root.append("unknownAreas", .object(unknown))
    }
    if !placeSources.isEmpty {
      var sources = JSONObject()
      for s in PlaceSource.allCases { sources.append(s.rawValue, .number(JSONNumber(placeSources[s] ?? 0))) }
      root.append("placeSources", .object(sources))
    }
    root.append("grantsRead", .number(JSONNumber(grantsRead)))
    root.append("grantsCounted", .number(JSONNumber(grantsCounted)))
    root.append("grantsExcluded", .number(JSONNumber(grantsExcluded)))
    root.append("duplicateCopies", .number(JSONNumber(duplicateCopies)))
    root.append("grantsFilteredOut", .number(JSONNumber(grantsFilteredOut)))
    if !unmatchedSelectors.isEmpty { root.append("unmatchedSelectors", .array(unmatchedSelectors.map { .string($0) })) }
    if let n = recipientsInRegisters { root.append("recipientsInRegisters", .number(JSONNumber(n))) }
    if let n = recipientsLinked { root.append("recipientsLinked", .number(JSONNumber(n))) }
    if let englishIndex { root.append("englishIndex", .string(englishIndex.rawValue)) }
    if keys.contains(.imdDecile) { root.append("note", .string(deprivationCaveat)) }
    if let attribution { root.append("attribution", .string(attribution)) }
    return .object(root)
  }

  /// Column headings and rows of text for the table and CSV forms.
  public var rows: (headings: [String], rows: [[String]]) {
    var headings: [String] = []
    for key in keys {
      switch key {
      case .imdDecile: headings += ["nation", "index", "decile"]
      case .classification: headings += [key.rawValue, key.rawValue + "-title"]
      default: headings.append(key.rawValue)
      }
    }
    // Every group is of one currency: a column of its own unless `currency` is a key already.
    let currencyColumn = !keys.contains(.currency)
    if currencyColumn { headings.append("currency") }
    headings += ["grants", "total", "mean", "median", "min", "max", "recipients", "funders", "share"]
    let deprivation = keys.contains(.imdDecile)
    if deprivation { headings += ["population", "perHead", "relativeShare"] }
    let registers = groups.contains { $0.recipientsWithIncome != nil }
    if registers { headings += ["recipientsWithIncome", "recipientIncomeMean", "recipientIncomeMedian"] }
    let rows = groups.map { g -> [String] in
      var row: [String] = []
      for v in g.key {
        switch v {
        case .text(let s): row.append(s)
        case .titled(let code, let title): row += [code, title]
        case .decile(let nation, let index, let decile): row += [nation.rawValue, index, String(decile)]
        }
      }
      if currencyColumn { row.append(g.currency) }
      row += [
        g.grants.rounded(6).description, Self.money(g.total, split: g.split), g.mean.rounded(2).description,
        Self.money(g.median, split: g.split), Self.money(g.minimum, split: g.split),
        Self.money(g.maximum, split: g.split), String(g.recipients), String(g.funders),
        g.share.rounded(6).description,
      ]
      if deprivation {
        row += [
          g.population.map(String.init) ?? "", g.perHead.map { $0.rounded(4).description } ?? "",
          g.relativeShare.map { $0.rounded(4).description } ?? "",
        ]
      }
      if registers {
        row += [
          g.recipientsWithIncome.map(String.init) ?? "", g.recipientIncomeMean?.description ?? "",
          g.recipientIncomeMedian?.description ?? "",
        ]
      }
      return row
    }
    return (headings, rows)
  }

  /// Lines reported after the table: exclusions, duplicates, unattributed money, attribution.
  public var notes: [String] {
    var lines: [String] = []
    for (reason, n) in excludedCounts.sorted(by: { $0.key < $1.key }) {
      lines.append("excluded: \(n) grant\(n == 1 ? "" : "s"): \(reason)")
    }
    for e in excluded.prefix(20) {
      lines.append("  \(e.location?.description ?? "?"): '\(e.id ?? "")': \(e.reason)")
    }
    if !duplicates.isEmpty {
      let conflicting = duplicates.filter(\.conflictingAmounts).count
      lines.append(
        "duplicates: \(duplicates.count) identifier\(duplicates.count == 1 ? "" : "s") seen more than once (counted once), \(conflicting) with conflicting amounts"
      )
      for d in duplicates.prefix(20) {
        lines.append(
          "  '\(d.id)' \(d.copies) copies\(d.conflictingAmounts ? ", conflicting amounts" : ""): first in \(d.firstFile)\(d.locations.isEmpty ? "" : "; again at " + d.locations.map(\.description).joined(separator: ", "))"
        )
      }
    }
    for n in notAttributable {
      lines.append("not attributable (\(n.currency)): \(Self.count(n.grants).numberValue?.text ?? "") grants, \(n.total.rounded(2))")
      for r in n.reasons {
        lines.append("  \(r.reason): \(Self.count(r.grants).numberValue?.text ?? "") grants, \(r.total.rounded(2))")
      }
    }
    if !unknownAreas.isEmpty {
      lines.append(
        "unknown area codes: " + unknownAreas.sorted { $0.key < $1.key }.map { "'\($0.key)' (\($0.value))" }.joined(separator: ", "))
    }
    if !placeSources.isEmpty {
      lines.append(
        "place sources: " + PlaceSource.allCases.map { "\($0.rawValue) \(placeSources[$0] ?? 0)" }.joined(separator: ", "))
    }
    if let n = recipientsInRegisters { lines.append("recipient organisations found in the registers: \(n)") }
    if let n = recipientsLinked {
      lines.append("selected recipients linked to another identifier of theirs through the registers: \(n)")
    }
    if keys.contains(.imdDecile) { lines.append(deprivationCaveat) }
    if let attribution { lines.append(attribution) }
    return lines
  }
}

extension AggregationResult: TabularResult {}
