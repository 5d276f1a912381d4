internal import Foundation

/// Names funders for `--recipients-of`, `--places-of` and `--not-funder`: one funder by its
/// organisation id as written, or every funder of a type (``OrganisationTypes``;
/// `type:government` for the three government types).
///
/// ```swift
/// let selector = try FunderSelector(parsing: "type:local-government")
/// ```
public enum FunderSelector: Sendable, Hashable, CustomStringConvertible {
  /// The funder with this `fundingOrganization/0/id`.
  case funder(String)
  /// Every funder of this type.
  case type(String)

  /// `type:TYPE`, or else a funder id (surrounding spaces ignored).
  /// - Throws: ``AggregationOptionError`` for empty text or `type:` without a type name.
  public init(parsing text: String) throws(AggregationOptionError) {
    let trimmed = text.trimmingCharacters(in: .whitespaces)
    guard !trimmed.isEmpty else { throw AggregationOptionError("a funder selector is a funder id or 'type:TYPE', not empty text") }
    if trimmed.lowercased().hasPrefix("type:") {
      let name = String(trimmed.dropFirst(5)).trimmingCharacters(in: .whitespaces)
      guard OrganisationTypes.isTypeName(name) || name == OrganisationTypes.government else {
        throw AggregationOptionError("'\(text)': 'type:' must be followed by a type name, such as type:government or type:charity")
      }
      self = .type(name)
    } else {
      self = .funder(trimmed)
    }
  }

  public var description: String {
    switch self {
    case .funder(let id): id
    case .type(let name): "type:\(name)"
    }
  }
}

/// Options ``Aggregator`` cannot run with: a selector or type filter that names no type in use,
/// too many selectors.
public struct AggregationOptionError: Error, Sendable, Equatable, CustomStringConvertible {
  /// What is wrong, as one line.
  public var description: String

  init(_ description: String) { self.description = description }
}

/// The run's funder selectors, in order (`--recipients-of`, then `--places-of`, then
/// `--not-funder`), compiled so that a grant's funder is matched with one lookup of its id and
/// one of its type: the answer is a set of bits, one per selector.
struct FunderSelection: Sendable {
  /// At most this many selectors in all, one bit each.
  static let limit = 64

  /// Bit `i`: the `i`-th selector; by role.
  let recipientsOf: UInt64
  let placesOf: UInt64
  let notFunder: UInt64
  /// The selectors, for notes.
  let selectors: [(option: String, selector: FunderSelector)]
  private var byID = ExactIDTable<UInt64>(vacant: 0)
  private let hasIDs: Bool
  /// By type index (``OrganisationTypes/names``): the selectors naming it.
  private let byType: [UInt64]

  /// Whether some selector names a type (so grants' funders must be typed).
  let usesTypes: Bool

  /// The selectors of `filter`; `types` must be given when one names a type.
  init(filter: AggregationFilter, types: OrganisationTypes?) throws(AggregationOptionError) {
    let all =
      filter.recipientsOf.map { ("--recipients-of", $0) } + filter.placesOf.map { ("--places-of", $0) }
      + filter.notFunders.map { ("--not-funder", $0) }
    guard all.count <= Self.limit else {
      throw AggregationOptionError(
        "at most \(Self.limit) funder selectors in all: give many funders a type of their own with --org-types and select 'type:NAME'")
    }
    selectors = all
    func bits(_ range: Range<Int>) -> UInt64 { range.reduce(UInt64(0)) { $0 | 1 << UInt64($1) } }
    let r = filter.recipientsOf.count
    let p = filter.placesOf.count
    recipientsOf = bits(0..<r)
    placesOf = bits(r..<r + p)
    notFunder = bits(r + p..<all.count)
    var ids: [String: UInt64] = [:]
    var typeBits = [UInt64](repeating: 0, count: types?.names.count ?? 0)
    for (i, (option, selector)) in all.enumerated() {
      switch selector {
      case .funder(let id): ids[id, default: 0] |= 1 << UInt64(i)
      case .type(let name):
        let indexes = types?.indexes(of: [name]) ?? []
        guard !indexes.isEmpty else {
          throw AggregationOptionError("\(option) 'type:\(name)': \(OrganisationTypes.noSuchType(types))")
        }
        for index in indexes { typeBits[Int(index)] |= 1 << UInt64(i) }
      }
    }
    for (id, mask) in ids { _ = byID.firstValue(of: id, digest: IDDigest(id), keeping: mask) }
    hasIDs = !ids.isEmpty
    byType = typeBits
    usesTypes = typeBits.contains { $0 != 0 }
  }

  /// The selectors that name a grant's funder: its id (`digest` is its ``IDDigest``) and
  /// its type's index.
  func mask(funder: String, digest: IDDigest?, type: Int16) -> UInt64 {
    var mask = usesTypes && Int(type) < byType.count ? byType[Int(type)] : 0
    if hasIDs, let digest, let found = byID.value(of: funder, digest: digest) { mask |= found }
    return mask
  }
}
