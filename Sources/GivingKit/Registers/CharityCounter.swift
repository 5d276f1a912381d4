public import Foundation

/// What `giving charities` groups registered charities by.
public enum CharityKey: String, Sendable, Hashable, Codable, CaseIterable {
  case imdDecile = "imd-decile"
  case localAuthority = "local-authority"
  case region
  case incomeBand = "income-band"
  /// How the charity works, in its register's words; a charity with several is in each of
  /// their groups.
  case activity
  /// Whether the charity's latest annual return says it has a trading subsidiary (England and
  /// Wales, from the annual return part A table).
  case tradingSubsidiary = "trading-subsidiary"

  /// Whether the key needs a postcode directory.
  public var needsPlaces: Bool { self == .imdDecile || self == .localAuthority || self == .region }

  /// The names of the key's parts: nation, index and decile for a decile; the register and
  /// its words for an activity (each register has its own list); the key otherwise.
  public var partNames: [String] {
    switch self {
    case .imdDecile: ["nation", "index", "decile"]
    case .activity: ["register", "activity"]
    default: [rawValue]
    }
  }
}

/// One group of registered charities and their income.
public struct CharityGroup: Sendable, Hashable {
  /// The values of the key's parts (``CharityKey/partNames``).
  public var key: [String]
  public var charities: Int
  /// How many of them give an income; total, mean and median are over those.
  public var withIncome: Int
  public var total: Decimal
  /// Rounded to the penny; `nil` when no charity of the group gives an income.
  public var mean: Decimal?
  public var median: Decimal?
}

/// Counts registered charities by place, decile, income band or activity, one charity at a
/// time.
///
/// Removed charities are counted apart. A registered charity that cannot be placed (no
/// postcode, a postcode not in the directory, a small area not in the bundled indices) is
/// counted as not placed, with the reason. A charity is placed at its registered postcode's
/// small area; where that small area stands for several of the index's (a 2011 LSOA under
/// IMD 2025), at the most populous of them.
public struct CharityCounter: Sendable {
  public let key: CharityKey
  let geography: Geography?
  let postcodes: PostcodeTable?
  private var incomes: [[String]: [Decimal]] = [:]
  private var counts: [[String]: Int] = [:]
  private var notPlaced: [String: Int] = [:]
  private var removed = 0
  private var read = 0

  /// - Parameters: geography, postcodes: needed by the place keys (``CharityKey/needsPlaces``).
  public init(key: CharityKey, geography: Geography? = nil, postcodes: PostcodeTable? = nil) {
    self.key = key
    self.geography = geography
    self.postcodes = postcodes
  }

  /// The result of a count.
  public struct Result: Sendable {
    public var key: CharityKey
    /// In the key's order: nations in order then deciles 1 (most deprived) to 10, income
    /// bands from the smallest, other keys by their text.
    public var groups: [CharityGroup]
    /// Registered charities not placed, per reason.
    public var notPlaced: [String: Int]
    /// Charities read, and the removed ones among them (not counted in any group).
    public var charitiesRead: Int
    public var removed: Int
    /// The English index deciles are of, for the decile key.
    public var englishIndex: EnglishIndex?
  }

  /// Counts `charity`.
  public mutating func add(_ charity: RegisteredCharity) {
    read += 1
    if charity.status == .removed {
      removed += 1
      return
    }
    switch groupKeys(charity) {
    case .failure(let reason):
      notPlaced[reason.text, default: 0] += 1
    case .success(let keys):
      for k in keys {
        counts[k, default: 0] += 1
        if let income = charity.latestIncome { incomes[k, default: []].append(income) }
      }
    }
  }

  /// The groups counted so far.
  public func result() -> Result {
    var groups: [CharityGroup] = counts.map { k, n in
      let values = (incomes[k] ?? []).sorted()
      let total = values.reduce(Decimal(0), +)
      var median: Decimal?
      if !values.isEmpty {
        let mid = values.count / 2
        median = values.count % 2 == 1 ? values[mid] : ((values[mid - 1] + values[mid]) / 2).rounded(2)
      }
      return CharityGroup(
        key: k, charities: n, withIncome: values.count, total: total,
        mean: values.isEmpty ? nil : (total / Decimal(values.count)).rounded(2), median: median)
    }
    groups.sort { a, b in sortKey(a).lexicographicallyPrecedes(sortKey(b)) }
    return Result(
      key: key, groups: groups, notPlaced: notPlaced, charitiesRead: read, removed: removed,
      englishIndex: key == .imdDecile ? geography?.englishIndex : nil)
  }

  private struct Reason: Error { var text: String }

  private func sortKey(_ group: CharityGroup) -> [String] {
    zip(key.partNames, group.key).map { name, value in
      switch name {
      case "decile": String(format: "%03d", Int(value) ?? 999)
      case "income-band": "\(IncomeBand.allCases.firstIndex { $0.rawValue == value } ?? 9)"
      case "nation": "\(Nation.allCases.firstIndex { $0.rawValue == value } ?? 9)"
      default: value
      }
    }
  }

  private func groupKeys(_ charity: RegisteredCharity) -> Swift.Result<[[String]], Reason> {
    switch key {
    case .incomeBand:
      guard let income = charity.latestIncome else { return .success([["no income given"]]) }
      return .success([[IncomeBand(income: income).rawValue]])
    case .activity:
      let register = charity.register.rawValue
      return .success(charity.activities.isEmpty ? [[register, "not said"]] : charity.activities.map { [register, $0] })
    case .tradingSubsidiary:
      switch charity.hasTradingSubsidiary {
      case true?: return .success([["has a trading subsidiary"]])
      case false?: return .success([["no trading subsidiary"]])
      case nil: return .success([[charity.register == .englandAndWales ? "not said" : "not in this register's data"]])
      }
    case .imdDecile, .localAuthority, .region:
      guard let postcode = charity.postcode, !postcode.isEmpty else { return .failure(Reason(text: "no postcode")) }
      guard let geography, let postcodes else { return .failure(Reason(text: "no postcode directory")) }
      guard let code = postcodes.area(of: postcode) else { return .failure(Reason(text: "postcode not in the directory")) }
      guard case .smallAreas(let members) = geography.resolve(code), !members.isEmpty else {
        return .failure(Reason(text: "small area not in the bundled indices"))
      }
      let area = members.map { geography.smallAreas[Int($0)] }.max { $0.population < $1.population }!
      switch key {
      case .imdDecile: return .success([[area.nation.rawValue, geography.indexName(for: area.nation), String(area.decile)]])
      case .localAuthority: return .success([[area.localAuthority]])
      default: return .success([[area.region]])
      }
    }
  }
}
