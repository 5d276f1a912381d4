public import Foundation

/// One charity as its register lists it: what giving needs of it, no more.
public struct RegisteredCharity: Sendable, Hashable {
  public enum Status: String, Sendable, Hashable, Codable {
    case registered, removed
  }

  public var register: CharityRegisterKind
  /// The register's number as written (`1000001`, `SC012345`, `100002`).
  public var number: String
  public var name: String
  public var status: Status
  /// The registered contact postcode, or `nil` when the register gives none.
  public var postcode: String?
  /// The latest income, exact, or `nil` when the register gives none (or not as a number).
  public var latestIncome: Decimal?
  /// The Companies House number the register gives, or `nil`.
  public var companyNumber: String?
  /// How the charity works, in the register's words (England and Wales: the "How"
  /// classifications, such as `Provides Services`; Scotland: `Activities`; Northern Ireland:
  /// `How the charity works`). Empty when the register says nothing.
  public var activities: [String]
  /// Whether the charity had a trading subsidiary (a commercial arm) in its latest annual
  /// return, from the England and Wales annual return part A table; `nil` when not said.
  public var hasTradingSubsidiary: Bool?

  public init(
    register: CharityRegisterKind, number: String, name: String, status: Status, postcode: String?,
    latestIncome: Decimal?, companyNumber: String? = nil, activities: [String] = []
  ) {
    self.register = register
    self.number = number
    self.name = name
    self.status = status
    self.postcode = postcode
    self.latestIncome = latestIncome
    self.companyNumber = companyNumber
    self.activities = activities
  }

  /// The 360Giving organisation identifier of the charity (`GB-CHC-1000001`).
  public var identifier: String { register.identifierPrefix + number }
}

/// The UK Civil Society Almanac's income bands. Each band includes its lower bound and excludes
/// its upper one: £10,000 exactly is in `£10k–100k`, £1,000,000 exactly in `£1m–10m`.
public enum IncomeBand: String, Sendable, Hashable, CaseIterable {
  case under10k = "under £10k"
  case from10kTo100k = "£10k–100k"
  case from100kTo1m = "£100k–1m"
  case from1mTo10m = "£1m–10m"
  case over10m = "over £10m"

  public init(income: Decimal) {
    switch income {
    case ..<10_000: self = .under10k
    case ..<100_000: self = .from10kTo100k
    case ..<1_000_000: self = .from100kTo1m
    case ..<10_000_000: self = .from1mTo10m
    default: self = .over10m
    }
  }
}
