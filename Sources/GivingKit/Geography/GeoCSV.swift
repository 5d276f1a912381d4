internal import Foundation

/// Reads the bundled geography CSVs and user-supplied postcode files (UTF-8, a header row)
/// through libcsv (``CSVRecordReader``), handing each row's selected columns over.
enum GeoCSV {
  /// Calls `body` with the values of `columns` (by heading, matched without case or
  /// surrounding spaces) for every data row of `url`. A missing heading gives `""` in its
  /// place unless it is listed in `required`.
  /// - Throws: ``FeedError/unreadable(file:reason:)`` when the file cannot be read or lacks a
  ///   required heading (an empty file lacks them all); ``FeedError/malformedCSV(file:line:reason:)`` and the reader's other
  ///   errors, at the line where the file goes wrong.
  static func rows(
    _ url: URL, columns: [String], required: Set<String> = [], _ body: ([String]) throws -> Void
  ) throws {
    var map: [Int] = []
    var selected = [String](repeating: "", count: columns.count)
    do {
      // Fields as bytes, and strings made only of the columns asked for, whose bytes alone are
      // kept: the tables hold 40,000 and more rows, read each time a run needs places; postcode
      // files, millions of rows of 41 columns.
      let wanted = try headings(of: url).map { heading in
        columns.contains { $0.lowercased() == heading.trimmingSpaces.lowercased() }
      }
      try CSVRecordReader(url: url, encoding: .utf8).readFields(textOf: wanted) { record in
        if record.number == 1 {
          let headings = (0..<record.count).map {
            (record.text($0) ?? "").trimmingCharacters(in: .whitespaces).lowercased()
          }
          for name in columns {
            if let at = headings.firstIndex(of: name.lowercased()) {
              map.append(at)
            } else if required.contains(name) {
              throw FeedError.unreadable(file: url.path, reason: "no '\(name)' column")
            } else {
              map.append(-1)
            }
          }
          return
        }
        for (k, at) in map.enumerated() { selected[k] = record.text(at) ?? "" }
        try body(selected)
      }
      if map.isEmpty, let name = columns.first(where: required.contains) {
        throw FeedError.unreadable(file: url.path, reason: "no heading row (a '\(name)' column is needed)")
      }
    } catch let error as FeedError {
      if case .unreadable = error { throw error }
      // Fields read as bytes place an error at the start of its slice of the file: read it
      // again record by record for the exact line.
      try CSVRecordReader(url: url, encoding: .utf8).read { _ in }
      throw error
    }
  }

  /// The heading row of `url` (empty for an empty file), read on its own.
  private static func headings(of url: URL) throws -> [String] {
    struct Read: Error { var headings: [String] }
    do {
      try CSVRecordReader(url: url, encoding: .utf8).read { record in
        throw Read(headings: record.row.cells.map { $0?.text ?? "" })
      }
    } catch let read as Read {
      return read.headings
    }
    return []
  }
}
