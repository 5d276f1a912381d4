import Foundation
import GivingTestSupport
import Testing

@testable import GivingCLI

/// The progress bar as a user sees it: commands run under `script`, which gives them a
/// pseudo-terminal for standard output and standard error and copies what is written to it.
/// The bar must be drawn there, erased before the command's own output, and never reach a
/// pipe, a file or a run with `--quiet`.
@Suite(.serialized) struct ProgressBarTests {
  /// A CSV file larger than ``ProgressBar/minimumTotalBytes``: the sample's grants again and
  /// again, each copy's identifiers made distinct.
  static let largeCSV: URL = {
    let url = ScratchSpace.root.appendingPathComponent("progress-grants.csv")
    let sample = try! String(contentsOf: FixturePaths.url("sample/grants.csv"), encoding: .utf8)
    var lines = sample.split(separator: "\n", omittingEmptySubsequences: true)
    let header = lines.removeFirst()
    var text = header + "\n"
    var copy = 0
    while text.utf8.count <= ProgressBar.minimumTotalBytes + 2_000_000 {
      for line in lines {
        // The identifier is the first field, unquoted in the sample.
        let comma = line.firstIndex(of: ",")!
        text += line[..<comma] + "-c\(copy)" + line[comma...] + "\n"
      }
      copy += 1
    }
    try! Data(text.utf8).write(to: url)
    return url
  }()

  /// What the terminal received while `giving arguments` ran on it (`redirect` is appended to
  /// the shell command, as in `2>file`).
  static func runOnTerminal(
    _ arguments: [String], environment extra: [String: String] = [:], redirect: String = ""
  ) throws -> (status: Int32, terminal: String) {
    let command = ([FixturePaths.givingBinary.path] + arguments).map { "'\($0)'" }.joined(separator: " ")
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/script")
    // -q: no banner; -f: flush at once; -e: the command's exit status; no typescript kept.
    process.arguments = ["-qfec", command + " " + redirect, "/dev/null"]
    var environment = ProcessInfo.processInfo.environment
    environment["NO_COLOR"] = nil
    environment["TERM"] = "xterm"
    environment.merge(extra) { $1 }
    process.environment = environment
    process.standardInput = FileHandle.nullDevice
    let output = Pipe()
    process.standardOutput = output
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
  }

  /// Whether `text` holds any part of a frame of the bar.
  static func hasBar(_ text: String) -> Bool {
    text.contains("MB of") || text.contains("grants/s") || text.contains("█") || text.contains("░")
  }

