internal import Foundation
internal import GivingKit
import Synchronization

#if canImport(Glibc)
  internal import Glibc
#elseif canImport(Darwin)
  internal import Darwin
#endif

/// A one-line progress bar on standard error while a command reads its inputs: the bytes read
/// of the total, grants per second and the file being read, redrawn a few times a second on a
/// thread of its own.
///
/// It is drawn only for a person watching: standard error a terminal (not `TERM=dumb`), no
/// `--quiet`, and inputs of at least ``minimumTotalBytes``. Nothing is ever written otherwise,
/// so pipes and CI logs never see it. `NO_COLOR` drops its colours, as ``Terminal`` does, but
/// not the bar. ``finish()`` erases the line, so the command's output starts on a clean one.
final class ProgressBar: Sendable {
  /// Inputs smaller than this are read in a moment: no bar.
  static let minimumTotalBytes = 8_000_000
  /// How long reading goes on before the first frame (a quick read shows none), and between
  /// frames.
  static let firstFrameDelay = DispatchTimeInterval.milliseconds(150)
  static let frameInterval = DispatchTimeInterval.milliseconds(125)

  private let progress: ReadProgress
  private let usesColour: Bool
  private let started = DispatchTime.now()
  private let stopRequest = DispatchSemaphore(value: 0)
  private let stopped = DispatchSemaphore(value: 0)
  private let isFinished = Atomic<Bool>(false)

  /// Whether a frame is on standard error's current line. Whatever else writes to standard
  /// error while a bar may be drawn goes through ``clearingLine(_:)``, under the same lock.
  private static let lineIsShown = Mutex(false)

  /// Starts drawing `progress`, or returns `nil` when no bar should be drawn.
  static func start(_ progress: ReadProgress, quiet: Bool) -> ProgressBar? {
    let environment = ProcessInfo.processInfo.environment
    guard !quiet, isatty(STDERR_FILENO) == 1, environment["TERM"] != "dumb",
      progress.totalBytes >= minimumTotalBytes
    else { return nil }
    return ProgressBar(progress, colour: environment["NO_COLOR"] == nil)
  }

  private init(_ progress: ReadProgress, colour: Bool) {
    self.progress = progress
    usesColour = colour
    let thread = Thread { [self] in run() }
    thread.start()
  }

  /// Stops drawing and erases the bar; returns once it is erased.
  func finish() {
    guard !isFinished.exchange(true, ordering: .relaxed) else { return }
    stopRequest.signal()
    stopped.wait()
    Self.clearingLine {}
  }

  /// Runs `body` (which writes to standard error or to the terminal) with the bar's line
  /// erased first and no frame drawn meanwhile; the next frame is drawn below what it wrote.
  static func clearingLine(_ body: () -> Void) {
    lineIsShown.withLock { shown in
      if shown {
        writeToStandardError("\r\u{1B}[K")
        shown = false
      }
      body()
    }
  }

  /// ``clearingLine(_:)`` when `clearing`, else just `body`.
  static func clearingLine(if clearing: Bool, _ body: () throws -> Void) throws {
    guard clearing else { return try body() }
    var failure: (any Error)?
    clearingLine {
      do { try body() } catch { failure = error }
    }
    if let failure { throw failure }
  }

  private func run() {
    var wait = Self.firstFrameDelay
    while stopRequest.wait(timeout: .now() + wait) == .timedOut {
      draw()
      wait = Self.frameInterval
    }
    stopped.signal()
  }

  private func draw() {
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
    let frame = Self.line(
      bytesRead: progress.bytesRead, totalBytes: progress.totalBytes,
      grantsPerSecond: seconds > 0 ? Int(Double(progress.grantsRead) / seconds) : 0,
      file: progress.file.map(Terminal.relative), width: Self.terminalWidth(), colour: usesColour)
    Self.lineIsShown.withLock { shown in
      writeToStandardError("\r" + frame + "\u{1B}[K")
      shown = true
    }
  }

  /// The columns of the terminal on standard error (80 when it does not say).
  private static func terminalWidth() -> Int {
    var size = winsize()
    guard ioctl(STDERR_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return 80 }
    return Int(size.ws_col)
  }

  // MARK: - The line

  /// Cells of the bar itself, on a terminal wide enough.
  static let barWidth = 20

  /// One frame: `███████░░░░░░░░░░░░░ 45.2 MB of 120.0 MB  12,345 grants/s  grants.csv`, at
  /// most `width - 1` characters wide (a line that fills the last column wraps on some
  /// terminals, and `\r` would then redraw only its second half). The bar narrows on a narrow
  /// terminal; the file is shortened from the left, so that its name stays, or left out.
  static func line(
    bytesRead: Int, totalBytes: Int, grantsPerSecond: Int, file: String?, width: Int, colour: Bool
  ) -> String {
    let room = max(width - 1, 0)
    let numbers = "\(megabytes(bytesRead)) of \(megabytes(totalBytes))  \(grouped(grantsPerSecond)) grants/s"
    guard numbers.count < room else { return String(numbers.prefix(room)) }
    let cells = min(barWidth, room - numbers.count - 1)
    let filled = totalBytes > 0 ? min(cells, cells * min(bytesRead, totalBytes) / totalBytes) : 0
    var line = ""
    var used = 0
    if cells > 0 {
      let done = String(repeating: "█", count: filled)
      let rest = String(repeating: "░", count: cells - filled)
      if colour {
        if !done.isEmpty { line += "\u{1B}[36m\(done)\u{1B}[0m" }
        if !rest.isEmpty { line += "\u{1B}[2m\(rest)\u{1B}[0m" }
        line += " "
      } else {
        line = done + rest + " "
      }
      used = cells + 1
    }
    line += numbers
    used += numbers.count
    // Room for two spaces, an ellipsis and a few characters of the file at least.
    if let file, room - used >= 2 + 8 {
      line += "  " + shortened(file, to: room - used - 2)
    }
    return line
  }

  /// `bytes` in decimal megabytes (gigabytes from 1,000 MB), with one decimal.
  static func megabytes(_ bytes: Int) -> String {
    bytes >= 1_000_000_000
      ? String(format: "%.1f GB", Double(bytes) / 1e9) : String(format: "%.1f MB", Double(bytes) / 1e6)
  }

  /// `n` with commas between groups of three digits.
  static func grouped(_ n: Int) -> String {
    let digits = String(n.magnitude)
    var text = ""
    for (i, digit) in digits.enumerated() {
      if i > 0 && (digits.count - i) % 3 == 0 { text.append(",") }
      text.append(digit)
    }
    return n < 0 ? "-" + text : text
  }

  /// `text` in at most `count` characters: its end, after an ellipsis, when it is longer.
  static func shortened(_ text: String, to count: Int) -> String {
    text.count <= count ? text : "…" + text.suffix(max(count - 1, 0))
  }
}

/// Writes `text` to standard error at once, unbuffered.
private func writeToStandardError(_ text: String) {
  var text = text
  text.withUTF8 { bytes in
    var offset = 0
    while offset < bytes.count {
      let written = write(STDERR_FILENO, bytes.baseAddress! + offset, bytes.count - offset)
      if written < 0 {
        if errno == EINTR { continue }
        return
      }
      offset += written
    }
  }
}
