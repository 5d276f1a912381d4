public import Foundation
internal import OrderedCollections

/// Where a grant is: the area codes of its highest-priority source.
public struct GrantPlace: Sendable, Hashable {
  /// Which source the codes came from.
  public var source: PlaceSource
  /// Area codes (GSS codes, NI super output areas); the amount is split equally between them.
  public var codes: [String]

  /// Locates `grant`: beneficiary location geoCodes first; else the recipient organisation's
  /// location geoCodes; else the recipient's postcode looked up in `postcodes`.
  public static func of(_ grant: Grant, postcodes: PostcodeTable? = nil) -> GrantPlace {
    let beneficiary = codes(grant.json["beneficiaryLocation"])
    if !beneficiary.isEmpty { return GrantPlace(source: .beneficiary, codes: beneficiary) }
    let organisations = (grant.json["recipientOrganization"]?.arrayValue ?? [])
    var recipient: [String] = []
    for org in organisations { recipient += codes(org["location"]) }
    if !recipient.isEmpty { return GrantPlace(source: .recipientLocation, codes: recipient) }
    if let postcodes {
      for org in organisations {
        if let pc = org["postalCode"]?.stringValue, let area = postcodes.area(of: pc) {
          return GrantPlace(source: .recipientPostcode, codes: [area])
        }
      }
    }
    return GrantPlace(source: .none, codes: [])
  }

  private static func codes(_ list: JSONValue?) -> [String] {
    var out: [String] = []
    for location in list?.arrayValue ?? [] {
      if let code = location["geoCode"]?.stringValue.flatMap(areaCode) { out.append(code) }
    }
    return out
  }

  /// A `geoCode` as an area code: trimmed, and `nil` when nothing is left.
  static func areaCode(_ geoCode: String) -> String? {
    let utf8 = geoCode.utf8
    // The usual code (ASCII, nothing to trim) without Foundation, which is slow at this.
    if let first = utf8.first, let last = utf8.last, first > 0x20, first < 0x80, last > 0x20, last < 0x80 {
      return geoCode
    }
    let code = geoCode.trimmingCharacters(in: .whitespaces)
    return code.isEmpty ? nil : code
  }
}

/// Adds grants up by funder, recipient, time, place and deprivation decile, exactly and per
/// currency. Stream grants in with ``add(_:)`` or ``aggregate(_:)``, then take ``result()``.
///
/// ```swift
/// var aggregator = try Aggregator(options: AggregationOptions(keys: [.funder]))
/// try aggregator.aggregate(GrantFeed(paths: ["a.json"]))
/// let result = aggregator.result()
/// ```
public struct Aggregator: Sendable {
  /// How this run is set up.
  public let options: AggregationOptions
  let geography: Geography?
  let currencies: Set<String>
  /// The keys that group by place (`region`, `imd-decile`, …) and the others, in order.
  let placeKeys: [AggregationKey]
  let fixedKeys: [AggregationKey]
  /// Where `classification` is among `fixedKeys`, if it is a key.
  let classificationSlot: Int?
  /// How organisations are typed, when the run uses types.
  let organisationTypes: OrganisationTypes?
  /// The funder selectors, if the run has any.
  let selection: FunderSelection?
  /// The types `--funder-type` and `--recipient-org-type` keep, by index.
  let funderTypesKept: [Bool]?
  let recipientTypesKept: [Bool]?

  /// A group's key values and currency. The first value is kept apart from the rest so that
  /// a one-key run (a group for each of a million recipients) allocates no array per group.
  struct GroupID: Hashable {
    var first: KeyValue?
    var rest: [KeyValue]
    var currency: String

    init(key: [KeyValue], currency: String) {
      first = key.first
      rest = Array(key.dropFirst())
      self.currency = currency
    }

    var key: [KeyValue] { first.map { [$0] + rest } ?? [] }
  }

  /// One group's grants and total. Whole amounts are added exactly as integers scaled to four
  /// decimal places (Foundation `Decimal` addition costs about a microsecond on Linux); what
  /// does not fit, and the parts of split grants, are kept in the group's ``GroupExtra``: a
  /// run can have a group for each of a million recipients, and most need nothing more.
  struct GroupTotal {
    /// Whole grants counted.
    var count = 0
    var scaledSum: Int64 = 0
    /// The group's entry in `groupExtras`, or -1.
    var extra: Int32 = -1
  }

  /// What few groups need beside their ``GroupTotal``: amounts that do not fit the scaled
  /// sum, added as an exact `Decimal`, and parts of split grants, approximate by nature and
  /// added as `Double` (compensated), then rounded on output.
  struct GroupExtra {
    var spill = Decimal.zero
    var split = false
    var splitGrants = 0.0
    var splitTotal = 0.0
    var splitCompensation = 0.0
  }

  /// What the measures beyond grants and total need of a group (``AggregationMeasures/all``):
  /// its amounts for the median, minimum and maximum, and its distinct funders and recipients.
  struct GroupDetail {
    /// Whole amounts in whole pennies from 0 to £42.9m (nearly all of them), in 4 bytes each.
    var pennyAmounts: [UInt32] = []
    /// Other whole amounts that fit the scaled form.
    var scaledAmounts: [Int64] = []
    /// Whole amounts that do not fit the scaled form, with a `Double` sort key.
    var otherAmounts: [(key: Double, value: Decimal)] = []
    var splitParts: [Double] = []
    var recipients = DistinctDigests()
    var funders = DistinctDigests()
    /// With registers: the group's recipient charities (``CharityRegisterSet/charities``
    /// indexes) that give an income, each once.
    var recipientCharities: Set<Int32> = []
    /// The last grant (``grantsCounted``) whose funder and recipient were counted here: a
    /// grant split over many areas of one group is one grant to count them of.
    var lastGrant = -1
  }

  /// An amount as read: scaled by 10⁴ into an `Int64` when it fits exactly, else a `Decimal`.
  struct Amount {
    var scaled: Int64?
    var other: Decimal
    var approx: Double

