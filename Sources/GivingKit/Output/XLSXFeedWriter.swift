/// Writes grants as an XLSX workbook with the standard 360Giving titles.
enum XLSXFeedWriter {
  static func write(_ feed: GrantFeed, to output: OutputFile) throws -> FeedReport {
    throw FeedError.unknownFormat(file: output.path)  // TODO: replaced by the XLSX work
  }
}
