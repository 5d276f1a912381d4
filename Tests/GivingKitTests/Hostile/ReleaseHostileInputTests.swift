import Foundation
import GivingTestSupport
import Testing

@testable import GivingKit

/// The hostile files that the readers' own tests refuse, given to the **release** binary that
/// people run (built by `make test` before the tests): each is refused with exit code 2 and one
/// line naming the file and the place, or read as the data it is, never a crash or a hang, and
/// in under 256 MB.
///
/// Set `GIVING_HOSTILE_TABLE` to a file path to have each case's peak memory and time written
/// there as a Markdown table row (`docs/security.md` lists them).
@Suite(.serialized) struct ReleaseHostileInputTests {
  static let memoryLimit = 256 << 20

  @Test(.serialized, arguments: HostileCase.all)
  func theReleaseBinaryStopsCleanly(_ hostile: HostileCase) throws {
    let binary = FixturePaths.releaseGivingBinary
    guard FileManager.default.isExecutableFile(atPath: binary.path) else {
      Issue.record("no release binary at \(binary.path): `make test` builds it (`make release`)")
      return
    }
    let folder = try HostileFiles.folder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let file = try hostile.make(folder)
    let run = try runMeasured(binary, hostile.arguments + [file.path], timeLimit: 120)
    let message = run.standardError.split(separator: "\n").filter { !$0.allSatisfy(\.isWhitespace) }

    #expect(run.signal == nil, "\(hostile): killed by signal \(run.signal ?? 0)\(run.timedOut ? " (time limit)" : "")")
    #expect(run.peakMemory < Self.memoryLimit, "\(hostile): \(Int(run.peakMegabytes)) MB")
    switch hostile.expected {
    case .refused(let place):
      #expect(run.status == 2, "\(hostile): exit \(String(describing: run.status)); \(run.standardError)")
      #expect(message.count == 1, "\(hostile): \(run.standardError)")
      let line = message.first.map(String.init) ?? ""
      #expect(line.contains(file.lastPathComponent), "\(hostile): \(line)")
      #expect(line.contains(place), "\(hostile): expected '\(place)' in \(line)")
    case .read(let saying):
      #expect(run.status == 0 || run.status == 1, "\(hostile): exit \(String(describing: run.status)); \(run.standardError)")
      #expect(
        (run.standardOutput + run.standardError).contains(saying),
        "\(hostile): expected '\(saying)' in \(run.standardOutput.prefix(2000))")
    }
    try Self.record(hostile, run, folder: folder)
  }

  static func record(_ hostile: HostileCase, _ run: MeasuredRun, folder: URL) throws {
    guard let path = ProcessInfo.processInfo.environment["GIVING_HOSTILE_TABLE"] else { return }
    let outcome =
      switch hostile.expected {
      case .refused: "exit \(run.status.map(String.init) ?? "signal")"
      case .read: "read, exit \(run.status.map(String.init) ?? "signal")"
      }
    let line =
      run.standardError.split(separator: "\n").first.map { $0.replacingOccurrences(of: folder.path + "/", with: "") } ?? "—"
    let row = String(
      format: "| %@ | %@ | %.0f MB | %.2f s | `%@` |\n", hostile.name, outcome, run.peakMegabytes, run.seconds,
      line.replacingOccurrences(of: "|", with: "\\|"))
    if !FileManager.default.fileExists(atPath: path) { _ = FileManager.default.createFile(atPath: path, contents: nil) }
    let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
    defer { try? handle.close() }
    try handle.seekToEnd()
    try handle.write(contentsOf: Data(row.utf8))
  }
}

/// One hostile input: how to make it, what to run on it, and what must happen.
struct HostileCase: Sendable, CustomTestStringConvertible, CustomStringConvertible {
  enum Expected: Sendable {
    /// Exit 2, one line on standard error naming the file and containing this place.
    case refused(place: String)
    /// Read as data (exit 0 or 1), the output containing this text.
    case read(saying: String)
  }

  var name: String
  var arguments = ["validate"]
  var expected: Expected
  var make: @Sendable (URL) throws -> URL

  var description: String { name }
  var testDescription: String { name }

  static let gigabytes2 = 2 << 30

  static let all: [HostileCase] = json + csv + xml + workbooks

