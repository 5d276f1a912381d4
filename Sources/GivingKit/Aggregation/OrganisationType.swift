internal import Foundation

/// The kind of organisation an identifier names (`charity`, `local-government`, …), worked out
/// from the register its prefix names, as the bundled org-id.guide list describes that
/// register's `structure`, unless a table of the user's says otherwise.
///
/// | type | the register's first structure | e.g. |
/// |---|---|---|
/// | `central-government` | `government_agency` with nothing finer | GB-GOR, GB-GOV, GB-GOVUK, GB-COA, GB-SRS |
/// | `local-government` | `government_agency/local_government` | GB-LAE, GB-LAS, GB-LANI, GB-PLA |
/// | `public-service` | `government_agency/public_service` | GB-NHS, GB-EDU, GB-SCOTEDU, GB-WALEDU, GB-IRN |
/// | `charity` | `charity` | GB-CHC, GB-SC, GB-NIC, GB-COE |
/// | `company` | `company`, or `company/` anything | GB-COH, GB-MPR |
/// | `community-group` | `unincorporated_body` | GB-CASC |
/// | `other` | anything else (`trust`, none given) | GB-HESA, GB-UKPRN |
/// | `unknown` | no listed register | `360G-…`, an id with no prefix |
///
/// The register is the longest list code that, followed by a hyphen, starts the identifier
/// (ASCII letters compared without case): `GB-SCOTEDU-5550012` is a Scottish school, not a
/// Scottish charity. A register the list gives several structures is typed by its first, as
/// the list puts the register's main kind first (`GB-COH` lists `company/listed_company`
/// before `charity`). Structures written as words (`Company > Listed company`) are read as
/// `company/listed_company`.
///
/// ```swift
/// let types = OrganisationTypes.standard
/// types.type(of: "GB-LAE-BIR")  // "local-government"
/// ```
public struct OrganisationTypes: Sendable {
  /// The types the register rules give, in the order of the table above.
  public static let builtIn = [
    "central-government", "local-government", "public-service", "charity", "company", "community-group", "other",
    "unknown",
  ]
  /// The type of a grant's recipient when it is an individual, not an organisation.
  public static let individual = "individual"
  /// The name that stands for every government type in filters and selectors.
  public static let government = "government"
  /// The types `government` stands for.
  public static let governmentTypes: Set<String> = ["central-government", "local-government", "public-service"]

  /// Every type name in use: ``builtIn``, ``individual``, then the names an override table
  /// brought, in the order met. A type is kept as its index here.
  public private(set) var names: [String]
  private var indexByName: [String: Int16]
  /// The type of every register, by its code followed by a hyphen (lower-cased).
  private let registers: [RegisterKey: Int16]
  /// The types named organisations are given whatever their register.
  private var overrides = ExactIDTable<Int16>(vacant: -1)
  /// Whether some organisation's type is overridden.
  public private(set) var hasOverrides = false

  static let unknownIndex: Int16 = 7
  static let individualIndex: Int16 = 8

  /// The rules of the bundled org-id.guide list.
  public static let standard: OrganisationTypes = {
    let lists = (try? SchemaBundle.standard.orgIDStructures()) ?? []
    return OrganisationTypes(registers: lists)
  }()

