internal import Foundation
internal import GRDB
internal import GivingKit

/// Inserts the grants of feeds into the tables ``GrantDatabase`` made, through statements
/// prepared once.
struct GrantRowWriter {
  private let db: Database
  private let insertFile: Statement
  private let insertGrant: Statement
  private let insertDuplicate: Statement
  private let keyOfID: Statement
  private let insertFunder: Statement
  private let insertRecipient: Statement
  private let insertIndividual: Statement
  private let insertBeneficiaryLocation: Statement
  private let insertRecipientLocation: Statement
  private let insertClassification: Statement
  private var places: GrantPlaceWriter
  private(set) var grantsStored = 0
  private(set) var duplicates = 0

  init(_ db: Database, geography: Geography) throws {
    self.db = db
    places = try GrantPlaceWriter(db, geography: geography)
    insertFile = try db.makeStatement(sql: "INSERT INTO files (path, format, encoding) VALUES (?, ?, ?)")
    insertGrant = try db.makeStatement(
      sql: """
        INSERT INTO grants (id, title, description, currency, amount_awarded, amount_awarded_minor, award_date,
          planned_start_date, planned_end_date, planned_duration_months, actual_start_date, actual_end_date,
          grant_programme_code, grant_programme_title, data_source, last_modified, json,
          file_id, sheet, row, line, "column")
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT(id) DO NOTHING
        """)
    insertDuplicate = try db.makeStatement(
      sql: "INSERT INTO duplicates (id, grant_key, file_id, sheet, row, line, \"column\") VALUES (?, ?, ?, ?, ?, ?, ?)")
    keyOfID = try db.makeStatement(sql: "SELECT grant_key FROM grants WHERE id = ?")
    // The rows of a grant's lists take its key from `last_insert_rowid()`, which inserts into
    // those tables (WITHOUT ROWID) leave alone: their values are bound as the reading threads
    // made them, with nothing added here.
    insertFunder = try db.makeStatement(
      sql: "INSERT INTO funding_organizations (position, id, name, grant_key) VALUES (?, ?, ?, last_insert_rowid())")
    insertRecipient = try db.makeStatement(
      sql: """
        INSERT INTO recipient_organizations (position, id, name, charity_number, company_number, postal_code, grant_key)
        VALUES (?, ?, ?, ?, ?, ?, last_insert_rowid())
        """)
    insertIndividual = try db.makeStatement(
      sql: "INSERT INTO recipient_individuals (position, id, name, grant_key) VALUES (?, ?, ?, last_insert_rowid())")
    insertBeneficiaryLocation = try db.makeStatement(
      sql: """
        INSERT INTO beneficiary_locations (position, name, country_code, geo_code, geo_code_type, grant_key)
        VALUES (?, ?, ?, ?, ?, last_insert_rowid())
        """)
    insertRecipientLocation = try db.makeStatement(
      sql: """
        INSERT INTO recipient_locations
          (organization_position, position, name, country_code, geo_code, geo_code_type, grant_key)
        VALUES (?, ?, ?, ?, ?, ?, last_insert_rowid())
        """)
    insertClassification = try db.makeStatement(
      sql: """
        INSERT INTO classifications (position, vocabulary, code, title, grant_key)
        VALUES (?, ?, ?, ?, last_insert_rowid())
        """)
  }

