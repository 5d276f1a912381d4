import Foundation
import Testing

@testable import GivingKit

/// Spaces hidden from libcsv (``SpaceMask``, for bytes checked to be valid UTF-8) must come
/// back exactly, and records must read exactly as they do with libcsv's space function.
@Suite struct SpaceMaskTests {
  /// Every byte value but the two masked ones, at every offset of words and tails; unmasking
  /// also says whether there is a line break.
  @Test(arguments: [0, 1, 7, 8, 9, 15, 16, 17, 63, 300])
  func masksEverySpaceAndTabAndUndoesItExactly(length: Int) {
    var generator = SystemRandomNumberGenerator()
    for _ in 0..<50 {
      let original = (0..<length).map { _ in
        Bool.random(using: &generator)
          ? UInt8.random(in: 0...0xFD, using: &generator)
          : [0x20, 0x09, 0x41, 0x22, 0x2C, 0x0A, 0x0D].randomElement(using: &generator)!
      }
      var bytes = original
      let undoable = bytes.withUnsafeMutableBytes { SpaceMask.mask($0) }
      #expect(undoable)
      #expect(!bytes.contains(0x20) && !bytes.contains(0x09))
      #expect(bytes.count == original.count)
      for (masked, byte) in zip(bytes, original) where byte != 0x20 && byte != 0x09 {
        #expect(masked == byte)
      }
      let hasBreak = bytes.withUnsafeMutableBytes { SpaceMask.unmask($0) }
      #expect(bytes == original)
      #expect(hasBreak == (original.contains(0x0A) || original.contains(0x0D)))
    }
  }

  @Test(arguments: [[0xFE], [0xFF], Array("0123456789abcd\u{20}".utf8) + [0xFF], [0x41, 0x20, 0xFE]])
  func saysWhenBytesHeldAMaskedByteAlready(bytes: [UInt8]) {
    var bytes = bytes
    #expect(!bytes.withUnsafeMutableBytes { SpaceMask.mask($0) })
  }

  static let spaced = [
    " a , b ,c \n\t1\t, \"q\" ,\" x \"\" y \" \n",
    "h1,h2\n  ,\t\t\n\" a\"  b ,\" \"\n",
    "Identifier, Title ,Amount\n360G-1 ,\" Hello, world \",  10.5  \n",
  ]

  /// Each record's field texts, by cells and by fields, with or without the mask.
  static func records(_ url: URL, checkedUTF8: Bool) throws -> (cells: [[String?]], fields: [[String?]]) {
    var cells: [[String?]] = []
    try CSVRecordReader(url: url, encoding: .utf8, checkedUTF8: checkedUTF8).read { record in
      cells.append(record.row.cells.map { $0?.text })
    }
    var fields: [[String?]] = []
    try CSVRecordReader(url: url, encoding: .utf8, checkedUTF8: checkedUTF8).readFields { record in
      fields.append((0..<record.count).map(record.text))
    }
    return (cells, fields)
  }

  @Test(arguments: 0..<spaced.count)
  func readsSpacedRecordsAsTheSpaceFunctionDoes(index: Int) throws {
    let url = try CSVTestFiles.file(text: Self.spaced[index])
    let plain = try Self.records(url, checkedUTF8: false)
    let masked = try Self.records(url, checkedUTF8: true)
    #expect(masked.cells == plain.cells)
    #expect(masked.fields == plain.cells)
    #expect(plain.fields == plain.cells)
  }

  @Test func keepsSpacesAroundFieldsAsPythonDoes() throws {
    let url = try CSVTestFiles.file(text: Self.spaced[2])
    let masked = try Self.records(url, checkedUTF8: true)
    #expect(masked.cells == [["Identifier", " Title ", "Amount"], ["360G-1 ", " Hello, world ", "  10.5  "]])
  }

  @Test(arguments: CSVSpectrumTests.cases)
  func readsConformanceFilesAsTheSpaceFunctionDoes(csv: URL) throws {
    let plain = try Self.records(csv, checkedUTF8: false)
    let masked = try Self.records(csv, checkedUTF8: true)
    #expect(!plain.cells.isEmpty)
    #expect(masked.cells == plain.cells)
    #expect(masked.fields == plain.fields)
  }

  @Test(arguments: 0..<CSVFieldReadingTests.awkward.count)
  func readsAwkwardRecordsAsTheSpaceFunctionDoes(index: Int) throws {
    let url = try CSVTestFiles.file(text: CSVFieldReadingTests.awkward[index])
    let plain = try Self.records(url, checkedUTF8: false)
    let masked = try Self.records(url, checkedUTF8: true)
    #expect(masked.cells == plain.cells)
    #expect(masked.fields == plain.fields)
  }

  /// Spaced fields cut by the 64 KiB slices libcsv is fed.
  @Test func readsSpacedRecordsCutBySlices() throws {
    var text = "Identifier , Title\t,Note\n"
    for index in 0..<20_000 {
      text += " 360G-\(index)\t,\" Title \(index) \" , \(index % 3 == 0 ? "" : "\tn ")\n"
    }
    let url = try CSVTestFiles.file(text: text)
    #expect(text.utf8.count > 4 * CSVRecordReader.sliceSize)
    let plain = try Self.records(url, checkedUTF8: false)
    let masked = try Self.records(url, checkedUTF8: true)
    #expect(plain.cells.count == 20_001)
    #expect(masked.cells == plain.cells)
    #expect(masked.fields == plain.cells)
  }

  /// Bytes said to be valid UTF-8 that hold a masked byte (the file changed since it was
  /// checked) make the read fail rather than turn into spaces.
  @Test func refusesAFileThatIsNotTheUTF8ItWasSaidToBe() throws {
    let url = try CSVTestFiles.file(bytes: Array("a,b\n1,x".utf8) + [0xFE] + Array("y\n".utf8))
    #expect(throws: FeedError.self) {
      try CSVRecordReader(url: url, encoding: .utf8, checkedUTF8: true).read { _ in }
    }
    #expect(throws: FeedError.self) {
      try CSVRecordReader(url: url, encoding: .utf8, checkedUTF8: true).readFields { _ in }
    }
  }
}
