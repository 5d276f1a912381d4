internal import Foundation

/// Which of the Data Quality Tool's two groups of additional checks a check belongs to.
public enum CheckCategory: String, Sendable, Codable, CaseIterable {
  /// "Accuracy" (`quality_accuracy`): likely mistakes.
  case quality
  /// "Usefulness": missing information that would make the data more useful.
  case usefulness
}

/// Which grants a check's percentage is taken over.
public enum CheckRelevance: String, Sendable, Codable {
  /// Every grant.
  case any = ""
  /// Grants not to individuals.
  case recipientOrganisation = "recipient organisation"
  /// Grants to individuals.
  case recipientIndividual = "recipient individual"
}

/// How a check's count is shown in its heading.
public enum CheckCountStyle: String, Sendable, Codable {
  /// The raw count ("9 grants have …"), used by the official checks that pass `QUALITY_TEST_CLASS`.
  case raw
  /// A count up to 5, else a rounded percentage ("22% of recipient organisation grants do …").
  case proportion
}

/// The verb joining the count to a heading, in singular and plural.
public enum CheckVerb: String, Sendable, Codable {
  /// "has" / "have"
  case have
  /// "does" / "do"
  case `do`
  /// "contains" / "contain"
  case contain

  /// The verb agreeing with `count`.
  public func form(count: Int) -> String {
    switch self {
    case .have: count == 1 ? "has" : "have"
    case .do: count == 1 ? "does" : "do"
    case .contain: count == 1 ? "contains" : "contain"
    }
  }
}

/// A calendar day, as the checks compare dates (no time of day, no zone).
public struct CheckDate: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
  /// The year (4 digits in data).
  public var year: Int
  /// 1–12.
  public var month: Int
  /// 1–31.
  public var day: Int

  /// A day; not checked (use ``init(iso:)`` to read and check text).
  public init(year: Int, month: Int, day: Int) {
    self.year = year
    self.month = month
    self.day = day
  }

  /// Reads `YYYY-MM-DD` strictly (a real day), or returns `nil`.
  public init?(iso text: String) {
    guard case .date(let date) = PythonDate.parse(text), text.utf8.count == 10 else { return nil }
    self = date
  }

  /// Today in the local time zone (the official engine uses the server's local `datetime.now()`).
  public static func today() -> CheckDate {
    let parts = Calendar.current.dateComponents([.year, .month, .day], from: Date())
    return CheckDate(year: parts.year ?? 1970, month: parts.month ?? 1, day: parts.day ?? 1)
  }

  /// This day `years` later (or earlier), 29 February becoming 28 February (`relativedelta`).
  public func adding(years: Int) -> CheckDate {
    let y = year + years
    return CheckDate(year: y, month: month, day: min(day, PythonDate.daysIn(month: month, year: y)))
  }

  public static func < (lhs: CheckDate, rhs: CheckDate) -> Bool {
    (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
  }

  public var description: String {
    func pad(_ n: Int, _ width: Int) -> String {
      let s = String(n)
      return String(repeating: "0", count: max(0, width - s.count)) + s
    }
    return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
  }
}

/// Thrown by ``GrantCheck/process(_:)`` when the official engine would have raised on this
/// grant (and so silenced every check of the class); `giving` skips the grant for that check only.
public struct CheckSkip: Error, Sendable, CustomStringConvertible {
  /// Why the official engine would have failed, e.g. "grant has no 'id'".
  public var reason: String
  public init(_ reason: String) { self.reason = reason }
  public var description: String { reason }
}

/// What one check found in one file.
public struct CheckResult: Sendable, Codable, Hashable {
  /// The official class name, e.g. `ZeroAmountTest`.
  public var type: String
  /// Accuracy or usefulness.
  public var category: CheckCategory
  /// The official topic ("Grants", "Organisations", "Data Protection", "Dates", "Location", "Metadata").
  public var topic: String
  /// 100 for the most important accuracy checks, else 0.
  public var importance: Int
  /// How many grants (or values, org ids, locations: see the check) were found.
  public var count: Int
  /// `count` divided by the number of relevant grants (minimum 1), as the official engine reports it.
  public var percentage: Double
  /// The rendered heading, e.g. "2 grants have a value of £0".
  public var heading: String
  /// The official explanation.
  public var message: String
  /// Where the findings are: grant-relative JSON paths prefixed by `grants/N/` (first ``CheckRunner/locationLimit``).
  public var jsonLocations: [String]
  /// Grants this check skipped because the official engine would have raised on them.
  public var skippedGrants: Int
}

