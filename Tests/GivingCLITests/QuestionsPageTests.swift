import Foundation
import GivingTestSupport
import Testing

/// `docs/questions.md` shows each of the review's questions with a command and what it prints:
/// every command there is run from the package root, and must print exactly what the page shows,
/// so that the page never goes stale.
@Suite struct QuestionsPageTests {
  struct Example: Sendable, CustomTestStringConvertible {
    var arguments: [String]
    var shown: String
    var testDescription: String { arguments.prefix(2).joined(separator: " ") + " … " + (arguments.last ?? "") }
  }

  /// The page's ```console blocks: `$ giving …` on the first line, the output after it.
  static let examples: [Example] = {
    let page = (try? String(contentsOf: FixturePaths.root.appendingPathComponent("docs/questions.md"), encoding: .utf8)) ?? ""
    var examples: [Example] = []
    for block in page.components(separatedBy: "```console\n").dropFirst() {
      guard let end = block.range(of: "\n```") else { continue }
      let body = block[..<end.lowerBound]
      let lines = body.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false)
      guard let command = lines.first, command.hasPrefix("$ giving ") else { continue }
      examples.append(
        Example(
          arguments: command.dropFirst("$ giving ".count).split(separator: " ").map(String.init),
          shown: lines.count > 1 ? String(lines[1]) : ""))
    }
    return examples
  }()

  @Test func thePageShowsACommandForEveryQuestion() {
    // The review's seven questions, the last answered by two commands (docs/questions.md).
    #expect(Self.examples.count == 8)
  }

  @Test(arguments: examples)
  func everyCommandPrintsWhatThePageShows(_ example: Example) throws {
    let run = try runGiving(example.arguments, in: FixturePaths.root)
    #expect(run.status == 0, "\(run.standardError)")
    let printed = run.standardOutput.hasSuffix("\n") ? String(run.standardOutput.dropLast()) : run.standardOutput
    #expect(printed == example.shown)
  }
}
