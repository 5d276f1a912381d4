import Foundation
import GivingTestSupport
@testable import GivingKit
import Testing

/// The parallel CSV reader must give exactly what the sequential one gives: the same grants
/// (values, order, positions, cells), the same warnings and counts, the same errors. Files
/// are cut into tiny ranges here so that every boundary case is met on small files.
@Suite struct ParallelCSVTests {
  struct Outcome {
    var grants: [Grant] = []
    var report: FeedReport?
    var error: FeedError?
  }

  func sequential(_ url: URL) -> Outcome {
    var outcome = Outcome()
    do {
      // The parallel reader reads only files whose scattered rows are not to merge (or that
      // have none): it is compared with the sequential reader that does not merge them.
      let reader = SpreadsheetFeedReader(workbook: try CSVWorkbook(files: [url]))
      reader.mergesScatteredRows = false
      outcome.report = try reader.read { outcome.grants.append($0) }
    } catch {
      outcome.error = error as? FeedError
    }
    return outcome
  }

  func parallel(_ url: URL, chunkSize: Int) throws -> Outcome {
    let plan = try #require(try ParallelCSVFeedReader.plan(for: url, titles: .grant, minimumSize: 0))
    var reader = ParallelCSVFeedReader(plan: plan, titles: .grant)
    reader.chunkSize = chunkSize
    reader.workerCount = 2
    var outcome = Outcome()
    do {
      outcome.report = try reader.read { outcome.grants.append($0) }
    } catch {
      outcome.error = error as? FeedError
    }
    return outcome
  }

