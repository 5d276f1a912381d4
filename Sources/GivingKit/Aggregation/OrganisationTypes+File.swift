public import Foundation

/// A row of an organisation types table (`--org-types`) that cannot be used: where it is and why.
public struct OrganisationTypesError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The table's path.
  public var file: String
  /// The 1-based line the row starts on.
  public var line: Int
  /// What is wrong with it.
  public var reason: String

  public var description: String { "\(file):\(line): \(reason)" }
}

extension OrganisationTypes {
  /// Whether `name` can be a type: 1 to 40 lower-case ASCII letters, digits and hyphens, a
  /// letter first, and not `government` (which stands for the three government types).
  public static func isTypeName(_ name: String) -> Bool {
    guard let first = name.utf8.first, name.utf8.count <= 40, (97...122).contains(first), name != government
    else { return false }
    return name.utf8.allSatisfy { (97...122).contains($0) || (48...57).contains($0) || $0 == UInt8(ascii: "-") }
  }

  /// Reads a table of organisations whose type the register rules get wrong or cannot know:
  /// a CSV file headed `id,type`, one organisation a row (`GB-GOR-PB123,lottery`). A type may
  /// be any name (``isTypeName(_:)``); spaces around either field are ignored.
  /// - Throws: ``FeedError`` when the file cannot be read as CSV;
  ///   ``OrganisationTypesError`` for the first row that cannot be used (no `id,type`
  ///   heading, a row without two fields, an empty id, a type that is not a name, an id given
  ///   two types).
  public mutating func readOverrides(contentsOf url: URL) throws {
    let file = url.path
    var headed = false
    try CSVRecordReader(url: url, encoding: .utf8).read { record in
      let fields = record.row.cells.map { ($0?.text ?? "").trimmingCharacters(in: .whitespaces) }
      func refuse(_ reason: String) -> OrganisationTypesError {
        OrganisationTypesError(file: file, line: record.line, reason: reason)
      }
      if !headed {
        guard fields.map({ $0.lowercased() }) == ["id", "type"] else {
          throw refuse("the first row must be the headings 'id,type', not '\(fields.joined(separator: ","))'")
        }
        headed = true
        return
      }
      if fields.allSatisfy(\.isEmpty) { return }
      guard fields.count == 2 else {
        throw refuse("expected 2 fields (id,type), found \(fields.count)")
      }
      let (id, type) = (fields[0], fields[1])
      guard !id.isEmpty else { throw refuse("no organisation id") }
      guard Self.isTypeName(type) else {
        let hint = Self.builtIn.contains(type.lowercased()) ? "; did you mean '\(type.lowercased())'?" : ""
        throw refuse(
          "'\(type)' is not a type: a type is lower-case letters, digits and hyphens, such as "
            + "\(Self.builtIn.joined(separator: ", ")) or a name of your own ('government' stands for three)\(hint)")
      }
      if let earlier = override(id, as: type) {
        throw refuse("'\(id)' is given the type '\(type)' here and '\(earlier)' on an earlier row")
      }
    }
    if !headed { throw OrganisationTypesError(file: file, line: 1, reason: "empty: the headings 'id,type' are needed") }
  }
}
