public import Foundation

/// What `giving aggregate` can group grants by. Several keys give a cross-tabulation.
public enum AggregationKey: String, Sendable, Hashable, Codable, CaseIterable {
  case funder, recipient, programme, currency, year, month
  /// UK financial year (April start by default), written `2023-24`.
  case financialYear = "financial-year"
  case amountBand = "amount-band"
  /// `organisation` or `individual`.
  case recipientType = "recipient-type"
  case country, region
  case localAuthority = "local-authority"
  /// Nation × decile of the nation's own deprivation index.
  case imdDecile = "imd-decile"

  /// Whether the key needs the grant's place (and so the bundled geography).
  public var isPlace: Bool {
    switch self {
    case .country, .region, .localAuthority, .imdDecile: true
    default: false
    }
  }
}

/// Which grants to count. Empty sets and `nil` bounds mean "no restriction".
public struct AggregationFilter: Sendable, Hashable {
  /// Funder organisation identifiers (any of).
  public var funders: Set<String> = []
  /// Recipient identifiers (organisation or individual, any of).
  public var recipients: Set<String> = []
  /// Programme titles or codes (any of).
  public var programmes: Set<String> = []
  /// Award dates from (inclusive), `YYYY-MM-DD`.
  public var from: String?
  /// Award dates to (inclusive), `YYYY-MM-DD`.
  public var to: String?
  public var minimum: Decimal?
  public var maximum: Decimal?
  public var currencies: Set<String> = []
  /// Keep grants placed in (or overlapping) this area code.
  public var area: String?
  /// Case-insensitive text that the title or description must contain.
  public var search: String?

  public init() {}
}

/// Where a grant's place came from, in order of priority.
public enum PlaceSource: String, Sendable, Hashable, Codable, CaseIterable {
  case beneficiary
  case recipientLocation = "recipient-location"
  case recipientPostcode = "recipient-postcode"
  case none
}

/// How a run of ``Aggregator`` is set up.
public struct AggregationOptions: Sendable {
  public var keys: [AggregationKey]
  public var filter = AggregationFilter()
  /// First month (1–12) of the financial year.
  public var financialYearStartMonth = 4
  public var englishIndex: EnglishIndex = .imd2019
  /// A postcode directory for grants located only by their recipient's postcode.
  public var postcodes: PostcodeTable?
  /// The geography to use; loaded from the bundle when needed and `nil`.
  public var geography: Geography?

  public init(keys: [AggregationKey]) { self.keys = keys }

  /// Whether the run needs the geography tables.
  public var needsGeography: Bool { keys.contains(where: \.isPlace) || filter.area != nil }
}

/// The value of one grouping key in a group: text, or a nation's deprivation decile.
public enum KeyValue: Sendable, Hashable, Codable {
  case text(String)
  case decile(nation: Nation, index: String, decile: Int)

  /// The value as one line of text (`England IMD2019 decile 1` for deciles).
  public var text: String {
    switch self {
    case .text(let s): s
    case .decile(let nation, let index, let decile): "\(nation.rawValue) \(index) \(decile)"
    }
  }
}

/// One group of the result: its key values, one currency and the measures.
public struct AggregateGroup: Sendable, Hashable, Codable {
  /// One value per grouping key, in the order the keys were given.
  public var key: [KeyValue]
  public var currency: String
  /// Number of grants; fractional where a grant is split between places.
  public var grants: Decimal
  public var total: Decimal
  public var mean: Decimal
  public var median: Decimal
  public var minimum: Decimal
  public var maximum: Decimal
  public var recipients: Int
  public var funders: Int
  /// The group's share of the currency's total (of the nation's attributable total for deprivation).
  public var share: Decimal
  /// For deprivation groups: the decile's population (all its small areas, funded or not).
  public var population: Int64?
  /// For deprivation groups: total ÷ population.
  public var perHead: Decimal?
  /// For deprivation groups: share ÷ the decile's share of the nation's population.
  public var relativeShare: Decimal?
  /// Whether some grant was split between places (so sums are rounded to the penny on output).
  public var split: Bool
}

/// A grant left out of every total, with the reason and where it is.
public struct ExcludedGrant: Sendable, Hashable, Codable {
  public var reason: String
  public var id: String?
  public var location: SourceLocation?
}

/// A grant identifier met more than once (in one file or several): counted once, the first time.
public struct DuplicateGrant: Sendable, Hashable, Codable {
  public var id: String
  /// Where each later copy is (the first copy's file is ``firstFile``).
  public var locations: [SourceLocation]
  public var firstFile: String
  public var copies: Int
  /// Whether some copy has a different amount from the first.
  public var conflictingAmounts: Bool
}

/// Money of one currency that could not be given a place at the level the keys ask for.
public struct NotAttributable: Sendable, Hashable, Codable {
  public struct Reason: Sendable, Hashable, Codable {
    public var reason: String
    public var grants: Decimal
    public var total: Decimal
  }
  public var currency: String
  public var grants: Decimal
  public var total: Decimal
  public var reasons: [Reason]
}

/// Everything one aggregation found.
public struct AggregationResult: Sendable, Hashable, Codable {
  public var keys: [AggregationKey]
  public var groups: [AggregateGroup]
  /// Grants left out, with reason and place (at most ``AggregationResult/excludedListLimit`` listed).
  public var excluded: [ExcludedGrant]
  /// Grants left out per reason (complete).
  public var excludedCounts: [String: Int]
  public var duplicates: [DuplicateGrant]
  public var notAttributable: [NotAttributable]
  /// Area codes not found in the bundled tables, with how many grants used each.
  public var unknownAreas: [String: Int]
  /// How many grants got their place from each source.
  public var placeSources: [PlaceSource: Int]
  /// Grants read (before dedupe, exclusion and filters) and counted.
  public var grantsRead: Int
  public var grantsCounted: Int
  /// The English index used, when the run used the geography.
  public var englishIndex: EnglishIndex?
  /// The attribution text, when the run used the geography.
  public var attribution: String?

  /// How many excluded grants are listed one by one.
  public static let excludedListLimit = 1000
}
