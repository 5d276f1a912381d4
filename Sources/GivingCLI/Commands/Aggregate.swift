public import ArgumentParser
internal import Foundation
public import GivingKit

#if canImport(Glibc)
  internal import Glibc
#elseif canImport(Darwin)
  internal import Darwin
#endif

extension AggregationKey: ExpressibleByArgument {}

extension Giving {
  /// `giving aggregate`: exact spend by funder, recipient, time, place and deprivation decile.
  public struct Aggregate: AsyncParsableCommand {
    /// The command's help.
    public static let configuration = CommandConfiguration(
      abstract: "Add up grants by funder, recipient, time, place or deprivation decile, exactly and per currency.",
      discussion: """
        Keys: funder, recipient, programme, currency, year, month, financial-year, amount-band, \
        recipient-type, country, region, local-authority, imd-decile, funder-type, recipient-org-type, \
        classification. Several keys (comma-separated) give a cross-tabulation. Organisation types come \
        from the register of each identifier (GB-CHC: charity, GB-LAE: local-government, …); \
        --recipients-of and --places-of read the inputs twice. A grant whose identifier appears more than once is counted once. \
        Grants with no amount, a non-numeric amount, an unknown currency or an unparseable award \
        date are listed as excluded. See docs/aggregate.md.
        """)

    /// Input files.
    @Argument(help: ArgumentHelp("Files to add up: .json, .csv, .xlsx, .ods or .xml, or folders of them (a grant in several counts once).", valueName: "input"))
    public var inputs: [String]

    /// A format forced on every input.
    @Option(help: "Read inputs as this format whatever their extension.")
    public var inputFormat: FeedFormat?

    /// The grouping keys, comma-separated.
    @Option(name: .customLong("by"), help: "Grouping keys, comma-separated.")
    public var by: String

    @Option(help: "Output format: table, csv or json.") public var format: TableFormat = .table
    @OptionGroup public var filters: GrantFilterOptions
    @Option(name: .shortAndLong, help: "The output file ('-' for standard output).") public var output: String = "-"
    @Flag(name: .shortAndLong, help: InputOptions.quietHelp) public var quiet = false
    @Flag(name: .customLong("no-merge-scattered"), help: InputOptions.noMergeScatteredHelp)
    public var noMergeScattered = false

    /// An empty command, filled in by ArgumentParser.
    public init() {}

    func keys() throws -> [AggregationKey] {
      try by.split(separator: ",").map { part in
        let name = part.trimmingCharacters(in: .whitespaces)
        guard let key = AggregationKey(rawValue: name) else {
          throw ValidationError("unknown key '\(name)'; keys are \(AggregationKey.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return key
      }
    }

    /// `result` with its files named relative to the working directory, as the user named
    /// them and as `validate` names them.
    static func namingFilesAsGiven(_ result: AggregationResult) -> AggregationResult {
      var result = result
      for i in result.duplicates.indices {
        // The files of one feed, joined: several CSV files read together.
        result.duplicates[i].firstFile = Terminal.shorten(result.duplicates[i].firstFile)
        for j in result.duplicates[i].locations.indices {
          result.duplicates[i].locations[j].file = Terminal.relative(result.duplicates[i].locations[j].file)
        }
      }
      for i in result.excluded.indices {
        if let file = result.excluded[i].location?.file { result.excluded[i].location?.file = Terminal.relative(file) }
      }
      return result
    }

    /// Checks the inputs and keys (the filters check themselves).
    public func validate() throws {
      if inputs.isEmpty { throw ValidationError("give at least one input file") }
      if inputs.contains("") { throw ValidationError(InputOptions.emptyPathMessage) }
      if try keys().isEmpty { throw ValidationError("give at least one key with --by") }
      if try keys().contains(.recipientIncomeBand), filters.registers.isEmpty {
        throw ValidationError("--by recipient-income-band joins recipients to a charity register: give one with --organisations")
      }
    }

    /// Aggregates the inputs and writes the result.
    /// - Throws: `ExitStatus.unreadable` when a file cannot be read; `ValidationError` on bad arguments.
    public func run() async throws {
      do {
        let options = try filters.aggregationOptions(keys: try keys())
        // Every file is its own feed: several files are several publishers (a folder that is
        // one workbook of CSV sheets is one feed, as for every command).
        let feeds = try InputOptions.feeds(
          inputs, format: inputFormat, sheets: false, mergesScatteredRows: !noMergeScattered)
        var aggregator = try filters.aggregator(options)
        // An unreadable file is reported and skipped; the others are still added up, and the
        // run exits 2.
        let unreadable = try filters.read(feeds, into: &aggregator, quiet: quiet)
        let result = Self.namingFilesAsGiven(aggregator.result())
        GrantFilterOptions.noteUnmatched(result)
        try TableFormat.write(format.text(of: result), to: output)
        if unreadable { throw ExitStatus.unreadable }
      } catch let error as FeedError {
        Diagnostics.error(error.description)
        throw ExitStatus.unreadable
      }
    }
  }
}