/// The top-level members of a grant that the checks look up (see ``CheckContext/member(_:of:)``).
enum GrantMember: Int, CaseIterable {
  case id, title, description, amountAwarded, awardDate, plannedDates, actualDates
  case recipientOrganization, recipientIndividual, fundingOrganization, beneficiaryLocation
  case grantProgramme, dateModified, dataSource, project, toIndividualsDetails

  /// The member's key: the case's own name.
  var key: String { Self.keys[rawValue] }

  private static let keys = allCases.map { String(describing: $0) }

  /// For each key length in UTF-8 (up to 31), the members whose key has it, three slots a
  /// length (-1 for none): a key is compared with few others, byte by byte, and no array is
  /// retained per key.
  private static let byLength: [Int8] = {
    var table = [Int8](repeating: -1, count: 32 * 3)
    for member in allCases {
      let length = member.key.utf8.count
      let slot = (0..<3).first { table[length * 3 + $0] < 0 }!
      table[length * 3 + slot] = Int8(member.rawValue)
    }
    return table
  }()

  /// The member named `key`, if the checks look it up.
  init?(key: String) {
    let length = key.utf8.count
    guard length < 32 else { return nil }
    for slot in 0..<3 {
      let raw = Self.byLength[length * 3 + slot]
      guard raw >= 0 else { return nil }
      let member = GrantMember(rawValue: Int(raw))!
      if key.isSameKey(as: member.key) {
        self = member
        return
      }
    }
    return nil
  }
}

/// Shared per-file state the checks read: "now", the org-id list and the running totals.
public final class CheckContext {
  /// The day the date checks treat as today.
  public let now: CheckDate
  /// The org-id prefixes the prefix checks accept.
  public let orgIDs: OrgIDRegistry
  /// Grants seen so far.
  public internal(set) var grantCount = 0
  /// Grants with a truthy `recipientIndividual` seen so far.
  public internal(set) var individualCount = 0
  /// Most JSON locations kept per check.
  public let locationLimit: Int
  /// Called for every finding as it is made, with the check's id, the grant and the
  /// grant-relative path: lets a caller record where the finding is while the grant is at hand.
  public var observer: ((_ check: String, _ grant: Grant, _ path: String) -> Void)?

  private var cachedDatesIndex = -1
  private var cachedDates: Result<GrantDates, CheckSkip> = .success(GrantDates())
  private var cachedMembersIndex = -1
  /// Per ``GrantMember``: its value in the grant it was last found in, and that grant's count
  /// (raw memory, read without the exclusivity checks of an array property).
  private let cachedMembers = UnsafeMutablePointer<(value: JSONValue?, grant: Int)>.allocate(capacity: GrantMember.allCases.count)

  /// A context for one file.
  public init(now: CheckDate, orgIDs: OrgIDRegistry = .standard, locationLimit: Int = 1000) {
    self.now = now
    self.orgIDs = orgIDs
    self.locationLimit = locationLimit
    cachedMembers.initialize(repeating: (nil, -1), count: GrantMember.allCases.count)
  }

  deinit {
    cachedMembers.deinitialize(count: GrantMember.allCases.count)
    cachedMembers.deallocate()
  }

  /// Counts `grant` into the totals the percentages are taken over.
  public func count(_ grant: Grant) {
    grantCount += 1
    if member(.recipientIndividual, of: grant)?.isTruthy == true { individualCount += 1 }
  }

