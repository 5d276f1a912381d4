internal import Foundation

/// What aggregation needs of one grant, worked out from the grant alone: on the thread that
/// read it (a worker, for a large CSV file), so that the aggregating thread only looks up,
/// counts and adds.
///
/// Everything here depends on the grant and the run's options, never on grants before it:
/// duplicates, areas and groups are the ``Aggregator``'s business.
struct GrantFacts: Sendable {
  var id: String?
  var idDigest: IDDigest?
  var amount: Aggregator.Amount?
  /// Why the grant cannot be counted (no amount, an unknown currency, …), if it cannot.
  /// A duplicate is reported as such first.
  var problem: String?
  var currency = ""
  var date = (year: 0, month: 0, day: 0)
  /// Whether the grant passes every filter but `--area` and `--places-of` (which need the
  /// geography's caches).
  var passesFilters = false
  /// Whether the grant passes the date, amount and currency filters: those a grant must pass
  /// for its funder's recipients and places to be selected (``Aggregator/readSelection(_:)``).
  var passesSelectionFilters = false
  /// The funder selectors that name this grant's funder, one bit each (``FunderSelection``).
  var selectedBy: UInt64 = 0
  var funder = ""
  var recipient = ""
  var funderDigest: IDDigest?
  var recipientDigest: IDDigest?
  /// Whether `recipient` is a recipient organisation's id (not an individual's).
  var hasRecipientOrganisation = false
  /// The funder's and the recipient's types, as indexes of ``OrganisationTypes/names`` (worked
  /// out only when the run uses types).
  var funderType = OrganisationTypes.unknownIndex
  var recipientType = OrganisationTypes.unknownIndex
  /// The grant's distinct classifications, `vocabulary:code` and title (read only when
  /// grouping by classification).
  var classifications: [(key: String, title: String)] = []
  /// The first programme's title, else its code (read only when grouping by programme).
  var programme = ""
  var isToIndividual = false
  /// The recipient charity in the run's registers (``CharityRegisterSet/charities``), or -1.
  var recipientCharity: Int32 = -1
  var place: GrantPlace?
  /// Where the grant's id is, and where to point when it cannot be counted (its amount, else
  /// the grant).
  var idPlace = SourcePlace.unknown
  var problemPlace = SourcePlace.unknown
  var firstRow: RowReference?

  /// The amount as copies of a grant compare it, in 32 bits: exactly the amount in ten-thousandths
  /// when it is below £429,496.7295 (and not negative), else a fold of that (or of the `Double`'s
  /// bits) with the high half mixed in, so that two different large amounts share a print with
  /// odds of about one in four billion.
  var amountPrint: UInt32 {
    let key = amount.map { $0.scaled ?? Int64(truncatingIfNeeded: $0.approx.bitPattern) } ?? Int64.min
    let high = UInt32(truncatingIfNeeded: key >> 32)
    return UInt32(truncatingIfNeeded: key) ^ (high &* 0x9E37_79B1)
  }
}

extension GrantFacts: ParallelReadItem {
  var grantID: String? { id }

  mutating func renumber(index: Int, rowsDown rows: Int32) {
    idPlace = idPlace.inGrant(index)
    problemPlace = problemPlace.inGrant(index)
    guard rows != 0 else { return }
    idPlace = idPlace.movedDown(by: rows)
    problemPlace = problemPlace.movedDown(by: rows)
    firstRow?.row += rows
  }
}

extension SourcePlace {
  /// The same place with its row `rows` further down (spreadsheets only).
  func movedDown(by rows: Int32) -> SourcePlace {
    switch self {
    case .cell(let sheet, let row, let column): .cell(sheet: sheet, row: row + rows, column: column)
    case .row(let sheet, let row): .row(sheet: sheet, row: row + rows)
    case .text, .unknown: self
    }
  }

  /// The same place in grant number `index` (text places name their grant).
  func inGrant(_ index: Int) -> SourcePlace {
    guard case .text(let file, let position, let value) = self, value.grant != Int32(truncatingIfNeeded: index)
    else { return self }
    return .text(file: file, position: position, value: value.inGrant(index))
  }
}

