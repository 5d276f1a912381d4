public import ArgumentParser
internal import Foundation
internal import GivingKit

/// The `giving` command: read, validate, convert and aggregate 360Giving grant data.
public struct Giving: AsyncParsableCommand {
  public static let configuration = CommandConfiguration(
    commandName: "giving",
    abstract: "Read, validate, convert and aggregate 360Giving grant data.",
    discussion: """
      Reads JSON packages, CSV, XLSX, ODS and giving's XML form. Exit codes: 0 success, \
      1 findings (validate), 2 a file could not be read, 64 usage error, 65 a table or register \
      that cannot be used, 73 an output that may not be overwritten.
      """,
    version: "0.1.0",
    subcommands: [Convert.self, Validate.self, Explain.self, Summary.self, Aggregate.self, Charities.self, Report.self]
  )

  public init() {}

  /// Runs the command line, after making sure that the data bundled with giving (schemas,
  /// codelists, geography tables) is where giving looks for it: a binary copied without its
  /// `.resources` folders says so and exits with 2 rather than failing later.
  public static func runCommandLine() async {
    let arguments = CommandLine.arguments.dropFirst()
    let asksForHelp = arguments.isEmpty || arguments.contains { ["-h", "--help", "help", "--version"].contains($0) }
    if !asksForHelp, let missing = SchemaBundle.missingBundledData().first {
      let message = """
        giving: error: the data bundled with giving is missing: \(missing.path) does not exist. \
        Keep the giving_*.resources folders that the build puts beside the giving executable \
        next to it when you copy or install it.

        """
      FileHandle.standardError.write(Data(message.utf8))
      Foundation.exit(ExitStatus.unreadable.rawValue)
    }
    await main()
  }
}