  /// The top-level member `name` of `grant` (the last, where a key is repeated, as Python
  /// keeps it), as `grant.json[name.key]` gives it.
  ///
  /// The members of the grant the runner counted last are found in one walk over them and
  /// kept: looking each up by name, check after check, was the largest single cost of the
  /// checks (8% of all the CPU time of validating 100k grants of JSON).
  func member(_ name: GrantMember, of grant: Grant) -> JSONValue? {
    guard grantCount > 0 else { return grant.json[name.key] }
    if cachedMembersIndex != grantCount {
      cachedMembersIndex = grantCount
      if case .object(let object) = grant.json {
        object.members.withUnsafeBufferPointer { members in
          for i in members.indices {
            if let known = GrantMember(key: members[i].key) { cachedMembers[known.rawValue] = (members[i].value, grantCount) }
          }
        }
      }
    }
    let cached = cachedMembers[name.rawValue]
    return cached.grant == grantCount ? cached.value : nil
  }

  /// The five dates of `grant` as the official `create_grant_dates_dict` reads them (cached per grant).
  /// - Throws: ``CheckSkip`` where the official function raises.
  func dates(of grant: Grant) throws -> GrantDates {
    // Cached per grant the runner counted in; without a runner every call parses afresh.
    guard grantCount > 0 else { return try GrantDates(grant.json) }
    if cachedDatesIndex != grantCount {
      cachedDates = Result {
        guard case .object = grant.json else { throw CheckSkip("grant is not an object") }
        return try GrantDates(
          awardDate: member(.awardDate, of: grant), plannedDates: member(.plannedDates, of: grant),
          actualDates: member(.actualDates, of: grant))
      }.mapError { $0 as? CheckSkip ?? CheckSkip("\($0)") }
      cachedDatesIndex = grantCount
    }
    return try cachedDates.get()
  }
}

/// One of the Data Quality Tool's additional checks, ported with its official name and texts.
///
/// A check is fed every grant of one file in order (``process(_:)``), then asked for its
/// ``result`` (`nil` when it found nothing).
public protocol GrantCheck: AnyObject, SendableMetatype {
  /// The official class name.
  static var id: String { get }
  /// Accuracy or usefulness.
  static var category: CheckCategory { get }
  /// The official topic ("Grants", "Organisations", …).
  static var topic: String { get }
  /// 100 for the checks the official tool lists first, else 0.
  static var importance: Int { get }
  /// Which grants the percentage is taken over.
  static var relevance: CheckRelevance { get }
  /// Whether the heading shows the raw count or a count/percentage.
  static var countStyle: CheckCountStyle { get }
  /// The verb between the count and the heading ("have", "do", "contain").
  static var verb: CheckVerb { get }
  /// The heading without its count, e.g. "a value of £0".
  static var heading: String { get }
  /// The official explanation shown with the finding.
  static var message: String { get }
  /// What the check looks at (the official docstring, in short).
  static var summary: String { get }
  /// How to fix what it finds.
  static var fix: String { get }
  /// What the count counts ("grant", "org id", "value", "location", "occurrence", "file").
  static var countUnit: String { get }

  /// A fresh check for one file.
  init(context: CheckContext)
  /// Looks at one grant.
  /// - Throws: ``CheckSkip`` when the official engine would raise on this grant.
  func process(_ grant: Grant) throws
  /// The finding, or `nil` when the check found nothing.
  var result: CheckResult? { get }
}

/// The state every check keeps: count, locations, skipped grants; renders the result.
public class CheckState {
  let context: CheckContext
  var count = 0
  var failed = false
  var locations: [String] = []
  /// Grants skipped because the official engine would have raised.
  public internal(set) var skipped = 0

  init(context: CheckContext) { self.context = context }

  /// The official class name of the concrete check (for ``CheckContext/observer``).
  private(set) lazy var checkID: String = (type(of: self) as? any GrantCheck.Type)?.id ?? "\(type(of: self))"

  /// Records one finding location (`grants/N/` + `path`).
  func note(_ grant: Grant, _ path: String) {
    failed = true
    if let observer = context.observer { observer(checkID, grant, path) }
    if locations.count < context.locationLimit { locations.append("grants/\(grant.index)/\(path)") }
  }

