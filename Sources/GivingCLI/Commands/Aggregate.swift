public import ArgumentParser
internal import Foundation
public import GivingKit

#if canImport(Glibc)
  internal import Glibc
#elseif canImport(Darwin)
  internal import Darwin
#endif

extension AggregationKey: ExpressibleByArgument {}
extension EnglishIndex: ExpressibleByArgument {}

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

    /// The output formats.
    public enum Format: String, ExpressibleByArgument, Sendable { case table, csv, json }

    /// Input files.
    @Argument(help: ArgumentHelp("Files to add up: .json, .csv, .xlsx, .ods or .xml, or folders of them (a grant in several counts once).", valueName: "input"))
    public var inputs: [String]

    /// A format forced on every input.
    @Option(help: "Read inputs as this format whatever their extension.")
    public var inputFormat: FeedFormat?

    /// The grouping keys, comma-separated.
    @Option(name: .customLong("by"), help: "Grouping keys, comma-separated.")
    public var by: String

    @Option(help: "Output format: table, csv or json.") public var format: Format = .table
    @Option(name: .customLong("fy-start"), help: "First month (1-12) of the financial year.") public var fyStart = 4
    @Option(help: "English deprivation index: imd2019 or imd2025.") public var index: EnglishIndex = .imd2019
    @Option(help: "An ONS postcode directory CSV (NSPL/ONSPD layout) for recipient postcodes.") public var postcodes: String?
    @Option(help: "Only this funder identifier (repeatable).") public var funder: [String] = []
    @Option(help: "Only this recipient identifier (repeatable).") public var recipient: [String] = []
    @Option(help: "Only this programme title or code (repeatable).") public var programme: [String] = []
    @Option(help: "Award dates from (YYYY-MM-DD, inclusive).") public var from: String?
    @Option(help: "Award dates to (YYYY-MM-DD, inclusive).") public var to: String?
    @Option(help: "Smallest amount.") public var min: String?
    @Option(help: "Largest amount.") public var max: String?
    @Option(help: "Only this currency (repeatable).") public var currency: [String] = []
    @Option(help: "Only grants placed in or overlapping this area code.") public var area: String?
    @Option(help: "Only grants whose title or description contains this text.") public var search: String?
    @OptionGroup(title: "Organisation types and funder selectors") public var organisations: OrganisationOptions
    @Option(name: .shortAndLong, help: "The output file ('-' for standard output).") public var output: String = "-"
    @Flag(name: .shortAndLong, help: InputOptions.quietHelp) public var quiet = false

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

    /// Checks the keys, dates, numbers and months given.
    public func validate() throws {
      if inputs.isEmpty { throw ValidationError("give at least one input file") }
      if inputs.contains("") { throw ValidationError(InputOptions.emptyPathMessage) }
      if try keys().isEmpty { throw ValidationError("give at least one key with --by") }
      if !(1...12).contains(fyStart) { throw ValidationError("--fy-start must be a month from 1 to 12") }
      for (name, value) in [("--from", from), ("--to", to)] {
        if let value, Aggregator.parseDate(value) == nil || value.count != 10 {
          throw ValidationError("\(name) '\(value)' is not a date (YYYY-MM-DD)")
        }
      }
      for (name, value) in [("--min", min), ("--max", max)] {
        if let value, DecimalParser.parse(value) == nil {
          throw ValidationError("\(name) '\(value)' is not a number")
        }
      }
    }

    /// Aggregates the inputs and writes the result.
    /// - Throws: `ExitStatus.unreadable` when a file cannot be read; `ValidationError` on bad arguments.
    public func run() async throws {
      var options = AggregationOptions(keys: try keys())
      options.financialYearStartMonth = fyStart
      options.englishIndex = index
      options.filter.funders = Set(funder)
      options.filter.recipients = Set(recipient)
      options.filter.programmes = Set(programme)
      options.filter.from = from
      options.filter.to = to
      options.filter.minimum = min.flatMap(DecimalParser.parse)
      options.filter.maximum = max.flatMap(DecimalParser.parse)
      options.filter.currencies = Set(currency.map { $0.uppercased() })
      options.filter.area = area
      options.filter.search = search
      do {
        do {
          try organisations.apply(to: &options)
        } catch let error as OrganisationTypesError {
          Diagnostics.error(error.description)
          throw ExitStatus.refusedTable
        }
        if let postcodes {
          options.postcodes = try PostcodeTable(contentsOf: URL(fileURLWithPath: postcodes), prefer2021: index == .imd2025)
        }
        // Every file is its own feed: several files are several publishers (a folder that is
        // one workbook of CSV sheets is one feed, as for every command).
        let feeds = try InputOptions.feeds(inputs, format: inputFormat, sheets: false)
        var aggregator: Aggregator
        do {
          aggregator = try Aggregator(options: options)
        } catch let error as AggregationOptionError {
          Diagnostics.error(error.description)
          throw ExitStatus.usage
        }
        if let problem = aggregator.areaProblem, let area {
          Diagnostics.warning("--area '\(area)': \(problem)")
        }
        // The selection pass, when there is one, reads every feed a first time: the bar counts both.
        let passes = options.needsSelectionPass ? 2 : 1
        let progress = ReadProgress(totalBytes: passes * feeds.reduce(0) { $0 + $1.byteCount })
        let bar = ProgressBar.start(progress, quiet: quiet)
        defer { bar?.finish() }
        if options.needsSelectionPass {
          // A file that cannot be read is reported once, by the counting pass below.
          for var feed in feeds {
            feed.progress = progress
            try? aggregator.readSelection(feed)
          }
        }
        // An unreadable file is reported and skipped; the others are still added up, and the
        // run exits 2. (Grants read before the error in that file stay counted.)
        var unreadable = false
        for var feed in feeds {
          feed.progress = progress
          do {
            try aggregator.aggregate(feed)
          } catch let error as FeedError {
            Diagnostics.error(error.description)
            unreadable = true
          }
        }
        bar?.finish()
        let result = Self.namingFilesAsGiven(aggregator.result())
        for selector in result.unmatchedSelectors {
          Diagnostics.note("\(selector) names no funder of a grant that could be counted: \(OrganisationOptions.consequence(of: selector))")
        }
        let text: String
        switch format {
        case .table: text = result.table
        case .csv: text = result.csv
        case .json: text = JSONWriter(indent: 2).string(result.jsonValue) + "\n"
        }
        if output == "-" {
          FileHandle.standardOutput.write(Data(text.utf8))
        } else {
          let file = try OutputFile(path: output)
          try file.write(text)
          try file.commit()
        }
        if unreadable { throw ExitStatus.unreadable }
      } catch let error as FeedError {
        Diagnostics.error(error.description)
        throw ExitStatus.unreadable
      }
    }
  }
}
