public import Foundation

/// The charities of several register files, read together: the registers themselves and any
/// England and Wales classification tables, whose "How" classifications are given to the
/// charities they name. Looked up by 360Giving identifier, and by company number.
///
/// ```swift
/// let registers = try CharityRegisterSet(reading: [charityURL, classificationURL])
/// registers.charity(identifiedBy: "GB-CHC-1000001")?.latestIncome
/// ```
public struct CharityRegisterSet: Sendable {
  /// Every charity read, registered and removed, in the order read.
  public private(set) var charities: [RegisteredCharity] = []
  /// The register files read, and the classification tables.
  public private(set) var files: [CharityRegister.FileSummary] = []
  public private(set) var classificationFiles: [String] = []
  /// The annual return part A tables read (trading subsidiaries).
  public private(set) var annualReturnFiles: [String] = []
  private var byIdentifier: [String: Int] = [:]
  private var byCompany: [String: Int] = [:]

  public init() {}

  /// Reads every file, each as the register (or classification table) its headings show.
  /// A charity listed twice (by two files) is kept once, as the first listed it.
  /// - Throws: ``CharityRegisterError`` naming the file and the missing columns; ``FeedError``s.
  public init(reading urls: [URL]) throws {
    var activities: [String: [String]] = [:]
    var subsidiaries: [String: Bool?] = [:]
    for url in urls {
      let headings = try Self.headings(of: url)
      if CharityRegister.isClassificationTable(headings) {
        activities.merge(try CharityRegister.readActivities(url)) { $0 + $1 }
        classificationFiles.append(url.path)
        continue
      }
      if CharityRegister.isAnnualReturnTable(headings) {
        subsidiaries.merge(try CharityRegister.readTradingSubsidiaries(url)) { first, _ in first }
        annualReturnFiles.append(url.path)
        continue
      }
      files.append(
        try CharityRegister.read(url) { charity in
          let identifier = charity.identifier
          guard byIdentifier[identifier] == nil else { return }
          byIdentifier[identifier] = charities.count
          if let company = charity.companyNumber { byCompany[Self.companyKey(company)] = charities.count }
          charities.append(charity)
        })
    }
    if !activities.isEmpty || !subsidiaries.isEmpty {
      for i in charities.indices where charities[i].register == .englandAndWales {
        if !activities.isEmpty { charities[i].activities = activities[charities[i].number] ?? [] }
        charities[i].hasTradingSubsidiary = subsidiaries[charities[i].number] ?? nil
      }
    }
  }

  /// Where in ``charities`` the charity of ``charity(identifiedBy:)`` is.
  func index(identifiedBy identifier: String) -> Int? {
    if let i = byIdentifier[identifier] { return i }
    if identifier.hasPrefix("GB-COH-") { return byCompany[Self.companyKey(String(identifier.dropFirst(7)))] }
    return nil
  }

  /// Where in ``charities`` the charity of ``charity(numbered:)`` is.
  func index(numbered number: String) -> Int? {
    let number = number.trimmingSpaces
    guard !number.isEmpty else { return nil }
    return CharityRegisterKind.allCases.lazy.compactMap { byIdentifier[$0.identifierPrefix + number] }.first
  }

  /// The charity a 360Giving identifier names (`GB-CHC-1000001`, `GB-SC-SC012345`,
  /// `GB-NIC-100002`), or the charity a `GB-COH-` identifier's company number belongs to.
  public func charity(identifiedBy identifier: String) -> RegisteredCharity? {
    if let i = byIdentifier[identifier] { return charities[i] }
    if identifier.hasPrefix("GB-COH-"), let i = byCompany[Self.companyKey(String(identifier.dropFirst(7)))] {
      return charities[i]
    }
    return nil
  }

  /// The charity with `number` in any register (`charityNumber` of a recipient).
  public func charity(numbered number: String) -> RegisteredCharity? {
    for kind in CharityRegisterKind.allCases {
      if let i = byIdentifier[kind.identifierPrefix + number] { return charities[i] }
    }
    return nil
  }

  /// The registered postcodes, for reading only those of a postcode directory.
  public var postcodes: Set<String> { Set(charities.compactMap(\.postcode)) }

  /// A company number without leading zeros, spaces or case: registers and 360Giving
  /// publishers write `03857734` and `3857734` for one company.
  static func companyKey(_ number: String) -> String {
    let compact = number.uppercased().filter { $0 != " " }
    let trimmed = compact.drop { $0 == "0" }
    return trimmed.isEmpty ? compact : String(trimmed)
  }

  /// A company number as a `GB-COH-` identifier writes it: eight characters, digits padded
  /// with zeros (`03857734`, `SC123456`).
  static func companyIdentifier(_ number: String) -> String {
    let compact = number.uppercased().filter { $0 != " " }
    return "GB-COH-" + (compact.count < 8 && compact.allSatisfy(\.isNumber) ? String(repeating: "0", count: 8 - compact.count) + compact : compact)
  }

  private struct HeadingsRead: Error { var headings: [String] }

  private static func headings(of url: URL) throws -> [String] {
    do {
      try RegisterRows.read(url, headings: { throw HeadingsRead(headings: $0) }, row: { _, _ in })
    } catch let read as HeadingsRead {
      return read.headings
    }
    return []
  }
}

extension CharityRegisterSet: RecipientLinks {
  /// The other identifiers of the charity `id` names: its charity identifier (for a
  /// `GB-COH-` id) and its company identifier, as its register gives them.
  public func otherIDs(of id: String) -> [String] {
    guard let i = index(identifiedBy: id) else { return [] }
    let charity = charities[i]
    var ids = [charity.identifier]
    if let company = charity.companyNumber { ids.append(Self.companyIdentifier(company)) }
    return ids.filter { $0 != id }
  }
}
