import Foundation
import GivingTestSupport
import Testing

@testable import GivingKit

@Suite struct CSVRecordWriterTests {
  @Test func writesRecordsThatReadBackUnchanged() throws {
    let url = try CSVTestFiles.folder().appendingPathComponent("out.csv")
    let records: [[String?]] = [
      ["Identifier", "Title", "Amount Awarded"],
      ["360G-x-1", "Books, \"new\" and old", "1000.10"],
      ["360G-x-2", "line one\r\nline two\nthree\rfour", nil],
      ["360G-x-3", " spaced ", "£5 €"],
      [""],
    ]
    let output = try OutputFile(path: url.path)
    let writer = CSVRecordWriter(output: output, byteOrderMark: true, flushThreshold: 16)
    for record in records { try writer.write(record) }
    try writer.finish()
    try output.commit()

    let bytes = try [UInt8](Data(contentsOf: url))
    #expect(bytes.starts(with: [0xEF, 0xBB, 0xBF]))
    let text = String(decoding: bytes.dropFirst(3), as: UTF8.self)
    #expect(text.hasPrefix("Identifier,Title,Amount Awarded\r\n360G-x-1,\"Books, \"\"new\"\" and old\",1000.10\r\n"))
    #expect(text.hasSuffix("\"\"\r\n"))

    let workbook = try CSVWorkbook(files: [url])
    let read = try CSVTestFiles.records(workbook).map { $0.row.cells.map { $0?.text } }
    let expected = records.map { $0.map { $0?.isEmpty == true ? nil : $0 } }
    #expect(read == expected)
    #expect(workbook.encoding == "utf-8-sig")
  }

  @Test func writesNoByteOrderMarkUnlessAsked() throws {
    let url = try CSVTestFiles.folder().appendingPathComponent("plain.csv")
    let output = try OutputFile(path: url.path)
    let writer = CSVRecordWriter(output: output)
    try writer.write(["a", "b"])
    try writer.finish()
    try output.commit()
    #expect(try [UInt8](Data(contentsOf: url)) == Array("a,b\r\n".utf8))
  }
}