extension Aggregator {
  /// Works out ``GrantFacts`` for the grants of one run; safe to use from any thread.
  struct FactFinder: Sendable {
    let options: AggregationOptions
    let currencies: Set<String>
    /// How organisations are typed, when the run uses types.
    var types: OrganisationTypes?
    /// The run's funder selectors, if it has any.
    var selection: FunderSelection?
    /// The types `--funder-type` and `--recipient-org-type` keep, by index (`nil`: any).
    var funderTypesKept: [Bool]?
    var recipientTypesKept: [Bool]?
    /// Whether these facts are for the selection pass, which needs only the funder, the
    /// recipient, the place and the date, amount and currency filters.
    var isSelectionPass = false
    /// The recipients `--recipients-of` keeps, once the selection pass has found them.
    var selectedRecipients: ExactIDTable<Bool>?
    /// Whether a type filter, `--not-funder` or `--recipients-of` is given.
    var filtersOrganisations = false

    /// The run's filter, kept here so that the checks each grant goes through read it in place
    /// (a copy of it, made for every grant, retains every set and list in it).
    let filter: AggregationFilter
    /// Whether the run needs funders' types, and recipients' (keys, filters, selectors), and
    /// its grants' programmes and classifications.
    let typesFunders: Bool
    let typesRecipients: Bool
    let readsProgramme: Bool
    let readsClassifications: Bool
    let needsPlace: Bool

    init(options: AggregationOptions, currencies: Set<String>) {
      self.options = options
      self.currencies = currencies
      filter = options.filter
      readsProgramme = options.keys.contains(.programme)
      readsClassifications = options.keys.contains(.classification)
      needsPlace = options.needsGeography
      typesRecipients = options.keys.contains(.recipientOrgType) || !filter.recipientOrgTypes.isEmpty
      typesFunders = options.keys.contains(.funderType) || !filter.funderTypes.isEmpty || filter.selectsByType
    }

    /// The selectors that name `funder` (its digest is `digest`), and its type's index.
    func selectors(naming funder: String, digest: IDDigest?) -> (mask: UInt64, type: Int16) {
      var type = OrganisationTypes.unknownIndex
      if typesFunders, let digest { type = types?.index(of: funder, digest: digest) ?? type }
      let mask = selection?.mask(funder: funder, digest: digest, type: type) ?? 0
      return (mask, type)
    }

    /// The members of a grant the aggregation reads, found in one pass (the last of
    /// duplicate keys wins, as everywhere in giving).
    private struct Members {
      var id: String?
      var currency: String?
      var amount: JSONValue?
      var awardDate: String?
      var funders: JSONValue?
      var recipients: JSONValue?
      var individual: JSONValue?
      var classifications: JSONValue?

      init(_ json: JSONValue) {
        guard case .object(let object) = json else { return }
        for member in object.members {
          switch member.key {
          case "id": id = member.value.stringValue
          case "currency": currency = member.value.stringValue
          case "amountAwarded": amount = member.value
          case "awardDate": awardDate = member.value.stringValue
          case "fundingOrganization": funders = member.value
          case "recipientOrganization": recipients = member.value
          case "recipientIndividual": individual = member.value
          case "classifications": classifications = member.value
          default: break
          }
        }
      }
    }

