internal import Foundation

/// Other identifiers of one organisation, such as the company number id of a charity that is
/// also a company (`GB-CHC-1075920` and `GB-COH-03857734`): `--recipients-of` takes a grant
/// to any of them as a grant to the same recipient. A charity register read with
/// `--organisations` provides them.
public protocol RecipientLinks: Sendable {
  /// The identifiers other than `id` of the organisation `id` names (none if it has none).
  func otherIDs(of id: String) -> [String]
}

/// The selection pass: before grants are counted, `--recipients-of` and `--places-of` need the
/// recipients and places of the funders they name, anywhere in the inputs. The pass reads
/// every feed once more, keeping only that: recipient ids in an ``ExactIDTable`` (so a
/// recipient is never taken for another on a digest alone) and local authority district codes.
extension Aggregator {
  /// Reads `feed` for the selection pass (``AggregationOptions/needsSelectionPass``): call it
  /// for every feed, before any is aggregated. Nothing is counted; a feed that cannot be read
  /// is reported when it is aggregated.
  /// - Throws: ``FeedError`` when the feed cannot be read (what was read before the error
  ///   stays selected).
  public mutating func readSelection(_ feed: GrantFeed) throws {
    precondition(grantsRead == 0, "the selection pass comes before grants are counted")
    var feed = feed
    let needed = selectionNeededMembers
    if readsOnlyNeededMembers { feed.neededMembers = needed }
    let finder = selectionFactFinder
    let direct: ((SheetRow, URL, SchemaTitles) -> DirectRows<GrantFacts>?)? =
      readsRowsDirectly
      ? { header, file, titles in finder.directRows(header: header, file: file, titles: titles, neededMembers: needed) }
      : nil
    _ = try feed.read(preparing: { finder.facts(of: $0) }, direct: direct) { facts in
      addToSelection(facts)
    }
  }

  /// Adds one grant to the selection pass (``readSelection(_:)`` for grants read one by one).
  public mutating func addToSelection(_ grant: Grant) {
    precondition(grantsRead == 0, "the selection pass comes before grants are counted")
    addToSelection(selectionFactFinder.facts(of: grant))
  }

  /// The grant members the selection pass reads: what decides whether a grant can be counted,
  /// its funder and recipient, and its place for `--places-of`.
  var selectionNeededMembers: Set<String> {
    var members: Set<String> = [
      "id", "currency", "amountAwarded", "awardDate", "fundingOrganization", "recipientOrganization", "recipientIndividual",
    ]
    if !options.filter.placesOf.isEmpty { members.insert("beneficiaryLocation") }
    return members
  }

  /// The facts the selection pass needs: funders, recipients and places, not groups.
  var selectionFactFinder: FactFinder {
    var finder = factFinder
    finder.isSelectionPass = true
    finder.selectedRecipients = nil
    return finder
  }

  mutating func addToSelection(_ facts: GrantFacts) {
    guard facts.selectedBy != 0, facts.problem == nil, facts.passesSelectionFilters,
      let recipientsOf = selection?.recipientsOf, let placesOf = selection?.placesOf
    else { return }
    countSelectors(facts.selectedBy & (recipientsOf | placesOf))
    if facts.selectedBy & recipientsOf != 0, facts.hasRecipientOrganisation,
      let digest = facts.recipientDigest
    {
      _ = selectedRecipients.firstValue(of: facts.recipient, digest: digest, keeping: true)
      let others = options.recipientLinks?.otherIDs(of: facts.recipient) ?? []
      for other in others where !other.isEmpty {
        _ = selectedRecipients.firstValue(of: other, digest: IDDigest(other), keeping: true)
      }
      if !others.isEmpty, linkedRecipients.count < Self.linkedRecipientsLimit { linkedRecipients.insert(facts.recipient) }
    }
    if facts.selectedBy & placesOf != 0, let place = facts.place {
      for code in place.codes { selectedDistricts.formUnion(districts(of: code)) }
    }
  }

  /// Counts a grant for each selector whose bit is set in `mask`.
  mutating func countSelectors(_ mask: UInt64) {
    var rest = mask
    while rest != 0 {
      selectorHits[rest.trailingZeroBitCount] += 1
      rest &= rest - 1
    }
  }

  /// The local authority districts (today's) that aggregate spreads an area code over.
  private mutating func districts(of code: String) -> [String] {
    if let known = districtsOfArea[code] { return known }
    var found: [String] = []
    if let geography, case .smallAreas(let list) = geography.resolve(code) {
      var seen = Set<String>()
      for i in list where seen.insert(geography.smallAreas[Int(i)].localAuthority).inserted {
        found.append(geography.smallAreas[Int(i)].localAuthority)
      }
    }
    // Bounded: hostile input could name millions of codes.
    if districtsOfArea.count < 100_000 { districtsOfArea[code] = found }
    return found
  }

  /// Whether some part of `place` is in a district the selection pass found (`--places-of`).
  mutating func isInSelectedDistricts(_ place: GrantPlace) -> Bool {
    for code in place.codes {
      if let hit = selectedAreaCache[code] {
        if hit { return true } else { continue }
      }
      var hit = false
      if let geography, case .smallAreas(let list) = geography.resolve(code) {
        hit = list.contains { selectedDistricts.contains(geography.smallAreas[Int($0)].localAuthority) }
      }
      if selectedAreaCache.count < 100_000 { selectedAreaCache[code] = hit }
      if hit { return true }
    }
    return false
  }

  /// The selectors that named no funder of a grant that could be counted (for
  /// `--recipients-of` and `--places-of`, within the date, amount and currency filters).
  var unmatchedSelectors: [String] {
    guard let selection else { return [] }
    return zip(selection.selectors, selectorHits).compactMap { entry, hits in
      hits == 0 ? "\(entry.option) '\(entry.selector)'" : nil
    }
  }

  /// The type indexes a type filter keeps, or `nil` for no filter.
  static func typesKept(_ names: Set<String>, option: String, types: OrganisationTypes?) throws(AggregationOptionError)
    -> [Bool]?
  {
    guard !names.isEmpty else { return nil }
    var kept = [Bool](repeating: false, count: types?.names.count ?? 0)
    for name in names.sorted() {
      let indexes = types?.indexes(of: [name]) ?? []
      guard !indexes.isEmpty else { throw AggregationOptionError("\(option) '\(name)': \(OrganisationTypes.noSuchType(types))") }
      for index in indexes { kept[Int(index)] = true }
    }
    return kept
  }
}
