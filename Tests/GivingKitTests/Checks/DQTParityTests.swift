import Foundation
import GivingKit
import GivingTestSupport
import Testing

/// Runs the checks and the summary over every real file the official Data Quality Tool read, and
/// compares with what it reported (`Fixtures/dqt-oracle/results-now-2026-11-25.json`).
@Suite struct DQTParityTests {
  /// The file extensions compared: every format the official tool reads.
  static let formats: Set<String> = ["json", "csv", "txt", "xlsx", "ods"]
  static let now = CheckDate(year: 2026, month: 11, day: 25)

  struct OracleEntry {
    var file: String
    var json: JSONValue
  }

  static func oracle() throws -> [OracleEntry] {
    let json = try JSONValue(contentsOf: OfficialResults.url)
    return (json.arrayValue ?? []).compactMap { entry in
      // Files the official tool refused (over 50,000 rows, an unknown format) have no
      // checks or summary to compare; ValidationParityTests covers what giving does with them.
      guard let file = entry["file"]?.stringValue, entry["error"] == nil, entry["fatal"] == nil,
        formats.contains(URL(fileURLWithPath: file).pathExtension.lowercased())
      else { return nil }
      return OracleEntry(file: file, json: entry)
    }
  }

  static func stripTags(_ html: String) -> String {
    var out = ""
    var inTag = false
    for c in html {
      if c == "<" { inTag = true } else if c == ">" { inTag = false } else if !inTag { out.append(c) }
    }
    return out
  }

  static func text(_ v: JSONValue) -> String {
    switch v {
    case .number(let n): n.decimal.map { "\($0)" } ?? n.text
    case .string(let s): s
    case .null: "null"
    case .bool(let b): "\(b)"
    default: "\(v)"
    }
  }

  static func int(_ v: JSONValue?) -> Int? { v?.numberValue.flatMap { Int($0.text) } }

  @Test func checksAndSummaryAgreeWithTheOfficialTool() throws {
    let entries = try Self.oracle()
    #expect(entries.count >= 10)
    var compared = 0
    var matched = 0
    var silencedAgree = 0
    var silencedTotal = 0
    var summariesMatched = 0
    for entry in entries {
      let feed = try GrantFeed(paths: [FixturePaths.url("real/\(entry.file)").path])
      let runner = CheckRunner(now: Self.now)
      var builder = GrantsSummary.Builder()
      _ = try feed.read { grant in
        runner.process(grant)
        builder.add(grant)
      }
      let results = runner.results()
      for (category, key) in [(CheckCategory.quality, "quality_accuracy"), (.usefulness, "usefulness")] {
        let errored = entry.json["\(key)_errored"]?.boolValue ?? false
        silencedTotal += 1
        if errored == (runner.officialWouldSilence[category] ?? false) {
          silencedAgree += 1
        } else {
          Issue.record("\(entry.file): official \(key) errored=\(errored), giving predicts \(!errored)")
        }
        guard !errored else { continue }
        let official = entry.json["\(key)_checks"]?.arrayValue ?? []
        let ours = results.filter { $0.category == category }
        compared += official.count
        for check in official {
          guard let type = check["type"]?.stringValue else { continue }
          guard let mine = ours.first(where: { $0.type == type }) else {
            Issue.record("\(entry.file): giving misses \(type)")
            continue
          }
          var ok = true
          if mine.count != Self.int(check["count"]) {
            Issue.record("\(entry.file): \(type) count \(mine.count), official \(check["count"].map(Self.text) ?? "?")")
            ok = false
          }
          let heading = Self.stripTags(check["heading"]?.stringValue ?? "")
          if mine.heading != heading {
            Issue.record("\(entry.file): \(type) heading '\(mine.heading)', official '\(heading)'")
            ok = false
          }
          if let p = check["percentage"]?.numberValue?.double, abs(p - mine.percentage) > 0.0001 {
            Issue.record("\(entry.file): \(type) percentage \(mine.percentage), official \(p)")
            ok = false
          }
          let locations = (check["json_locations"]?.arrayValue ?? []).compactMap(\.stringValue)
          if !Set(locations).isSubset(of: Set(mine.jsonLocations)) {
            Issue.record("\(entry.file): \(type) locations \(mine.jsonLocations.prefix(5)), official \(locations)")
            ok = false
          }
          if ok { matched += 1 }
        }
        let differences = OfficialResults.checkDifferences[entry.file] ?? []
        for extra in ours where !official.contains(where: { $0["type"]?.stringValue == extra.type }) {
          if differences.contains(extra.type) { continue }
          Issue.record("\(entry.file): giving reports \(extra.type) (\(extra.count)) which the official tool does not")
        }
      }
      // A difference kept on purpose is what giving really does.
      for type in OfficialResults.checkDifferences[entry.file] ?? [] {
        #expect(results.contains { $0.type == type && $0.count > 0 }, "\(entry.file): giving reports \(type)")
      }
      if compareSummary(builder.summary(file: entry.file), entry.json["grants_aggregates"], file: entry.file) {
        summariesMatched += 1
      }
    }
    print(
      "DQT parity: \(matched)/\(compared) official findings matched (type, count, heading, percentage, locations); "
        + "class silencing predicted \(silencedAgree)/\(silencedTotal); summaries matched \(summariesMatched)/\(entries.count) "
        + "over \(entries.count) files")
    #expect(matched == compared)
    #expect(summariesMatched == entries.count)
  }

