/// Writes grants as one CSV sheet with the standard 360Giving titles (see ``Flattener``).
///
/// The feed is read twice: once to learn the columns, once to write the rows, so memory
/// holds only the column layout and one grant at a time. What the sheet cannot hold (values
/// a sheet reader would not read back as they are, grants sharing an identifier, the package
/// members) is added to the report's warnings (``SheetWriteWarnings``).
enum CSVFeedWriter {
  static func write(_ feed: GrantFeed, to output: OutputFile) throws -> FeedReport {
    var flattener = Flattener()
    var checks = SheetWriteWarnings(output: output.path, sheet: nil, cellsAreText: true)
    // Both reads are counted.
    feed.progress?.expect(bytes: feed.byteCount)
    let first = try feed.read {
      flattener.add($0)
      checks.note($0)
    }
    let layout = flattener.layout()
    let writer = CSVRecordWriter(output: output)
    try writer.write(layout.headings)
    var number = 0
    var report = try feed.read { grant in
      try writer.write(layout.row(for: grant).map { $0.map(text(of:)) })
      checks.check(grant, number: number, row: number + 2, layout: layout, sources: first.sources)
      number += 1
    }
    try writer.finish()
    if !report.package.isEmpty {
      let names = report.package.members.map { "'\($0.key)'" }
      report.warnings.append(
        ConversionWarning(
          "the package \(names.count == 1 ? "member" : "members") \(names.joined(separator: ", ")) \(names.count == 1 ? "is" : "are") not written: a CSV file holds only grants (XLSX output keeps them on a Meta sheet)"))
    }
    report.warnings += checks.warnings
    return report
  }

  /// The text of a cell in a CSV file.
  static func text(of cell: CellValue) -> String {
    switch cell {
    case .text(let s), .number(let s): s
    case .bool(let b): b ? "True" : "False"
    case .date(let d): d.isoDateTime
    }
  }
}
