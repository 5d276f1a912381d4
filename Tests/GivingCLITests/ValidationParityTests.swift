import Foundation
import GivingKit
import GivingTestSupport
import Testing

/// `giving validate --format json --now 2026-11-25` against what the official Data Quality Tool
/// engine reported for the same files (`Fixtures/dqt-oracle/`): verdicts and refusals, grant
/// counts, schema-error counts per (validator, pathNoNumber), closed-codelist values, and check
/// types and counts wherever the official engine did not silence the class, each check with
/// its heading, topic, importance, percentage and first places.
@Suite(.serialized) struct ValidationParityTests {
  /// Formats whose files join the parity test (spreadsheets join when their readers do).
  static let formats: Set<String> = ["json", "csv", "txt", "xlsx", "ods"]

  struct OracleEntry: Sendable, CustomTestStringConvertible {
    var file: String
    var json: JSONValue
    var testDescription: String { file }
  }

  static let oracle: [OracleEntry] = {
    guard let value = try? JSONValue(contentsOf: OfficialResults.url),
      let entries = value.arrayValue
    else { return [] }
    return entries.compactMap { entry in
      guard let file = entry["file"]?.stringValue else { return nil }
      let ext = URL(fileURLWithPath: file).pathExtension.lowercased()
      return formats.contains(ext) ? OracleEntry(file: file, json: entry) : nil
    }
  }()

  /// Check results that differ on purpose (``OfficialResults/checkDifferences``).
  static let knownDifferences = OfficialResults.checkDifferences

  @Test func oracleIsPresent() {
    #expect(Self.oracle.count >= 20)
  }

