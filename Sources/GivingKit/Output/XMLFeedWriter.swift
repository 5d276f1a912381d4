/// Writes grants in giving's XML form (docs/xml-format.md).
enum XMLFeedWriter {
  static func write(_ feed: GrantFeed, to output: OutputFile) throws -> FeedReport {
    throw FeedError.unknownFormat(file: output.path)  // TODO: replaced by the XML work
  }
}
