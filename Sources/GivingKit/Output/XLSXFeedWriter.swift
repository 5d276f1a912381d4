/// Writes grants as an XLSX workbook with the standard 360Giving titles: a `grants` sheet laid
/// out by ``Flattener`` and, when the feed has package metadata, a vertical `Meta` sheet
/// (titles in column A, values in column B) — the form flatten-tool and
/// ``SpreadsheetFeedReader`` read back.
///
/// The feed is read twice (columns, then rows), so memory holds only the column layout, one
/// grant and the writer's buffer; the sheet XML streams to a temporary file.
enum XLSXFeedWriter {
  /// - Throws: ``FeedError`` when the feed cannot be read or the workbook written (including
  ///   more grants than an XLSX sheet has rows).
  static func write(_ feed: GrantFeed, to output: OutputFile) throws -> FeedReport {
    var flattener = Flattener()
    let first = try feed.read { flattener.add($0) }
    let layout = flattener.layout()
    let writer = try XLSXSheetWriter(output: output)
    try writer.addSheet(name: "grants")
    try writer.appendRow(layout.headings.map { .text($0) })
    let report = try feed.read { grant in
      try writer.appendRow(layout.row(for: grant))
    }
    if !first.package.isEmpty {
      // The package members flattened like one grant, against the package titles.
      var meta = Flattener(titles: .package)
      let package = Grant(json: .object(first.package))
      meta.add(package)
      let metaLayout = meta.layout()
      let values = metaLayout.row(for: package)
      try writer.addSheet(name: "Meta")
      for (heading, value) in zip(metaLayout.headings, values) {
        guard let value else { continue }
        try writer.appendRow([.text(heading), value])
      }
    }
    try writer.finish()
    return report
  }
}
