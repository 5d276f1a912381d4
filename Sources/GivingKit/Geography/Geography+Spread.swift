/// One small area a grant's place is spread over, and the part of the grant it takes.
public struct SmallAreaShare: Sendable, Hashable {
  /// The small area (its code, nation and decile).
  public var area: SmallArea
  /// The fraction of the grant placed in the area: the area's population over that of every
  /// small area the code stands for, divided by the number of codes the grant is placed by.
  /// In double precision, as `aggregate` multiplies amounts by it.
  public var weight: Double
}

extension Geography {
  /// The small areas `giving aggregate` spreads an area code over: those ``resolve(_:)``
  /// gives, each weighted by its population (equally when none of them has any), then split
  /// equally between the `codes` area codes of the grant's ``GrantPlace``. Empty when the
  /// code is country-level or unknown: such a grant is not attributable to a small area.
  ///
  /// ```swift
  /// let place = GrantPlace.of(grant)
  /// let shares = place.codes.flatMap { geography.spread($0, among: place.codes.count) }
  /// ```
  public func spread(_ code: String, among codes: Int = 1) -> [SmallAreaShare] {
    guard case .smallAreas(let list) = resolve(code), codes > 0 else { return [] }
    let populations = list.map { Int64(max(smallAreas[Int($0)].population, 0)) }
    let total = populations.reduce(0, +)
    return zip(list, populations).map { index, population in
      let weight =
        total == 0
        ? 1 / Double(list.count * codes)
        : Double(population) / Double(total) / Double(codes)
      return SmallAreaShare(area: smallAreas[Int(index)], weight: weight)
    }
  }
}
