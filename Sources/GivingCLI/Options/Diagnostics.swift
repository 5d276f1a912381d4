internal import Foundation
internal import GivingKit

/// Writes one-line messages to standard error.
enum Diagnostics {
  static func error(_ message: String) {
    FileHandle.standardError.write(Data("giving: error: \(message)\n".utf8))
  }

  static func warning(_ message: String) {
    FileHandle.standardError.write(Data("giving: warning: \(message)\n".utf8))
  }
}

extension Diagnostics {
  static func note(_ message: String) {
    FileHandle.standardError.write(Data("giving: \(message)\n".utf8))
  }
}