    func facts(of grant: Grant) -> GrantFacts {
      let members = Members(grant.json)
      var facts = start(id: members.id, amount: members.amount, currency: members.currency, awardDate: members.awardDate)
      if members.id != nil { facts.idPlace = grant.place(of: "id") }
      facts.firstRow = grant.source.firstRow
      if facts.problem != nil {
        facts.problemPlace = grant.place(of: "amountAwarded")
        return facts
      }
      let firstRecipient = members.recipients?.arrayValue?.first
      let organisation = firstRecipient?["id"]?.stringValue
      finish(
        &facts, awardDate: members.awardDate ?? "",
        funder: members.funders?.arrayValue?.first?["id"]?.stringValue,
        recipient: organisation ?? members.individual?["id"]?.stringValue,
        hasRecipientOrganisation: organisation != nil, isToIndividual: members.individual != nil,
        charityNumber: { firstRecipient?["charityNumber"]?.stringValue ?? firstRecipient?["charityNumber"]?.numberValue?.text },
        programmes: { grant.grantProgramme.map { ($0.title, $0.code) } },
        classifications: {
          (members.classifications?.arrayValue ?? []).map {
            // A code written as a number is taken as its text.
            ($0["vocabulary"]?.stringValue, $0["code"]?.stringValue ?? $0["code"]?.numberValue?.text, $0["title"]?.stringValue)
          }
        },
        title: { grant.title }, description: { grant.description },
        place: { GrantPlace.of(grant, postcodes: options.postcodes) })
      return facts
    }

    /// The facts that decide whether a grant can be counted at all: amount, currency, date.
    func start(id: String?, amount: JSONValue?, currency: String?, awardDate: String?) -> GrantFacts {
      var facts = GrantFacts()
      facts.id = id
      // Only the counting pass finds duplicates.
      if !isSelectionPass { facts.idDigest = id.map(IDDigest.init) }
      if amount == nil || amount?.isNull == true {
        facts.problem = "no amount"
      } else if let n = amount?.numberValue, let scaled = Aggregator.Amount.scale(n.text) {
        facts.amount = Aggregator.Amount(scaled: scaled, other: 0, approx: Double(scaled) / 10_000)
      } else if let n = amount?.numberValue, let a = n.decimal {
        facts.amount = Aggregator.Amount(scaled: nil, other: a, approx: Double(n.text) ?? 0)
      } else {
        facts.problem = "non-numeric amount"
      }
      let currency = currency ?? ""
      facts.currency = currency
      if facts.problem == nil && !currencies.contains(currency) {
        facts.problem = currency.isEmpty ? "no currency" : "unknown currency '\(currency)'"
      }
      let date = awardDate.flatMap(Aggregator.parseDate)
      if facts.problem == nil {
        if let date {
          facts.date = date
        } else {
          facts.problem = awardDate.map { "unparseable award date '\($0)'" } ?? "no award date"
        }
      }
      return facts
    }

    /// The rest, for a grant that can be counted: who, what for, and whether it passes the
    /// filters. The closures are called only when the run needs what they give.
    func finish(
      _ facts: inout GrantFacts, awardDate: String, funder: String?, recipient: String?,
      hasRecipientOrganisation: Bool, isToIndividual: Bool, charityNumber: () -> String?,
      programmes: () -> [(title: String?, code: String?)],
      classifications: () -> [(vocabulary: String?, code: String?, title: String?)],
      title: () -> String?, description: () -> String?, place: () -> GrantPlace
    ) {
      guard let amount = facts.amount else { return }
      facts.funder = funder ?? ""
      facts.recipient = recipient ?? ""
      if !facts.funder.isEmpty { facts.funderDigest = IDDigest(facts.funder) }
      if !facts.recipient.isEmpty { facts.recipientDigest = IDDigest(facts.recipient) }
      facts.hasRecipientOrganisation = hasRecipientOrganisation && !facts.recipient.isEmpty
      facts.isToIndividual = isToIndividual
      if let registers = options.registers, facts.hasRecipientOrganisation {
        let found = registers.index(identifiedBy: facts.recipient) ?? charityNumber().flatMap(registers.index(numbered:))
        facts.recipientCharity = found.map(Int32.init) ?? -1
      }
      if typesFunders || selection != nil {
        (facts.selectedBy, facts.funderType) = selectors(naming: facts.funder, digest: facts.funderDigest)
      }
      if typesRecipients {
        if facts.hasRecipientOrganisation, let digest = facts.recipientDigest {
          facts.recipientType = types?.index(of: facts.recipient, digest: digest) ?? OrganisationTypes.unknownIndex
        } else if isToIndividual {
          facts.recipientType = OrganisationTypes.individualIndex
        }
      }
      facts.passesSelectionFilters = passesSelectionFilters(
        currency: facts.currency, amount: amount, dateText: awardDate.prefix(10))
      if isSelectionPass {
        if facts.passesSelectionFilters, let placesOf = selection?.placesOf, facts.selectedBy & placesOf != 0 {
          facts.place = placeOrRegistered(place(), facts)
        }
        return
      }
      if readsProgramme {
        facts.programme = programmes().first.flatMap { $0.title ?? $0.code } ?? ""
      }
      if readsClassifications { facts.classifications = Self.distinct(classifications()) }
      facts.passesFilters =
        facts.passesSelectionFilters
        && passes(
          funder: facts.funder, recipient: facts.recipient, programmes: programmes, title: title,
          description: description)
        && (!filtersOrganisations || passesOrganisationFilters(facts))
      if facts.passesFilters && needsPlace { facts.place = placeOrRegistered(place(), facts) }
    }

