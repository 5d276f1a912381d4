/// The conversion warnings of writing grants to one sheet (CSV, or an XLSX `grants` sheet):
/// values a sheet cannot hold (``FlatLayout/losses(in:cellsAreText:)``), and grants that
/// share an identifier, whose rows a sheet reader merges into one grant (flatten-tool merges
/// every row of a sheet with the same Identifier, next to each other or not).
///
/// Used over the writers' two reads of the feed. The first read notes every id's digest and
/// keeps the digests seen twice; the second keeps the exact text (and row) only of ids with
/// such a digest, and warns only when two ids are equal as strings. Memory is a digest table
/// (12 bytes an id) and the ids that really repeat, not every id: a warning never rests on a
/// digest alone.
struct SheetWriteWarnings {
  /// The output as warnings name it.
  let output: String
  /// The sheet the grants go to (`nil` for CSV).
  let sheet: String?
  /// Whether the sheet keeps only text (CSV) rather than typed cells.
  let cellsAreText: Bool
  private var seen = DigestTable<UInt8>(vacant: 0)
  private var repeated: Set<IDDigest> = []
  private var written: [String: (number: Int, row: Int, place: SourceLocation?)] = [:]
  private(set) var warnings: [ConversionWarning] = []

  init(output: String, sheet: String?, cellsAreText: Bool) {
    self.output = output == "-" ? "standard output" : output
    self.sheet = sheet
    self.cellsAreText = cellsAreText
  }

  /// First read: notes the grant's id.
  mutating func note(_ grant: Grant) {
    guard let id = grant.id else { return }
    let digest = IDDigest(id)
    if seen.firstValue(of: digest, keeping: 1) != nil { repeated.insert(digest) }
  }

  /// Second read: the warnings of writing `grant` as grant `number` (0-based) of the sheet,
  /// on row `row` (1-based, the heading row being 1).
  mutating func check(_ grant: Grant, number: Int, row: Int, layout: FlatLayout, sources: FeedSources) {
    for loss in layout.losses(in: grant.json, cellsAreText: cellsAreText) {
      let place = sources.location(of: loss.path, in: grant) ?? sources.location(of: "", in: grant)
      let path = loss.path.isEmpty ? "grants/\(number)" : "grants/\(number)/\(loss.path)"
      warnings.append(
        ConversionWarning(
          "\(path)\(Self.naming(grant.id)) \(loss.reason)", at: place.map { [$0] } ?? [], path: path,
          grantID: grant.id))
    }
    guard let id = grant.id, !repeated.isEmpty, repeated.contains(IDDigest(id)) else { return }
    let place = sources.location(of: "", in: grant)
    guard let first = written[id] else {
      written[id] = (number, row, place)
      return
    }
    let firstPlace = first.place.map { " (\($0))" } ?? ""
    let sheetName = sheet.map { " [\($0)]" } ?? ""
    warnings.append(
      ConversionWarning(
        "grants/\(number) has the same Identifier \"\(id)\" as grants/\(first.number)\(firstPlace): written to rows \(first.row) and \(row) of \(output)\(sheetName), which a sheet reader merges into one grant",
        at: place.map { [$0] } ?? [], path: "grants/\(number)/id", grantID: id))
  }

  /// ` (grant "360G-…")`, or nothing for a grant without an id.
  private static func naming(_ id: String?) -> String {
    id.map { " (grant \"\($0)\")" } ?? ""
  }
}
