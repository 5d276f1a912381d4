/// Writes grants as one CSV sheet with the standard 360Giving titles (see ``Flattener``).
///
/// The feed is read twice: once to learn the columns, once to write the rows, so memory
/// holds only the column layout and one grant at a time.
enum CSVFeedWriter {
  static func write(_ feed: GrantFeed, to output: OutputFile) throws -> FeedReport {
    var flattener = Flattener()
    try feed.read { flattener.add($0) }
    let layout = flattener.layout()
    var buffer: [UInt8] = []
    buffer.reserveCapacity(1 << 16)
    appendRecord(layout.headings.map { Optional($0) }, to: &buffer)
    let report = try feed.read { grant in
      appendRecord(layout.row(for: grant).map { $0.map(text(of:)) }, to: &buffer)
      if buffer.count >= 1 << 16 {
        try output.write(buffer)
        buffer.removeAll(keepingCapacity: true)
      }
    }
    try output.write(buffer)
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

  /// One RFC 4180 record ending in CRLF: fields with a comma, quote, CR or LF are quoted,
  /// quotes doubled.
  static func appendRecord(_ fields: [String?], to out: inout [UInt8]) {
    for (i, field) in fields.enumerated() {
      if i > 0 { out.append(UInt8(ascii: ",")) }
      guard let field else { continue }
      let utf8 = field.utf8
      let needsQuotes = utf8.contains { $0 == 44 || $0 == 34 || $0 == 13 || $0 == 10 }
      if needsQuotes {
        out.append(34)
        for byte in utf8 {
          if byte == 34 { out.append(34) }
          out.append(byte)
        }
        out.append(34)
      } else {
        out.append(contentsOf: utf8)
      }
    }
    out.append(13)
    out.append(10)
  }
}