    var decimal: Decimal { scaled.map(Amount.decimal(scaled:)) ?? other }

    static func decimal(scaled: Int64) -> Decimal {
      Decimal(sign: scaled < 0 ? .minus : .plus, exponent: -4, significand: Decimal(scaled.magnitude))
    }

    /// `text` (a JSON number) scaled by 10⁴, when it has at most 4 decimals, no exponent and fits.
    static func scale(_ text: String) -> Int64? {
      var value: Int64 = 0
      var negative = false
      var decimals = -1
      var digits = 0
      for (i, c) in text.utf8.enumerated() {
        if c == UInt8(ascii: "-") && i == 0 {
          negative = true
        } else if c == UInt8(ascii: ".") && decimals < 0 {
          decimals = 0
        } else if c >= 48 && c <= 57 {
          if decimals >= 0 {
            decimals += 1
            if decimals > 4 { if c != 48 { return nil } else { continue } }
          }
          digits += 1
          if digits > 17 { return nil }
          value = value * 10 + Int64(c - 48)
        } else {
          return nil
        }
      }
      let fraction = max(0, min(decimals, 4))
      // At most 14 digits before the point, so the scaled value has at most 18 digits.
      if digits == 0 || digits - fraction > 14 { return nil }
      for _ in 0..<(4 - max(decimals, 0)) { value *= 10 }
      return negative ? -value : value
    }
  }

  enum Distribution {
    case parts([([KeyValue], Decimal, Double)])
    case notAttributable(String)
  }

  /// Every group's id, by index: an `OrderedSet` keeps them in one array with a compact hash
  /// table of indices, where a dictionary's buckets would hold twice as many ids' worth of
  /// room (a million recipients' groups are most of a run's memory).
  var groupIDs = OrderedSet<GroupID>()
  var groupTotals: [GroupTotal] = []
  var groupExtras: [GroupExtra] = []
  /// Empty unless the run measures ``AggregationMeasures/all``.
  var groupDetails: [GroupDetail] = []
  var keepsDetail: Bool { options.measures == .all }
  /// Every identifier counted so far, found by its digest and confirmed by its bytes
  /// (``ExactIDTable``: two ids are one only if they are the same), with what a later copy is
  /// compared with: a 16-byte slot and the id's bytes for each of millions of ids. While every id counted
  /// came from one file (`onlyFile`), the value kept is the first copy's print of its amount
  /// (``GrantFacts/amountPrint``); once ids come from a second file, it is the first copy's
  /// ordinal in `firstCopyPrints`, so that its file can be found too.
  var seen = ExactIDTable<UInt32>(vacant: 0)
  /// The file every id counted so far came from, until ids come from a second one.
  var onlyFile: Int?
  /// Whether `seen` keeps ordinals (ids have come from more than one file).
  var keepsOrdinals = false
  /// The first copies' amount prints by ordinal, once `seen` keeps ordinals (4 bytes an id,
  /// appended in order).
  var firstCopyPrints: [UInt32] = []
  /// Where the ids of each file start among those ordinals, in order: a first copy came from
  /// the file of the last run that starts at or before its ordinal.
  var fileRuns: [(firstOrdinal: Int, file: Int)] = []

  var duplicates: [DuplicateGrant] = []
  var duplicateIndex: [String: Int] = [:]
  var excluded: [ExcludedGrant] = []
  var excludedCounts: [String: Int] = [:]
  var notAttributable = NotAttributableTally()
  var unknownAreas: [String: Int] = [:]
  /// Grants located from each ``PlaceSource``, in `allCases` order.
  var placeSourceCounts = [Int](repeating: 0, count: PlaceSource.allCases.count)
  /// How each area code seen splits (`distributions`), found by the code's digest and
  /// confirmed by its bytes: hashing the code's text with SipHash for a dictionary was 3% of
  /// `aggregate --by imd-decile`.
  var distributionSlots = ExactIDTable<Int32>(vacant: -1)
  var distributions: [Distribution] = []
  /// Per entry of `distributions`: the groups of its parts in the currency of the grant that
  /// last used them (see ``add(_:file:)``).
  var partGroups: [Int: (currency: String, groups: [Int])] = [:]
  var areaMatchCache: [String: Bool] = [:]
  var areaMembers: Set<Int32>?
  /// Why the `--area` code was not found in the bundled tables (then only grants naming that
  /// exact code match), or `nil`.
  public private(set) var areaProblem: String?
  var grantsRead = 0
  var grantsCounted = 0
  var duplicateCopies = 0
  var grantsFilteredOut = 0
  var files: [String] = []
  /// The first title met for each classification code.
  var classificationTitles: [String: String] = [:]

  /// What the selection pass found (``readSelection(_:)``): the recipients of the
  /// funders `--recipients-of` names, the districts where those `--places-of` names placed
  /// money, and how many grants each selector named.
  var selectedRecipients = ExactIDTable<Bool>(vacant: false)
  var selectedDistricts: Set<String> = []
  /// The selected recipients that had other identifiers (``RecipientLinks``), each once; at
  /// most ``linkedRecipientsLimit`` (the links come from registers of that order of size).
  var linkedRecipients: Set<String> = []
  static let linkedRecipientsLimit = 10_000_000
  /// The register charities that counted grants went to (``GrantFacts/recipientCharity``).
  var recipientCharitiesSeen: Set<Int32> = []
  var selectorHits: [Int] = []
  /// The local authority districts of each area code met in the selection pass.
  var districtsOfArea: [String: [String]] = [:]
  /// Whether each area code met in the counting pass overlaps `selectedDistricts`.
  var selectedAreaCache: [String: Bool] = [:]

  // Places resolved into locations once their feed's sources are known.
  var pendingExcluded: [(Int, SourcePlace)] = []
  var pendingDuplicates: [(Int, SourcePlace)] = []

