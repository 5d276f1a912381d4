/// Writes grants as one CSV sheet with the standard 360Giving titles.
enum CSVFeedWriter {
  static func write(_ feed: GrantFeed, to output: OutputFile) throws -> FeedReport {
    throw FeedError.unknownFormat(file: output.path)  // TODO: replaced by the CSV work
  }
}
