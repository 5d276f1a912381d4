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
  /// The funder's ``OrganisationTypes`` type (`central-government`, `charity`, …).
  case funderType = "funder-type"
  /// The recipient organisation's type; `individual` for a grant to a person.
  case recipientOrgType = "recipient-org-type"
  /// Each `classifications[]` entry, `vocabulary:code` with its title; a grant with several is
  /// split between them equally.
  case classification
  /// The recipient charity's income band in `--organisations` (``IncomeBand``), or `not in register`.
  case recipientIncomeBand = "recipient-income-band"

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
  /// Smallest amount (inclusive).
  public var minimum: Decimal?
  /// Largest amount (inclusive).
  public var maximum: Decimal?
  /// Currency codes (any of).
  public var currencies: Set<String> = []
  /// Keep grants placed in (or overlapping) this area code.
  public var area: String?
  /// Case-insensitive text that the title or description must contain.
  public var search: String?
  /// Funder types (any of; `government` stands for the three government types).
  public var funderTypes: Set<String> = []
  /// Recipient organisation types (any of; `government` as for funders, `individual` for
  /// grants to people).
  public var recipientOrgTypes: Set<String> = []
  /// Keep grants whose recipient organisation also had a grant (within the date, amount and
  /// currency filters) from a funder one of these names (any of).
  public var recipientsOf: [FunderSelector] = []
  /// Keep grants placed in a local authority district where a funder one of these names placed
  /// a grant (within the date, amount and currency filters; any of).
  public var placesOf: [FunderSelector] = []
  /// Leave out grants from the funders these name (any of).
  public var notFunders: [FunderSelector] = []

  /// No restriction.
  public init() {}

  /// Whether some funder selector names a type.
  var selectsByType: Bool {
    (recipientsOf + placesOf + notFunders).contains { if case .type = $0 { true } else { false } }
  }
}

/// Where a grant's place came from, in order of priority.
public enum PlaceSource: String, Sendable, Hashable, Codable, CaseIterable, CodingKeyRepresentable {
  case beneficiary
  case recipientLocation = "recipient-location"
  case recipientPostcode = "recipient-postcode"
  /// The recipient charity's registered postcode, from `--organisations`.
  case registerPostcode = "register-postcode"
  case none
}

/// What ``Aggregator`` measures of each group.
public enum AggregationMeasures: Sendable, Hashable {
  /// Every measure of ``AggregateGroup``.
  case all
  /// Grants, total, mean and share only: for runs with a great many groups of which only the
  /// largest are wanted (``Aggregator/ranking(largest:)``), in a fraction of the memory. The
  /// median, minimum, maximum, distinct funders and recipients and the recipients' incomes are
  /// not measured (zero, or `nil`).
  case totals
}

/// How a run of ``Aggregator`` is set up.
public struct AggregationOptions: Sendable {
  /// The grouping keys, in output order.
  public var keys: [AggregationKey]
  /// What is measured of each group.
  public var measures = AggregationMeasures.all
  /// Which grants to count.
  public var filter = AggregationFilter()
  /// First month (1–12) of the financial year.
  public var financialYearStartMonth = 4
  /// The English index for `imd-decile`.
  public var englishIndex: EnglishIndex = .imd2019
  /// A postcode directory for grants located only by their recipient's postcode.
  public var postcodes: PostcodeTable?
  /// Charity registers the recipients are joined to (`--organisations`), for the income band
  /// key, the recipients' income per group and their registered postcode as a place.
  public var registers: CharityRegisterSet?
  /// The geography to use; loaded from the bundle when needed and `nil`.
  public var geography: Geography?
  /// How organisations are typed; the bundled org-id list's rules when `nil` and the run
  /// needs types.
  public var organisationTypes: OrganisationTypes?
  /// Other identifiers of one recipient organisation, which `--recipients-of` matches as the
  /// same recipient; none when `nil`.
  public var recipientLinks: (any RecipientLinks)?

  /// Options grouping by `keys`, with no filter.
  public init(keys: [AggregationKey]) { self.keys = keys }

  /// Whether the run needs the geography tables.
  public var needsGeography: Bool {
    keys.contains(where: \.isPlace) || filter.area != nil || !filter.placesOf.isEmpty
  }

  /// Whether the run needs a first pass over the inputs (``Aggregator/readSelection(_:)``)
  /// to find the recipients and places of the funders that `--recipients-of` and
  /// `--places-of` select.
  public var needsSelectionPass: Bool { !filter.recipientsOf.isEmpty || !filter.placesOf.isEmpty }

  /// Whether the run types organisations: by key, filter or selector.
  var usesOrganisationTypes: Bool {
    keys.contains(.funderType) || keys.contains(.recipientOrgType) || !filter.funderTypes.isEmpty
      || !filter.recipientOrgTypes.isEmpty
      || filter.selectsByType
  }
}

/// The value of one grouping key in a group: text, or a nation's deprivation decile.
public enum KeyValue: Sendable, Hashable, Codable {
  case text(String)
  case decile(nation: Nation, index: String, decile: Int)
  /// A code with its title (a classification's `vocabulary:code` and the first title met for it).
  case titled(String, title: String)

