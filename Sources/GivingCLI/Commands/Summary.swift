public import ArgumentParser
internal import Foundation
internal import GivingKit

/// The output formats of `giving summary`.
public enum SummaryFormat: String, Sendable, CaseIterable, ExpressibleByArgument {
  case text, json
}

extension Giving {
  /// `giving summary`: grant counts, distinct funders and recipients, and exact totals per currency.
  public struct Summary: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
      abstract: "Count grants, funders, recipients and money in each file.",
      discussion: """
        The numbers the 360Giving Data Quality Tool shows on its summary: grants, ids, duplicate \
        ids, award dates and years, totals per currency (exact decimals; zero amounts ignored in \
        min/max), distinct funder and recipient ids and their org-id prefixes. With \
        --format json, prints a JSON array with one object per file (money as decimal strings).
        """)

    @OptionGroup public var input: InputOptions

    @Option(help: "Output format: text or json.")
    public var format: SummaryFormat = .text

    @Flag(name: .shortAndLong, help: InputOptions.quietHelp)
    public var quiet = false

    public init() {}

    public func run() async throws {
      var summaries: [GrantsSummary] = []
      var unreadable = false
      let feeds: [GrantFeed]
      do {
        feeds = try input.feeds()
      } catch let error as FeedError {
        Diagnostics.error(error.description)
        throw ExitStatus.unreadable
      }
      let progress = ReadProgress(feeds: feeds)
      let bar = ProgressBar.start(progress, quiet: quiet)
      defer { bar?.finish() }
      for var feed in feeds {
        feed.progress = progress
        var builder = GrantsSummary.Builder()
        do {
          _ = try feed.read { builder.add($0) }
        } catch let error as FeedError {
          Diagnostics.error(error.description)
          unreadable = true
          continue
        }
        let summary = builder.summary(file: feed.files.map { Terminal.relative($0.path) }.joined(separator: ", "))
        summaries.append(summary)
        if format == .text {
          // Standard output may be the bar's terminal too: written at once, below the bar.
          let text = SummaryText.render(summary) + "\n"
          ProgressBar.clearingLine { FileHandle.standardOutput.write(Data(text.utf8)) }
        }
      }
      bar?.finish()
      if format == .json {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(summaries)
        print(String(decoding: data, as: UTF8.self))
      }
      if unreadable { throw ExitStatus.unreadable }
    }
  }
}

/// The readable, aligned text form of a ``GrantsSummary``.
enum SummaryText {
  static func render(_ s: GrantsSummary) -> String {
    var rows: [(String, String)] = []
    rows.append(("Grants", "\(s.grants) (\(s.grantsWithId) with an id)"))
    rows.append(("Duplicate ids", s.duplicateIds.isEmpty ? "none" : "\(s.duplicateIds.count): " + GrantsSummary.quotedList(s.duplicateIds)))
    rows.append(("Funders", "\(s.funders) distinct id\(s.funders == 1 ? "" : "s")"))
    rows.append(("Recipients", "\(s.recipients) organisation id\(s.recipients == 1 ? "" : "s"), \(s.recipientIndividuals) grant\(s.recipientIndividuals == 1 ? "" : "s") to individuals"))
    rows.append(("Award dates", s.awardDates.min.isEmpty ? "none" : "\(s.awardDates.min) to \(s.awardDates.max)"))
    if !s.awardYears.isEmpty {
      rows.append(("Award years", s.awardYears.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", ")))
    }
    for (code, c) in s.currencies.sorted(by: { $0.key < $1.key }) {
      rows.append((
        code == "None" ? "No currency" : code,
        "\(c.grants) grant\(c.grants == 1 ? "" : "s"), total \(c.total) (min \(c.min), max \(c.max))"
      ))
    }
    rows.append(("Funder prefixes", s.funderPrefixes.text()))
    rows.append(("Recipient prefixes", s.recipientPrefixes.text()))
    let width = rows.map(\.0.count).max() ?? 0
    let body = rows.map { "  " + $0.0 + String(repeating: " ", count: width - $0.0.count + 2) + $0.1 }
    return ([s.file ?? "-"] + body).joined(separator: "\n")
  }
}