  /// A fresh aggregator. Loads the bundled geography when the keys or the area filter need it.
  /// - Throws: ``FeedError`` when the geography or the currency codelist cannot be read.
  public init(options: AggregationOptions) throws {
    self.options = options
    placeKeys = options.keys.filter(\.isPlace)
    fixedKeys = options.keys.filter { !$0.isPlace }
    classificationSlot = fixedKeys.firstIndex(of: .classification)
    let types = options.usesOrganisationTypes ? options.organisationTypes ?? .standard : nil
    organisationTypes = types
    let filter = options.filter
    let hasSelectors = !(filter.recipientsOf.isEmpty && filter.placesOf.isEmpty && filter.notFunders.isEmpty)
    selection = hasSelectors ? try FunderSelection(filter: filter, types: types) : nil
    selectorHits = Array(repeating: 0, count: selection?.selectors.count ?? 0)
    funderTypesKept = try Self.typesKept(filter.funderTypes, option: "--funder-type", types: types)
    recipientTypesKept = try Self.typesKept(filter.recipientOrgTypes, option: "--recipient-org-type", types: types)
    if options.needsGeography {
      let geo = try options.geography ?? Geography(englishIndex: options.englishIndex)
      geography = geo
      if let area = options.filter.area {
        switch geo.resolve(area) {
        case .smallAreas(let list): areaMembers = Set(list)
        case .countryLevel: areaProblem = "a country-level code matches only grants that name it"
        case .unknown(let reason): areaProblem = reason
        }
      }
    } else {
      geography = nil
    }
    currencies = try SchemaBundle.standard.codelist(named: "currency.csv")
  }

  /// Reads every grant of `feed` into the totals (counted in the feed's
  /// ``GrantFeed/progress``, when it has one).
  ///
  /// What each grant contributes (``GrantFacts``) is worked out on the threads that read the
  /// feed; this thread only finds duplicates and groups and adds up.
  /// - Throws: ``FeedError`` when the feed cannot be read.
  public mutating func aggregate(_ feed: GrantFeed) throws {
    let fileIndex = files.count
    files.append(feed.files.map(\.path).joined(separator: ", "))
    var feed = feed
    if readsOnlyNeededMembers { feed.neededMembers = neededMembers }
    let finder = factFinder
    let needed = neededMembers
    let direct: ((SheetRow, URL, SchemaTitles) -> DirectRows<GrantFacts>?)? =
      readsRowsDirectly
      ? { header, file, titles in finder.directRows(header: header, file: file, titles: titles, neededMembers: needed) }
      : nil
    // Room for every id of a large file at once (about one per 600 bytes of CSV or JSON):
    // growing the table as it fills rehashes every id each time.
    let expected = min(feed.byteCount / 600, 50_000_000)
    seen.reserveCapacity(seen.count + expected)
    if keepsOrdinals { firstCopyPrints.reserveCapacity(firstCopyPrints.count + expected) }
    // Grants go straight into `self` (no copy of it to add to: copying would share the table of
    // ids seen, and the first id added would copy all of it). Grants read before an error stay
    // counted.
    let report: FeedReport
    do {
      report = try feed.read(preparing: { finder.facts(of: $0) }, direct: direct) { facts in
        add(facts, file: fileIndex)
      }
    } catch {
      // Without the feed's sources, the places of its excluded and duplicate grants stay unknown.
      pendingExcluded = []
      pendingDuplicates = []
      throw error
    }
    resolvePlaces(report.sources)
  }

  private mutating func resolvePlaces(_ sources: FeedSources) {
    for (i, place) in pendingExcluded { excluded[i].location = sources.resolve(place) }
    for (i, place) in pendingDuplicates {
      if let loc = sources.resolve(place) { duplicates[i].locations.append(loc) }
    }
    pendingExcluded = []
    pendingDuplicates = []
  }

  var factFinder: FactFinder {
    var finder = FactFinder(options: options, currencies: currencies)
    finder.types = organisationTypes
    finder.selection = selection
    finder.funderTypesKept = funderTypesKept
    finder.recipientTypesKept = recipientTypesKept
    if !options.filter.recipientsOf.isEmpty { finder.selectedRecipients = selectedRecipients }
    finder.filtersOrganisations =
      funderTypesKept != nil || recipientTypesKept != nil || !options.filter.notFunders.isEmpty
      || !options.filter.recipientsOf.isEmpty
    return finder
  }

  /// Whether spreadsheets are read for ``neededMembers`` only (tests compare both ways).
  var readsOnlyNeededMembers = true
  /// Whether a large CSV file's rows are read straight into facts, without grants, where they
  /// can be (``FactFinder/directRows(header:file:titles:neededMembers:)``; tests compare both ways).
  var readsRowsDirectly = true

  /// The grant members aggregation reads: keys, measures, filters and places.
  var neededMembers: Set<String> {
    var members: Set<String> = [
      "id", "currency", "amountAwarded", "awardDate", "fundingOrganization", "recipientOrganization",
      "recipientIndividual", "grantProgramme", "beneficiaryLocation",
    ]
    if options.filter.search != nil { members.formUnion(["title", "description"]) }
    if options.keys.contains(.classification) { members.insert("classifications") }
    return members
  }

  /// Makes `seen` keep ordinals instead of prints, now that ids come from a second file: every
  /// id so far came from `onlyFile`.
  private mutating func keepOrdinals() {
    firstCopyPrints.reserveCapacity(seen.count * 2)
    seen.updateValues { value in
      firstCopyPrints.append(value)
      value = UInt32(truncatingIfNeeded: firstCopyPrints.count - 1)
    }
    fileRuns = [(0, onlyFile ?? 0)]
    keepsOrdinals = true
  }

  /// Adds one grant read from the `file`-th feed, located in `sources` (the feed's, for a
  /// grant read from a file).
  public mutating func add(_ grant: Grant, file: Int = 0, sources: FeedSources = FeedSources()) {
    add(factFinder.facts(of: grant), file: file)
    resolvePlaces(sources)
  }

