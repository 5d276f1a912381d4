public import ArgumentParser
internal import Foundation
public import GivingKit

extension EnglishIndex: ExpressibleByArgument {}

/// The options that choose which grants are added up and how they are placed: the same for
/// `aggregate` and every command that adds grants up (docs/aggregate.md).
public struct GrantFilterOptions: ParsableArguments {
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
  @Option(
    name: .customLong("organisations"),
    help: ArgumentHelp(
      "A charity register (CCEW extract, OSCR or CCNI CSV) the recipients are joined to (repeatable): the recipient-income-band key, recipients' income per group, and the registered postcode as a place.",
      valueName: "register"))
  public var registers: [String] = []

  public init() {}

  /// Checks the dates, numbers and months given.
  public func validate() throws {
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

  /// Aggregation options for `keys` with these filters, reading the tables the options name.
  /// - Throws: `ExitStatus.refusedTable` (with the reason printed) for an `--org-types` table
  ///   or a register that cannot be used; `FeedError` when a table cannot be read.
  func aggregationOptions(keys: [AggregationKey]) throws -> AggregationOptions {
    var options = AggregationOptions(keys: keys)
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
      try organisations.apply(to: &options)
    } catch let error as OrganisationTypesError {
      Diagnostics.error(error.description)
      throw ExitStatus.refusedTable
    }
    if !registers.isEmpty {
      do {
        let registerSet = try CharityRegisterSet(reading: registers.map { URL(fileURLWithPath: $0) })
        options.registers = registerSet
        options.recipientLinks = registerSet
      } catch let error as CharityRegisterError {
        Diagnostics.error(error.description)
        throw ExitStatus.refusedTable
      }
    }
    if let postcodes {
      options.postcodes = try PostcodeTable(contentsOf: URL(fileURLWithPath: postcodes), prefer2021: index == .imd2025)
    }
    return options
  }

  /// An aggregator for `options`, with a warning for an `--area` it cannot use.
  /// - Throws: `ExitStatus.usage` (with the reason printed) for options that contradict each other.
  func aggregator(_ options: AggregationOptions) throws -> Aggregator {
    let aggregator: Aggregator
    do {
      aggregator = try Aggregator(options: options)
    } catch let error as AggregationOptionError {
      Diagnostics.error(error.description)
      throw ExitStatus.usage
    }
    if let problem = aggregator.areaProblem, let area {
      Diagnostics.warning("--area '\(area)': \(problem)")
    }
    return aggregator
  }

  /// Reads every feed into `aggregator`: the selection pass first when the selectors need one,
  /// then the counting pass. A file that cannot be read is reported and skipped; the others are
  /// still added up.
  /// - Returns: whether some file could not be read.
  /// - Throws: what reading throws other than `FeedError`.
  func read(_ feeds: [GrantFeed], into aggregator: inout Aggregator, quiet: Bool) throws -> Bool {
    // The selection pass, when there is one, reads every feed a first time: the bar counts both.
    let passes = aggregator.options.needsSelectionPass ? 2 : 1
    let progress = ReadProgress(totalBytes: passes * feeds.reduce(0) { $0 + $1.byteCount })
    let bar = ProgressBar.start(progress, quiet: quiet)
    defer { bar?.finish() }
    if aggregator.options.needsSelectionPass {
      // A file that cannot be read is reported once, by the counting pass below.
      for var feed in feeds {
        feed.progress = progress
        try? aggregator.readSelection(feed)
      }
    }
    // (Grants read before the error in an unreadable file stay counted.)
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
    return unreadable
  }

  /// Notes for the selectors that named no funder.
  static func noteUnmatched(_ result: AggregationResult) {
    for selector in result.unmatchedSelectors {
      Diagnostics.note("\(selector) names no funder of a grant that could be counted: \(OrganisationOptions.consequence(of: selector))")
    }
  }
}
