public import ArgumentParser
internal import Foundation
public import GivingKit

/// The input files every reading command takes.
public struct InputOptions: ParsableArguments {
  @Argument(
    help: ArgumentHelp(
      "Input files: .json, .csv, .xlsx, .ods or .xml, or folders of them. Each file is its own feed (see --sheets).",
      valueName: "input"))
  public var inputs: [String]

  @Option(help: "Read inputs as this format whatever their extension (json, csv, xlsx, ods, xml).")
  public var inputFormat: FeedFormat?

  @Flag(help: InputOptions.sheetsHelp)
  public var sheets = false

  @Flag(name: .customLong("no-merge-scattered"), help: InputOptions.noMergeScatteredHelp)
  public var noMergeScattered = false

  static let sheetsHelp = ArgumentHelp(
    "Read all CSV inputs as the sheets of one workbook: rows that share an Identifier merge into one grant.",
    discussion: "Without it, a folder is read this way only when its CSV files are one main sheet and sheets keyed by Identifier.")

  /// The help of `--no-merge-scattered`, which every reading command takes.
  static let noMergeScatteredHelp = ArgumentHelp(
    "Merge only adjacent spreadsheet rows that share an Identifier.",
    discussion: "By default every row of a sheet with the same Identifier merges into one grant, wherever it is, as the official Data Quality Tool merges them. With this flag a row whose Identifier appeared earlier, but not on the row before, is read as a separate grant, with a warning.")

  /// The help of `--quiet`, which every reading command takes.
  static let quietHelp = ArgumentHelp(
    "Draw no progress bar.",
    discussion: "The bar is drawn on standard error only when it is a terminal and the inputs are \(ProgressBar.minimumTotalBytes / 1_000_000) MB or more.")

  public init() {}

  public func validate() throws {
    if inputs.isEmpty { throw ValidationError("give at least one input file") }
    if inputs.contains("") { throw ValidationError(Self.emptyPathMessage) }
  }

  /// Why an empty argument is refused (a shell variable that was never set, say): it would
  /// otherwise be read as the current folder.
  static let emptyPathMessage = "an input is an empty path ('')"

  /// The feeds named (a folder names the files in it, ``InputPaths``): every file its own
  /// feed, but CSV files that are the sheets of one workbook (``FeedGroups``).
  func feeds() throws -> [GrantFeed] {
    try Self.feeds(inputs, format: inputFormat, sheets: sheets, mergesScatteredRows: !noMergeScattered)
  }

  /// The feeds `paths` name, each read as `format` or as its extension says.
  static func feeds(_ paths: [String], format: FeedFormat?, sheets: Bool, mergesScatteredRows: Bool = true) throws -> [GrantFeed] {
    try FeedGroups.group(paths, format: format, sheets: sheets).map { group in
      var feed = try GrantFeed(paths: group.files, format: format ?? (group.files.count > 1 ? .csv : nil))
      feed.mergesScatteredRows = mergesScatteredRows
      return feed
    }
  }
}

extension FeedFormat: ExpressibleByArgument {}