  /// Adds what one grant of the `file`-th feed contributes.
  mutating func add(_ facts: GrantFacts, file: Int) {
    grantsRead += 1
    // Duplicates first: the first copy counts, whatever is wrong with the others.
    if let digest = facts.idDigest, let id = facts.id {
      if !keepsOrdinals, let only = onlyFile, only != file { keepOrdinals() }
      if onlyFile == nil { onlyFile = file }
      let ordinal = firstCopyPrints.count
      let kept = keepsOrdinals ? UInt32(truncatingIfNeeded: ordinal) : facts.amountPrint
      if let first = seen.firstValue(of: id, digest: digest, keeping: kept) {
        let firstPrint = keepsOrdinals ? firstCopyPrints[Int(first)] : first
        var index = duplicateIndex[id]
        if index == nil {
          index = duplicates.count
          duplicateIndex[id] = index
          let firstFile = keepsOrdinals ? fileRuns.last { $0.firstOrdinal <= Int(first) }?.file : onlyFile
          duplicates.append(
            DuplicateGrant(
              id: id, locations: [], firstFile: firstFile.flatMap { files.indices.contains($0) ? files[$0] : nil } ?? "",
              copies: 1, conflictingAmounts: false))
        }
        let i = index!
        duplicates[i].copies += 1
        if firstPrint != facts.amountPrint { duplicates[i].conflictingAmounts = true }
        if duplicates[i].locations.count + pendingDuplicates.count(where: { $0.0 == i }) < 10
          && pendingDuplicates.count < 1000
        {
          pendingDuplicates.append((i, facts.idPlace))
        }
        duplicateCopies += 1
        return
      }
      if keepsOrdinals {
        if fileRuns.last?.file != file { fileRuns.append((ordinal, file)) }
        firstCopyPrints.append(facts.amountPrint)
      }
    }
    // Bad input next: such a grant is reported, never counted.
    if let reason = facts.problem {
      excludedCounts[reason, default: 0] += 1
      if excluded.count < AggregationResult.excludedListLimit {
        pendingExcluded.append((excluded.count, facts.problemPlace))
        excluded.append(ExcludedGrant(reason: reason, id: facts.id, location: nil))
      }
      return
    }
    if let notFunder = selection?.notFunder, facts.selectedBy & notFunder != 0 { countSelectors(facts.selectedBy & notFunder) }
    guard facts.passesFilters, let amount = facts.amount else {
      grantsFilteredOut += 1
      return
    }
    var place: GrantPlace?
    // The geography is loaded when the run needs it.
    if geography != nil, let p = facts.place {
      if let area = options.filter.area, !matches(place: p, area: area) {
        grantsFilteredOut += 1
        return
      }
      if !options.filter.placesOf.isEmpty && !isInSelectedDistricts(p) {
        grantsFilteredOut += 1
        return
      }
      place = p
      placeSourceCounts[PlaceSource.allCases.firstIndex(of: p.source)!] += 1
    }
    grantsCounted += 1

    // Key values that do not depend on place; a grant with several classifications is split
    // equally between them, as between places.
    var fixed = fixedKeys.map { KeyValue.text(value(of: $0, facts: facts, amount: amount)) }
    guard let slot = classificationSlot, !facts.classifications.isEmpty else {
      distribute(amount, fixed: fixed, among: 1, place: place, facts: facts)
      return
    }
    for entry in facts.classifications where classificationTitles[entry.key]?.isEmpty ?? true {
      classificationTitles[entry.key] = entry.title
    }
    for entry in facts.classifications {
      fixed[slot] = .text(entry.key)
      distribute(amount, fixed: fixed, among: facts.classifications.count, place: place, facts: facts)
    }
  }

  /// Adds `1/shares` of a grant to the groups of `fixed` (the key values that do not depend on
  /// place) and of its place's parts.
  private mutating func distribute(
    _ amount: Amount, fixed: [KeyValue], among shares: Int, place: GrantPlace?, facts: GrantFacts
  ) {
    let currency = facts.currency
    if placeKeys.isEmpty {
      accumulate(fixed, currency, amount, weight: shares > 1 ? 1 / Double(shares) : nil, facts: facts)
      return
    }
    guard let place, !place.codes.isEmpty else {
      notAttributable.add(amount, currency: currency, reason: "no location", sharedBy: shares)
      return
    }
    for code in place.codes {
      let (slot, found) = distribution(of: code, placeKeys: placeKeys)
      switch found {
      case .notAttributable(let why):
        notAttributable.add(amount, currency: currency, reason: why, sharedBy: place.codes.count * shares)
      case .parts(let parts):
        let split = place.codes.count > 1 || parts.count > 1 || shares > 1
        // The groups of an area's parts, kept per area while only place keys group and the
        // currency stays the same (looking each part's key up was 2% of --by imd-decile).
        var groups: [Int]
        if fixed.isEmpty, let slot, let kept = partGroups[slot], kept.currency == currency {
          groups = kept.groups
        } else {
          groups = parts.map { group(merge(fixed, $0.0), currency) }
          if fixed.isEmpty, let slot { partGroups[slot] = (currency, groups) }
        }
        for (n, (_, _, approxWeight)) in parts.enumerated() {
          accumulate(
            into: groups[n], amount, weight: split ? approxWeight / Double(place.codes.count * shares) : nil,
            facts: facts)
        }
      }
    }
  }

  /// The keys in the given order, with place values slotted in.
  private func merge(_ fixed: [KeyValue], _ place: [KeyValue]) -> [KeyValue] {
    var out: [KeyValue] = []
    var f = 0
    var p = 0
    for key in options.keys {
      if key.isPlace {
        out.append(place[p])
        p += 1
      } else {
        out.append(fixed[f])
        f += 1
      }
    }
    return out
  }

  private mutating func accumulate(
    _ key: [KeyValue], _ currency: String, _ amount: Amount, weight: Double?, facts: GrantFacts
  ) {
    accumulate(into: group(key, currency), amount, weight: weight, facts: facts)
  }