  /// How many ranges the planner cuts `url` into.
  func rangeCount(_ url: URL, chunkSize: Int) throws -> Int {
    let plan = try #require(try ParallelCSVFeedReader.plan(for: url, titles: .grant, minimumSize: 0))
    let planner = try CSVChunkPlanner(
      url: url, fileSize: plan.fileSize, start: plan.firstRecordOffset, targetSize: chunkSize,
      idColumn: plan.idColumn, encoding: plan.encoding)
    var ranges: [Range<Int>] = []
    while let range = try planner.next() { ranges.append(range) }
    #expect(ranges.first?.lowerBound == 0)
    #expect(ranges.last?.upperBound == plan.fileSize)
    for (a, b) in zip(ranges, ranges.dropFirst()) { #expect(a.upperBound == b.lowerBound) }
    return ranges.count
  }

  func expectSame(_ url: URL, chunkSize: Int, minimumRanges: Int = 2) throws {
    #expect(try rangeCount(url, chunkSize: chunkSize) >= minimumRanges, "\(url.lastPathComponent) was not cut")
    let expected = sequential(url)
    let actual = try parallel(url, chunkSize: chunkSize)
    #expect(actual.error == expected.error)
    // After an error, how many grants were handed on before it is not part of the contract
    // (every command discards a feed that fails); the error itself is.
    guard expected.error == nil else { return }
    #expect(actual.grants.count == expected.grants.count)
    for (a, e) in zip(actual.grants, expected.grants) where a != e {
      Issue.record("grant \(e.index) (\(e.id ?? "no id")) differs: \(a) vs \(e)")
      break
    }
    guard let report = actual.report, let expectedReport = expected.report else {
      #expect((actual.report == nil) == (expected.report == nil))
      return
    }
    #expect(report.grantCount == expectedReport.grantCount)
    #expect(report.rowsRead == expectedReport.rowsRead)
    #expect(report.encoding == expectedReport.encoding)
    #expect(report.sources == expectedReport.sources)
    #expect(report.warnings.map(\.description).sorted() == expectedReport.warnings.map(\.description).sorted())
  }

  @Test(arguments: [97, 1000, 20_000])
  func bundledSamplesReadAlike(chunkSize: Int) throws {
    try expectSame(FixturePaths.url("sample/grants.csv"), chunkSize: chunkSize)
    try expectSame(FixturePaths.url("sample/dirty.csv"), chunkSize: chunkSize)
  }

  @Test func realCSVFilesReadAlike() throws {
    var planned = 0
    for url in FixturePaths.files(in: "real/standard", extensions: ["csv"])
      + FixturePaths.files(in: "real/dataquality", extensions: ["csv"])
    where try ParallelCSVFeedReader.plan(for: url, titles: .grant, minimumSize: 0) != nil {
      planned += 1
      try expectSame(url, chunkSize: 16, minimumRanges: 1)
    }
    #expect(planned >= 5)
  }

  /// Writes `text` to a temporary CSV file.
  func csv(_ text: String, name: String = "grants.csv") throws -> URL {
    let folder = ScratchSpace.root.appendingPathComponent("giving-parallel-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    let url = folder.appendingPathComponent(name)
    try Data(text.utf8).write(to: url)
    return url
  }

  @Test func rowsOfOneGrantAreNeverSplit() throws {
    var text = "Identifier,Title,Currency,Amount Awarded,Beneficiary Location:Geographic Code\n"
    for i in 0..<60 {
      // Runs of 1 to 4 rows per grant, a quoted multi-line title now and then.
      for part in 0...(i % 4) {
        let title = i % 5 == 0 ? "\"Line one\nline \"\"two\"\", ok\"" : "Grant \(i)"
        text += "360G-\(i),\(title),GBP,\(100 + i),E0\(part)00000\(i % 10)\n"
      }
    }
    let url = try csv(text)
    try expectSame(url, chunkSize: 40)
    let merged = sequential(url).grants.first { $0.id == "360G-3" }
    #expect(merged?.json["beneficiaryLocation"]?.arrayValue?.count == 4)
  }

  @Test func separatedDuplicatesAreWarnedAcrossRanges() throws {
    var text = "Identifier,Title,Currency,Amount Awarded\r\n"
    for i in 0..<80 { text += "360G-\(i % 7),Grant \(i),GBP,\(i)\r\n" }
    text += "\r\n\r\n"
    try expectSame(try csv(text), chunkSize: 50)
  }

  @Test func aByteOrderMarkIsKept() throws {
    var text = "\u{FEFF}\"Identifier\",Title,Currency,Amount Awarded\n"
    for i in 0..<50 { text += "360G-\(i),Grant é \(i),GBP,\(i).50\n" }
    let url = try csv(text)
    try expectSame(url, chunkSize: 64)
    #expect(try parallel(url, chunkSize: 64).report?.encoding == "utf-8-sig")
  }

  @Test func aLiteralQuoteEndsTheCutting() throws {
    var text = "Identifier,Title,Currency,Amount Awarded\n"
    for i in 0..<40 { text += "360G-\(i),\(i == 20 ? "A 5\" screen" : "Grant \(i)"),GBP,\(i)\n" }
    let url = try csv(text)
    // Cut before the literal quote, never after it.
    let ranges = try rangeCount(url, chunkSize: 64)
    #expect(ranges >= 2 && ranges < 40)
    try expectSame(url, chunkSize: 64)
  }

  @Test func errorsNameTheSameLine() throws {
    var text = "Identifier,Title,Currency,Amount Awarded\n"
    for i in 0..<40 { text += "360G-\(i),\"Grant\n\(i)\",GBP,\(i)\n" }
    text += "360G-x,\"never closed,GBP,1\n"
    let url = try csv(text)
    let expected = sequential(url)
    #expect(expected.error != nil)
    try expectSame(url, chunkSize: 64)
  }

  @Test func badBytesInAFileThatDeclaresUTF8NameTheSameLine() throws {
    var bytes = Array("\u{FEFF}Identifier,Title,Currency,Amount Awarded\n".utf8)
    for i in 0..<60 {
      bytes += Array("360G-\(i),Grant \(i),GBP,\(i)\n".utf8)
      if i == 33 { bytes += [0x33, 0x36, 0x30, 0x2C, 0xFF, 0x0A] }  // 360,<0xFF>
    }
    let folder = ScratchSpace.root.appendingPathComponent("giving-parallel-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    let url = folder.appendingPathComponent("grants.csv")
    try Data(bytes).write(to: url)
    guard case .invalidEncoding(_, let line?, _)? = sequential(url).error else {
      Issue.record("the sequential reader should refuse the byte")
      return
    }
    #expect(line == 36)
    // Bad bytes within the first slice the header is read from: left to the sequential reader.
    #expect(try ParallelCSVFeedReader.plan(for: url, titles: .grant, minimumSize: 0) == nil)
    // Further on, the range that holds them reports them.
    bytes = Array("\u{FEFF}Identifier,Title,Currency,Amount Awarded\n".utf8)
    for i in 0..<3000 { bytes += Array("360G-more-\(i),Grant,GBP,1\n".utf8) }
    bytes += [0x33, 0x36, 0x30, 0x2C, 0xFF, 0x0A]
    for i in 0..<100 { bytes += Array("360G-after-\(i),Grant,GBP,1\n".utf8) }
    try Data(bytes).write(to: url)
    guard case .invalidEncoding(_, 3002?, _)? = sequential(url).error else {
      Issue.record("the sequential reader should refuse the byte on line 3002")
      return
    }
    for chunkSize in [64, 5000] { try expectSame(url, chunkSize: chunkSize) }
  }

  /// The encoding check reads the file in parts at once: characters of several bytes that
  /// straddle a cut must pass, a bad byte anywhere must not. (The files are large enough that
  /// the bad bytes lie beyond the first slice, where reading the header would meet them.)
  @Test func theEncodingIsCheckedAcrossTheCuts() throws {
    for padding in 0..<4 {
      var bytes = Array("Identifier,Title\n".utf8) + Array(repeating: UInt8(ascii: "x"), count: padding) + [0x0A]
      for i in 0..<5000 { bytes += Array("360G-\(i),Café 😀 naïve €\n".utf8) }
      let url = try csv(String(decoding: bytes, as: UTF8.self))
      let plan = try #require(try ParallelCSVFeedReader.plan(for: url, titles: .grant, minimumSize: 0))
      #expect(plan.encoding == .utf8)
      for bad in [bytes.count / 2, bytes.count * 3 / 4, bytes.count - 2] {
        var broken = bytes
        broken[bad] = 0xFF
        try Data(broken).write(to: url)
        #expect(try ParallelCSVFeedReader.plan(for: url, titles: .grant, minimumSize: 0) == nil, "0xFF at \(bad)")
      }
      // A character cut short just before the middle.
      var cutShort = bytes
      cutShort.insert(0xE2, at: bytes.count / 2 - bytes.count / 2 % 64)
      try Data(cutShort).write(to: url)
      #expect(try ParallelCSVFeedReader.plan(for: url, titles: .grant, minimumSize: 0) == nil)
    }
  }

  @Test func filesThatAreNotPlainAreLeftToTheSequentialReader() throws {
    let cp1252 = FixturePaths.url("real/dataquality/fundingproviders-grants_2_grants_cp1252.csv")
    #expect(try ParallelCSVFeedReader.plan(for: cp1252, titles: .grant, minimumSize: 0) == nil)
    let repeated = try csv("Identifier,Title,Title\n1,a,b\n")
    #expect(try ParallelCSVFeedReader.plan(for: repeated, titles: .grant, minimumSize: 0) == nil)
    let nested = try csv("Identifier,Funding Org,Funding Org:Identifier\n1,a,b\n")
    #expect(try ParallelCSVFeedReader.plan(for: nested, titles: .grant, minimumSize: 0) == nil)
    let noID = try csv("Title,Currency\na,GBP\n")
    #expect(try ParallelCSVFeedReader.plan(for: noID, titles: .grant, minimumSize: 0) == nil)
    #expect(try ParallelCSVFeedReader.plan(for: FixturePaths.url("sample/grants.csv"), titles: .grant) == nil, "small files are read sequentially")
  }
}
