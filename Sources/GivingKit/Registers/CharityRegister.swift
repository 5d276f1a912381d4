public import Foundation

/// A file that is not one of the registers giving reads.
public struct CharityRegisterError: Error, Sendable, Equatable, CustomStringConvertible {
  public var file: String
  /// The register its headings come closest to, and the columns of that register it lacks.
  public var closest: CharityRegisterKind
  public var missing: [String]

  public var description: String {
    "\(file): not a charity register: no column \(missing.map { "'\($0)'" }.joined(separator: ", ")) (the closest layout is the \(closest.title))"
  }
}

/// Reads the UK charity registers in their regulators' own layouts and column names. Which
/// register a file is comes from its headings, never its name.
///
/// - England and Wales: `publicextract.charity.json` (an array of objects) or
///   `publicextract.charity.txt` (tab-separated). Only main charities (`linked_charity_number`
///   0 or empty) are kept: linked charities share the main charity's number. Its "How"
///   classifications come from `publicextract.charity_classification` (``readActivities(_:)``).
/// - Scotland: the OSCR CSV. `Charity Status` `Removed` is removed.
/// - Northern Ireland: the CCNI CSV; the postcode is the last part of `Public address`, and a
///   company number of 0 means none. `Status` `Removed` is removed.
///
/// Headings are matched without case, spaces or underscores: OSCR and CCNI have changed the
/// case and spacing of their titles over the years.
public enum CharityRegister {
  /// What one file held besides its charities.
  public struct FileSummary: Sendable, Hashable {
    public var file: String
    public var kind: CharityRegisterKind
    /// Rows read, and the linked charities among them (subsidiaries and branches of the
    /// England and Wales extract), which are not charities of their own.
    public var rows: Int
    public var linkedSkipped: Int
    /// Rows without a charity number, not kept.
    public var withoutNumber: Int
  }

  /// Reads `url` as whichever register its headings show, handing each charity to `body`.
  /// - Throws: ``CharityRegisterError`` naming the missing columns; ``FeedError``s of the
  ///   readers; errors thrown by `body` pass through.
  @discardableResult
  public static func read(_ url: URL, _ body: (RegisteredCharity) throws -> Void) throws -> FileSummary {
    var summary = FileSummary(file: url.path, kind: .englandAndWales, rows: 0, linkedSkipped: 0, withoutNumber: 0)
    var required: [Int] = []
    var linked: Int?
    var company: Int?
    var activities: Int?
    try RegisterRows.read(
      url,
      headings: { headings in
        let kind = try recognise(headings, file: url.path)
        summary.kind = kind
        let column = columns(headings)
        required = kind.requiredColumns.map { column[headingKey($0)]! }
        linked = kind.linkedColumn.flatMap { column[headingKey($0)] }
        company = kind.companyColumn.flatMap { column[headingKey($0)] }
        activities = kind.activitiesColumn.flatMap { column[headingKey($0)] }
        return wanted(required + [linked, company, activities].compactMap { $0 }, of: headings.count)
      },
      row: { cells, _ in
        summary.rows += 1
        func value(_ at: Int?) -> String {
          guard let at, at < cells.count else { return "" }
          return cells[at].trimmingSpaces
        }
        let kind = summary.kind
        let number = value(required[0])
        guard !number.isEmpty else {
          summary.withoutNumber += 1
          return
        }
        let linkedNumber = value(linked)
        if !(linkedNumber.isEmpty || linkedNumber == "0") {
          summary.linkedSkipped += 1
          return
        }
        var postcode = value(required[3])
        if kind == .northernIreland { postcode = postcodeOfAddress(postcode) ?? "" }
        var companyNumber = value(company)
        if companyNumber == "0" { companyNumber = "" }
        let income = value(required[4])
        try body(
          RegisteredCharity(
            register: kind, number: number, name: value(required[1]),
            status: value(required[2]).lowercased() == "removed" ? .removed : .registered,
            postcode: postcode.isEmpty ? nil : postcode,
            latestIncome: income.isEmpty ? nil : DecimalParser.parse(income),
            companyNumber: companyNumber.isEmpty ? nil : companyNumber,
            activities: listed(value(activities))))
      })
    if required.isEmpty {
      throw CharityRegisterError(file: url.path, closest: .englandAndWales, missing: CharityRegisterKind.englandAndWales.requiredColumns)
    }
    return summary
  }

  /// Reads an England and Wales `publicextract.charity_classification` file (JSON or text):
  /// each main charity's number → its "How" descriptions (`Provides Services` …).
  /// - Throws: ``CharityRegisterError`` naming the missing columns; ``FeedError``s of the readers.
  public static func readActivities(_ url: URL) throws -> [String: [String]] {
    let needed = ["registered_charity_number", "classification_type", "classification_description"]
    var at: [Int] = []
    var linked: Int?
    var activities: [String: [String]] = [:]
    try RegisterRows.read(
      url,
      headings: { headings in
        let column = columns(headings)
        let missing = needed.filter { column[headingKey($0)] == nil }
        if !missing.isEmpty { throw CharityRegisterError(file: url.path, closest: .englandAndWales, missing: missing) }
        at = needed.map { column[headingKey($0)]! }
        linked = column[headingKey("linked_charity_number")]
        return wanted(at + [linked].compactMap { $0 }, of: headings.count)
      },
      row: { cells, _ in
        guard cells.count > at.max()! else { return }
        if let linked, linked < cells.count, !(cells[linked].isEmpty || cells[linked] == "0") { return }
        guard cells[at[1]].lowercased() == "how" else { return }
        activities[cells[at[0]].trimmingSpaces, default: []].append(cells[at[2]])
      })
    return activities
  }