  /// The index of the group of `key` in `currency`, made if it is new.
  private mutating func group(_ key: [KeyValue], _ currency: String) -> Int {
    let (inserted, index) = groupIDs.append(GroupID(key: key, currency: currency))
    guard inserted else { return index }
    groupTotals.append(GroupTotal())
    if keepsDetail { groupDetails.append(GroupDetail()) }
    return index
  }

  /// The index in `groupExtras` of group `i`'s extra, made if it is new.
  private mutating func extra(of i: Int) -> Int {
    if groupTotals[i].extra < 0 {
      groupTotals[i].extra = Int32(groupExtras.count)
      groupExtras.append(GroupExtra())
    }
    return Int(groupTotals[i].extra)
  }

  private mutating func accumulate(into i: Int, _ amount: Amount, weight: Double?, facts: GrantFacts) {
    if let weight {
      // A part of a split grant (Kahan-compensated sum).
      let part = amount.approx * weight
      let e = extra(of: i)
      groupExtras[e].split = true
      groupExtras[e].splitGrants += weight
      let y = part - groupExtras[e].splitCompensation
      let t = groupExtras[e].splitTotal + y
      groupExtras[e].splitCompensation = (t - groupExtras[e].splitTotal) - y
      groupExtras[e].splitTotal = t
      if keepsDetail { groupDetails[i].splitParts.append(part) }
    } else {
      groupTotals[i].count += 1
      if let scaled = amount.scaled {
        let (sum, overflow) = groupTotals[i].scaledSum.addingReportingOverflow(scaled)
        if overflow {
          groupExtras[extra(of: i)].spill += amount.decimal
        } else {
          groupTotals[i].scaledSum = sum
        }
        if keepsDetail {
          if scaled >= 0, scaled % 100 == 0, let pennies = UInt32(exactly: scaled / 100) {
            groupDetails[i].pennyAmounts.append(pennies)
          } else {
            groupDetails[i].scaledAmounts.append(scaled)
          }
        }
      } else {
        groupExtras[extra(of: i)].spill += amount.other
        if keepsDetail { groupDetails[i].otherAmounts.append((amount.approx, amount.other)) }
      }
    }
    if facts.recipientCharity >= 0 { recipientCharitiesSeen.insert(facts.recipientCharity) }
    // Distinct funders and recipients are counted by digests of their ids, once a grant.
    guard keepsDetail, groupDetails[i].lastGrant != grantsCounted else { return }
    groupDetails[i].lastGrant = grantsCounted
    if let funder = facts.funderDigest { groupDetails[i].funders.insert(funder) }
    if let recipient = facts.recipientDigest { groupDetails[i].recipients.insert(recipient) }
    if facts.recipientCharity >= 0, options.registers?.charities[Int(facts.recipientCharity)].latestIncome != nil {
      groupDetails[i].recipientCharities.insert(facts.recipientCharity)
    }
  }

  private mutating func matches(place: GrantPlace, area: String) -> Bool {
    guard let geography else { return false }
    for code in place.codes {
      if code.uppercased() == area.uppercased() { return true }
      if let hit = areaMatchCache[code] {
        if hit { return true } else { continue }
      }
      var hit = false
      if let members = areaMembers, case .smallAreas(let list) = geography.resolve(code) {
        hit = list.contains(where: members.contains)
      }
      areaMatchCache[code] = hit
      if hit { return true }
    }
    return false
  }

  /// How the area `code` splits over the place keys' groups, and its entry in `distributions`
  /// (`nil` once that list is full).
  private mutating func distribution(of code: String, placeKeys: [AggregationKey]) -> (Int?, Distribution) {
    let digest = IDDigest(code)
    if let slot = distributionSlots.value(of: code, digest: digest) {
      let hit = distributions[Int(slot)]
      if case .notAttributable(let why) = hit, why.hasPrefix("unknown area"), unknownAreas[code] != nil {
        unknownAreas[code, default: 0] += 1
      }
      return (Int(slot), hit)
    }
    guard let geography else { return (nil, .notAttributable("no geography")) }
    let result: Distribution
    switch geography.resolve(code) {
    case .unknown(let reason):
      result = .notAttributable("unknown area code (\(reason))")
      // Bounded: hostile input could name millions of codes; the not-attributable total still counts them all.
      if unknownAreas.count < 10_000 { unknownAreas[code, default: 0] += 1 }
    case .countryLevel(let country):
      if placeKeys == [.country] && !country.hasPrefix("K") {
        result = .parts([([.text(country)], Decimal(1), 1)])
      } else {
        result = .notAttributable(country.hasPrefix("K") ? "UK-wide area" : "country-level area")
      }
    case .smallAreas(let list):
      var populations: [[KeyValue]: Int64] = [:]
      var order: [[KeyValue]] = []
      var total: Int64 = 0
      for i in list {
        let a = geography.smallAreas[Int(i)]
        var values: [KeyValue] = []
        for key in placeKeys {
          switch key {
          case .country: values.append(.text(a.nation.countryCode))
          case .region: values.append(.text(a.region))
          case .localAuthority: values.append(.text(a.localAuthority))
          default:
            values.append(.decile(nation: a.nation, index: geography.indexName(for: a.nation), decile: Int(a.decile)))
          }
        }
        let pop = Int64(max(a.population, 0))
        if populations[values] == nil { order.append(values) }
        populations[values, default: 0] += pop
        total += pop
      }
      if order.count == 1 {
        result = .parts([(order[0], Decimal(1), 1)])
      } else if total == 0 {
        result = .parts(order.map { ($0, 1 / Decimal(order.count), 1 / Double(order.count)) })
      } else {
        result = .parts(
          order.map {
            ($0, Decimal(populations[$0]!) / Decimal(total), Double(populations[$0]!) / Double(total))
          })
      }
    }
    guard distributions.count < 100_000 else { return (nil, result) }
    _ = distributionSlots.firstValue(of: code, digest: digest, keeping: Int32(distributions.count))
    distributions.append(result)
    return (distributions.count - 1, result)
  }

