internal import Foundation
internal import GivingKit

/// Writes one-line messages to standard error.
enum Diagnostics {
  static func error(_ message: String) {
    FileHandle.standardError.write(Data("giving: error: \(Terminal.shorten(message))\n".utf8))
  }

  static func warning(_ message: String) {
    FileHandle.standardError.write(Data("giving: warning: \(Terminal.shorten(message))\n".utf8))
  }
}

extension Diagnostics {
  static func note(_ message: String) {
    FileHandle.standardError.write(Data("giving: \(Terminal.shorten(message))\n".utf8))
  }
}
