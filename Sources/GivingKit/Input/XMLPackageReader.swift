public import Foundation

/// Reads the XML form of a 360Giving package (see docs/xml-format.md) with libxml2's
/// streaming reader.
struct XMLPackageReader {
  let url: URL
  func read(_ body: (Grant) throws -> Void) throws -> FeedReport {
    throw FeedError.unknownFormat(file: url.path)  // TODO: replaced by the XML work
  }
}