  private func value(of key: AggregationKey, facts: GrantFacts, amount: Amount) -> String {
    let date = facts.date
    switch key {
    case .funder: return facts.funder
    case .recipient: return facts.recipient
    case .programme: return facts.programme
    case .currency: return facts.currency
    case .year: return String(date.year)
    case .month: return String(format: "%04d-%02d", date.year, date.month)
    case .financialYear:
      let start = options.financialYearStartMonth
      if start <= 1 { return String(date.year) }
      let fy = date.month >= start ? date.year : date.year - 1
      return String(format: "%04d-%02d", fy, (fy + 1) % 100)
    case .amountBand:
      if let s = amount.scaled {
        let bounds: [Int64] = [1_000_0000, 10_000_0000, 100_000_0000, 1_000_000_0000]
        return Self.amountBands[bounds.firstIndex { s < $0 } ?? 4]
      }
      return Self.band(of: amount.other)
    case .recipientType: return facts.isToIndividual ? "individual" : "organisation"
    case .funderType: return organisationTypes?.names[Int(facts.funderType)] ?? ""
    case .recipientOrgType: return organisationTypes?.names[Int(facts.recipientType)] ?? ""
    case .classification: return facts.classifications.first?.key ?? ""
    case .recipientIncomeBand:
      guard facts.recipientCharity >= 0, let charity = options.registers?.charities[Int(facts.recipientCharity)] else {
        return "not in register"
      }
      return charity.latestIncome.map { IncomeBand(income: $0).rawValue } ?? "no income given"
    default: return ""
    }
  }

  /// The amount bands of `--by amount-band`, smallest first.
  public static let amountBands = ["under 1k", "1k to 10k", "10k to 100k", "100k to 1m", "1m and over"]

  /// The band an amount falls in (lower bounds inclusive).
  public static func band(of amount: Decimal) -> String {
    if amount < 1_000 { return amountBands[0] }
    if amount < 10_000 { return amountBands[1] }
    if amount < 100_000 { return amountBands[2] }
    if amount < 1_000_000 { return amountBands[3] }
    return amountBands[4]
  }

  /// Year, month and day of a `YYYY-MM-DD` date or date-time, or `nil`.
  public static func parseDate(_ text: String) -> (year: Int, month: Int, day: Int)? {
    let u = Array(text.utf8.prefix(11))
    guard u.count >= 10, u[4] == UInt8(ascii: "-"), u[7] == UInt8(ascii: "-") else { return nil }
    if u.count == 11 && u[10] != UInt8(ascii: "T") && u[10] != UInt8(ascii: " ") { return nil }
    func num(_ r: Range<Int>) -> Int? {
      var n = 0
      for i in r {
        guard u[i] >= 48 && u[i] <= 57 else { return nil }
        n = n * 10 + Int(u[i] - 48)
      }
      return n
    }
    guard let y = num(0..<4), let m = num(5..<7), let d = num(8..<10), (1...12).contains(m), (1...31).contains(d)
    else { return nil }
    return (y, m, d)
  }

  /// The exact grants and total of group `i`, and whether some grant was split into it.
  func exactTotal(of i: Int) -> (grants: Decimal, total: Decimal, split: Bool) {
    let group = groupTotals[i]
    var total = Amount.decimal(scaled: group.scaledSum)
    var grants = Decimal(group.count)
    guard group.extra >= 0 else { return (grants, total, false) }
    let extra = groupExtras[Int(group.extra)]
    total += extra.spill
    if extra.split {
      total += Decimal(extra.splitTotal).rounded(6)
      grants += Decimal(extra.splitGrants).rounded(6)
    }
    return (grants, total, extra.split)
  }

  /// What a group's share is of: its currency's total, or for deprivation its nation's
  /// attributable total in that currency.
  func shareKey(_ id: GroupID) -> String {
    for v in id.key { if case .decile(let nation, _, _) = v { return id.currency + "|" + nation.rawValue } }
    return id.currency
  }

  /// The total of every group by ``shareKey(_:)``.
  func shareTotals() -> [String: Decimal] {
    var totals: [String: Decimal] = [:]
    for (i, id) in groupIDs.enumerated() { totals[shareKey(id), default: 0] += exactTotal(of: i).total }
    return totals
  }

  /// Group `i` (of `id`) with its measures: its median, minimum, maximum and distinct
  /// counts are `ordered`'s, zero when the run keeps no detail.
  func aggregateGroup(
    _ i: Int, id: GroupID, shareTotal: Decimal, ordered: (Decimal, Decimal, Decimal, Int, Int)?,
    nationPopulation: inout [Nation: Int64]
  ) -> AggregateGroup {
    let (median, minimum, maximum, recipients, funders) = ordered ?? (0, 0, 0, 0, 0)
    let (grants, total, split) = exactTotal(of: i)
    var group = AggregateGroup(
      key: id.key, currency: id.currency, grants: grants, total: total,
      mean: grants.isZero ? 0 : total / grants, median: median,
      minimum: minimum, maximum: maximum,
      recipients: recipients, funders: funders,
      share: shareTotal.isZero ? 0 : total / shareTotal, split: split)
    if let registers = options.registers, keepsDetail {
      let incomes = groupDetails[i].recipientCharities.compactMap { registers.charities[Int($0)].latestIncome }.sorted()
      group.recipientsWithIncome = incomes.count
      if !incomes.isEmpty {
        group.recipientIncomeMean = (incomes.reduce(0, +) / Decimal(incomes.count)).rounded(2)
        let mid = incomes.count / 2
        group.recipientIncomeMedian = incomes.count % 2 == 1 ? incomes[mid] : ((incomes[mid - 1] + incomes[mid]) / 2).rounded(2)
      }
    }
    if let geography {
      for v in id.key {
        if case .decile(let nation, _, let decile) = v {
          let pops = geography.population(of: nation)
          let pop = pops[max(0, min(9, decile - 1))]
          if nationPopulation[nation] == nil { nationPopulation[nation] = pops.reduce(0, +) }
          let nationPop = nationPopulation[nation] ?? 0
          group.population = pop
          group.perHead = pop == 0 ? nil : total / Decimal(pop)
          if pop > 0 && nationPop > 0 {
            group.relativeShare = group.share / (Decimal(pop) / Decimal(nationPop))
          }
        }
      }
    }
    return group
  }

