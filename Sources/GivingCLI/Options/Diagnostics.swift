internal import Foundation
internal import GivingKit

/// Writes one-line messages to standard error (below the progress bar, when one is drawn).
enum Diagnostics {
  static func error(_ message: String) {
    write("giving: error: \(Terminal.shorten(message))\n")
  }

  static func warning(_ message: String) {
    write("giving: warning: \(Terminal.shorten(message))\n")
  }

  private static func write(_ line: String) {
    ProgressBar.clearingLine { FileHandle.standardError.write(Data(line.utf8)) }
  }
}

extension Diagnostics {
  static func note(_ message: String) {
    write("giving: \(Terminal.shorten(message))\n")
  }
}
