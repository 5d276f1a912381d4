internal import Foundation

/// Standard output, buffered, with colour only on a terminal and never with `NO_COLOR`.
final class Terminal {
  let usesColour: Bool
  private var buffer: [UInt8] = []

  init(colour: Bool? = nil) {
    if let colour {
      usesColour = colour
    } else {
      usesColour = isatty(STDOUT_FILENO) == 1 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
    }
    buffer.reserveCapacity(1 << 16)
  }

  enum Style: String {
    case bold = "1", red = "31", green = "32", yellow = "33", dim = "2", cyan = "36"
  }

  func styled(_ text: String, _ style: Style) -> String {
    usesColour ? "\u{1B}[\(style.rawValue)m\(text)\u{1B}[0m" : text
  }

  /// The working directory with a trailing slash: removed from paths so they read as given.
  static let workingDirectoryPrefix = FileManager.default.currentDirectoryPath + "/"

  /// `text` with absolute paths under the working directory made relative.
  static func shorten(_ text: String) -> String {
    text.replacingOccurrences(of: workingDirectoryPrefix, with: "")
  }

  /// `path` relative to the working directory when it lies under it, as a user who named a
  /// file relative to it would write it.
  static func relative(_ path: String) -> String {
    path.hasPrefix(workingDirectoryPrefix) ? String(path.dropFirst(workingDirectoryPrefix.count)) : path
  }

  func line(_ text: String = "") {
    buffer.append(contentsOf: Terminal.shorten(text).utf8)
    buffer.append(UInt8(ascii: "\n"))
    if buffer.count > 1 << 16 { flush() }
  }

  func write(_ bytes: [UInt8]) {
    flush()
    FileHandle.standardOutput.write(Data(bytes))
  }

  func flush() {
    guard !buffer.isEmpty else { return }
    FileHandle.standardOutput.write(Data(buffer))
    buffer.removeAll(keepingCapacity: true)
  }

  deinit { flush() }
}