  /// The totals so far. Without ``AggregationMeasures/all`` each group's median, minimum,
  /// maximum, distinct funders and recipients, and recipients' incomes are not measured (zero
  /// or `nil`).
  public func result() -> AggregationResult {
    let shares = shareTotals()
    let ordered = keepsDetail ? Self.orderGroups(groupDetails, splits: groupTotals.indices.map { exactTotal(of: $0).split }) : nil
    var nationPopulation: [Nation: Int64] = [:]
    var out: [AggregateGroup] = []
    out.reserveCapacity(groupIDs.count)
    for (i, id) in groupIDs.enumerated() {
      out.append(
        aggregateGroup(
          i, id: id, shareTotal: shares[shareKey(id)] ?? 0, ordered: ordered?[i], nationPopulation: &nationPopulation))
    }
    out = renamingClassifications(out)
    let keys = options.keys
    out.sort { a, b in
      for (i, key) in keys.enumerated() {
        let x = a.key[i]
        let y = b.key[i]
        if x == y { continue }
        return Self.less(x, y, key: key)
      }
      return a.currency < b.currency
    }
    return result(groups: out)
  }

  /// The result with `groups` as its groups and everything else as it stands.
  func result(groups: [AggregateGroup]) -> AggregationResult {
    let keys = options.keys
    let na = notAttributable.totals()
    var placeSources: [PlaceSource: Int] = [:]
    if options.needsGeography {
      for (source, count) in zip(PlaceSource.allCases, placeSourceCounts) where count > 0 { placeSources[source] = count }
    }
    var attributions: [String] = []
    if options.registers != nil { attributions.append(charityRegisterAttribution) }
    if geography != nil { attributions.append(geographyAttribution) }
    var result = AggregationResult(
      keys: keys, groups: groups, excluded: excluded, excludedCounts: excludedCounts, duplicates: duplicates,
      notAttributable: na, unknownAreas: unknownAreas, placeSources: placeSources, grantsRead: grantsRead,
      grantsCounted: grantsCounted, duplicateCopies: duplicateCopies, grantsFilteredOut: grantsFilteredOut,
      unmatchedSelectors: unmatchedSelectors, englishIndex: geography?.englishIndex,
      attribution: attributions.isEmpty ? nil : attributions.joined(separator: " "))
    if options.registers != nil { result.recipientsInRegisters = recipientCharitiesSeen.count }
    if options.recipientLinks != nil && !options.filter.recipientsOf.isEmpty { result.recipientsLinked = linkedRecipients.count }
    return result
  }

  /// `groups` with each classification code given the first title met for it.
  func renamingClassifications(_ groups: [AggregateGroup]) -> [AggregateGroup] {
    guard let at = options.keys.firstIndex(of: .classification) else { return groups }
    var out = groups
    for i in out.indices {
      let code = out[i].key[at].text
      out[i].key[at] = .titled(code, title: classificationTitles[code] ?? "")
    }
    return out
  }

  /// Median, minimum, maximum, distinct recipients and distinct funders of every group, the
  /// groups sorted on every core: after reading ends this is the only work left, and one group
  /// can hold a million amounts and ids.
  static func orderGroups(_ groups: [GroupDetail], splits: [Bool]) -> [(Decimal, Decimal, Decimal, Int, Int)] {
    var ordered = [(Decimal, Decimal, Decimal, Int, Int)](repeating: (0, 0, 0, 0, 0), count: groups.count)
    ordered.withUnsafeMutableBufferPointer { buffer in
      nonisolated(unsafe) let out = buffer
      DispatchQueue.concurrentPerform(iterations: groups.count) { i in
        let (median, minimum, maximum) = order(groups[i], split: splits[i])
        out[i] = (median, minimum, maximum, groups[i].recipients.distinctCount, groups[i].funders.distinctCount)
      }
    }
    return ordered
  }

  /// Median, minimum and maximum of a group: exact for whole amounts (integer sort, or a
  /// Double-keyed sort with exact comparison on ties), approximate (rounded on output) once a
  /// group holds parts of split grants.
  static func order(_ acc: GroupDetail, split: Bool) -> (Decimal, Decimal, Decimal) {
    func median<T>(_ sorted: [T], _ value: (T) -> Decimal) -> (Decimal, Decimal, Decimal) {
      let n = sorted.count
      guard n > 0 else { return (0, 0, 0) }
      let m = n % 2 == 1 ? value(sorted[n / 2]) : (value(sorted[n / 2 - 1]) + value(sorted[n / 2])) / 2
      return (m, value(sorted[0]), value(sorted[n - 1]))
    }
    if split {
      var all = acc.splitParts
      all += acc.pennyAmounts.map { Double($0) / 100 }
      all += acc.scaledAmounts.map { Double($0) / 10_000 }
      all += acc.otherAmounts.map(\.key)
      RadixSort.sort(&all)
      return median(all) { Decimal($0).rounded(6) }
    }
    if acc.otherAmounts.isEmpty && acc.scaledAmounts.isEmpty {
      var pennies = acc.pennyAmounts
      RadixSort.sort(&pennies)
      return median(pennies) { Amount.decimal(scaled: Int64($0) * 100) }
    }
    if acc.otherAmounts.isEmpty {
      var amounts = acc.scaledAmounts
      amounts += acc.pennyAmounts.map { Int64($0) * 100 }
      RadixSort.sort(&amounts)
      return median(amounts) { Amount.decimal(scaled: $0) }
    }
    var pairs = acc.otherAmounts
    pairs += acc.scaledAmounts.map { (Double($0) / 10_000, Amount.decimal(scaled: $0)) }
    pairs += acc.pennyAmounts.map { (Double($0) / 100, Amount.decimal(scaled: Int64($0) * 100)) }
    pairs.sort { a, b in a.key != b.key ? a.key < b.key : a.value < b.value }
    return median(pairs) { $0.value }
  }

