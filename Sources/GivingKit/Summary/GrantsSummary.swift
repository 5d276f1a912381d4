public import Foundation

/// Grant counts and totals for one file, as the Data Quality Tool's summary shows them
/// (`get_grants_aggregates`), accumulated one grant at a time.
///
/// ```swift
/// var builder = GrantsSummary.Builder()
/// _ = try feed.read { builder.add($0) }
/// let summary = builder.summary(file: "grants.json")
/// print(summary.currencies["GBP"]?.total ?? 0)
/// ```
///
/// JSON shape (`giving summary --format json`, one object per file):
/// `{"file", "grants", "grantsWithId", "funders", "recipients", "recipientIndividuals",
///   "currencies": {"GBP": {"grants": 2, "total": "331495", "min": "152505", "max": "178990"}},
///   "awardDates": {"min", "max"}, "awardYears": {"2014": 2}, "duplicateIds": [],
///   "fundingOrgIds": [], "funderPrefixes": {"recognised": {"GB-CHC": 1}, "unrecognised": {}},
///   "recipientPrefixes": {…}, "officialWouldFail": false}`.
/// Money is written as exact decimal strings; a grant without `currency` is counted under `None`.
public struct GrantsSummary: Sendable, Codable, Hashable {
  /// Totals for one currency.
  public struct Currency: Sendable, Codable, Hashable {
    /// Grants in this currency.
    public var grants: Int
    /// Sum of the non-zero numeric `amountAwarded`s, exact.
    public var total: Decimal
    /// Smallest non-zero amount (0 when none).
    public var min: Decimal
    /// Largest amount, at least 0 (the official maximum starts at 0).
    public var max: Decimal

    public init(grants: Int = 0, total: Decimal = 0, min: Decimal = 0, max: Decimal = 0) {
      self.grants = grants
      self.total = total
      self.min = min
      self.max = max
    }

    enum CodingKeys: String, CodingKey { case grants, total, min, max }

    public func encode(to encoder: any Encoder) throws {
      var c = encoder.container(keyedBy: CodingKeys.self)
      try c.encode(grants, forKey: .grants)
      try c.encode(total.description, forKey: .total)
      try c.encode(min.description, forKey: .min)
      try c.encode(max.description, forKey: .max)
    }

    public init(from decoder: any Decoder) throws {
      let c = try decoder.container(keyedBy: CodingKeys.self)
      grants = try c.decode(Int.self, forKey: .grants)
      func money(_ key: CodingKeys) throws -> Decimal {
        let text = try c.decode(String.self, forKey: key)
        guard let value = DecimalParser.parse(text) else {
          throw DecodingError.dataCorruptedError(forKey: key, in: c, debugDescription: "not a decimal: '\(text)'")
        }
        return value
      }
      total = try money(.total)
      min = try money(.min)
      max = try money(.max)
    }
  }

  /// Earliest and latest award dates (lexical order, cut at `T`; "" when none).
  public struct AwardDates: Sendable, Codable, Hashable {
    public var min: String
    public var max: String
  }

  /// Distinct organisation ids by org-id code, and the ids no code matches.
  public struct PrefixCounts: Sendable, Codable, Hashable {
    /// Distinct ids per code (case-sensitive `startswith`, first code in list order).
    public var recognised: [String: Int]
    /// Each distinct id no code matches, with count 1.
    public var unrecognised: [String: Int]
  }

  /// The file summarised, if known.
  public var file: String?
  /// Grants read.
  public var grants: Int
  /// Grants with a truthy `id`.
  public var grantsWithId: Int
  /// Distinct funding organisation ids.
  public var funders: Int
  /// Distinct recipient organisation ids.
  public var recipients: Int
  /// Grants with a truthy `recipientIndividual`.
  public var recipientIndividuals: Int
  /// Per currency code (`None` for grants without `currency`).
  public var currencies: [String: Currency]
  public var awardDates: AwardDates
  /// Grants per `awardDate[:4]`.
  public var awardYears: [String: Int]
  /// Ids used by more than one grant, sorted.
  public var duplicateIds: [String]
  /// The distinct funding organisation ids, sorted.
  public var fundingOrgIds: [String]
  public var funderPrefixes: PrefixCounts
  public var recipientPrefixes: PrefixCounts
  /// Whether the official `get_grants_aggregates` would have failed on this data (and shown nothing).
  public var officialWouldFail: Bool

  /// Accumulates a ``GrantsSummary`` one grant at a time; memory grows only with distinct ids.
  public struct Builder: Sendable {
    private var count = 0
    private var idCount = 0
    /// Ids compared as Python compares them, so that two ids are never one unless they are
    /// the same: string ids (nearly all) by their bytes in an ``ExactIDTable``, which keeps a
    /// million in some 30 MB; others as ``ExactJSON`` (numbers by exact value).
    private var stringIDs = ExactIDTable<Bool>(vacant: false)
    private var otherIDs: Set<ExactJSON> = []
    private var duplicates: Set<ExactJSON> = []
    private var minDate = ""
    private var maxDate = ""
    private var years: [String: Int] = [:]
    private var currencies: [String: Currency] = [:]
    private var funders: Set<String> = []
    /// Recipient ids, by their bytes; each is matched to the org-id list when first met, so
    /// that only the counts and the unrecognised ids are kept.
    private var recipients = ExactIDTable<Bool>(vacant: false)
    private var recipientPrefixes = PrefixCounts(recognised: [:], unrecognised: [:])
    private let orgIDs: OrgIDRegistry
    private var individuals = 0
    private var officialWouldFail = false

