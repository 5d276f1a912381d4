internal import Foundation

extension Aggregator.FactFinder {
  /// The columns of a CSV file that ``GrantFacts`` are read from.
  private struct FactColumns: Sendable {
    var id: Int?
    var currency: Int?
    var amount: Int?
    var awardDate: Int?
    var funder: Int?
    var recipient: Int?
    var individualID: Int?
    /// Every column of `recipientIndividual` (any of them makes a grant one to an individual).
    var individual: [Int] = []
    var programmeTitle: Int?
    var programmeCode: Int?
    var classificationVocabulary: Int?
    var classificationCode: Int?
    var classificationTitle: Int?
    var title: Int?
    var description: Int?
    var beneficiaryCode: Int?
    var recipientLocationCode: Int?
    var postalCode: Int?
    var charityNumber: Int?
  }

  /// Reads ``GrantFacts`` straight from the rows of a large CSV file, without building grants
  /// (``DirectRows``): what aggregation reads of a grant sits in a few known columns when the
  /// headings are the standard ones, one item to each list. Written because building a
  /// million grants to read six values of each took three times as long as parsing the file.
  ///
  /// Each row makes the facts ``facts(of:)`` makes of the grant it reads as, through the same
  /// ``start(id:amount:currency:awardDate:)`` and ``finish(_:awardDate:funder:recipient:isToIndividual:programmes:title:description:place:)``;
  /// a test compares the two on every fixture. `nil` when the headings need the ordinary reader:
  /// a needed list with a second item (`Beneficiary Location:1:Geographic Code`) or written
  /// both with and without an index, a column that names a list or an object, a value of an
  /// unexpected kind.
  func directRows(header: SheetRow, file: URL, titles: SchemaTitles, neededMembers: Set<String>)
    -> DirectRows<GrantFacts>?
  {
    let mapper = HeadingMapper(titles: titles)
    let width = header.cells.count
    var columns = FactColumns()
    var hasHeading = Array(repeating: false, count: width)
    var textColumns = Array(repeating: false, count: width)
    var indexes: [String: Set<Int>] = [:]
    for (column, cell) in header.cells.enumerated() {
      guard let heading = cell?.text, !heading.trimmingSpaces.isEmpty else { continue }
      hasHeading[column] = true
      let plan = mapper.plan(for: heading)
      guard case .key(let member)? = plan.steps.first, neededMembers.contains(member) else { continue }
      for case .index(let i) in plan.steps { indexes[member, default: []].insert(i) }
      let expected: SchemaFieldKind = plan.canonicalPath == "amountAwarded" ? .number : .string
      let slot: WritableKeyPath<FactColumns, Int?>? =
        switch plan.canonicalPath {
        case "id": \.id
        case "currency": \.currency
        case "amountAwarded": \.amount
        case "awardDate": \.awardDate
        case "fundingOrganization/0/id": \.funder
        case "recipientOrganization/0/id": \.recipient
        case "recipientIndividual/id": \.individualID
        case "grantProgramme/0/title": \.programmeTitle
        case "grantProgramme/0/code": \.programmeCode
        case "classifications/0/vocabulary": \.classificationVocabulary
        case "classifications/0/code": \.classificationCode
        case "classifications/0/title": \.classificationTitle
        case "title": \.title
        case "description": \.description
        case "beneficiaryLocation/0/geoCode": \.beneficiaryCode
        case "recipientOrganization/0/location/0/geoCode": \.recipientLocationCode
        case "recipientOrganization/0/postalCode": \.postalCode
        case "recipientOrganization/0/charityNumber": \.charityNumber
        default: nil
        }
      if member == "recipientIndividual" { columns.individual.append(column) }
      if let slot {
        guard plan.kind == expected else { return nil }
        columns[keyPath: slot] = column
        textColumns[column] = true
      } else if plan.kind == .object || plan.kind == .objectArray || plan.steps.count < 2 {
        return nil
      }
    }
    for (_, written) in indexes where !(written.isSubset(of: [-1]) || written.isSubset(of: [0])) {
      return nil
    }

    let headings = header.cells.map { $0.map(\.text) }
    let sources = FeedSources(
      files: [file.path],
      sheets: [FeedSources.Sheet(file: file.path, name: file.deletingPathExtension().lastPathComponent, headings: headings)])
    let finder = self
    let postcodes = options.postcodes
    let found = columns
    let headed = hasHeading
    let direct = DirectRows<GrantFacts>(sources: sources, textColumns: textColumns) { row, state in
      let count = min(row.count, width)
      var filled = false
      for c in 0..<count where headed[c] && !row.isEmpty(c) {
        filled = true
        break
      }
      guard filled else { return .noGrant }
      func text(_ column: Int?) -> String? {
        guard let column, column < count else { return nil }
        return row.text(column)
      }
      func has(_ column: Int) -> Bool { column < count && !row.isEmpty(column) }
      let id = text(found.id)
      if id != nil && id == state.previousID { return .needsOrdinaryRead }
      state.previousID = id
      // The selection pass has no use for a grant whose funder no selector names: most rows,
      // passed over before anything else of them is read.
      if finder.isSelectionPass {
        let funder = text(found.funder) ?? ""
        if finder.selectors(naming: funder, digest: funder.isEmpty ? nil : IDDigest(funder)).mask == 0 { return .noGrant }
      }

      let rowNumber = Int32(truncatingIfNeeded: row.number)
      let amountText = text(found.amount)
      let awardDate = text(found.awardDate)
      var facts = finder.start(
        id: id, amount: amountText.map { CellTyping.value(of: .text($0), kind: .number).0 },
        currency: text(found.currency), awardDate: awardDate)
      if let column = found.id, id != nil { facts.idPlace = .cell(sheet: 0, row: rowNumber, column: Int32(column)) }
      facts.firstRow = RowReference(sheet: 0, row: row.number)
      if facts.problem != nil {
        if let column = found.amount, amountText != nil {
          facts.problemPlace = .cell(sheet: 0, row: rowNumber, column: Int32(column))
        } else {
          facts.problemPlace = .row(sheet: 0, row: rowNumber)
        }
        return .item(facts)
      }
      let organisation = text(found.recipient)
      finder.finish(
        &facts, awardDate: awardDate ?? "", funder: text(found.funder),
        recipient: organisation ?? text(found.individualID),
        hasRecipientOrganisation: organisation != nil, isToIndividual: found.individual.contains(where: has),
        charityNumber: { text(found.charityNumber) },
        programmes: {
          let title = text(found.programmeTitle)
          let code = text(found.programmeCode)
          return title == nil && code == nil ? [] : [(title, code)]
        },
        classifications: {
          [(text(found.classificationVocabulary), text(found.classificationCode), text(found.classificationTitle))]
        },
        title: { text(found.title) }, description: { text(found.description) },
        place: {
          if let code = text(found.beneficiaryCode).flatMap(GrantPlace.areaCode) {
            return GrantPlace(source: .beneficiary, codes: [code])
          }
          if let code = text(found.recipientLocationCode).flatMap(GrantPlace.areaCode) {
            return GrantPlace(source: .recipientLocation, codes: [code])
          }
          if let postcodes, let postcode = text(found.postalCode), let area = postcodes.area(of: postcode) {
            return GrantPlace(source: .recipientPostcode, codes: [area])
          }
          return GrantPlace(source: .none, codes: [])
        })
      return .item(facts)
    }
    return direct
  }
}