  /// The value as one line of text (`England IMD2019 decile 1` for deciles, the code alone
  /// for a titled code).
  public var text: String {
    switch self {
    case .text(let s), .titled(let s, _): s
    case .decile(let nation, let index, let decile): "\(nation.rawValue) \(index) \(decile)"
    }
  }
}

/// One group of the result: its key values, one currency and the measures.
public struct AggregateGroup: Sendable, Hashable, Codable {
  /// One value per grouping key, in the order the keys were given.
  public var key: [KeyValue]
  /// The currency of every amount in the group.
  public var currency: String
  /// Number of grants; fractional where a grant is split between places.
  public var grants: Decimal
  /// Sum of the amounts (or parts of amounts).
  public var total: Decimal
  /// `total ÷ grants`.
  public var mean: Decimal
  /// The middle amount (mean of the middle two for an even count).
  public var median: Decimal
  /// The smallest amount.
  public var minimum: Decimal
  /// The largest amount.
  public var maximum: Decimal
  /// Distinct recipient identifiers.
  public var recipients: Int
  /// Distinct funder identifiers.
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
  /// With registers: the group's distinct recipients found in them that give an income, and
  /// the mean (to the penny) and median of those incomes ("the average size of those
  /// charities"). `nil` without registers.
  public var recipientsWithIncome: Int?
  public var recipientIncomeMean: Decimal?
  public var recipientIncomeMedian: Decimal?
}

/// A grant left out of every total, with the reason and where it is.
public struct ExcludedGrant: Sendable, Hashable, Codable {
  /// Why the grant was left out (`no amount`, `non-numeric amount`, …).
  public var reason: String
  /// The grant's identifier, if it has one.
  public var id: String?
  /// Where its `amountAwarded` is (or the grant, when it has none).
  public var location: SourceLocation?
}

/// A grant identifier met more than once (in one file or several): counted once, the first time.
public struct DuplicateGrant: Sendable, Hashable, Codable {
  /// The repeated identifier.
  public var id: String
  /// Where each later copy is (the first copy's file is ``firstFile``).
  public var locations: [SourceLocation]
  /// The file (or files) of the feed holding the first copy.
  public var firstFile: String
  /// How many copies were met, the first included.
  public var copies: Int
  /// Whether some copy has a different amount from the first.
  public var conflictingAmounts: Bool
}

/// Money of one currency that could not be given a place at the level the keys ask for.
public struct NotAttributable: Sendable, Hashable, Codable {
  /// One reason and the money it covers.
  public struct Reason: Sendable, Hashable, Codable {
    /// Why (`no location`, `country-level area`, …).
    public var reason: String
    /// Grants (fractional).
    public var grants: Decimal
    /// Money.
    public var total: Decimal
  }
  /// The currency.
  public var currency: String
  /// Grants (fractional).
  public var grants: Decimal
  /// Money.
  public var total: Decimal
  /// The money per reason.
  public var reasons: [Reason]
}

/// Everything one aggregation found.
public struct AggregationResult: Sendable, Hashable, Codable {
  /// The grouping keys, in output order.
  public var keys: [AggregationKey]
  /// The groups, sorted by key values then currency.
  public var groups: [AggregateGroup]
  /// Grants left out, with reason and place (at most ``AggregationResult/excludedListLimit`` listed).
  public var excluded: [ExcludedGrant]
  /// Grants left out per reason (complete).
  public var excludedCounts: [String: Int]
  /// Identifiers met more than once.
  public var duplicates: [DuplicateGrant]
  /// Money with no place at the level asked, per currency.
  public var notAttributable: [NotAttributable]
  /// Area codes not found in the bundled tables, with how many grants used each.
  public var unknownAreas: [String: Int]
  /// How many grants got their place from each source.
  public var placeSources: [PlaceSource: Int]
  /// Grants read (before dedupe, exclusion and filters) and counted.
  public var grantsRead: Int
  /// Grants counted (after dedupe, exclusion and filters).
  public var grantsCounted: Int
  /// Copies of a grant after its first (``duplicates``), not counted.
  public var duplicateCopies = 0
  /// Grants that a filter left out (not duplicates, not excluded).
  public var grantsFilteredOut = 0
  /// The funder selectors (`--recipients-of 'type:government'`) that named no funder of any
  /// grant that could be counted.
  public var unmatchedSelectors: [String] = []
  /// With `--recipients-of` and recipient links (`--organisations`): the selected recipients
  /// whose other identifiers (a charity's company number id, or the charity id of a company
  /// number) were selected too.
  public var recipientsLinked: Int?
  /// Recipient organisations of counted grants found in the registers, when registers were given.
  public var recipientsInRegisters: Int?
  /// The English index used, when the run used the geography.
  public var englishIndex: EnglishIndex?
  /// The attribution text, when the run used the geography.
  public var attribution: String?

  /// Grants excluded, for every reason.
  public var grantsExcluded: Int { excludedCounts.values.reduce(0, +) }

  /// How many excluded grants are listed one by one.
  public static let excludedListLimit = 1000
}
