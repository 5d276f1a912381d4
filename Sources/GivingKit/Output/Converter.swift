internal import Foundation

/// Converts a feed to another format, streaming, writing atomically.
public enum Converter {
  /// Reads `feed` and writes it to `path` (`-` for standard output) as `format`.
  ///
  /// The output file appears only when the whole conversion succeeded; with `strict`, only
  /// when it also gave no conversion warning (standard output then receives nothing).
  /// The warnings are those of reading the feed and, for CSV and XLSX, of writing the sheet:
  /// each value a sheet cannot hold, each grant sharing an identifier with an earlier one.
  /// - Returns: the report of reading the feed (grants, warnings).
  /// - Throws: ``FeedError`` when the input cannot be read or the output written;
  ///   ``ConversionRefusal`` when `strict` and there were warnings.
  @discardableResult
  public static func convert(
    _ feed: GrantFeed, to format: FeedFormat, path: String, strict: Bool = false
  ) throws -> FeedReport {
    let output = try OutputFile(path: path, holdingStandardOutput: strict)
    // The writers never ask where a value came from.
    var feed = feed
    feed.recordsCells = false
    do {
      let report: FeedReport
      switch format {
      case .json:
        let writer = try JSONPackageWriter(output: output)
        if let parallel = try feed.parallelReader() {
          // A large CSV file: workers write each grant's JSON text, straight from its row
          // where it has one row, and this thread only copies the texts out in order.
          report = try parallel.read(
            preparing: { GrantText(json: JSONWriter().string(bytesOf: $0.json), id: $0.id, row: $0.firstRow) },
            json: { GrantText(json: $0, id: $1, row: $2) }
          ) { try writer.write(json: $0.json) }
        } else {
          report = try feed.read { try writer.write($0) }
        }
        try writer.finish(package: report.package)
      case .csv:
        report = try CSVFeedWriter.write(feed, to: output)
      case .xml:
        report = try XMLFeedWriter.write(feed, to: output)
      case .xlsx:
        report = try XLSXFeedWriter.write(feed, to: output)
      case .ods:
        throw FeedError.unknownFormat(file: path)
      }
      if strict && !report.warnings.isEmpty { throw ConversionRefusal(report: report) }
      try output.commit()
      return report
    } catch {
      output.discard()
      throw error
    }
  }
}

/// A strict conversion that gave warnings, so wrote nothing.
public struct ConversionRefusal: Error, Sendable {
  /// What the conversion found: its ``FeedReport/warnings`` are the reason.
  public var report: FeedReport
}

/// One grant as JSON text, made by a worker of a parallel read.
private struct GrantText: ParallelReadItem {
  var json: [UInt8]
  var grantID: String?
  var firstRow: RowReference?

  init(json: [UInt8], id: String?, row: RowReference?) {
    self.json = json
    grantID = id
    firstRow = row
  }

  mutating func renumber(index: Int, rowsDown: Int32) { firstRow?.row += rowsDown }
}
