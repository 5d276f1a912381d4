public import ArgumentParser
internal import Foundation
public import GivingKit

/// The input files every reading command takes.
public struct InputOptions: ParsableArguments {
  @Argument(
    help: ArgumentHelp(
      "Input files: .json, .csv, .xlsx, .ods or .xml, or folders of them. Several CSV files are read as the sheets of one workbook.",
      valueName: "input"))
  public var inputs: [String]

  @Option(help: "Read inputs as this format whatever their extension (json, csv, xlsx, ods, xml).")
  public var inputFormat: FeedFormat?

  public init() {}

  public func validate() throws {
    if inputs.isEmpty { throw ValidationError("give at least one input file") }
    if inputs.contains("") { throw ValidationError(Self.emptyPathMessage) }
  }

  /// Why an empty argument is refused (a shell variable that was never set, say): it would
  /// otherwise be read as the current folder.
  static let emptyPathMessage = "an input is an empty path ('')"

  /// The feeds named (a folder names the files in it, ``InputPaths``): all CSV files together
  /// form one feed; every other file is its own feed.
  func feeds() throws -> [GrantFeed] {
    try Self.feeds(inputs, format: inputFormat, csvFilesTogether: true)
  }

  /// The feeds `paths` name (a folder names the files in it, ``InputPaths``), each read as
  /// `format` or as its extension says: every file is its own feed, except that CSV files form
  /// one feed, first, when `csvFilesTogether` (the sheets of one workbook).
  static func feeds(_ paths: [String], format: FeedFormat?, csvFilesTogether: Bool) throws -> [GrantFeed] {
    var csv: [String] = []
    var feeds: [GrantFeed] = []
    for path in try InputPaths.expand(paths) {
      let pathFormat = format ?? FeedFormat(pathExtension: URL(fileURLWithPath: path).pathExtension)
      if pathFormat == .csv { csv.append(path) } else { feeds.append(try GrantFeed(paths: [path], format: format)) }
    }
    if csvFilesTogether {
      if !csv.isEmpty { feeds.insert(try GrantFeed(paths: csv, format: .csv), at: 0) }
    } else {
      for path in csv { feeds.append(try GrantFeed(paths: [path], format: .csv)) }
    }
    return feeds
  }
}

extension FeedFormat: ExpressibleByArgument {}
