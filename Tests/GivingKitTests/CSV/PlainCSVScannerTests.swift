import Foundation
import GivingTestSupport
import Testing

@testable import GivingKit

/// ``PlainCSVScanner`` reads plain records in place of libcsv: whatever it reads must read as
/// libcsv alone reads it, record for record, line for line, error for error.
@Suite struct PlainCSVScannerTests {
  /// Reads `url` record by record as cells, and again as fields, as the csv fuzz target does.
  static func read(_ url: URL, chunkSize: Int, scanner: Bool) -> (cells: FuzzTarget.CSVReading, fields: FuzzTarget.CSVReading) {
    FuzzTarget.readCSV(url, chunkSize: chunkSize, scanner: scanner)
  }

  static func expectSameReading(_ url: URL, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
    let libcsv = read(url, chunkSize: CSVRecordReader.chunkSize, scanner: false)
    let size = (try? url.resourceValues(forKeys: [.fileSizeKey]).fileSize) ?? 0
    let sizes = size < 64 << 10 ? [3, 7, 64, 4096] : size < 1 << 20 ? [4096] : []
    for chunkSize in sizes + [CSVRecordReader.chunkSize] {
      let scanned = read(url, chunkSize: chunkSize, scanner: true)
      #expect(scanned.cells == libcsv.cells, "\(url.lastPathComponent), chunks of \(chunkSize)", sourceLocation: sourceLocation)
      #expect(scanned.fields == libcsv.fields, "\(url.lastPathComponent), chunks of \(chunkSize)", sourceLocation: sourceLocation)
    }
  }

  @Test(arguments: 0..<CSVFieldReadingTests.awkward.count)
  func readsAwkwardFilesAsLibcsvDoes(index: Int) throws {
    Self.expectSameReading(try CSVTestFiles.file(text: CSVFieldReadingTests.awkward[index]))
  }

  @Test(arguments: CSVSpectrumTests.cases)
  func readsEachCSVSpectrumCaseAsLibcsvDoes(csv: URL) {
    Self.expectSameReading(csv)
  }

  static let publishedFiles = ["real/dataquality", "real/standard", "sample", "geo"].flatMap {
    FixturePaths.files(in: $0, extensions: ["csv"])
  }

  @Test func publishedFilesArePresent() {
    #expect(Self.publishedFiles.count == 15)
  }

  @Test(arguments: publishedFiles)
  func readsEachPublishedCSVFileAsLibcsvDoes(csv: URL) {
    Self.expectSameReading(csv)
  }

  /// Random files over the bytes that matter to CSV (quotes, delimiters, CR, LF, spaces, a
  /// multi-byte letter and a byte that is not UTF-8), from fixed seeds.
  @Test(arguments: 0..<40)
  func readsRandomFilesAsLibcsvDoes(seed: Int) throws {
    var random = SplitMix64(seed: UInt64(seed))
    let alphabet: [[UInt8]] = [
      [UInt8(ascii: "\"")], [UInt8(ascii: ",")], [0x0D], [0x0A], [0x0D, 0x0A], [UInt8(ascii: " ")],
      [UInt8(ascii: "a")], [UInt8(ascii: "b")], [UInt8(ascii: "\""), UInt8(ascii: "\"")], Array("é".utf8),
      seed % 8 == 7 ? [0xE9] : [UInt8(ascii: "c")],
    ]
    // Mostly plain-looking records, so that the scanner and libcsv take turns.
    var bytes: [UInt8] = []
    for _ in 0..<Int(random.next() % 60 + 1) {
      for field in 0..<Int(random.next() % 4 + 1) {
        if field > 0 { bytes.append(UInt8(ascii: ",")) }
        switch random.next() % 4 {
        case 0: bytes += Array("\"q, \"\"x\"\"\ny\"".utf8)
        case 1: bytes += Array("text".utf8)
        case 2: for _ in 0..<Int(random.next() % 6) { bytes += alphabet[Int(random.next() % UInt64(alphabet.count))] }
        default: break
        }
      }
      bytes += random.next() % 3 == 0 ? [0x0D, 0x0A] : [0x0A]
    }
    Self.expectSameReading(try CSVTestFiles.file(bytes: bytes))
  }

  @Test func scansPlainRecordsAndStopsBeforeOthers() {
    struct Calls: PlainCSVScanner.Sink {
      var log: [String] = []
      mutating func field(_ bytes: UnsafeRawBufferPointer, quoted: Bool) {
        log.append((quoted ? "q:" : "") + String(decoding: bytes, as: UTF8.self))
      }
      mutating func lineBreak(_ byte: Int32) { log.append(byte == 10 ? "LF" : "CR") }
      var failed: Bool { false }
    }
    func scan(_ text: String) -> (read: Int, stop: PlainCSVScanner.Stop, log: [String]) {
      var scanner = PlainCSVScanner()
      var calls = Calls()
      let (read, stop) = Array(text.utf8).withUnsafeBytes { scanner.scan($0, atLeast: .max, into: &calls) }
      return (read, stop, calls.log)
    }
    let plain = scan("a,\"b,\"\"c\"\"\r\nd\",\r\n\n,x\r")
    #expect(plain.read == 21)
    #expect(plain.stop == .enough)
    #expect(plain.log == ["a", "q:b,\"c\"\r\nd", "", "CR", "LF", "LF", "", "x", "CR"])
    let cut = scan("a,b\nc,\"d\ne")
    #expect(cut.read == 4)
    #expect(cut.stop == .incomplete)
    #expect(cut.log == ["a", "b", "LF"])
    #expect(scan("a,b\n\"c\"").stop == .incomplete)  // a quote last could start "" or end the field
    #expect(scan("x,\"ab\"cd\n").stop == .notPlain)
    #expect(scan("x,5\" disk\n").stop == .notPlain)
    #expect(scan("a\nb\nc\n").read == 6)
  }
}

/// A small seeded generator, so that a failing random case can be run again.
struct SplitMix64: RandomNumberGenerator {
  var state: UInt64
  init(seed: UInt64) { state = seed }
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}
