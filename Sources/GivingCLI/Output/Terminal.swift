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

  /// Writes `bytes` after what was written before, on a thread of its own: the caller goes
  /// on making the next bytes meanwhile (``flush()`` waits for them all). For reports of
  /// hundreds of megabytes, whose copying into the kernel was more than half the time of
  /// writing them (0.46 of 0.72 s for 1M generated grants' report, with one core idle).
  func write(_ bytes: [UInt8]) {
    let writer = background ?? BackgroundWriter(descriptor: STDOUT_FILENO)
    background = writer
    handOverBuffer(to: writer)
    writer.write(bytes)
  }

  /// Writes everything written so far, and returns once it is written.
  func flush() {
    if let writer = background {
      handOverBuffer(to: writer)
      writer.finish()
      background = nil
    } else if !buffer.isEmpty {
      FileHandle.standardOutput.write(Data(buffer))
      buffer.removeAll(keepingCapacity: true)
    }
  }

  /// Queues the lines buffered so far behind what `writer` already holds.
  private func handOverBuffer(to writer: BackgroundWriter) {
    guard !buffer.isEmpty else { return }
    writer.write(buffer)
    buffer.removeAll(keepingCapacity: true)
  }

  private var background: BackgroundWriter?

  deinit { flush() }
}

/// Writes chunks of bytes to a file descriptor in order on its own thread, holding at most a
/// few chunks waiting (so memory stays bounded when the descriptor is slow).
private final class BackgroundWriter: @unchecked Sendable {
  private let descriptor: Int32
  private let condition = NSCondition()
  /// Guarded by `condition`.
  private var waiting: [[UInt8]] = []
  private var isFinished = false
  private var isDone = false
  private let maximumWaiting = 4

  init(descriptor: Int32) {
    self.descriptor = descriptor
    let thread = Thread { [self] in run() }
    thread.start()
  }

  func write(_ bytes: [UInt8]) {
    guard !bytes.isEmpty else { return }
    condition.lock()
    while waiting.count >= maximumWaiting { condition.wait() }
    waiting.append(bytes)
    condition.broadcast()
    condition.unlock()
  }

  /// Waits until every chunk is written; the writer's thread then ends.
  func finish() {
    condition.lock()
    isFinished = true
    condition.broadcast()
    while !isDone { condition.wait() }
    condition.unlock()
  }

  private func run() {
    var failed = false
    while true {
      condition.lock()
      while waiting.isEmpty && !isFinished { condition.wait() }
      if waiting.isEmpty {
        isDone = true
        condition.broadcast()
        condition.unlock()
        return
      }
      let bytes = waiting.removeFirst()
      condition.broadcast()
      condition.unlock()
      // After a failed write (a closed pipe), the rest is dropped as the old synchronous
      // writes dropped it.
      if !failed { failed = !writeAll(bytes) }
    }
  }

  private func writeAll(_ bytes: [UInt8]) -> Bool {
    bytes.withUnsafeBytes { raw in
      var offset = 0
      while offset < raw.count {
        let written = Foundation.write(descriptor, raw.baseAddress! + offset, raw.count - offset)
        if written < 0 {
          if errno == EINTR { continue }
          return false
        }
        offset += written
      }
      return true
    }
  }
}
