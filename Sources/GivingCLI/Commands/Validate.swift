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

    @Flag(help: "List every location of every finding (text output lists 10 per finding by default).")
    var all = false

    @Option(help: "List at most this many locations per finding (default: 10 for text, all for json).")
    var maxLocations: Int?

    @Flag(help: InputOptions.sheetsHelp)
    var sheets = false

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
    }

    /// How many locations per finding the report shows (`nil`: all).
    private var shownLocations: Int? {
      if all { return nil }
      switch format {
      case .json: return maxLocations.flatMap { $0 == 0 ? nil : $0 }
      case .text: return maxLocations.map { $0 == 0 ? Int.max : $0 } ?? 10
      }
    }

    public func run() async throws {
      let today = now.flatMap(CheckDate.init(iso:)) ?? CheckDate.today()
      let validator = try FeedValidator(now: today)
      // Only the locations the report will show are kept (the counts stay exact).
      validator.maxLocations = shownLocations
      let groups: [FeedGroups.Group]
      do {
        groups = try FeedGroups.group(files, sheets: sheets)
      } catch let error as FeedError {
        Diagnostics.error(error.description)
        throw ExitStatus.unreadable
      }
      var reports: [ValidationReport] = []
      let progress = ReadProgress(paths: groups.flatMap(\.files))
      validator.progress = progress
      let bar = ProgressBar.start(progress, quiet: quiet)
      for group in groups {
        if case .workbookFolder(let folder) = group.joined {
          Diagnostics.note(
            "\(folder): its \(group.files.count) CSV files are read as the sheets of one workbook (one main sheet, the others keyed by Identifier)")
        }
        guard group.files.count > 1 else {
          reports.append(validator.validate(path: group.files[0]))
          continue
        }
        do {
          reports.append(validator.validate(try GrantFeed(paths: group.files, format: .csv)))
        } catch let error as FeedError {
          var report = ValidationReport(file: group.files.joined(separator: ", "))
          report.error = error
          reports.append(report)
        }
      }
      bar?.finish()

      let terminal = Terminal()
      switch format {
      case .json:
        try ValidationReportWriter(now: today, maxLocations: shownLocations, pathPrefix: Terminal.workingDirectoryPrefix)
          .write(reports) { terminal.write($0) }
      case .text:
        let printer = ValidationPrinter(terminal: terminal, maxLocations: shownLocations)
        for report in reports { printer.print(report) }
        if reports.count > 1 { printer.printTotals(reports) }
      }
      terminal.flush()
      for report in reports where report.error != nil {
        Diagnostics.error(report.error!.description)
      }

      if reports.contains(where: { $0.error != nil }) { throw ExitStatus.unreadable }
      let failed = reports.contains { report in
        !report.isValid || !report.codelistErrors.isEmpty || (strict && !report.checks(in: .quality).isEmpty)
      }
      if failed { throw ExitStatus.findings }
    }
  }
}
