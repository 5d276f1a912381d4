internal import Foundation
internal import GRDB
internal import GivingKit

/// Writes where `giving aggregate` places each grant: the area codes it is placed by
/// (`place_codes`, a row per code of the grant) and, once per code and number of codes, the
/// small areas that code is spread over with their weights (`area_spreads`). The
/// `grant_places` view joins the two: a row per grant and small area.
///
/// Spreads are kept per code rather than per grant because one local authority or region
/// code stands for hundreds or thousands of small areas, and many grants name the same code.
struct GrantPlaceWriter {
  private let geography: Geography
  private let insertCode: Statement
  private let insertSpread: Statement
  /// The (code, number of codes) pairs whose spread is written already.
  private var spreadsWritten: Set<SpreadKey>

  private struct SpreadKey: Hashable {
    var code: String
    var codes: Int
  }

  init(_ db: Database, geography: Geography) throws {
    self.geography = geography
    insertCode = try db.makeStatement(
      sql: "INSERT INTO place_codes (position, geo_code, source, codes, grant_key) VALUES (?, ?, ?, ?, last_insert_rowid())")
    insertSpread = try db.makeStatement(
      sql: """
        INSERT INTO area_spreads (geo_code, codes, area_code, weight, nation, index_name, decile)
        VALUES (?, ?, ?, ?, ?, ?, ?)
        """)
    // A database appended to has the spreads of the codes its grants named.
    var written: Set<SpreadKey> = []
    let rows = try Row.fetchCursor(db, sql: "SELECT DISTINCT geo_code, codes FROM area_spreads")
    while let row = try rows.next() { written.insert(SpreadKey(code: row[0], codes: row[1])) }
    spreadsWritten = written
  }

  /// The `place_codes` rows of `place` but their `grant_key`, made on the threads that read
  /// the grants.
  static func rows(of place: GrantPlace) -> [StatementArguments] {
    place.codes.enumerated().map { position, code in [position, code, place.source.rawValue, place.codes.count] }
  }

  /// Stores the place of the grant stored last (its key is `last_insert_rowid()`: the place
  /// tables are WITHOUT ROWID, so inserting into them leaves it), with its `rows`.
  mutating func add(_ place: GrantPlace, rows: [StatementArguments]) throws {
    for (code, row) in zip(place.codes, rows) {
      insertCode.setUncheckedArguments(row)
      try insertCode.execute()
      let spread = SpreadKey(code: code, codes: place.codes.count)
      if spreadsWritten.insert(spread).inserted { try addSpread(spread) }
    }
  }

  private func addSpread(_ spread: SpreadKey) throws {
    for share in geography.spread(spread.code, among: spread.codes) {
      let area = share.area
      insertSpread.setUncheckedArguments([
        spread.code, spread.codes, area.code, share.weight, area.nation.rawValue,
        geography.indexName(for: area.nation), Int(area.decile),
      ])
      try insertSpread.execute()
    }
  }
}
