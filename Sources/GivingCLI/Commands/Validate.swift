public import ArgumentParser
internal import Foundation
internal import GivingKit

extension Giving {
  /// `giving validate`: the official 360Giving checks, with every finding at its cell or line.
  public struct Validate: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
      abstract: "Check files against the 360Giving schema and every Data Quality Tool check.",
      discussion: """
        Each file is validated on its own, and a line after them adds up the files (CSV files \
        form one workbook with --sheets, or when a folder's CSV files are one main sheet and \
        sheets keyed by Identifier). Exit codes: 0 every file valid, 1 some file has schema or \
        codelist errors (with --strict, also accuracy notices), 2 some file could not be read, \
        64 usage.
        """)

    @Argument(help: ArgumentHelp("Files to validate: .json, .csv, .xlsx, .ods or .xml, or folders of them.", valueName: "file"))
    var files: [String]

    @Option(help: "Output: text (for people) or json (docs/report-format.md).")
    var format: ReportFormat = .text

    @Option(help: "The day the date checks take as today (YYYY-MM-DD; default: today).")
    var now: String?

    @Flag(help: "Exit 1 on accuracy (quality) notices too, not only on schema and codelist errors.")
    var strict = false

    @Flag(help: "List every location of every finding (text output lists 10 per finding by default; json lists all).")
    var all = false

    @Option(
      help: ArgumentHelp(
        "List at most this many locations per finding (default: 10 for text, all for json); 0 lists none, only the counts.",
        valueName: "n"))
    var maxLocations: Int?

    @Flag(help: InputOptions.sheetsHelp)
    var sheets = false

    @Flag(name: .customLong("no-merge-scattered"), help: InputOptions.noMergeScatteredHelp)
    var noMergeScattered = false

    @Flag(name: .shortAndLong, help: InputOptions.quietHelp)
    var quiet = false

    enum ReportFormat: String, ExpressibleByArgument, CaseIterable {
      case text, json
    }

    public init() {}

    public func validate() throws {
      if files.isEmpty { throw ValidationError("give at least one file to validate") }
      if files.contains("") { throw ValidationError(InputOptions.emptyPathMessage) }
      if let now, CheckDate(iso: now) == nil {
        throw ValidationError("--now must be a real date written YYYY-MM-DD, not '\(now)'")
      }
      if let maxLocations, maxLocations < 0 { throw ValidationError("--max-locations must be 0 or more") }
      if all, maxLocations != nil { throw ValidationError("give --all or --max-locations, not both") }
    }

    /// The feeds `files` name (``FeedGroups``), with a note for each folder read as one
    /// workbook of CSV sheets.
    /// - Throws: `ExitStatus.unreadable`, with the reason printed, when a path names nothing readable.
    static func groups(_ files: [String], sheets: Bool) throws -> [FeedGroups.Group] {
      let groups: [FeedGroups.Group]
      do {
        groups = try FeedGroups.group(files, sheets: sheets)
      } catch let error as FeedError {
        Diagnostics.error(error.description)
        throw ExitStatus.unreadable
      }
      for group in groups {
        if case .workbookFolder(let folder) = group.joined {
          Diagnostics.note(
            "\(folder): its \(group.files.count) CSV files are read as the sheets of one workbook (one main sheet, the others keyed by Identifier)")
        }
      }
      return groups
    }

    /// How many locations per finding the report shows (`nil`: all; 0: none, only counts).
    private var shownLocations: Int? {
      if all { return nil }
      switch format {
      case .json: return maxLocations
      case .text: return maxLocations ?? 10
      }
    }

    public func run() async throws {
      let today = now.flatMap(CheckDate.init(iso:)) ?? CheckDate.today()
      let groups = try Self.groups(files, sheets: sheets)

      // Only the locations the report will show are kept (the counts stay exact). Each report
      // is written as soon as it and those before it are done, then dropped.
      let progress = ReadProgress(paths: groups.flatMap(\.files))
      let run = ValidationRun(
        now: today, maxLocations: shownLocations, progress: progress, mergesScatteredRows: !noMergeScattered)
      let bar = ProgressBar.start(progress, quiet: quiet)
      defer { bar?.finish() }
      let terminal = Terminal()
      let writer = ValidationReportWriter(now: today, maxLocations: shownLocations, pathPrefix: Terminal.workingDirectoryPrefix)
      let printer = ValidationPrinter(terminal: terminal, maxLocations: shownLocations)
      var unreadable: [FeedError] = []
      var written = 0
      if format == .json { try writer.writeStart { terminal.write($0) } }
      let outcome = try run.validate(groups) { report in
        if let error = report.error { unreadable.append(error) }
        // With a bar on the terminal, each report is written out with the bar's line erased.
        try ProgressBar.clearingLine(if: bar != nil) {
          switch format {
          case .json: try writer.write(report, number: written, to: { terminal.write($0) })
          case .text: printer.print(report)
          }
          if bar != nil { terminal.flush() }
        }
        written += 1
      }
      bar?.finish()
      switch format {
      case .json:
        try writer.writeEnd(totals: outcome.totals, crossFileDuplicates: outcome.crossFeedDuplicates) { terminal.write($0) }
      case .text:
        if groups.count > 1 {
          printer.printTotals(outcome.verdicts, totals: outcome.totals)
          printer.printCrossFileDuplicates(outcome.crossFeedDuplicates, count: outcome.totals.crossFileDuplicateIDs)
        }
      }
      terminal.flush()
      for error in unreadable { Diagnostics.error(error.description) }

      if !unreadable.isEmpty { throw ExitStatus.unreadable }
      let failed = outcome.verdicts.contains { verdict in
        !verdict.isValid || verdict.codelistErrorCount > 0 || (strict && verdict.qualityCheckCount > 0)
      }
      if failed { throw ExitStatus.findings }
    }
  }
}