    /// Whether the ids' duplicates are found here. A validation that summarises as it reads
    /// (``FeedValidator/summarises``) keeps an exact table of the same ids already, and hands
    /// their duplicates to ``summary(file:duplicatedIDs:)``: a second table of a million ids
    /// is not kept.
    private let findsDuplicateIDs: Bool

    /// A builder whose recipient ids' prefixes are matched against `orgIDs`.
    public init(orgIDs: OrgIDRegistry = .standard) { self.init(orgIDs: orgIDs, findsDuplicateIDs: true) }

    init(orgIDs: OrgIDRegistry = .standard, findsDuplicateIDs: Bool) {
      self.orgIDs = orgIDs
      self.findsDuplicateIDs = findsDuplicateIDs
    }

    /// Counts one grant in.
    public mutating func add(_ grant: Grant) {
      guard let object = grant.json.objectValue else {
        officialWouldFail = true
        return
      }
      count += 1
      let currencyKey: String
      switch object["currency"] {
      case nil, .null?: currencyKey = "None"
      case .string(let s)?: currencyKey = s
      case let other?: currencyKey = OfficialText.str(other)
      }
      var entry = currencies[currencyKey] ?? Currency()
      entry.grants += 1
      let amount: Decimal?
      switch object["amountAwarded"] {
      case .number(let n)?: amount = n.isZero ? nil : n.decimal
      case .bool(true)?: amount = 1
      default: amount = nil
      }
      if let amount {
        entry.total += amount
        entry.max = Swift.max(amount, entry.max)
        entry.min = entry.min.isZero ? amount : Swift.min(amount, entry.min)
      }
      currencies[currencyKey] = entry

      let awardDate: String
      switch object["awardDate"] {
      case nil: awardDate = ""
      case .string(let s)?: awardDate = s
      case let other?: awardDate = OfficialText.str(other)
      }
      if !awardDate.isEmpty {
        years[String(awardDate.unicodeScalars.prefix(4)), default: 0] += 1
        if !awardDate.utf8.lexicographicallyPrecedes(maxDate.utf8) { maxDate = awardDate }
        if minDate.isEmpty || awardDate.utf8.lexicographicallyPrecedes(minDate.utf8) {
          minDate = awardDate
        }
      }

      if let id = object["id"], id.isTruthy {
        if id.arrayValue != nil || id.objectValue != nil { officialWouldFail = true }
        idCount += 1
        let seen: Bool
        if !findsDuplicateIDs, id.arrayValue == nil, id.objectValue == nil {
          // Found by the validation's table (``UniqueIDs``: truthy ids but lists and objects).
          seen = false
        } else if let text = id.stringValue {
          seen = stringIDs.firstValue(of: text, digest: IDDigest(text), keeping: true) != nil
        } else {
          seen = !otherIDs.insert(ExactJSON(value: id)).inserted
        }
        if seen { duplicates.insert(ExactJSON(value: id)) }
      }
      if !Self.collect(object["fundingOrganization"], into: { funders.insert($0) }) { officialWouldFail = true }
      if !Self.collect(object["recipientOrganization"], into: { addRecipient($0) }) { officialWouldFail = true }
      if object["recipientIndividual"]?.isTruthy == true { individuals += 1 }
    }

    private mutating func addRecipient(_ id: String) {
      guard recipients.firstValue(of: id, digest: IDDigest(id), keeping: true) == nil else { return }
      if let code = orgIDs.code(for: id) {
        recipientPrefixes.recognised[code, default: 0] += 1
      } else {
        recipientPrefixes.unrecognised[id, default: 0] += 1
      }
    }

    /// Adds the truthy string ids of a list of organisations; false where Python would raise.
    private static func collect(_ value: JSONValue?, into add: (String) -> Void) -> Bool {
      guard let value else { return true }
      guard let list = value.arrayValue else { return false }
      var ok = true
      for org in list {
        guard let object = org.objectValue else {
          ok = false
          continue
        }
        guard let id = object["id"], id.isTruthy else { continue }
        if let text = id.stringValue { add(text) } else { ok = false }
      }
      return ok
    }

    /// The summary so far.
    public func summary(file: String? = nil) -> GrantsSummary { summary(file: file, duplicatedIDs: []) }

    /// The summary so far, with `duplicatedIDs` among its duplicate ids (those found elsewhere,
    /// when this builder does not find them itself).
    func summary(file: String?, duplicatedIDs: [ExactJSON]) -> GrantsSummary {
      var duplicates = self.duplicates
      for id in duplicatedIDs where id.value.isTruthy { duplicates.insert(id) }
      func prefixes(_ ids: Set<String>) -> PrefixCounts {
        var recognised: [String: Int] = [:]
        var unrecognised: [String: Int] = [:]
        for id in ids {
          if let code = orgIDs.code(for: id) { recognised[code, default: 0] += 1 } else { unrecognised[id, default: 0] += 1 }
        }
        return PrefixCounts(recognised: recognised, unrecognised: unrecognised)
      }
      func cut(_ date: String) -> String { date.split(separator: "T", omittingEmptySubsequences: false).first.map(String.init) ?? "" }
      return GrantsSummary(
        file: file, grants: count, grantsWithId: idCount, funders: funders.count, recipients: recipients.count,
        recipientIndividuals: individuals, currencies: currencies,
        awardDates: AwardDates(min: cut(minDate), max: cut(maxDate)), awardYears: years,
        duplicateIds: duplicates.map { OfficialText.str($0.value) }.sorted(), fundingOrgIds: funders.sorted(),
        funderPrefixes: prefixes(funders), recipientPrefixes: recipientPrefixes,
        officialWouldFail: officialWouldFail)
    }
  }
}
