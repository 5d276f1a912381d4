import Foundation
import GivingKit
import GivingTestSupport
import Testing

/// Postcode files are the users' own (ONS NSPL/ONSPD CSVs, read through libcsv): any line
/// ending, quoting or byte-order mark reads alike, and a broken file is refused at its line.
@Suite struct PostcodeTableTests {
  static func file(_ text: String) throws -> URL {
    let url = ScratchSpace.root.appendingPathComponent("postcodes-\(UUID().uuidString).csv")
    try Data(text.utf8).write(to: url)
    return url
  }

  @Test(arguments: [
    "pcds,lsoa11,lsoa21\nHG1 1AA,E01027679,\nDG1 1AA,S01007345,\n",
    "\u{FEFF}\"PCDS\",lsoa11,\"lsoa21\"\r\n\"HG1 1AA\",E01027679,\r\n\r\nDG1 1AA,\"S01007345\",",
    "lsoa21, pcds ,doterm,lsoa11\n,HG11AA,,E01027679\n,\"dg1 1aa\",,S01007345\n",
  ])
  func readsEveryLayoutAlike(text: String) throws {
    let url = try Self.file(text)
    defer { try? FileManager.default.removeItem(at: url) }
    let table = try PostcodeTable(contentsOf: url)
    #expect(table.count == 2)
    #expect(table.area(of: "hg1 1aa") == "E01027679")
    #expect(table.area(of: "DG11AA") == "S01007345")
  }

  @Test func refusesABrokenFileAtItsLine() throws {
    let url = try Self.file("pcds,lsoa11\nHG1 1AA,E01027679\n\"DG1 1AA,S01007345\nZZ1 1ZZ,E01\n")
    defer { try? FileManager.default.removeItem(at: url) }
    do {
      _ = try PostcodeTable(contentsOf: url)
      Issue.record("a quoted field never closed was read")
    } catch FeedError.malformedCSV(let file, let line, _) {
      #expect(file == url.path)
      #expect(line == 3)
    }
  }

  @Test func refusesAnEmptyFile() throws {
    let url = try Self.file("")
    defer { try? FileManager.default.removeItem(at: url) }
    #expect(throws: FeedError.unreadable(file: url.path, reason: "no heading row (a 'pcds' column is needed)")) {
      try PostcodeTable(contentsOf: url)
    }
  }

  @Test func refusesAFileWithoutAPostcodeColumn() throws {
    let url = try Self.file("postcode,lsoa11\nHG1 1AA,E01027679\n")
    defer { try? FileManager.default.removeItem(at: url) }
    #expect(throws: FeedError.unreadable(file: url.path, reason: "no 'pcds' column")) {
      try PostcodeTable(contentsOf: url)
    }
  }
}