  static func less(_ x: KeyValue, _ y: KeyValue, key: AggregationKey) -> Bool {
    switch (x, y) {
    case (.decile(let n1, _, let d1), .decile(let n2, _, let d2)):
      return n1 == n2 ? d1 < d2 : n1 < n2
    case (.titled(let a, _), .titled(let b, _)):
      return a < b
    case (.text(let a), .text(let b)):
      if key == .amountBand {
        return (amountBands.firstIndex(of: a) ?? 99) < (amountBands.firstIndex(of: b) ?? 99)
      }
      if key == .recipientIncomeBand {
        let order = IncomeBand.allCases.map(\.rawValue) + ["no income given", "not in register"]
        return (order.firstIndex(of: a) ?? 99) < (order.firstIndex(of: b) ?? 99)
      }
      if key == .funderType || key == .recipientOrgType {
        // The rule table's order, then types of the user's own by name.
        let order = OrganisationTypes.builtIn + [OrganisationTypes.individual]
        let (i, j) = (order.firstIndex(of: a) ?? order.count, order.firstIndex(of: b) ?? order.count)
        return i != j ? i < j : a < b
      }
      return a < b
    default:
      return x.text < y.text
    }
  }

  /// Aggregates `feeds` (in order) with `options`.
  /// - Throws: ``FeedError`` when a feed or the geography cannot be read.
  public static func aggregate(_ feeds: [GrantFeed], options: AggregationOptions) throws -> AggregationResult {
    var aggregator = try Aggregator(options: options)
    if options.needsSelectionPass {
      // A feed that cannot be read is reported by the counting pass, which reads it again.
      for feed in feeds { try? aggregator.readSelection(feed) }
    }
    for feed in feeds { try aggregator.aggregate(feed) }
    return aggregator.result()
  }
}

/// Counts distinct digests by gathering them and sorting, not by a hash set: appending is
/// sequential, where inserting into a set of a million touches a random cache line each time
/// (measured: a fifth of the aggregating thread's time with a `Set`). The list is sorted and
/// free of repeats up to `sortedCount`; digests are appended after, and once they are an eighth
/// as many, they alone are sorted and merged in (a merge from the back, in place), so the list
/// never holds more than about 1.125 times the distinct digests, and a merge needs room for
/// the new ones only. (Sorting the whole list once it had grown by half held 1.5 times the
/// distinct digests, and three times while sorting: 12 MB of the peak of aggregating 1M grants.)
///
/// Only 64 bits of each digest are kept (half the memory): two of a million distinct ids share
/// them with odds of about one in 37 million, and then the count is one short.
struct DistinctDigests {
  private var digests: [UInt64] = []
  /// How many of `digests`, from the start, are sorted and free of repeats.
  private var sortedCount = 0
  /// The digests added last, one per value of their low bits: a group sees the same few
  /// funders again and again, and a repeat found here is not gathered (measured: sorting
  /// repeats was 3% of `aggregate --by imd-decile` over 1M grants). Made only once a group has
  /// had a few digests: most groups of `--by recipient` have one or two, and need no cache.
  private var recent: [UInt64] = []

  mutating func insert(_ digest: IDDigest) {
    let bits = UInt64(UInt(bitPattern: digest.low))
    if recent.isEmpty {
      if digests.count < 8 {
        digests.append(bits)
        return
      }
      recent = [UInt64](repeating: 0, count: 32)
    }
    let slot = Int(truncatingIfNeeded: bits & 31)
    if recent[slot] == bits && bits != 0 { return }
    recent[slot] = bits
    digests.append(bits)
    if digests.count - sortedCount >= max(4096, sortedCount / 8) { mergeNewDigests() }
  }

  /// How many distinct digests were inserted.
  var distinctCount: Int {
    let new = Self.sortedWithoutRepeats(digests[sortedCount...])
    // The new digests not among the sorted ones, found by walking both lists together.
    var count = sortedCount
    var i = 0
    for digest in new {
      while i < sortedCount && digests[i] < digest { i += 1 }
      if i == sortedCount || digests[i] != digest { count += 1 }
    }
    return count
  }

  private static func sortedWithoutRepeats(_ slice: ArraySlice<UInt64>) -> [UInt64] {
    var list = Array(slice)
    RadixSort.sort(&list)
    guard list.count > 1 else { return list }
    var kept = 1
    for i in 1..<list.count where list[i] != list[kept - 1] {
      list[kept] = list[i]
      kept += 1
    }
    list.removeLast(list.count - kept)
    return list
  }

  /// Sorts the digests after `sortedCount` and merges them into the sorted ones, dropping repeats.
  private mutating func mergeNewDigests() {
    let new = Self.sortedWithoutRepeats(digests[sortedCount...])
    var end = sortedCount + new.count
    digests.withUnsafeMutableBufferPointer { list in
      // From the back, the larger of the two lists' last digests goes last: the place written
      // is never before the sorted digest read next, so nothing unread is overwritten. A digest
      // in both lists is kept once, which leaves a gap between the two parts, closed after.
      var i = sortedCount - 1
      var j = new.count - 1
      var w = end - 1
      while j >= 0 {
        if i >= 0 && list[i] > new[j] {
          list[w] = list[i]
          i -= 1
        } else if i >= 0 && list[i] == new[j] {
          j -= 1
          continue
        } else {
          list[w] = new[j]
          j -= 1
        }
        w -= 1
      }
      let gap = w - i
      if gap > 0, let base = list.baseAddress {
        (base + i + 1).update(from: base + w + 1, count: end - (w + 1))
        end -= gap
      }
    }
    digests.removeLast(digests.count - end)
    sortedCount = end
  }
}