    /// `place`, or where none was found, the recipient charity's registered postcode.
    private func placeOrRegistered(_ place: GrantPlace, _ facts: GrantFacts) -> GrantPlace {
      guard place.source == .none, facts.recipientCharity >= 0, let postcodes = options.postcodes,
        let postcode = options.registers?.charities[Int(facts.recipientCharity)].postcode,
        let area = postcodes.area(of: postcode)
      else { return place }
      return GrantPlace(source: .registerPostcode, codes: [area])
    }

    /// A grant's classifications as `vocabulary:code` and title, each code once (the first
    /// title given it), leaving out entries with neither vocabulary nor code.
    static func distinct(_ entries: [(vocabulary: String?, code: String?, title: String?)]) -> [(key: String, title: String)] {
      var out: [(key: String, title: String)] = []
      for entry in entries {
        let vocabulary = entry.vocabulary ?? ""
        let code = entry.code ?? ""
        guard !vocabulary.isEmpty || !code.isEmpty else { continue }
        let key = vocabulary + ":" + code
        if !out.contains(where: { $0.key == key }) { out.append((key, entry.title ?? "")) }
      }
      return out
    }

    /// The date, amount and currency filters.
    private func passesSelectionFilters(currency: String, amount: Aggregator.Amount, dateText: Substring) -> Bool {
      if let from = filter.from, dateText < from { return false }
      if let to = filter.to, dateText > to { return false }
      if let min = filter.minimum, amount.decimal < min { return false }
      if let max = filter.maximum, amount.decimal > max { return false }
      if !filter.currencies.isEmpty && !filter.currencies.contains(currency) { return false }
      return true
    }

    /// The type filters, `--not-funder` and `--recipients-of`.
    private func passesOrganisationFilters(_ facts: GrantFacts) -> Bool {
      if let kept = funderTypesKept, !kept[Int(facts.funderType)] { return false }
      if let kept = recipientTypesKept, !kept[Int(facts.recipientType)] { return false }
      // Optional chaining reads these in place: binding the tables would copy them (and
      // retain their storage) for every grant.
      if let notFunder = selection?.notFunder, facts.selectedBy & notFunder != 0 { return false }
      if selectedRecipients != nil {
        guard facts.hasRecipientOrganisation, let digest = facts.recipientDigest,
          selectedRecipients?.value(of: facts.recipient, digest: digest) != nil
        else { return false }
      }
      return true
    }

    private func passes(
      funder: String, recipient: String, programmes: () -> [(title: String?, code: String?)],
      title: () -> String?, description: () -> String?
    ) -> Bool {
      if !filter.funders.isEmpty && !filter.funders.contains(funder) { return false }
      if !filter.recipients.isEmpty && !filter.recipients.contains(recipient) { return false }
      if !filter.programmes.isEmpty
        && !programmes().contains(where: { p in
          p.title.map(filter.programmes.contains) == true || p.code.map(filter.programmes.contains) == true
        })
      { return false }
      if let search = filter.search, !search.isEmpty {
        let hit =
          (title()?.range(of: search, options: .caseInsensitive) != nil)
          || (description()?.range(of: search, options: .caseInsensitive) != nil)
        if !hit { return false }
      }
      return true
    }
  }
}
