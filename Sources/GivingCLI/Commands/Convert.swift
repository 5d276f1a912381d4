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

    @Flag(name: .shortAndLong, help: "Do not print conversion warnings.")
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
        let report = try Converter.convert(feeds[0], to: to, path: output, strict: strict)
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
