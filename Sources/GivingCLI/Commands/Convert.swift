public import ArgumentParser
internal import Foundation
internal import GivingDatabase
public import GivingKit

extension Giving {
  /// `giving convert`: rewrite a feed as JSON, CSV, XML or XLSX, losing nothing, or many feeds
  /// as one SQLite database.
  public struct Convert: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
      abstract: "Convert 360Giving data between JSON, CSV, XML and XLSX, or into an SQLite database.",
      discussion: """
        Several CSV inputs are read as the sheets of one workbook (rows sharing an \
        Identifier merge into one grant). The output is written atomically: a failed run \
        leaves no file behind. Writing CSV or XLSX warns about every value a sheet cannot \
        hold and every grant that shares an Identifier with an earlier one (reading the \
        sheet back would merge them); --strict makes any warning exit 1 with no output. \
        --to sqlite takes many inputs into one database (docs/database.md).
        """)

    /// What convert writes.
    public enum OutputFormat: String, ExpressibleByArgument, Sendable {
      case json, csv, xml, xlsx, sqlite
    }

    @OptionGroup public var input: InputOptions

    @Option(help: "The output format: json, csv, xml, xlsx or sqlite.")
    public var to: OutputFormat

    @Option(name: .shortAndLong, help: "The output file ('-' for standard output).")
    public var output: String = "-"

    @Flag(name: .shortAndLong, help: "Do not print conversion warnings, nor a progress bar.")
    public var quiet = false

    @Flag(help: "Write nothing and exit 1 if the conversion gives any warning.")
    public var strict = false

    @Flag(help: "With --to sqlite: add the inputs to an existing giving database.")
    public var append = false

    @Flag(help: "With --to sqlite: replace an existing output file.")
    public var force = false

    public init() {}

    public func validate() throws {
      if to == .xlsx && output == "-" { throw ValidationError("XLSX output needs a file: give -o FILE") }
      if to == .sqlite && output == "-" { throw ValidationError("SQLite output needs a file: give -o FILE") }
      if (append || force) && to != .sqlite { throw ValidationError("--append and --force go with --to sqlite") }
      if append && force { throw ValidationError("--append adds to a database and --force replaces it: give one") }
    }

    public func run() async throws {
      if to == .sqlite { return try writeDatabase() }
      do {
        let feeds = try input.feeds()
        guard feeds.count == 1 else {
          throw ValidationError(
            "convert takes one input file, or the CSV sheets of one workbook with --sheets (\(feeds.count) feeds given)")
        }
        var feed = feeds[0]
        let progress = ReadProgress(feeds: feeds)
        feed.progress = progress
        // No bar over the output itself, when it goes to the same terminal.
        let bar = output == "-" && isatty(STDOUT_FILENO) == 1 ? nil : ProgressBar.start(progress, quiet: quiet)
        defer { bar?.finish() }
        let report = try Converter.convert(feed, to: FeedFormat(rawValue: to.rawValue)!, path: output, strict: strict)
        bar?.finish()
        printWarnings(report)
        if output != "-" {
          var summary = "\(English.count(report.grantCount, "grant")) written to \(output)"
          if !report.warnings.isEmpty { summary += " (\(English.count(report.warnings.count, "warning")))" }
          Diagnostics.note(summary)
        }
      } catch let refusal as ConversionRefusal {
        printWarnings(refusal.report)
        let count = English.count(refusal.report.warnings.count, "warning")
        Diagnostics.error("\(count) with --strict: nothing written to \(output == "-" ? "standard output" : output)")
        throw ExitStatus.findings
      } catch let error as FeedError {
        Diagnostics.error(error.description)
        throw ExitStatus.unreadable
      }
    }

    private func writeDatabase() throws {
      do {
        let report = try GrantDatabase.write(
          try input.feeds(), to: output, mode: append ? .append : force ? .replace : .create)
        for feed in report.feeds { printWarnings(feed) }
        var summary = "\(English.count(report.grantsStored, "grant")) from \(English.count(report.files, "file")) written to \(output)"
        if report.duplicates > 0 {
          summary += "; \(English.count(report.duplicates, "grant")) with an identifier already stored listed in its duplicates table"
        }
        Diagnostics.note(summary)
      } catch let refusal as DatabaseRefusal {
        Diagnostics.error(refusal.description)
        throw ExitStatus.cannotWrite
      } catch let error as FeedError {
        Diagnostics.error(error.description)
        throw ExitStatus.unreadable
      }
    }

    private func printWarnings(_ report: FeedReport) {
      guard !quiet else { return }
      for warning in report.warnings { Diagnostics.warning(warning.description) }
    }
  }
}
