public import Foundation

/// Converts a feed to another format, streaming, writing atomically.
public enum Converter {
  /// Reads `feed` and writes it to `path` (`-` for standard output) as `format`.
  ///
  /// The output file appears only when the whole conversion succeeded.
  /// - Returns: the report of reading the feed (grants, warnings).
  /// - Throws: ``FeedError`` when the input cannot be read or the output written.
  @discardableResult
  public static func convert(_ feed: GrantFeed, to format: FeedFormat, path: String) throws -> FeedReport {
    let output = try OutputFile(path: path)
    // The writers never ask where a value came from.
    var feed = feed
    feed.recordsCells = false
    do {
      let report: FeedReport
      switch format {
      case .json:
        let writer = try JSONPackageWriter(output: output)
        report = try feed.read { try writer.write($0) }
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
      try output.commit()
      return report
    } catch {
      output.discard()
      throw error
    }
  }
}