  /// Rules for these registers: each list code and the structures the list gives it, in order.
  public init(registers lists: [(code: String, structure: [String])]) {
    names = Self.builtIn + [Self.individual]
    indexByName = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($0.element, Int16($0.offset)) })
    var registers: [RegisterKey: Int16] = [:]
    for list in lists {
      guard let key = RegisterKey(Array((list.code + "-").utf8)), registers[key] == nil else { continue }
      registers[key] = Int16(Self.builtIn.firstIndex(of: Self.type(ofStructure: list.structure.first))!)
    }
    self.registers = registers
  }

  /// The type the rule table gives a register whose first structure is `structure` (`nil`
  /// when the list gives none).
  public static func type(ofStructure structure: String?) -> String {
    guard let structure else { return "other" }
    // `Company > Listed company` is the words form of `company/listed_company`.
    let path = structure.lowercased().replacingOccurrences(of: "/", with: ">").split(separator: ">").map {
      $0.split(whereSeparator: \.isWhitespace).joined(separator: "_")
    }
    return switch (path.first ?? "", path.count) {
    case ("government_agency", 1): "central-government"
    case ("government_agency", 2) where path[1] == "local_government": "local-government"
    case ("government_agency", 2) where path[1] == "public_service": "public-service"
    case ("charity", _): "charity"
    case ("company", _): "company"
    case ("unincorporated_body", 1): "community-group"
    default: "other"
    }
  }

  /// The type of the organisation `id` names: its override, else its register's.
  public func type(of id: String) -> String { names[Int(index(of: id, digest: IDDigest(id)))] }

  /// The type the register rules give `id`, overrides aside.
  public func registerType(of id: String) -> String { names[Int(registerIndex(of: id))] }

  /// Whether `name` is a type in use (``builtIn``, ``individual`` or an override's).
  public func knows(_ name: String) -> Bool { indexByName[name] != nil }

  /// The index in ``names`` of the type of `id` (`digest` is `IDDigest(id)`).
  func index(of id: String, digest: IDDigest) -> Int16 {
    if hasOverrides, let kept = overrides.value(of: id, digest: digest) { return kept }
    return registerIndex(of: id)
  }

  /// The type of the longest register code that, with a hyphen after it, starts `id`: each
  /// prefix of `id` that ends in a hyphen (and fits a ``RegisterKey``) is looked up.
  private func registerIndex(of id: String) -> Int16 {
    func find(_ bytes: some Sequence<UInt8>) -> Int16 {
      var key = RegisterKey()
      var found = Self.unknownIndex
      for byte in bytes {
        guard key.append(byte) else { break }
        if byte == UInt8(ascii: "-"), let type = registers[key] { found = type }
      }
      return found
    }
    return id.utf8.withContiguousStorageIfAvailable { find($0) } ?? find(id.utf8)
  }

  /// The index of `name` in ``names``, if it is in use.
  func index(ofName name: String) -> Int16? { indexByName[name] }

  /// The indexes of the types `names` stand for (`government` for its three).
  func indexes(of names: some Sequence<String>) -> Set<Int16> {
    var out = Set<Int16>()
    for name in names {
      let expanded = name == Self.government ? Array(Self.governmentTypes) : [name]
      for type in expanded { if let i = indexByName[type] { out.insert(i) } }
    }
    return out
  }

  /// The message for a type name not in use: the names that are.
  static func noSuchType(_ types: OrganisationTypes?) -> String {
    "no such type; types are government, \((types?.names ?? builtIn).joined(separator: ", "))"
  }

  /// Gives `id` the type `name` whatever its register (a name not yet in use is added).
  /// - Returns: the type `id` had been given before, if another.
  @discardableResult
  public mutating func override(_ id: String, as name: String) -> String? {
    let index: Int16
    if let known = indexByName[name] {
      index = known
    } else {
      index = Int16(names.count)
      names.append(name)
      indexByName[name] = index
    }
    hasOverrides = true
    if let earlier = overrides.firstValue(of: id, digest: IDDigest(id), keeping: index), earlier != index {
      return names[Int(earlier)]
    }
    return nil
  }
}

extension SchemaBundle {
  /// Every org-id.guide list's code and `structure` (in the list's order), as
  /// ``OrganisationTypes`` reads them.
  /// - Throws: ``FeedError`` when the bundled list cannot be read.
  public func orgIDStructures() throws -> [(code: String, structure: [String])] {
    let url = directory.appendingPathComponent("org-id/org-id-download.json")
    let json = try JSONValue(contentsOf: url)
    return (json["lists"]?.arrayValue ?? []).compactMap { list in
      guard let code = list["code"]?.stringValue else { return nil }
      return (code, (list["structure"]?.arrayValue ?? []).compactMap(\.stringValue))
    }
  }
}

/// Up to 16 bytes of an identifier's start, ASCII letters lower-cased, packed into two words:
/// a register code and its hyphen (the longest code is 13 characters), looked up without
/// making a string of each prefix tried.
struct RegisterKey: Hashable, Sendable {
  private var words: (UInt64, UInt64) = (0, 0)
  private var count = 0

  init() {}

  /// The key of `bytes`, or `nil` when they do not fit.
  init?(_ bytes: [UInt8]) {
    for byte in bytes { guard append(byte) else { return nil } }
  }

  /// Adds a byte (lower-cased if an ASCII capital); `false` when the key is full.
  mutating func append(_ byte: UInt8) -> Bool {
    guard count < 16 else { return false }
    let folded = byte >= 65 && byte <= 90 ? byte + 32 : byte
    if count < 8 {
      words.0 |= UInt64(folded) << UInt64(count * 8)
    } else {
      words.1 |= UInt64(folded) << UInt64((count - 8) * 8)
    }
    count += 1
    return true
  }

  static func == (a: RegisterKey, b: RegisterKey) -> Bool { a.words == b.words && a.count == b.count }

  func hash(into hasher: inout Hasher) {
    hasher.combine(words.0)
    hasher.combine(words.1)
  }
}
