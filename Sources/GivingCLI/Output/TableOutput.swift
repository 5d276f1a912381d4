public import ArgumentParser
internal import Foundation
internal import GivingKit

/// The output formats of the commands that print groups (`aggregate`, `charities`).
public enum TableFormat: String, ExpressibleByArgument, Sendable {
  case table, csv, json

  /// `result` in this format.
  func text(of result: some TabularResult) -> String {
    switch self {
    case .table: result.table
    case .csv: result.csv
    case .json: JSONWriter(indent: 2).string(result.jsonValue) + "\n"
    }
  }

  /// Writes `text` to standard output (`-`) or to the file `path`, whole or not at all.
  /// - Throws: the output file's errors.
  static func write(_ text: String, to path: String) throws {
    if path == "-" {
      FileHandle.standardOutput.write(Data(text.utf8))
    } else {
      let file = try OutputFile(path: path)
      try file.write(text)
      try file.commit()
    }
  }
}
