public import Foundation
internal import GivingSchemas
internal import GivingGeography

/// The 360Giving schemas and codelists giving validates and converts with, loaded once from
/// the bundled copy (or from a folder with the same layout).
///
/// Related 360Giving documentation: <https://standard.threesixtygiving.org/en/latest/technical/reference/>
public final class SchemaBundle: Sendable {
  /// The bundled 1.4.3 schemas.
  public static let standard: SchemaBundle = {
    do {
      return try SchemaBundle(directory: GivingSchemas.directory)
    } catch {
      fatalError("the bundled 360Giving schemas cannot be read: \(error)")
    }
  }()

  /// The bundled files giving cannot work without that are not where it looks for them
  /// (empty when all are there).
  public static func missingBundledData() -> [URL] {
    [
      GivingSchemas.directory.appendingPathComponent("360-giving-schema.json"),
      GivingSchemas.directory.appendingPathComponent("360-giving-package-schema.json"),
      GivingGeography.directory,
    ].filter { !FileManager.default.fileExists(atPath: $0.path) }
  }

  public let directory: URL
  /// `360-giving-schema.json`: one grant.
  public let grantSchema: JSONValue
  /// `360-giving-package-schema.json`: the package around the grants.
  public let packageSchema: JSONValue

  /// - Throws: ``FeedError`` if a schema file is missing or not JSON.
  public init(directory: URL) throws {
    self.directory = directory
    grantSchema = try JSONValue(contentsOf: directory.appendingPathComponent("360-giving-schema.json"))
    packageSchema = try JSONValue(
      contentsOf: directory.appendingPathComponent("360-giving-package-schema.json"))
  }

  /// The codes of a codelist file (`currency.csv`): its `Code` column.
  public func codelist(named name: String) throws -> Set<String> {
    try Self.readCodelist(directory.appendingPathComponent("codelists").appendingPathComponent(name))
  }

  /// The codes of a codelist CSV: the first column of every row after the heading row, read
  /// through libcsv (``CSVRecordReader``), as some codelists quote their codes and hold line
  /// breaks in quoted descriptions.
  /// - Throws: ``FeedError`` when the file cannot be read.
  static func readCodelist(_ url: URL) throws -> Set<String> {
    var codes = Set<String>()
    try CSVRecordReader(url: url, encoding: .utf8).read { record in
      guard record.row.number > 1, case .text(let code)? = record.row.cells.first else { return }
      codes.insert(code)
    }
    return codes
  }

  /// The org-id.guide list codes (`GB-CHC`, …) in the order of the list, as the official
  /// tool matches them.
  public func orgIDPrefixes() throws -> [String] {
    let url = directory.appendingPathComponent("org-id/org-id-download.json")
    let json = try JSONValue(contentsOf: url)
    return (json["lists"]?.arrayValue ?? []).compactMap { $0["code"]?.stringValue }
  }
}