  static let json: [HostileCase] = [
    HostileCase(name: "JSON nested 10⁶ deep", expected: .refused(place: "deep.json:1:")) { folder in
      try HostileFiles.write(#"{"grants":"# + String(repeating: "[", count: 1_000_000), "deep.json", in: folder)
    },
    HostileCase(name: "JSON invalid UTF-8", expected: .refused(place: "utf8.json:1:")) { folder in
      try HostileFiles.write(Array(#"{"grants":[{"id":"360G-"#.utf8) + [0xFF, 0xFE] + Array(#""}]}"#.utf8), "utf8.json", in: folder)
    },
    HostileCase(name: "JSON NUL byte in a string", expected: .refused(place: "nul.json:1:")) { folder in
      try HostileFiles.write(Array(#"{"grants":[{"id":"360G-"#.utf8) + [0x00] + Array(#""}]}"#.utf8), "nul.json", in: folder)
    },
    HostileCase(name: "JSON 2 GB string on one line", expected: .refused(place: "long.json:1:")) { folder in
      try HostileFiles.large(
        "long.json", in: folder, prefix: #"{"grants":[{"id":""#, filler: UInt8(ascii: "a"), count: gigabytes2,
        suffix: #""}]}"#)
    },
    HostileCase(name: "JSON grant of 40 million numbers", expected: .refused(place: "numbers.json:1:")) { folder in
      try HostileFiles.write(
        #"{"grants":[{"id":"a","x":[1"# + String(repeating: ",1", count: 40_000_000) + "]}]}", "numbers.json", in: folder)
    },
    HostileCase(name: "JSON truncated", expected: .refused(place: "cut.json:")) { folder in
      let whole = FixturePaths.url("sample/grants.json")
      return try HostileFiles.truncated(whole, to: 0.5, as: "cut.json", in: folder)
    },
  ]

  static let csv: [HostileCase] = [
    HostileCase(name: "CSV 2 GB line", expected: .refused(place: "line 2")) { folder in
      try HostileFiles.large(
        "long.csv", in: folder, prefix: HostileFiles.header + "360G-a,", filler: UInt8(ascii: "a"), count: gigabytes2)
    },
    HostileCase(name: "CSV invalid UTF-8 after a UTF-8 byte-order mark", expected: .refused(place: "bom.csv:2")) { folder in
      try HostileFiles.write(
        [0xEF, 0xBB, 0xBF] + Array(HostileFiles.header.utf8) + Array("360G-a,T".utf8) + [0xFF] + Array(HostileFiles.row.utf8),
        "bom.csv", in: folder)
    },
    HostileCase(name: "CSV invalid UTF-8 without a byte-order mark", expected: .read(saying: "is not 'utf-8' encoded")) { folder in
      try HostileFiles.write(Array(HostileFiles.header.utf8) + Array("360G-b,T".utf8) + [0xFF] + Array(HostileFiles.row.utf8), "cp.csv", in: folder)
    },
    HostileCase(
      name: "CSV NUL byte in a cell", arguments: ["convert", "--to", "json", "-o", "-"],
      expected: .read(saying: #""T\u0000x""#)
    ) { folder in
      try HostileFiles.write(HostileFiles.header + "360G-a,T\u{0}x" + HostileFiles.row.dropFirst(12), "nul.csv", in: folder)
    },
    HostileCase(name: "CSV with a million rows sharing one Identifier", expected: .refused(place: "row 2 of sheet")) { folder in
      let url = folder.appendingPathComponent("same.csv")
      _ = FileManager.default.createFile(atPath: url.path, contents: nil)
      let handle = try FileHandle(forWritingTo: url)
      defer { try? handle.close() }
      try handle.write(contentsOf: Data(HostileFiles.header.utf8))
      for block in 0..<100 {
        let rows = (0..<10_000).map { "360G-a,Title \(block * 10_000 + $0),D,GBP,\($0),2020-01-01,GB-CHC-1,R,GB-CHC-2,F\n" }
        try handle.write(contentsOf: Data(rows.joined().utf8))
      }
      return url
    },
    HostileCase(name: "CSV truncated inside a quoted cell", expected: .refused(place: "cut.csv:2")) { folder in
      try HostileFiles.write(HostileFiles.header + "360G-a,\"Title that is", "cut.csv", in: folder)
    },
  ]

  static let xml: [HostileCase] = [
    HostileCase(name: "XML entity expansion (billion laughs)", expected: .refused(place: "laughs.xml:2")) { folder in
      try HostileFiles.write(
        "<?xml version=\"1.0\"?>\n<!DOCTYPE package [\n\(HostileFiles.billionLaughs)\n]>\n\(HostileFiles.xmlOpen)"
          + "<grants><grant><title>&lol9;</title></grant></grants></package>", "laughs.xml", in: folder)
    },
    HostileCase(name: "XML external entity", expected: .refused(place: "external.xml:2")) { folder in
      try HostileFiles.write(
        "<?xml version=\"1.0\"?>\n<!DOCTYPE package [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>\n\(HostileFiles.xmlOpen)"
          + "<grants><grant><title>&e;</title></grant></grants></package>", "external.xml", in: folder)
    },
    HostileCase(name: "XML nested 10⁶ deep", expected: .refused(place: "deep.xml:")) { folder in
      try HostileFiles.write(
        HostileFiles.xmlOpen + "<grants><grant>" + String(repeating: "<a>", count: 1_000_000), "deep.xml", in: folder)
    },
    HostileCase(name: "XML truncated", expected: .refused(place: "cut.xml:")) { folder in
      try HostileFiles.write(
        HostileFiles.xmlOpen + "<grants><grant><id>360G-1</id><title>A ti", "cut.xml", in: folder)
    },
  ]

  static let workbooks: [HostileCase] = [
    HostileCase(name: "XLSX zip bomb", expected: .refused(place: "xl/worksheets/sheet1.xml")) { folder in
      let sheet = try HostileFiles.large(
        "sheet.xml", in: folder, prefix: "<worksheet xmlns=\"\(TestWorkbooks.mainNS)\"><sheetData>", filler: 0x20,
        count: 400 << 20, suffix: "</sheetData></worksheet>")
      let url = try TestWorkbooks.xlsx(
        sheetData: "", leaveOut: ["xl/worksheets/sheet1.xml"], extraFiles: [("xl/worksheets/sheet1.xml", sheet)])
      try FileManager.default.removeItem(at: sheet)
      return try move(url, to: "bomb.xlsx", in: folder)
    },
    HostileCase(name: "XLSX entry inflating past its declared size", expected: .refused(place: "xl/worksheets/sheet1.xml")) { folder in
      let rows = (1...2000).map { "<row r=\"\($0)\"><c r=\"A\($0)\" t=\"inlineStr\"><is><t>grant</t></is></c></row>" }
      let url = try TestWorkbooks.xlsx(sheetData: rows.joined())
      try TestWorkbooks.declare(1000, for: "xl/worksheets/sheet1.xml", in: url)
      return try move(url, to: "liar.xlsx", in: folder)
    },
    HostileCase(name: "XLSX sheet with entity expansion", expected: .refused(place: "sheet1.xml")) { folder in
      let sheet = "<?xml version=\"1.0\"?><!DOCTYPE worksheet [\(HostileFiles.billionLaughs)]>"
        + "<worksheet xmlns=\"\(TestWorkbooks.mainNS)\"><sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>&lol9;</t></is></c></row></sheetData></worksheet>"
      return try move(TestWorkbooks.xlsx(sheetData: "", sheetXML: sheet), to: "laughs.xlsx", in: folder)
    },
    HostileCase(name: "XLSX external entity in shared strings", expected: .refused(place: "sharedStrings.xml")) { folder in
      let strings = "<?xml version=\"1.0\"?><!DOCTYPE sst [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><sst><si><t>&x;</t></si></sst>"
      let url = try TestWorkbooks.xlsx(
        sheetData: "", sharedStrings: [], leaveOut: ["xl/sharedStrings.xml"], extra: [("xl/sharedStrings.xml", Array(strings.utf8))])
      return try move(url, to: "external.xlsx", in: folder)
    },
    HostileCase(name: "XLSX used range claiming 1,048,576 rows", expected: .read(saying: "1 grant")) { folder in
      let headings = HostileFiles.header.dropLast().split(separator: ",")
      let values = HostileFiles.row.dropLast().split(separator: ",")
      func cells(_ texts: [Substring], row: Int) -> String {
        texts.enumerated().map { column, text in
          "<c r=\"\(Character(Unicode.Scalar(65 + column)!))\(row)\" t=\"inlineStr\"><is><t>\(text)</t></is></c>"
        }.joined()
      }
      let sheet = "<?xml version=\"1.0\"?><worksheet xmlns=\"\(TestWorkbooks.mainNS)\"><dimension ref=\"A1:XFD1048576\"/><sheetData>"
        + "<row r=\"1\">\(cells(headings, row: 1))</row><row r=\"1048576\">\(cells(values, row: 1_048_576))</row>"
        + "</sheetData></worksheet>"
      return try move(TestWorkbooks.xlsx(sheetData: "", sheetXML: sheet), to: "range.xlsx", in: folder)
    },
    HostileCase(name: "ODS row repeated 1,048,575 times, cell 16,384 times", expected: .refused(place: "grants")) { folder in
      let table = "<table:table table:name=\"grants\"><table:table-row><table:table-cell office:value-type=\"string\"><text:p>Identifier</text:p></table:table-cell></table:table-row>"
        + "<table:table-row table:number-rows-repeated=\"1048575\"><table:table-cell table:number-columns-repeated=\"16384\" office:value-type=\"string\"><text:p>x</text:p></table:table-cell></table:table-row></table:table>"
      return try move(TestWorkbooks.ods(tables: table), to: "repeated.ods", in: folder)
    },
    HostileCase(name: "XLSX truncated", expected: .refused(place: "cut.xlsx")) { folder in
      let rows = (1...2000).map { "<row r=\"\($0)\"><c r=\"A\($0)\" t=\"inlineStr\"><is><t>grant \($0)</t></is></c></row>" }
      let url = try TestWorkbooks.xlsx(sheetData: rows.joined())
      defer { TestWorkbooks.remove(url) }
      return try HostileFiles.truncated(url, to: 0.5, as: "cut.xlsx", in: folder)
    },
    HostileCase(name: "ODS truncated", expected: .refused(place: "cut.ods")) { folder in
      try HostileFiles.truncated(
        FixturePaths.url("real/flatten-tool/fundingproviders-grants_2_grants.ods"), to: 0.5, as: "cut.ods", in: folder)
    },
  ]

  /// Moves a workbook made in its own temporary folder into `folder` as `name`.
  static func move(_ url: URL, to name: String, in folder: URL) throws -> URL {
    let destination = folder.appendingPathComponent(name)
    try FileManager.default.moveItem(at: url, to: destination)
    TestWorkbooks.remove(url)
    return destination
  }
}
