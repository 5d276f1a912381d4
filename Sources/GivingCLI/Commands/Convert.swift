public import ArgumentParser
internal import Foundation
public import GivingKit

extension Giving {
  /// `giving convert`: rewrite a feed as JSON, CSV, XML or XLSX, losing nothing.
  public struct Convert: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
      abstract: "Convert 360Giving data between JSON, CSV, XML and XLSX.",
      discussion: """
        Several CSV inputs are read as the sheets of one workbook (rows sharing an \
        Identifier merge into one grant). The output is written atomically: a failed run \
        leaves no file behind. Writing CSV or XLSX warns about every value a sheet cannot \
        hold and every grant that shares an Identifier with an earlier one (reading the \
        sheet back would merge them); --strict makes any warning exit 1 with no output.
        """)

    @OptionGroup public var input: InputOptions

    @Option(help: "The output format: json, csv, xml or xlsx.")
    public var to: FeedFormat

    @Option(name: .shortAndLong, help: "The output file ('-' for standard output).")
    public var output: String = "-"

    @Flag(name: .shortAndLong, help: "Do not print conversion warnings, nor a progress bar.")
    public var quiet = false

    @Flag(help: "Write nothing and exit 1 if the conversion gives any warning.")
    public var strict = false

    public init() {}

    public func validate() throws {
      if to == .ods { throw ValidationError("giving reads ODS but writes json, csv, xml or xlsx") }
      if to == .xlsx && output == "-" { throw ValidationError("XLSX output needs a file: give -o FILE") }
    }

    public func run() async throws {
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
        let report = try Converter.convert(feed, to: to, path: output, strict: strict)
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

    private func printWarnings(_ report: FeedReport) {
      guard !quiet else { return }
      for warning in report.warnings { Diagnostics.warning(warning.description) }
    }
  }
}
