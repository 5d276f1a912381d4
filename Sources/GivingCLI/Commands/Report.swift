public import ArgumentParser
internal import Foundation
internal import GivingKit
internal import GivingReport

extension Giving {
  /// `giving report`: validation, summary and spend of some files in one HTML page that needs
  /// nothing else to be read.
  public struct Report: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
      abstract: "Write one self-contained HTML page: validation, summary and spend charts.",
      discussion: """
        The page has what validate, summary and aggregate (--by year, funder, recipient and \
        imd-decile) give for the files, with every place of a finding up to 1,000 per finding, \
        charts drawn as inline SVG with a table of their numbers, and nothing to fetch: it reads \
        offline, from a file or an email attachment, with scripts off. The filters apply to the \
        spend charts only; validation and summary are of the whole files. Exit codes: 0 the \
        page was written, 2 some file could not be read (the page is written for the others), \
        64 usage.
        """)

    @Argument(help: ArgumentHelp("Files to report on: .json, .csv, .xlsx, .ods or .xml, or folders of them.", valueName: "file"))
    var files: [String]

    @Option(name: .shortAndLong, help: "The page to write ('-' for standard output).")
    var output = "report.html"

    @Option(help: "The day the date checks take as today (YYYY-MM-DD; default: today).")
    var now: String?

    @Flag(help: InputOptions.sheetsHelp)
    var sheets = false

    @Flag(name: .customLong("no-merge-scattered"), help: InputOptions.noMergeScatteredHelp)
    var noMergeScattered = false

    @OptionGroup var filters: GrantFilterOptions

    @Flag(name: .shortAndLong, help: InputOptions.quietHelp)
    var quiet = false

    public init() {}

    public func validate() throws {
      if files.isEmpty { throw ValidationError("give at least one file to report on") }
      if files.contains("") { throw ValidationError(InputOptions.emptyPathMessage) }
      if output.isEmpty { throw ValidationError("-o must name a file") }
      if let now, CheckDate(iso: now) == nil {
        throw ValidationError("--now must be a real date written YYYY-MM-DD, not '\(now)'")
      }
    }

    public func run() async throws {
      let today = now.flatMap(CheckDate.init(iso:)) ?? CheckDate.today()
      let groups = try Validate.groups(files, sheets: sheets)

      // Validation first: the files it could read are summarised and added up after.
      var validation = ValidationSection(pathPrefix: Terminal.workingDirectoryPrefix) { Explain.text(for: $0) }
      var unreadable: [FeedError] = []
      var readable: [FeedGroups.Group] = []
      var summaries: [GrantsSummary] = []
      let progress = ReadProgress(paths: groups.flatMap(\.files))
      let run = ValidationRun(
        now: today, maxLocations: ValidationSection.maxPlaces, progress: progress, summarises: true,
        mergesScatteredRows: !noMergeScattered)
      let bar = ProgressBar.start(progress, quiet: quiet)
      var delivered = 0
      _ = try run.validate(groups) { report in
        // Reports come in the order of the groups.
        if let error = report.error {
          unreadable.append(error)
        } else {
          readable.append(groups[delivered])
          if var summary = report.summary {
            summary.file = groups[delivered].files.map(Terminal.relative).joined(separator: ", ")
            summaries.append(summary)
          }
        }
        delivered += 1
        var report = report
        report.summary = nil
        validation.add(report)
      }
      bar?.finish()
      let feeds = try readable.map { group in
        var feed = try GrantFeed(paths: group.files, format: group.files.count > 1 ? .csv : nil)
        feed.mergesScatteredRows = !noMergeScattered
        return feed
      }

      let summary = SummarySection(summaries: summaries)
      let spend = try self.spend(of: feeds)
      for error in unreadable { Diagnostics.error(error.description) }

      let page = ReportDocument(
        title: groups.map { Terminal.relative($0.files.joined(separator: ", ")) }.joined(separator: "; "),
        generated: today.description, validation: validation, summary: summary, spend: spend)
      do {
        let file = try OutputFile(path: output)
        try file.write(page.bytes)
        try file.commit()
      } catch let error as FeedError {
        Diagnostics.error(error.description)
        throw ExitStatus.unreadable
      }
      if !unreadable.isEmpty { throw ExitStatus.unreadable }
    }

    /// What `aggregate --by year`, `funder`, `recipient` and `imd-decile` give for the feeds and
    /// the filters, with the population of each decile.
    private func spend(of feeds: [GrantFeed]) throws -> SpendSection {
      let geography = try Geography(englishIndex: filters.index)
      func aggregator(by key: AggregationKey, measures: AggregationMeasures = .all) throws -> Aggregator {
        var options = try filters.aggregationOptions(keys: [key])
        options.geography = geography
        options.measures = measures
        var aggregator = try filters.aggregator(options)
        // Files that cannot be read were left out above: none is reported twice.
        _ = try filters.read(feeds, into: &aggregator, quiet: true)
        return aggregator
      }
      let byYear = try aggregator(by: .year).result()
      // The charts of funders and recipients need only the totals of the largest.
      let funders = SpendSection.Ranking(
        try aggregator(by: .funder, measures: .totals).ranking(largest: SpendSection.topCount))
      let recipients = SpendSection.Ranking(
        try aggregator(by: .recipient, measures: .totals).ranking(largest: SpendSection.topCount))
      let byDecile = try aggregator(by: .imdDecile).result()
      var populations: [Nation: [Int64]] = [:]
      for nation in Nation.allCases { populations[nation] = geography.population(of: nation) }
      return SpendSection(
        byYear: byYear, funders: funders, recipients: recipients, byDecile: byDecile, populations: populations)
    }
  }
}
