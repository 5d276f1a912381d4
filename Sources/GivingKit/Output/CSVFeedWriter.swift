/// Writes grants as one CSV sheet with the standard 360Giving titles (see ``Flattener``).
///
/// The feed is read twice: once to learn the columns, once to write the rows, so memory
/// holds only the column layout and one grant at a time.
enum CSVFeedWriter {
  static func write(_ feed: GrantFeed, to output: OutputFile) throws -> FeedReport {
    var flattener = Flattener()
    try feed.read { flattener.add($0) }
    let layout = flattener.layout()
    let writer = CSVRecordWriter(output: output)
    try writer.write(layout.headings)
    let report = try feed.read { grant in
      try writer.write(layout.row(for: grant).map { $0.map(text(of:)) })
    }
    try writer.finish()
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
