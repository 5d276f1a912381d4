public import ArgumentParser

/// The `giving` command: read, validate, convert and aggregate 360Giving grant data.
public struct Giving: AsyncParsableCommand {
  public static let configuration = CommandConfiguration(
    commandName: "giving",
    abstract: "Read, validate, convert and aggregate 360Giving grant data.",
    discussion: """
      Reads JSON packages, CSV, XLSX, ODS and giving's XML form. Exit codes: 0 success, \
      1 findings (validate), 2 a file could not be read, 64 usage error.
      """,
    version: "0.1.0",
    subcommands: [Convert.self, Validate.self, Explain.self, Summary.self, Aggregate.self]
  )

  public init() {}
}
