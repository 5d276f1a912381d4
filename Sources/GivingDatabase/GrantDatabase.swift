public import Foundation
internal import GRDB
public import GivingKit

/// Writes grants into an SQLite database (docs/database.md): a row per grant with its main
/// fields, a table per list of a grant (funders, recipients, locations, classifications), the
/// files they came from, and each grant's full JSON, so that nothing is lost.
///
/// A grant id seen again (in the same file, another file, or a database appended to) is stored
/// once; every later copy is listed in `duplicates` with where it is. The database is written
/// to a temporary file beside the output and moved into place only when complete, so a failed
/// run leaves no half database.
///
/// ```swift
/// let feeds = try ["a.json", "b.csv"].map { try GrantFeed(paths: [$0]) }
/// let report = try GrantDatabase.write(feeds, to: "grants.db", mode: .create)
/// print(report.grantsStored, report.duplicates)
/// ```
public enum GrantDatabase {
  /// What to do with an output file that exists already.
  public enum Mode: Sendable {
    /// Refuse an existing file.
    case create
    /// Add to an existing giving database (or create one).
    case append
    /// Replace whatever is there.
    case replace
  }

  /// What was written.
  public struct Report: Sendable {
    public var grantsStored = 0
    public var duplicates = 0
    public var files = 0
    /// Each feed's reading report, in the order given.
    public var feeds: [FeedReport] = []
  }

  /// The version of the tables below, kept in `giving_database`.
  static let schemaVersion = "1"

  /// - Throws: ``DatabaseRefusal`` for an output that may not be written, ``FeedError`` for
  ///   an input that cannot be read (nothing is written then).
  public static func write(_ feeds: [GrantFeed], to path: String, mode: Mode) throws -> Report {
    let output = URL(fileURLWithPath: path)
    let manager = FileManager.default
    let exists = manager.fileExists(atPath: output.path)
    if exists && mode == .create { throw DatabaseRefusal.exists(path) }
    if exists && mode == .append, !isGivingDatabase(output) { throw DatabaseRefusal.notAGivingDatabase(path) }

    let temporary = output.deletingLastPathComponent()
      .appendingPathComponent(".\(output.lastPathComponent).giving-\(UUID().uuidString)")
    defer { try? manager.removeItem(at: temporary) }
    if exists && mode == .append { try manager.copyItem(at: output, to: temporary) }

    var configuration = Configuration()
    // The temporary file is moved into place only when complete: no journal is needed, and
    // nobody else reads it meanwhile. Larger pages and a 64 MB page cache keep SQLite from
    // reading back pages of the tables it is filling. Helper threads sort the rows of the
    // indexes made at the end on the other cores.
    let helpers = max(0, min(ProcessInfo.processInfo.activeProcessorCount - 1, 4))
    configuration.prepareDatabase { db in
      try db.execute(
        sql: """
          PRAGMA page_size = 16384; PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;
          PRAGMA locking_mode = EXCLUSIVE; PRAGMA temp_store = MEMORY; PRAGMA cache_size = -65536;
          PRAGMA threads = \(helpers)
          """)
    }
    // Grants are placed in small areas as `aggregate` places them, against its default index.
    let geography = try Geography(englishIndex: .imd2019)
    var report = Report()
    let queue = try DatabaseQueue(path: temporary.path, configuration: configuration)
    try queue.writeWithoutTransaction { db in
      try db.inTransaction {
        try createTables(db)
        var writer = try GrantRowWriter(db, geography: geography)
        for feed in feeds {
          report.feeds.append(try writer.add(feed))
        }
        try createIndexes(db)
        report.grantsStored = writer.grantsStored
        report.duplicates = writer.duplicates
        report.files = feeds.count
        return .commit
      }
    }
    try queue.close()
    if exists { try manager.removeItem(at: output) }
    try manager.moveItem(at: temporary, to: output)
    return report
  }

  /// Whether `url` is an SQLite database giving wrote.
  static func isGivingDatabase(_ url: URL) -> Bool {
    var configuration = Configuration()
    configuration.readonly = true
    guard let queue = try? DatabaseQueue(path: url.path, configuration: configuration) else { return false }
    defer { try? queue.close() }
    let version = try? queue.read { db in
      try String.fetchOne(db, sql: "SELECT value FROM giving_database WHERE key = 'schema_version'")
    }
    return version != nil
  }