  @Test(arguments: oracle)
  func agreesWithTheOfficialEngine(entry: OracleEntry) throws {
    let path = FixturePaths.url("real/" + entry.file).path
    let result = try runGiving(["validate", "--format", "json", "--now", "2026-11-25", path])
    let output = try JSONValue(parsing: Array(result.standardOutput.utf8))
    let report = try #require(output["files"]?.arrayValue?.first)
    let official = entry.json

    // Refusals: the official engine gives no grant count for files it cannot read.
    if official["fatal"]?.stringValue != nil && official["grants"]?.isNull != false {
      if official["fatal"]?.stringValue?.contains("maximum number of rows") == true
        || official["fatal"]?.stringValue?.contains("larger number of rows") == true
      {
        // A deliberate difference (docs/parity.md): giving reads workbooks over 50,000 rows.
        #expect(report["error"]?.isNull == true, "\(entry.file): \(report["error"] ?? .null)")
        return
      }
      #expect(report["error"]?.isNull == false, "\(entry.file) should be refused")
      #expect(result.status == 2)
      return
    }
    #expect(report["error"]?.isNull == true, "\(entry.file): \(report["error"] ?? .null)")
    #expect(report["grants"]?.numberValue?.decimal == official["grants"]?.numberValue?.decimal, "grant count")

    // Schema errors: the same number per (validator, pathNoNumber, message, header), and each
    // official example (up to 3 a group) as the first of giving's errors of that key, in order.
    // libcove also keys some errors by their value (a date's `oneOf`): its groups of one key
    // are joined here, their examples in order.
    let differences = Self.knownDifferences[entry.file] ?? []
    let keepsRepeatedSpaces = !differences.isEmpty
    var officialGroups: [[String]: (count: Int, examples: [JSONValue])] = [:]
    for group in official["validation_errors_grouped"]?.objectValue?.members ?? [] {
      for error in group.value.arrayValue ?? [] {
        let key = [error["validator"], error["path_no_number"], error["message"], error["header"]].map(Self.text)
        var joined = officialGroups[key] ?? (0, [])
        joined.count += Int(error["count"]?.numberValue?.text ?? "0") ?? 0
        joined.examples += error["examples"]?.arrayValue ?? []
        officialGroups[key] = joined
      }
    }
    var ourGroups: [[String]: [JSONValue]] = [:]
    for error in report["schemaErrors"]?.arrayValue ?? [] {
      var key = [error["validator"], error["pathNoNumber"], error["message"], error["field"]].map(Self.text)
      if keepsRepeatedSpaces, key.contains(where: { $0.contains("  ") }) {
        // The ODS files whose repeated spaces the official reader drops (knownDifferences).
        key = key.map { $0.replacingOccurrences(of: " +", with: " ", options: .regularExpression) }
      }
      ourGroups[key, default: []].append(error)
    }
    #expect(ourGroups.mapValues(\.count) == officialGroups.mapValues(\.count), "schema errors of \(entry.file)")
    let isCSV = [".csv", ".txt"].contains { entry.file.lowercased().hasSuffix($0) }
    for (key, group) in officialGroups {
      for (example, mine) in zip(group.examples.prefix(3), ourGroups[key] ?? []) {
        let location = mine["location"]
        var sheet = location?["sheet"]
        if isCSV, example["sheet"] != nil {
          // The official tool reads a CSV file as `grants.csv` (docs/parity.md).
          #expect(sheet?.stringValue == URL(fileURLWithPath: entry.file).deletingPathExtension().lastPathComponent)
          sheet = .string("grants")
        }
        let ours: [String: JSONValue?] = [
          "sheet": sheet, "col_alpha": location?["columnLetter"], "row_number": location?["row"],
          "header": location?["heading"] ?? mine["field"], "value": mine["value"],
        ]
        for (name, value) in ours where example[name] != nil {
          var text = Self.text(value)
          if keepsRepeatedSpaces { text = text.replacingOccurrences(of: " +", with: " ", options: .regularExpression) }
          #expect(text == Self.text(example[name]), "\(entry.file) \(key[0]) \(key[1]): example \(name)")
        }
      }
    }
    let officialValid = official["validation_errors_count"]?.numberValue?.decimal == 0
    #expect(report["valid"]?.boolValue == officialValid, "verdict")

    // Closed codelists: the same distinct values per path.
    var officialCodes: [String: [String]] = [:]
    for member in official["additional_closed_codelist_values"]?.objectValue?.members ?? [] {
      officialCodes[member.key] = (member.value["values"]?.arrayValue ?? []).compactMap(\.stringValue).sorted()
    }
    var ourCodes: [String: [String]] = [:]
    for error in report["codelistErrors"]?.arrayValue ?? [] {
      ourCodes[error["path"]?.stringValue ?? ""] = (error["values"]?.arrayValue ?? []).compactMap(\.stringValue).sorted()
    }
    #expect(ourCodes == officialCodes, "codelist values of \(entry.file)")

    // Additional fields: the same (parent path, field, count) list and total.
    let officialFields = (official["data_only"]?.arrayValue ?? []).map { field in
      (field.arrayValue ?? []).map { Self.text($0) }
    }
    let ourFields = (report["additionalFields"]?.arrayValue ?? []).map { field in
      [Self.text(field["parentPath"]), Self.text(field["field"]), Self.text(field["count"])]
    }
    if keepsRepeatedSpaces {
      // Cells holding only ODS's stored spaces are values to giving (docs/parity.md): more
      // fields, never fewer.
      #expect(Set(officialFields.map { $0.dropLast() }).isSubset(of: Set(ourFields.map { $0.dropLast() })))
      #expect(
        (report["additionalFieldsCount"]?.numberValue?.decimal ?? 0) > (official["additional_fields_count"]?.numberValue?.decimal ?? 0))
    } else {
      #expect(ourFields.sorted { $0.lexicographicallyPrecedes($1) } == officialFields.sorted { $0.lexicographicallyPrecedes($1) }, "additional fields of \(entry.file)")
      #expect(
        report["additionalFieldsCount"]?.numberValue?.decimal == official["additional_fields_count"]?.numberValue?.decimal,
        "additional fields count of \(entry.file)")
    }

    // Checks: same types and counts, where the official engine did not silence the class.
    let ours = report["checks"]?.arrayValue ?? []
    for (category, key, erroredKey) in [("quality", "quality_accuracy_checks", "quality_accuracy_errored"), ("usefulness", "usefulness_checks", "usefulness_errored")] {
      guard official[erroredKey]?.boolValue != true else {
        #expect(report["officialEngineWouldSilence"]?[category]?.boolValue == true, "\(category) silenced officially")
        continue
      }
      var expected: [String: String] = [:]
      for check in official[key]?.arrayValue ?? [] {
        expected[check["type"]?.stringValue ?? ""] = check["count"]?.numberValue?.text
      }
      var found: [String: String] = [:]
      for check in ours where check["category"]?.stringValue == category && !differences.contains(check["type"]?.stringValue ?? "") {
        found[check["type"]?.stringValue ?? ""] = check["count"]?.numberValue?.text
      }
      #expect(found == expected, "\(category) checks of \(entry.file)")
      for check in official[key]?.arrayValue ?? [] {
        let type = check["type"]?.stringValue ?? ""
        guard !differences.contains(type),
          let mine = ours.first(where: { $0["category"]?.stringValue == category && $0["type"]?.stringValue == type })
        else { continue }
        Self.compareDetails(of: check, with: mine, file: entry.file, keepsRepeatedSpaces: keepsRepeatedSpaces)
      }
    }
  }

  /// A JSON value as one line of text, to compare values the two tools hold in different types
  /// (the official header of an array element is the number 0, giving's the text "0").
  static func text(_ value: JSONValue?) -> String {
    switch value {
    case .string(let s)?: s
    case .number(let n)?: n.text
    case nil, .null?: ""
    case let other?: JSONWriter().string(other)
    }
  }

  /// One check's heading, topic, importance, percentage and first places against the official
  /// engine's: its `json_locations` and `spreadsheet_locations` are the first of giving's
  /// places, in the same order.
  ///
  /// `keepsRepeatedSpaces`: the file is one of the ODS files whose repeated spaces the official
  /// reader drops (``knownDifferences``): giving's headings there are compared with each run of
  /// spaces made one, and must really hold a longer run.
  static func compareDetails(of official: JSONValue, with mine: JSONValue, file: String, keepsRepeatedSpaces: Bool) {
    let type = official["type"]?.stringValue ?? ""
    // The official heading marks the column name up as HTML for its page; giving's is text.
    let heading = (official["heading"]?.stringValue ?? "")
      .replacingOccurrences(of: "<span class=\"highlight-background-text\">", with: "")
      .replacingOccurrences(of: "</span>", with: "")
    #expect(mine["heading"]?.stringValue == heading, "\(file) \(type) heading")
    #expect(mine["topic"]?.stringValue == official["category"]?.stringValue, "\(file) \(type) topic")
    #expect(mine["importance"]?.numberValue?.text == official["importance"]?.numberValue?.text, "\(file) \(type) importance")
    // The official percentage is rounded to four places; giving's is the exact ratio.
    var exact = mine["percentage"]?.numberValue?.decimal ?? 0
    var rounded = Decimal()
    NSDecimalRound(&rounded, &exact, 4, .plain)
    #expect(rounded == official["percentage"]?.numberValue?.decimal, "\(file) \(type) percentage")

    let places = mine["locations"]?.arrayValue ?? []
    let paths = (official["json_locations"]?.arrayValue ?? []).compactMap(\.stringValue)
    #expect(Array(places.prefix(paths.count)).map { $0["path"]?.stringValue ?? "" } == paths, "\(file) \(type) json_locations")
    let cells = official["spreadsheet_locations"]?.arrayValue ?? []
    let isCSV = [".csv", ".txt"].contains { file.lowercased().hasSuffix($0) }
    for (cell, place) in zip(cells, places) {
      let location = place["location"]
      // The official tool copies a CSV file to `grants.csv` before reading it, so names its
      // sheet `grants`; giving names the sheet after the file (docs/parity.md).
      let sheet = isCSV ? "grants" : location?["sheet"]?.stringValue
      if isCSV {
        let name = URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent
        #expect(location?["sheet"]?.stringValue == name, "\(file) \(type): a CSV's sheet is named after the file")
      }
      var heading = location?["heading"]?.stringValue
      if keepsRepeatedSpaces, let kept = heading, kept != cell["header"]?.stringValue {
        #expect(kept.contains("  "), "\(file) \(type): only repeated spaces differ")
        heading = kept.replacingOccurrences(of: " +", with: " ", options: .regularExpression)
      }
      #expect(
        [sheet, location?["columnLetter"]?.stringValue, location?["row"]?.numberValue?.text, heading]
          == [cell["sheet"]?.stringValue, cell["letter"]?.stringValue, cell["row_number"]?.numberValue?.text, cell["header"]?.stringValue],
        "\(file) \(type) spreadsheet_locations")
    }
    #expect(places.count >= cells.count, "\(file) \(type): as many places as the official spreadsheet_locations")
  }
}
