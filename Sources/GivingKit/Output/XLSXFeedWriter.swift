/// Writes grants as an XLSX workbook with the standard 360Giving titles: a `grants` sheet laid
/// out by ``Flattener`` and, when the feed has package metadata, a vertical `Meta` sheet
/// (titles in column A, values in column B) — the form flatten-tool and
/// ``SpreadsheetFeedReader`` read back.
///
/// The feed is read twice (columns, then rows), so memory holds only the column layout, one
/// grant and the writer's buffer; the sheet XML streams to a temporary file. What the sheets
/// cannot hold is added to the report's warnings (``SheetWriteWarnings``).
enum XLSXFeedWriter {
  /// - Throws: ``FeedError`` when the feed cannot be read or the workbook written (including
  ///   more grants than an XLSX sheet has rows).
  static func write(_ feed: GrantFeed, to output: OutputFile) throws -> FeedReport {
    var flattener = Flattener()
    var checks = SheetWriteWarnings(output: output.path, sheet: "grants", cellsAreText: false)
    // Both reads are counted.
    feed.progress?.expect(bytes: feed.byteCount)
    let first = try feed.read {
      flattener.add($0)
      checks.note($0)
    }
    let layout = flattener.layout()
    let writer = try XLSXSheetWriter(output: output)
    try writer.addSheet(name: "grants")
    try writer.appendRow(layout.headings.map { .text($0) })
    var number = 0
    var report = try feed.read { grant in
      try writer.appendRow(layout.row(for: grant))
      checks.check(grant, number: number, row: number + 2, layout: layout, sources: first.sources)
      number += 1
    }
    report.warnings += checks.warnings
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
      for loss in metaLayout.losses(in: package.json, cellsAreText: false) {
        report.warnings.append(
          ConversionWarning("package member \(loss.path) \(loss.reason)", path: loss.path))
      }
    }
    try writer.finish()
    return report
  }
}