  /// Everything written after the last frame of the bar.
  static func afterLastFrame(_ text: String) throws -> Substring {
    text[try #require(text.range(of: "grants/s", options: .backwards)).upperBound...]
  }

  @Test func validateDrawsTheBarOnATerminalAndErasesItBeforeTheReport() throws {
    let csv = Self.largeCSV
    let (status, terminal) = try Self.runOnTerminal(["validate", "--now", "2026-11-25", csv.path])
    #expect(status == 0)
    #expect(terminal.contains(" MB of "))
    #expect(terminal.contains(String(format: "%.1f MB", Double(csv.fileSize) / 1e6)))
    #expect(terminal.contains(" grants/s  "))
    #expect(terminal.contains(csv.lastPathComponent + "\u{1B}[K"))
    #expect(terminal.contains("\r\u{1B}[36m█"))  // redrawn from the line's start, in colour
    // The last frame is erased, then the report follows on a clean line.
    let after = try Self.afterLastFrame(terminal)
    let erase = try #require(after.range(of: "\r\u{1B}[K"))
    #expect(after[erase.upperBound...].contains("grants"))
    #expect(!Self.hasBar(String(after)))
  }

  @Test(arguments: [
    ["summary"], ["aggregate", "--by", "funder"], ["convert", "--to", "json", "-o", "progress-converted.json"],
  ])
  func readingCommandsDrawTheBarWithoutColourUnderNO_COLOR(_ command: [String]) throws {
    var arguments = command + [Self.largeCSV.path]
    if let output = arguments.firstIndex(of: "progress-converted.json") {
      arguments[output] = ScratchSpace.root.appendingPathComponent("progress-converted.json").path
    }
    let (status, terminal) = try Self.runOnTerminal(arguments, environment: ["NO_COLOR": "1"])
    #expect(status == 0)
    #expect(terminal.contains("\r█"))
    #expect(terminal.contains(" MB of "))
    #expect(terminal.contains(" grants/s  "))
    #expect(terminal.contains(Self.largeCSV.lastPathComponent + "\u{1B}[K"))
    #expect(!terminal.contains("\u{1B}[36m"))
    #expect(!terminal.contains("\u{1B}[0m"))
    #expect(try Self.afterLastFrame(terminal).contains("\r\u{1B}[K"))
    // The command's own lines hold nothing of the bar.
    let lines = terminal.split(separator: "\n")
    #expect(!lines.isEmpty)
    for line in lines { #expect(!Self.hasBar(String(line.split(separator: "\r").last ?? ""))) }
  }

  @Test func nothingOfTheBarReachesAPipe() throws {
    let csv = Self.largeCSV.path
    let validated = try runGiving(["validate", "--now", "2026-11-25", csv])
    #expect(validated.status == 0)
    #expect(validated.standardOutput.contains("grants"))
    for text in [validated.standardError, validated.standardOutput] {
      #expect(!Self.hasBar(text))
      #expect(!text.contains("\r"))
      #expect(!text.contains("\u{1B}"))
    }
    // Standard output a terminal, standard error a file: still no bar anywhere.
    let errors = ScratchSpace.root.appendingPathComponent("progress-stderr.txt")
    let (status, terminal) = try Self.runOnTerminal(["summary", csv], redirect: "2>'\(errors.path)'")
    #expect(status == 0)
    #expect(terminal.contains("with an id"))
    #expect(!Self.hasBar(terminal))
    #expect(try String(contentsOf: errors, encoding: .utf8).isEmpty)
  }

  @Test(arguments: [["validate", "--now", "2026-11-25", "--quiet"], ["summary", "-q"]])
  func quietDrawsNoBar(_ command: [String]) throws {
    let (_, terminal) = try Self.runOnTerminal(command + [Self.largeCSV.path])
    #expect(terminal.contains("grants"))
    #expect(!Self.hasBar(terminal))
    #expect(!terminal.contains("\u{1B}[K"))
  }

  @Test func smallInputsDrawNoBar() throws {
    let (status, terminal) = try Self.runOnTerminal(["summary", FixturePaths.url("sample/grants.csv").path])
    #expect(status == 0)
    #expect(terminal.contains("500 (500 with an id)"))
    #expect(!Self.hasBar(terminal))
  }

  // MARK: - One frame

  @Test func aFrameShowsTheBarBytesRateAndFile() {
    // 45.2 of 120 MB fills 20 × 45.2 / 120 = 7.53 → 7 cells.
    let line = ProgressBar.line(
      bytesRead: 45_200_000, totalBytes: 120_000_000, grantsPerSecond: 12_345, file: "grants.csv", width: 80,
      colour: false)
    #expect(line == "███████░░░░░░░░░░░░░ 45.2 MB of 120.0 MB  12,345 grants/s  grants.csv")
    let coloured = ProgressBar.line(
      bytesRead: 45_200_000, totalBytes: 120_000_000, grantsPerSecond: 12_345, file: "grants.csv", width: 80,
      colour: true)
    #expect(coloured == "\u{1B}[36m███████\u{1B}[0m\u{1B}[2m░░░░░░░░░░░░░\u{1B}[0m 45.2 MB of 120.0 MB  12,345 grants/s  grants.csv")
    let done = ProgressBar.line(
      bytesRead: 120_000_000, totalBytes: 120_000_000, grantsPerSecond: 0, file: nil, width: 80, colour: false)
    #expect(done == String(repeating: "█", count: 20) + " 120.0 MB of 120.0 MB  0 grants/s")
  }

  @Test func aFrameFitsTheTerminal() {
    let file = "publishers/big-funder/grants-2024.csv"
    func line(width: Int) -> String {
      ProgressBar.line(
        bytesRead: 45_200_000, totalBytes: 120_000_000, grantsPerSecond: 12_345, file: file, width: width,
        colour: false)
    }
    // Bar, space and numbers take 21 + 36 = 57 columns; the last column stays free, so 75
    // columns leave 74 − 57 − 2 = 15 for the file: an ellipsis and its last 14 characters.
    #expect(line(width: 75) == "███████░░░░░░░░░░░░░ 45.2 MB of 120.0 MB  12,345 grants/s  …rants-2024.csv")
    #expect(line(width: 75).count == 74)
    // Fewer than 10 columns left: no file.
    #expect(line(width: 60) == "███████░░░░░░░░░░░░░ 45.2 MB of 120.0 MB  12,345 grants/s")
    // A narrow terminal narrows the bar: 39 − 36 − 1 = 2 cells, 2 × 45.2 / 120 → none filled.
    #expect(line(width: 40) == "░░ 45.2 MB of 120.0 MB  12,345 grants/s")
    // Narrower still: the numbers, cut.
    #expect(line(width: 20) == "45.2 MB of 120.0 MB")
  }

  @Test func numbersAreWrittenForPeople() {
    #expect(ProgressBar.megabytes(0) == "0.0 MB")
    #expect(ProgressBar.megabytes(8_460_000) == "8.5 MB")
    #expect(ProgressBar.megabytes(999_940_000) == "999.9 MB")
    #expect(ProgressBar.megabytes(1_234_567_890) == "1.2 GB")
    #expect(ProgressBar.grouped(0) == "0")
    #expect(ProgressBar.grouped(999) == "999")
    #expect(ProgressBar.grouped(1_000) == "1,000")
    #expect(ProgressBar.grouped(1_234_567) == "1,234,567")
  }
}

extension URL {
  fileprivate var fileSize: Int {
    (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
  }
}