  /// The standard result for check type `C`.
  func standardResult<C: GrantCheck>(_ type: C.Type) -> CheckResult? {
    guard failed else { return nil }
    let (phrase, percentage, shownCount) = HeadingRenderer.countPhrase(
      count: count, style: C.countStyle, relevance: C.relevance,
      grants: context.grantCount, individuals: context.individualCount)
    return CheckResult(
      type: C.id, category: C.category, topic: C.topic, importance: C.importance, count: shownCount,
      percentage: percentage, heading: HeadingRenderer.heading(C.heading, phrase: phrase, count: shownCount, verb: C.verb),
      message: C.message, jsonLocations: locations, skippedGrants: skipped)
  }
}

/// The official `format_heading_count` / `get_heading_count`.
enum HeadingRenderer {
  /// The count phrase ("3", "1 recipient individual", "22% of"), the percentage, and the count
  /// (reset to 0 for individual checks when the file has no grants to individuals).
  static func countPhrase(
    count: Int, style: CheckCountStyle, relevance: CheckRelevance, grants: Int, individuals: Int
  ) -> (String, Double, Int) {
    var count = count
    var total: Int
    switch relevance {
    case .any: total = grants
    case .recipientOrganisation: total = grants - individuals
    case .recipientIndividual:
      if individuals == 0 { count = 0 }
      total = individuals
    }
    if total < 1 { total = 1 }
    var percentage = Double(count) / Double(total)
    let suffix = relevance.rawValue.isEmpty ? "" : " \(relevance.rawValue)"
    if style == .raw { return (String(count), percentage, count) }
    if grants == 1 && count == 1 {
      percentage = 1.0
      return ("1\(suffix)", percentage, count)
    }
    if count <= 5 { return ("\(count)\(suffix)", percentage, count) }
    let rounded = Int((percentage * 100).rounded(.toNearestOrEven))
    return ("\(rounded)% of\(suffix)", percentage, count)
  }

  /// `"<phrase> <grant|grants> <verb> <heading>"`, with the official "not" flip for a zero count.
  static func heading(_ heading: String, phrase: String, count: Int, verb: CheckVerb) -> String {
    var text = heading
    var verb = verb
    if count == 0 {
      if !text.hasPrefix("not have") && text.hasPrefix("not") { text = String(text.dropFirst(3)) }
      if text.hasPrefix("not have") { verb = .do }
    }
    let noun = count == 1 ? "grant" : "grants"
    return "\(phrase) \(noun) \(verb.form(count: count)) \(text)"
  }
}

/// The registry of every check, in the official order.
public enum GrantChecks {
  /// All 36 checks: the 21 accuracy checks then the 15 usefulness checks, in the official order.
  public static let all: [any GrantCheck.Type] = [
    ZeroAmountTest.self, FundingOrgUnrecognisedPrefix.self, RecipientOrgUnrecognisedPrefix.self,
    RecipientOrgCharityNumber.self, RecipientOrgCompanyNumber.self, OrganizationIdLooksInvalid.self,
    OrganizationIdUnexpectedChars.self, GrantIdUnexpectedChars.self, MoreThanOneFundingOrg.self,
    LooksLikeEmail.self, ImpossibleDates.self, PlannedStartDateBeforeEndDate.self,
    ActualStartDateBeforeEndDate.self, FarFuturePlannedDates.self, FarFutureActualDates.self,
    FarPastDates.self, PostDatedAwardDates.self, RecipientIndDEI.self, GeoCodePostcode.self,
    MultiFundingNamesForOrgId.self, MultiFundingOrgIdsForName.self,
    RecipientOrg360GPrefix.self, FundingOrg360GPrefix.self, NoRecipientOrgCompanyCharityNumber.self,
    IncompleteRecipientOrg.self, NoGrantProgramme.self, NoBeneficiaryLocation.self,
    TitleDescriptionSame.self, TitleLength.self, NoLastModified.self, NoDataSource.self,
    RecipientIndWithoutToIndividualsDetails.self, PlannedDurationNotPresent.self,
    BeneficiaryLocationNameButNoCode.self, BeneficiaryButNotRecipientGeoData.self,
    RecipientGeoDataButNoBeneficiary.self,
  ]

  /// The check with this id (case-insensitive), if any.
  public static func named(_ id: String) -> (any GrantCheck.Type)? {
    let wanted = id.lowercased()
    return all.first { $0.id.lowercased() == wanted }
  }
}