  /// Adds every grant of `feed`, and the feed to `files`. The rows of each grant are made on
  /// the threads that read the feed; this one only inserts them.
  mutating func add(_ feed: GrantFeed) throws -> FeedReport {
    let path = feed.files.map(\.path).joined(separator: ", ")
    try insertFile.execute(arguments: [path, feed.format.rawValue, nil])
    let fileID = db.lastInsertedRowID
    // A CSV file's one sheet is named after the file, as its reader names it; other sheets
    // are written by number until the feed's sheets are known.
    let written =
      feed.format == .csv && feed.files.count == 1 ? [feed.files[0].deletingPathExtension().lastPathComponent] : []
    var stored = 0
    let report = try feed.readPipelined(preparing: GrantRows.init) { grant, rows in
      let place = Self.columns(of: grant.place(of: ""), sheets: written)
      if try add(rows, fileID: fileID, place: place) { stored += 1 }
    }
    try db.execute(
      sql: "UPDATE files SET encoding = ?, grants = ? WHERE file_id = ?", arguments: [report.encoding, stored, fileID])
    // Name the sheets written by number (rewriting those rows), now that the names are known.
    for (index, sheet) in report.sources.sheets.enumerated() {
      let name = index < written.count ? written[index] : String(index)
      guard name != sheet.name else { continue }
      try db.execute(
        sql: "UPDATE grants SET sheet = ? WHERE file_id = ? AND sheet = ?", arguments: [sheet.name, fileID, name])
      try db.execute(
        sql: "UPDATE duplicates SET sheet = ? WHERE file_id = ? AND sheet = ?", arguments: [sheet.name, fileID, name])
    }
    return report
  }

  /// Stores one grant's rows, or lists the grant in `duplicates` when a grant with its id is
  /// stored already.
  private mutating func add(_ rows: GrantRows, fileID: Int64, place: PlaceColumns) throws -> Bool {
    let (sheet, row, line, column) = place
    insertGrant.setUncheckedArguments(rows.grant + [fileID, sheet, row, line, column])
    try insertGrant.execute()
    if db.changesCount == 0, let id = rows.id {
      let kept = try Int64.fetchOne(keyOfID, arguments: [id]) ?? 0
      try insertDuplicate.execute(arguments: [id, kept, fileID, sheet, row, line, column])
      duplicates += 1
      return false
    }
    grantsStored += 1
    try insert(rows.funders, with: insertFunder)
    try insert(rows.recipients, with: insertRecipient)
    try insert(rows.recipientLocations, with: insertRecipientLocation)
    try insert(rows.individuals, with: insertIndividual)
    try insert(rows.beneficiaryLocations, with: insertBeneficiaryLocation)
    try insert(rows.classifications, with: insertClassification)
    try places.add(rows.place, rows: rows.placeCodes)
    return true
  }

  private func insert(_ list: [StatementArguments], with statement: Statement) throws {
    for values in list {
      statement.setUncheckedArguments(values)
      try statement.execute()
    }
  }

  /// The `sheet`, `row`, `line` and `column` of a grant.
  typealias PlaceColumns = (sheet: String?, row: Int?, line: Int?, column: Int?)

  /// The columns of a grant's place, its sheet by the name in `sheets` or else by number.
  private static func columns(of place: SourcePlace, sheets: [String]) -> PlaceColumns {
    switch place {
    case .row(let sheet, let row), .cell(let sheet, let row, _):
      (sheets.indices.contains(Int(sheet)) ? sheets[Int(sheet)] : String(sheet), Int(row), nil, nil)
    case .text(_, let position, _): (nil, nil, Int(position.line), Int(position.column))
    case .unknown: (nil, nil, nil, nil)
    }
  }
}

/// The values of one grant's rows in every table but its key and place, worked out from the
/// grant alone (so on the thread that read it).
struct GrantRows: Sendable {
  var id: String?
  /// The `grants` columns from `id` to `json`.
  var grant: StatementArguments
  /// The rows of each list table but their `grant_key` (the statements take it from
  /// `last_insert_rowid()`).
  var funders: [StatementArguments] = []
  var recipients: [StatementArguments] = []
  var recipientLocations: [StatementArguments] = []
  var individuals: [StatementArguments] = []
  var beneficiaryLocations: [StatementArguments] = []
  var classifications: [StatementArguments] = []
  /// The area codes `aggregate` places the grant by, and their `place_codes` rows.
  var place: GrantPlace
  var placeCodes: [StatementArguments]

