import Foundation
import GivingKit
import GivingTestSupport
import Testing

/// The DuckDB commands of docs/database.md ("Reading the grants elsewhere"), run as written
/// over giving's outputs of the sample: each must give `aggregate --by currency`'s totals.
/// DuckDB runs through its Python package, which `make test-deps` installs into
/// `.build/test-python`.
@Suite(.serialized) struct DatabaseDuckDBTests {
  static let python = FixturePaths.root.appendingPathComponent(".build/test-python/bin/python3")

  static let hasDuckDB: Bool = {
    guard FileManager.default.isExecutableFile(atPath: python.path) else { return false }
    return (try? runGiving(["-c", "import duckdb"], executable: python).status) == 0
  }()

  /// The SQL of every `duckdb <<'SQL'` command of the page, in order.
  static func documentedQueries() throws -> [String] {
    let page = try String(contentsOf: FixturePaths.root.appendingPathComponent("docs/database.md"), encoding: .utf8)
    var queries: [String] = []
    var current: [Substring]?
    for line in page.split(separator: "\n", omittingEmptySubsequences: false) {
      if line == "duckdb <<'SQL'" {
        current = []
      } else if line == "SQL", let lines = current {
        queries.append(lines.joined(separator: "\n"))
        current = nil
      } else {
        current?.append(line)
      }
    }
    return queries
  }

  @Test func theDuckDBPythonPackageIsInstalled() {
    #expect(Self.hasDuckDB, "make test-deps installs DuckDB's Python package into .build/test-python")
  }

  @Test func thePageHasTheFourDuckDBCommands() throws {
    let queries = try Self.documentedQueries()
    #expect(queries.count == 4)
    for file in ["grants.csv", "grants.json", "grants.jsonl", "grants.db"] {
      #expect(queries.contains { $0.contains("'\(file)'") }, "no DuckDB command reads \(file)")
    }
  }

  @Test(.enabled(if: hasDuckDB, "DuckDB's Python package is not installed (make test-deps installs it)"))
  func theDocumentedQueriesGiveTheTotalsOfAggregate() throws {
    let folder = ScratchSpace.root.appendingPathComponent("duckdb-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    // The outputs the page's commands read, made as the page makes them.
    let input = FixturePaths.url("sample/grants.csv").path
    let database = folder.appendingPathComponent("grants.db").path
    #expect(try runGiving(["convert", input, "--to", "sqlite", "-o", database]).status == 0)
    let package = folder.appendingPathComponent("grants.json").path
    #expect(try runGiving(["convert", input, "--to", "json", "-o", package]).status == 0)
    #expect(try runGiving(["convert", package, "--to", "csv", "-o", folder.appendingPathComponent("grants.csv").path]).status == 0)
    let lines = try runGiving(
      ["-bail", database, "SELECT json FROM grants ORDER BY grant_key"], executable: DatabaseCommandTests.sqlite3)
    #expect(lines.status == 0)
    try Data(lines.standardOutput.utf8).write(to: folder.appendingPathComponent("grants.jsonl"))

    let aggregate = try runGiving(["aggregate", "--by", "currency", "--format", "json", input])
    let groups = try #require(try JSONValue(parsing: Array(aggregate.standardOutput.utf8))["groups"]?.arrayValue)
    let expected = groups.map { group in
      Total(
        currency: group["currency"]?.stringValue ?? "", grants: group["grants"]?.numberValue?.text ?? "",
        total: Decimal(string: group["total"]?.stringValue ?? "") ?? .nan)
    }
    #expect(!expected.isEmpty)

    for query in try Self.documentedQueries() {
      // Each command in a fresh DuckDB, in the folder of the outputs, as the page runs it.
      let script = """
        import duckdb, sys
        for row in duckdb.connect().execute(sys.argv[1]).fetchall():
            print("|".join(str(value) for value in row))
        """
      let run = try runGiving(["-c", script, query], in: folder, executable: Self.python)
      if run.status != 0 && query.contains("INSTALL sqlite") && run.standardError.contains("Failed to download") {
        // DuckDB fetches its sqlite extension from extensions.duckdb.org, which a machine
        // without that network cannot reach: reported, never passed over in silence.
        withKnownIssue("DuckDB's sqlite extension could not be downloaded: the ATTACH command is not checked") {
          Issue.record("\(run.standardError)")
        }
        continue
      }
      #expect(run.status == 0, "\(query)\n\(run.standardError)")
      let totals = run.standardOutput.split(separator: "\n").map { line -> Total in
        let fields = line.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
        return Total(
          currency: fields.first ?? "", grants: fields.count > 1 ? fields[1] : "",
          total: Decimal(string: fields.last ?? "") ?? .nan)
      }
      #expect(totals == expected, "\(query)")
    }
  }

  struct Total: Equatable {
    var currency: String
    var grants: String
    var total: Decimal
  }
}