  private static func createTables(_ db: Database) throws {
    try db.execute(
      sql: """
        CREATE TABLE IF NOT EXISTS giving_database (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        INSERT OR IGNORE INTO giving_database VALUES ('schema_version', '\(schemaVersion)');
        CREATE TABLE IF NOT EXISTS files (
          file_id INTEGER PRIMARY KEY, path TEXT NOT NULL, format TEXT NOT NULL, encoding TEXT,
          grants INTEGER NOT NULL DEFAULT 0);
        CREATE TABLE IF NOT EXISTS grants (
          grant_key INTEGER PRIMARY KEY, id TEXT, title TEXT, description TEXT, currency TEXT,
          amount_awarded TEXT, amount_awarded_minor INTEGER, award_date TEXT,
          planned_start_date TEXT, planned_end_date TEXT, planned_duration_months TEXT,
          actual_start_date TEXT, actual_end_date TEXT,
          grant_programme_code TEXT, grant_programme_title TEXT, data_source TEXT, last_modified TEXT,
          file_id INTEGER NOT NULL REFERENCES files(file_id), sheet TEXT, row INTEGER, line INTEGER, "column" INTEGER,
          json TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS funding_organizations (
          grant_key INTEGER NOT NULL REFERENCES grants(grant_key), position INTEGER NOT NULL, id TEXT, name TEXT,
          PRIMARY KEY (grant_key, position)) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS recipient_organizations (
          grant_key INTEGER NOT NULL REFERENCES grants(grant_key), position INTEGER NOT NULL, id TEXT, name TEXT,
          charity_number TEXT, company_number TEXT, postal_code TEXT, PRIMARY KEY (grant_key, position)) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS recipient_individuals (
          grant_key INTEGER NOT NULL REFERENCES grants(grant_key), position INTEGER NOT NULL, id TEXT, name TEXT,
          PRIMARY KEY (grant_key, position)) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS beneficiary_locations (
          grant_key INTEGER NOT NULL REFERENCES grants(grant_key), position INTEGER NOT NULL, name TEXT,
          country_code TEXT, geo_code TEXT, geo_code_type TEXT, PRIMARY KEY (grant_key, position)) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS recipient_locations (
          grant_key INTEGER NOT NULL REFERENCES grants(grant_key), organization_position INTEGER NOT NULL,
          position INTEGER NOT NULL, name TEXT, country_code TEXT, geo_code TEXT, geo_code_type TEXT,
          PRIMARY KEY (grant_key, organization_position, position)) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS classifications (
          grant_key INTEGER NOT NULL REFERENCES grants(grant_key), position INTEGER NOT NULL, vocabulary TEXT,
          code TEXT, title TEXT, PRIMARY KEY (grant_key, position)) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS duplicates (
          id TEXT NOT NULL, grant_key INTEGER NOT NULL REFERENCES grants(grant_key),
          file_id INTEGER NOT NULL REFERENCES files(file_id), sheet TEXT, row INTEGER, line INTEGER, "column" INTEGER);
        CREATE TABLE IF NOT EXISTS place_codes (
          grant_key INTEGER NOT NULL REFERENCES grants(grant_key), position INTEGER NOT NULL, geo_code TEXT NOT NULL,
          source TEXT NOT NULL, codes INTEGER NOT NULL, PRIMARY KEY (grant_key, position)) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS area_spreads (
          geo_code TEXT NOT NULL, codes INTEGER NOT NULL, area_code TEXT NOT NULL, weight REAL NOT NULL,
          nation TEXT NOT NULL, index_name TEXT NOT NULL, decile INTEGER NOT NULL,
          PRIMARY KEY (geo_code, codes, area_code)) WITHOUT ROWID;
        CREATE VIEW IF NOT EXISTS grant_places AS
          SELECT p.grant_key, s.area_code, s.weight, s.nation, s.index_name, s.decile, p.geo_code, p.source
          FROM place_codes p JOIN area_spreads s ON s.geo_code = p.geo_code AND s.codes = p.codes;
        CREATE UNIQUE INDEX IF NOT EXISTS grants_unique_id ON grants(id);
        """)
  }

  /// The indexes people join on, made once the rows are in (faster than keeping them up to
  /// date). The lists are found by grant through their primary keys, which start with it.
  private static func createIndexes(_ db: Database) throws {
    try db.execute(
      sql: """
        CREATE INDEX IF NOT EXISTS funding_organizations_by_id ON funding_organizations(id);
        CREATE INDEX IF NOT EXISTS recipient_organizations_by_id ON recipient_organizations(id);
        CREATE INDEX IF NOT EXISTS beneficiary_locations_by_code ON beneficiary_locations(geo_code);
        CREATE INDEX IF NOT EXISTS recipient_locations_by_code ON recipient_locations(geo_code);
        CREATE INDEX IF NOT EXISTS classifications_by_code ON classifications(vocabulary, code);
        CREATE INDEX IF NOT EXISTS duplicates_by_id ON duplicates(id);
        CREATE INDEX IF NOT EXISTS grants_by_award_date ON grants(award_date);
        CREATE INDEX IF NOT EXISTS place_codes_by_code ON place_codes(geo_code, codes);
        CREATE INDEX IF NOT EXISTS area_spreads_by_area ON area_spreads(area_code);
        """)
  }
}

/// Why an output database was not written.
public enum DatabaseRefusal: Error, CustomStringConvertible, Sendable {
  case exists(String)
  case notAGivingDatabase(String)

  public var description: String {
    switch self {
    case .exists(let path):
      "\(path): the file exists; --append adds to a giving database, --force replaces the file"
    case .notAGivingDatabase(let path):
      "\(path): not a database giving wrote, so nothing is added to it (--force replaces the file)"
    }
  }
}