  /// Reads an England and Wales annual return part A table
  /// (`publicextract.charity_annual_return_parta`, JSON or text): each charity's number →
  /// whether its latest return (`latest_fin_period_submitted_ind` True) says it has a trading
  /// subsidiary (`nil` where that return leaves it empty).
  /// - Throws: ``CharityRegisterError`` naming the missing columns; ``FeedError``s of the readers.
  public static func readTradingSubsidiaries(_ url: URL) throws -> [String: Bool?] {
    let needed = ["registered_charity_number", "latest_fin_period_submitted_ind", "charity_has_trading_subsidiary"]
    var at: [Int] = []
    var answers: [String: Bool?] = [:]
    try RegisterRows.read(
      url,
      headings: { headings in
        let column = columns(headings)
        let missing = needed.filter { column[headingKey($0)] == nil }
        if !missing.isEmpty { throw CharityRegisterError(file: url.path, closest: .englandAndWales, missing: missing) }
        at = needed.map { column[headingKey($0)]! }
        return wanted(at, of: headings.count)
      },
      row: { cells, _ in
        guard cells.count > at.max()!, cells[at[1]].lowercased() == "true" else { return }
        let answer: Bool? =
          switch cells[at[2]].lowercased() {
          case "true": true
          case "false": false
          default: nil
          }
        answers[cells[at[0]].trimmingSpaces] = answer
      })
    return answers
  }

  /// Whether `headings` are those of an England and Wales annual return part A table.
  static func isAnnualReturnTable(_ headings: [String]) -> Bool {
    Set(headings.map(headingKey)).isSuperset(of: ["charityhastradingsubsidiary", "latestfinperiodsubmittedind"])
  }

  /// Whether `headings` are those of an England and Wales classification table.
  static func isClassificationTable(_ headings: [String]) -> Bool {
    Set(headings.map(headingKey)).isSuperset(of: ["classificationtype", "classificationdescription"])
  }

  /// The register whose columns `headings` hold.
  /// - Throws: ``CharityRegisterError`` with the missing columns of the register that matches most.
  static func recognise(_ headings: [String], file: String) throws -> CharityRegisterKind {
    let have = Set(headings.map(headingKey))
    let scored = CharityRegisterKind.allCases.map { kind in
      (kind, kind.requiredColumns.filter { !have.contains(headingKey($0)) })
    }
    if let full = scored.first(where: { $0.1.isEmpty }) { return full.0 }
    let closest = scored.min { $0.1.count < $1.1.count }!
    throw CharityRegisterError(file: file, closest: closest.0, missing: closest.1)
  }

  /// `columns` as a mask of `count` columns.
  private static func wanted(_ columns: [Int], of count: Int) -> [Bool] {
    var mask = [Bool](repeating: false, count: count)
    for c in columns { mask[c] = true }
    return mask
  }

  private static func columns(_ headings: [String]) -> [String: Int] {
    Dictionary(headings.enumerated().map { (headingKey($0.element), $0.offset) }, uniquingKeysWith: { first, _ in first })
  }

  /// A heading without case, spaces, underscores or a byte-order mark.
  static func headingKey(_ heading: String) -> String {
    String(heading.lowercased().unicodeScalars.filter { $0 != " " && $0 != "_" && $0 != "\u{FEFF}" && $0 != "\t" })
  }

  /// The items of a comma-separated list of a register's words. OSCR quotes an item that
  /// holds a comma with `'`; CCNI does not, so an item is split at a comma followed by a
  /// capital letter or a quote only (`Relief of poverty,Youth development`, but not
  /// `youth, age, ill-health`).
  static func listed(_ text: String) -> [String] {
    guard !text.isEmpty else { return [] }
    var items: [String] = []
    var current = ""
    var quoted = false
    let scalars = Array(text.unicodeScalars)
    for (i, ch) in scalars.enumerated() {
      if ch == "'" && (current.isEmpty || quoted) {
        quoted.toggle()
        continue
      }
      if ch == ",", !quoted {
        let next = i + 1 < scalars.count ? scalars[i + 1] : " "
        if next == "'" || (next.properties.isUppercase) {
          items.append(current.trimmingSpaces)
          current = ""
          continue
        }
      }
      current.unicodeScalars.append(ch)
    }
    items.append(current.trimmingSpaces)
    return items.filter { !$0.isEmpty }
  }

  /// The UK postcode at the end of a comma-separated address (`…, Belfast, BT14 7PJ`).
  static func postcodeOfAddress(_ address: String) -> String? {
    guard let last = address.split(separator: ",").last?.trimmingSpaces else { return nil }
    let compact = last.replacingOccurrences(of: " ", with: "")
    guard (5...7).contains(compact.count), compact.first?.isLetter == true,
      compact.suffix(3).first?.isNumber == true, compact.suffix(2).allSatisfy(\.isLetter)
    else { return nil }
    return last
  }
}