  /// Compares every field of `get_grants_aggregates`; records issues, returns whether all agree.
  func compareSummary(_ s: GrantsSummary, _ official: JSONValue?, file: String) -> Bool {
    guard let official, official["count"]?.isNull == false else {
      if !s.officialWouldFail { Issue.record("\(file): the official aggregates failed, giving predicts success") }
      return s.officialWouldFail
    }
    var problems: [String] = []
    func check(_ name: String, _ ours: String, _ theirs: String) {
      if ours != theirs { problems.append("\(name): giving \(ours), official \(theirs)") }
    }
    func dict(_ v: JSONValue?) -> [String: String] {
      var out: [String: String] = [:]
      for m in v?.objectValue?.members ?? [] { out[m.key] = Self.text(m.value) }
      return out
    }
    func ints(_ d: [String: Int]) -> [String: String] { d.mapValues(String.init) }
    check("count", "\(s.grants)", "\(official["count"].map(Self.text) ?? "")")
    check("id_count", "\(s.grantsWithId)", "\(official["id_count"].map(Self.text) ?? "")")
    check("duplicate_ids", "\(s.duplicateIds)", "\((official["duplicate_ids"]?.arrayValue ?? []).compactMap(\.stringValue).sorted())")
    check("min_award_date", s.awardDates.min, official["min_award_date"]?.stringValue ?? "")
    check("max_award_date", s.awardDates.max, official["max_award_date"]?.stringValue ?? "")
    check("award_years", "\(ints(s.awardYears).sorted(by: <))", "\(dict(official["award_years"]).sorted(by: <))")
    check("recipient_individuals_count", "\(s.recipientIndividuals)", "\(official["recipient_individuals_count"].map(Self.text) ?? "")")
    check("distinct_funding_org_identifier", "\(s.fundingOrgIds)",
      "\((official["distinct_funding_org_identifier"]?.arrayValue ?? []).compactMap(\.stringValue).sorted())")
    check("distinct_recipient_org_identifier_count", "\(s.recipients)",
      "\(official["distinct_recipient_org_identifier_count"].map(Self.text) ?? "")")
    check("recipient_org_identifier_prefixes", "\(ints(s.recipientPrefixes.recognised).sorted(by: <))",
      "\(dict(official["recipient_org_identifier_prefixes"]).sorted(by: <))")
    check("recipient_org_identifiers_unrecognised_prefixes", "\(ints(s.recipientPrefixes.unrecognised).sorted(by: <))",
      "\(dict(official["recipient_org_identifiers_unrecognised_prefixes"]).sorted(by: <))")
    check("funding_org_identifier_prefixes", "\(ints(s.funderPrefixes.recognised).sorted(by: <))",
      "\(dict(official["funding_org_identifier_prefixes"]).sorted(by: <))")
    check("funding_org_identifiers_unrecognised_prefixes", "\(ints(s.funderPrefixes.unrecognised).sorted(by: <))",
      "\(dict(official["funding_org_identifiers_unrecognised_prefixes"]).sorted(by: <))")
    // The oracle's JSON went through `float` (libcove's decimal_default), so money is compared as Double.
    func money(_ v: JSONValue?) -> String { v.flatMap { $0.numberValue?.double }.map { "\($0)" } ?? "" }
    func money(_ d: Decimal) -> String { Double("\(d)").map { "\($0)" } ?? "" }
    var currencies: [String: String] = [:]
    for m in official["currencies"]?.objectValue?.members ?? [] {
      let key = m.key == "null" ? "None" : m.key
      let v = m.value
      currencies[key] = "\(v["count"].map(Self.text) ?? "") \(money(v["total_amount"])) \(money(v["min_amount"])) \(money(v["max_amount"]))"
    }
    let ours = s.currencies.mapValues { "\($0.grants) \(money($0.total)) \(money($0.min)) \(money($0.max))" }
    check("currencies", "\(ours.sorted(by: <))", "\(currencies.sorted(by: <))")
    for p in problems { Issue.record("\(file): summary \(p)") }
    return problems.isEmpty
  }
}