  init(_ grant: Grant) {
    let g = grant.json
    place = GrantPlace.of(grant)
    id = g["id"]?.stringValue
    let amount = g["amountAwarded"]?.numberValue
    let currency = g["currency"]?.stringValue
    let programme = g["grantProgramme"]?.arrayValue?.first
    let planned = g["plannedDates"]?.arrayValue?.first
    let actual = g["actualDates"]?.arrayValue?.first
    let text = Self.text
    placeCodes = GrantPlaceWriter.rows(of: place)
    // Array literals: GRDB's initialiser from one is specialised, its generic one from an
    // array is not (it was a fifth of the reading threads' time).
    self.grant = [
      id.databaseValue, text(g["title"]), text(g["description"]), currency.databaseValue,
      (amount?.text).databaseValue, amount.flatMap { MinorUnits.of($0, currency: currency) }.databaseValue,
      text(g["awardDate"]), text(planned?["startDate"]), text(planned?["endDate"]), text(planned?["duration"]),
      text(actual?["startDate"]), text(actual?["endDate"]), text(programme?["code"]), text(programme?["title"]),
      text(g["dataSource"]), text(g["dateModified"]), JSONWriter().string(g).databaseValue,
    ]
    func list(_ name: String) -> [JSONValue] { g[name]?.arrayValue ?? [] }
    for (i, funder) in list("fundingOrganization").enumerated() {
      funders.append([i, text(funder["id"]), text(funder["name"])])
    }
    for (i, recipient) in list("recipientOrganization").enumerated() {
      recipients.append([
        i, text(recipient["id"]), text(recipient["name"]), text(recipient["charityNumber"]),
        text(recipient["companyNumber"]), text(recipient["postalCode"]),
      ])
      for (j, location) in (recipient["location"]?.arrayValue ?? []).enumerated() {
        recipientLocations.append([
          i, j, text(location["name"]), text(location["countryCode"]), text(location["geoCode"]),
          text(location["geoCodeType"]),
        ])
      }
    }
    for (i, individual) in list("recipientIndividual").enumerated() {
      individuals.append([i, text(individual["id"]), text(individual["name"])])
    }
    for (i, location) in list("beneficiaryLocation").enumerated() {
      beneficiaryLocations.append([
        i, text(location["name"]), text(location["countryCode"]), text(location["geoCode"]),
        text(location["geoCodeType"]),
      ])
    }
    for (i, classification) in list("classifications").enumerated() {
      classifications.append([
        i, text(classification["vocabulary"]), text(classification["code"]), text(classification["title"]),
      ])
    }
  }

  /// A value as text: strings as they are, numbers as written, `true`/`false`; NULL for
  /// absent, null, arrays and objects (those are in the `json` column).
  private static func text(_ value: JSONValue?) -> DatabaseValue {
    switch value {
    case .string(let s)?: s.databaseValue
    case .number(let n)?: n.text.databaseValue
    case .bool(let b)?: (b ? "true" : "false").databaseValue
    default: .null
    }
  }
}

/// An amount in its currency's minor units (pence for GBP), when it is a whole number of them.
enum MinorUnits {
  /// ISO 4217 currencies whose minor unit is not a hundredth.
  static let exponents: [String: Int] = [
    "BIF": 0, "CLP": 0, "DJF": 0, "GNF": 0, "ISK": 0, "JPY": 0, "KMF": 0, "KRW": 0, "PYG": 0, "RWF": 0,
    "UGX": 0, "VND": 0, "VUV": 0, "XAF": 0, "XOF": 0, "XPF": 0,
    "BHD": 3, "IQD": 3, "JOD": 3, "KWD": 3, "LYD": 3, "OMR": 3, "TND": 3,
  ]

  static func of(_ amount: JSONNumber, currency: String?) -> Int64? {
    guard let value = amount.decimal else { return nil }
    var scaled = value
    for _ in 0..<(exponents[currency ?? ""] ?? 2) { scaled *= 10 }
    var rounded = Decimal()
    NSDecimalRound(&rounded, &scaled, 0, .plain)
    guard rounded == scaled, let whole = Int64(exactly: NSDecimalNumber(decimal: rounded).int64Value),
      Decimal(whole) == rounded
    else { return nil }
    return whole
  }
}
