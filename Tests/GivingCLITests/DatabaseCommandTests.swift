import Foundation
import GivingKit
import GivingTestSupport
import Testing

/// `giving convert --to sqlite`: the database is queried with Debian's `sqlite3` command and
/// must agree with `aggregate` and with `convert --to json` on the same files.
@Suite(.serialized) struct DatabaseCommandTests {
  static let sqlite3 = URL(fileURLWithPath: "/usr/bin/sqlite3")

  static func scratch() throws -> URL {
    let folder = ScratchSpace.root.appendingPathComponent("db-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    return folder
  }

  static func query(_ database: URL, _ sql: String) throws -> String {
    let result = try runGiving(["-bail", database.path, sql], executable: sqlite3)
    #expect(result.status == 0, "\(result.standardError)")
    return result.standardOutput
  }

  @Test func theSQLiteCommandIsInstalled() {
    #expect(FileManager.default.isExecutableFile(atPath: Self.sqlite3.path), "make test-deps installs sqlite3")
  }

  @Test func totalsPerCurrencyAreThoseOfAggregate() throws {
    let folder = try Self.scratch()
    defer { try? FileManager.default.removeItem(at: folder) }
    let inputs = ["sample/grants.csv", "sample/grants.json"].map { FixturePaths.url($0).path }
    let database = folder.appendingPathComponent("grants.db")
    let converted = try runGiving(["convert"] + inputs + ["--to", "sqlite", "-o", database.path])
    #expect(converted.status == 0, "\(converted.standardError)")

    let aggregate = try runGiving(["aggregate", "--by", "currency", "--format", "json"] + inputs)
    let groups = try #require(try JSONValue(parsing: Array(aggregate.standardOutput.utf8))["groups"]?.arrayValue)
    let rows = try Self.query(
      database, "SELECT currency, count(*), sum(amount_awarded_minor) FROM grants GROUP BY currency ORDER BY currency")
    let expected = groups.map { group -> String in
      let currency = group["currency"]?.stringValue ?? ""
      let total = Decimal(string: group["total"]?.stringValue ?? "") ?? .nan
      let pence = NSDecimalNumber(decimal: total * 100).int64Value
      return "\(currency)|\(group["grants"]?.numberValue?.text ?? "")|\(pence)"
    }
    #expect(rows.split(separator: "\n").map(String.init) == expected)
    // The JSON file holds the CSV file's grants again: each stored once, the copies listed.
    #expect(try Self.query(database, "SELECT count(*) FROM duplicates").trimmingCharacters(in: .newlines) == "500")
    let place = try Self.query(database, "SELECT d.line, f.path FROM duplicates d JOIN files f USING (file_id) WHERE d.id = '360G-trcf-1001'")
    #expect(place.hasPrefix("2|") && place.contains("grants.json"))
  }

  /// The regions and wards of the real file are spread over thousands of small areas, the
  /// sample's areas over one or a few.
  @Test(arguments: ["sample/grants.csv", "real/dataquality-tools-data/json_all_a003W000001B7PzQAK.json"])
  func totalsPerDecileFromGrantPlacesAreThoseOfAggregate(_ fixture: String) throws {
    let folder = try Self.scratch()
    defer { try? FileManager.default.removeItem(at: folder) }
    let input = FixturePaths.url(fixture).path
    let database = folder.appendingPathComponent("grants.db")
    let converted = try runGiving(["convert", input, "--to", "sqlite", "-o", database.path])
    #expect(converted.status == 0, "\(converted.standardError)")

    let aggregate = try runGiving(["aggregate", "--by", "imd-decile", "--format", "json", input])
    let result = try JSONValue(parsing: Array(aggregate.standardOutput.utf8))
    // The database holds every grant: the comparison holds when aggregate counts them all.
    #expect(result["grantsCounted"]?.numberValue?.text == result["grantsRead"]?.numberValue?.text)
    let groups = try #require(result["groups"]?.arrayValue)
    #expect(groups.count >= 10)
    let expected = groups.map { group -> String in
      let key = group["key"]
      let total = Decimal(string: group["total"]?.stringValue ?? "") ?? .nan
      let pence = NSDecimalNumber(decimal: total * 100).int64Value
      return [
        key?["nation"]?.stringValue ?? "", key?["index"]?.stringValue ?? "", key?["decile"]?.numberValue?.text ?? "",
        group["currency"]?.stringValue ?? "", String(pence),
      ].joined(separator: "|")
    }
    // As aggregate adds up: whole grants exactly, the parts of split grants in double
    // precision kept to 6 decimal places, the sum rounded to the penny (half away from zero).
    let rows = try Self.query(
      database,
      """
      SELECT p.nation, p.index_name, p.decile, g.currency,
        CAST(round(coalesce(sum(CASE WHEN p.weight = 1 THEN g.amount_awarded_minor END), 0)
          + round(coalesce(sum(CASE WHEN p.weight <> 1 THEN g.amount_awarded_minor * p.weight END), 0), 4)) AS INTEGER)
      FROM grant_places p JOIN grants g USING (grant_key)
      GROUP BY p.nation, p.index_name, p.decile, g.currency
      ORDER BY CASE p.nation WHEN 'England' THEN 1 WHEN 'Wales' THEN 2 WHEN 'Scotland' THEN 3 ELSE 4 END, p.decile, g.currency
      """)
    #expect(rows.split(separator: "\n").map(String.init) == expected)
    // The same, summed per code first (docs/database.md, for many grants).
    let perCode = try Self.query(
      database,
      """
      WITH per_code AS (
        SELECT p.geo_code, p.codes, g.currency, sum(g.amount_awarded_minor) AS minor
        FROM place_codes p JOIN grants g USING (grant_key) GROUP BY p.geo_code, p.codes, g.currency)
      SELECT s.nation, s.index_name, s.decile, c.currency, CAST(round(sum(c.minor * s.weight)) AS INTEGER)
      FROM per_code c JOIN area_spreads s USING (geo_code, codes)
      GROUP BY 1, 2, 3, 4
      ORDER BY CASE s.nation WHEN 'England' THEN 1 WHEN 'Wales' THEN 2 WHEN 'Scotland' THEN 3 ELSE 4 END, s.decile, c.currency
      """)
    #expect(perCode.split(separator: "\n").map(String.init) == expected)
    // Every weight of a grant adds up to the grant: the part placed, per placed grant.
    let whole = try Self.query(
      database, "SELECT count(*) FROM (SELECT grant_key FROM grant_places GROUP BY grant_key HAVING abs(sum(weight) - 1) > 1e-9)")
    #expect(whole.trimmingCharacters(in: .newlines) == "0")
  }

  @Test(arguments: [
    "sample/grants.json", "sample/dirty.csv", "real/dataquality/badfile_all_validation_errors_4_times.xlsx",
    "real/flatten-tool/fundingproviders-grants_2_grants.ods", "real/360-dei/simple.json",
  ])
  func everyGrantComesBackAsConvertWritesIt(_ fixture: String) throws {
    let folder = try Self.scratch()
    defer { try? FileManager.default.removeItem(at: folder) }
    let input = FixturePaths.url(fixture).path
    let database = folder.appendingPathComponent("grants.db")
    #expect(try runGiving(["convert", input, "--to", "sqlite", "-o", database.path]).status == 0)
    let json = try runGiving(["convert", input, "--to", "json"])
    let grants = try #require(try JSONValue(parsing: Array(json.standardOutput.utf8))["grants"]?.arrayValue)
    let stored = try Self.query(database, "SELECT json FROM grants ORDER BY grant_key")
      .split(separator: "\n").map { try JSONValue(parsing: Array($0.utf8)) }
    let duplicates = Int(try Self.query(database, "SELECT count(*) FROM duplicates").trimmingCharacters(in: .newlines)) ?? -1
    #expect(stored.count + duplicates == grants.count)
    // The first grant of each id is the one stored.
    var seen: Set<String> = []
    let firsts = grants.filter { grant in grant["id"]?.stringValue.map { seen.insert($0).inserted } ?? true }
    #expect(stored == firsts)
  }

  /// Every row of a list is that of its grant (the grant's JSON says the same), after copies
  /// not stored too; every spreadsheet row names its sheet.
  @Test func listRowsAndPlacesBelongToTheirGrants() throws {
    let folder = try Self.scratch()
    defer { try? FileManager.default.removeItem(at: folder) }
    let inputs = [
      "sample/grants.csv", "sample/grants.json", "real/dataquality/badfile_all_validation_errors_4_times.xlsx",
      "sample/dirty.csv",
    ].map { FixturePaths.url($0).path }
    let database = folder.appendingPathComponent("grants.db")
    let converted = try runGiving(["convert"] + inputs + ["--to", "sqlite", "-o", database.path])
    #expect(converted.status == 0, "\(converted.standardError)")
    let checks: [(String, String)] = [
      ("funding_organizations", "SELECT count(*) FROM funding_organizations t JOIN grants g USING (grant_key) WHERE t.id IS NOT json_extract(g.json, '$.fundingOrganization[' || t.position || '].id')"),
      ("recipient_organizations", "SELECT count(*) FROM recipient_organizations t JOIN grants g USING (grant_key) WHERE t.name IS NOT json_extract(g.json, '$.recipientOrganization[' || t.position || '].name')"),
      ("beneficiary_locations", "SELECT count(*) FROM beneficiary_locations t JOIN grants g USING (grant_key) WHERE t.geo_code IS NOT json_extract(g.json, '$.beneficiaryLocation[' || t.position || '].geoCode')"),
      ("classifications", "SELECT count(*) FROM classifications t JOIN grants g USING (grant_key) WHERE t.code IS NOT json_extract(g.json, '$.classifications[' || t.position || '].code')"),
      ("place_codes", "SELECT count(*) FROM place_codes t JOIN grants g USING (grant_key) WHERE t.source = 'beneficiary' AND t.geo_code IS NOT trim(json_extract(g.json, '$.beneficiaryLocation[' || t.position || '].geoCode'))"),
      ("unnamed sheets", "SELECT count(*) FROM grants g JOIN files f USING (file_id) WHERE f.format <> 'json' AND (g.sheet IS NULL OR g.sheet GLOB '[0-9]*')"),
    ]
    for (name, sql) in checks {
      #expect(try Self.query(database, sql).trimmingCharacters(in: .newlines) == "0", "\(name)")
    }
    let counts = try Self.query(
      database,
      """
      SELECT (SELECT count(*) FROM funding_organizations), (SELECT sum(json_array_length(json, '$.fundingOrganization')) FROM grants),
        (SELECT count(*) FROM place_codes WHERE source = 'beneficiary'), (SELECT count(*) FROM grants g, json_each(g.json, '$.beneficiaryLocation') e WHERE trim(json_extract(e.value, '$.geoCode')) <> ''),
        (SELECT group_concat(DISTINCT sheet) FROM grants WHERE file_id = 1)
      """)
    let fields = counts.trimmingCharacters(in: .newlines).split(separator: "|").map(String.init)
    #expect(fields.count == 5 && fields[0] == fields[1] && fields[2] == fields[3] && fields[4] == "grants", "\(counts)")
  }

  @Test func anExistingFileIsNeverOverwrittenWithoutForce() throws {
    let folder = try Self.scratch()
    defer { try? FileManager.default.removeItem(at: folder) }
    let input = FixturePaths.url("sample/grants.csv").path
    let notes = folder.appendingPathComponent("notes.db")
    try Data("my notes".utf8).write(to: notes)
    let refused = try runGiving(["convert", input, "--to", "sqlite", "-o", notes.path])
    #expect(refused.status == 73)
    #expect(refused.standardError.contains("notes.db"))
    let appended = try runGiving(["convert", input, "--to", "sqlite", "-o", notes.path, "--append"])
    #expect(appended.status == 73)
    #expect(appended.standardError.contains("not a database giving wrote"))
    #expect(try String(contentsOf: notes, encoding: .utf8) == "my notes")
    let forced = try runGiving(["convert", input, "--to", "sqlite", "-o", notes.path, "--force"])
    #expect(forced.status == 0)
    #expect(try Self.query(notes, "SELECT count(*) FROM grants").trimmingCharacters(in: .newlines) == "500")
  }

  @Test func appendAddsFilesAndListsGrantsAlreadyStored() throws {
    let folder = try Self.scratch()
    defer { try? FileManager.default.removeItem(at: folder) }
    let database = folder.appendingPathComponent("grants.db")
    let csv = FixturePaths.url("sample/grants.csv").path
    #expect(try runGiving(["convert", csv, "--to", "sqlite", "-o", database.path]).status == 0)
    #expect(try runGiving(["convert", csv, "--to", "sqlite", "-o", database.path, "--append"]).status == 0)
    #expect(try Self.query(database, "SELECT count(*), (SELECT count(*) FROM duplicates), (SELECT count(*) FROM files) FROM grants")
      .trimmingCharacters(in: .newlines) == "500|500|2")
    // Another file naming area codes whose spreads are stored already: kept once each.
    let dirty = FixturePaths.url("sample/dirty.csv").path
    let appended = try runGiving(["convert", dirty, "--to", "sqlite", "-o", database.path, "--append"])
    #expect(appended.status == 0, "\(appended.standardError)")
    #expect(try Self.query(database, "SELECT count(*) FROM place_codes p JOIN grants g USING (grant_key) WHERE g.file_id = 3")
      .trimmingCharacters(in: .newlines) != "0")
  }

  @Test func aFailedConversionLeavesNoDatabase() throws {
    let folder = try Self.scratch()
    defer { try? FileManager.default.removeItem(at: folder) }
    let broken = folder.appendingPathComponent("broken.json")
    try Data("{\"grants\": [{\"id\": \"360G-x-1\"}, {\"id\": ".utf8).write(to: broken)
    let database = folder.appendingPathComponent("grants.db")
    let result = try runGiving(["convert", FixturePaths.url("sample/grants.csv").path, broken.path, "--to", "sqlite", "-o", database.path])
    #expect(result.status == 2)
    #expect(result.standardError.contains("broken.json:1:"))
    let left = try FileManager.default.contentsOfDirectory(atPath: folder.path)
    #expect(left == ["broken.json"])
  }
}
