internal import Foundation

/// The entry points of the fuzz targets (`Tests/Fuzz`, `make fuzz`): each reads one input of
/// hostile bytes the way giving reads a file it is given.
///
/// A target returns normally or throws a ``FeedError`` for any input; anything else (a trap, a
/// crash, a leak, a hang, too much memory) is a finding. The CSV target also traps when the
/// plain-record scanner and libcsv read the same bytes differently. Readers that only read
/// files get the bytes through one temporary file per target and process.
package enum FuzzTarget: String, CaseIterable, Sendable {
  /// ``JSONParser/parseDocument(_:file:)`` on the bytes.
  case json
  /// ``CSVRecordReader`` with and without ``PlainCSVScanner``, whole and in small chunks,
  /// as records and as fields, compared.
  case csv
  /// ``XMLPackageReader``: giving's XML form of a package, to grants.
  case xml
  /// ``XLSXWorkbook``: the bytes as an XLSX file when they start as a zip does, else as the
  /// sheet XML (and, after a NUL byte, the shared strings and the styles) of a generated
  /// workbook; every sheet's rows, then the grants they make.
  case xlsx
  /// ``ODSWorkbook``: the bytes as an ODS file when they start as a zip does, else as the
  /// `content.xml` of a generated spreadsheet; every sheet's rows, then the grants they make.
  case ods
  /// ``HeadingMapper``: each line is a heading, mapped to a path and a plan, then all of them
  /// head a CSV file of two rows that is read into grants.
  case headings

  /// Reads `bytes` as this target does.
  /// - Throws: ``FeedError`` for input giving refuses (expected, not a finding).
  package func run(_ bytes: [UInt8]) throws {
    switch self {
    case .json: _ = try JSONParser.parseDocument(bytes, file: "<fuzz>")
    case .csv: try Self.compareCSVReadings(Self.write(bytes, as: "input.csv"), size: bytes.count)
    case .xml: _ = try XMLPackageReader(url: Self.write(bytes, as: "input.xml")).read { _ in }
    case .xlsx: try Self.readWorkbook(bytes, extension: "xlsx")
    case .ods: try Self.readWorkbook(bytes, extension: "ods")
    case .headings: try Self.mapHeadings(bytes)
    }
  }

  /// How much a fuzzed container may inflate: far less than ``ZipLimits/standard``, so that a
  /// bomb the standard limits allow by design (2 GiB an entry) does not pass the fuzzer's
  /// 512 MB.
  static let limits = ZipLimits(
    maxEntryBytes: 64 << 20, maxRatio: 200, ratioThreshold: 16 << 20, maxPartBytes: 16 << 20,
    maxEntries: 10_000)

  // MARK: - Temporary files

  /// This process's folder for the files the targets read.
  private static let folder: URL = {
    let url = FileManager.default.temporaryDirectory
      .appendingPathComponent("giving-fuzz-\(ProcessInfo.processInfo.processIdentifier)")
    try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }()

  /// Writes `bytes` to `name` in this process's folder (replacing what was there).
  private static func write(_ bytes: [UInt8], as name: String) throws -> URL {
    let url = folder.appendingPathComponent(name)
    try? FileManager.default.removeItem(at: url)
    do {
      try Data(bytes).write(to: url)
    } catch {
      // Not the input's fault: stop the run rather than report every input as fine.
      fatalError("giving-fuzz: cannot write \(url.path): \(error)")
    }
    return url
  }

  // MARK: - CSV

  /// One read of a CSV file: each record as text, the line the reader ended on, the error.
  /// What one read of a CSV file gave (also compared by `PlainCSVScannerTests`).
  struct CSVReading: Equatable, CustomStringConvertible {
    var records: [String] = []
    var line = 0
    var error: String?

    /// Whether `other` reads the same: the same records, line and error; or, when both end in
    /// the same error, records of which one is the start of the other. Which records come
    /// before an error depends on where chunks and slices end, and is not part of the
    /// reader's contract (every command discards a feed that fails).
    func agrees(with other: CSVReading) -> Bool {
      guard let error, error == other.error else { return self == other }
      let shorter = min(records.count, other.records.count)
      return records.prefix(shorter) == other.records.prefix(shorter)
    }

    var description: String { "\(records), line \(line), error \(error ?? "none")" }
  }

  /// Reads `url` record by record (cells), and again as fields (UTF-8 only, as the direct
  /// rows read it).
  static func readCSV(_ url: URL, chunkSize: Int, scanner: Bool) -> (cells: CSVReading, fields: CSVReading) {
    func reading(encoding: CSVTextEncoding?, _ body: (CSVRecordReader, inout CSVReading) throws -> Void) -> CSVReading {
      var reading = CSVReading()
      do {
        let reader = try CSVRecordReader(url: url, encoding: encoding, chunkSize: chunkSize, usesPlainScanner: scanner)
        do { try body(reader, &reading) } catch { reading.error = "\(error)" }
        reading.line = reader.line
      } catch {
        reading.error = "\(error)"
      }
      return reading
    }
    let cells = reading(encoding: nil) { reader, reading in
      try reader.read { record in
        reading.records.append("\(record.row.number)@\(record.line): \(record.row.cells.map { $0?.text ?? "∅" })")
      }
    }
    let fields = reading(encoding: .utf8) { reader, reading in
      try reader.readFields { record in
        reading.records.append("\(record.number): \((0..<record.count).map { record.text($0) ?? "∅" })")
      }
    }
    return (cells, fields)
  }

  /// Reads `url` with libcsv alone, then with the scanner whole and in small chunks (7 bytes,
  /// or 4 KiB for inputs over 4 KiB), and traps if any reading disagrees with libcsv's
  /// (``CSVReading/agrees(with:)``). An error is fine when every reading gives the same one.
  private static func compareCSVReadings(_ url: URL, size: Int) throws {
    let libcsv = readCSV(url, chunkSize: CSVRecordReader.chunkSize, scanner: false)
    for chunkSize in [CSVRecordReader.chunkSize, size <= 4096 ? 7 : 4096] {
      let scanned = readCSV(url, chunkSize: chunkSize, scanner: true)
      precondition(
        scanned.cells.agrees(with: libcsv.cells),
        "the scanner's cells differ from libcsv's (chunks of \(chunkSize)): \(scanned.cells) vs \(libcsv.cells)")
      precondition(
        scanned.fields.agrees(with: libcsv.fields),
        "the scanner's fields differ from libcsv's (chunks of \(chunkSize)): \(scanned.fields) vs \(libcsv.fields)")
    }
  }

  // MARK: - Workbooks

  /// Whether `bytes` start as a zip file does (a local header or an empty archive).
  private static func isZip(_ bytes: [UInt8]) -> Bool {
    bytes.count >= 4 && bytes[0] == 0x50 && bytes[1] == 0x4B && (bytes[2] == 3 || bytes[2] == 5)
  }

  private static func readWorkbook(_ bytes: [UInt8], extension ext: String) throws {
    let url: URL
    if isZip(bytes) {
      url = try write(bytes, as: "input.\(ext)")
    } else {
      url = try write(storedZip(ext == "xlsx" ? xlsxParts(bytes) : odsParts(bytes)), as: "generated.\(ext)")
    }
    let workbook: any Workbook =
      ext == "xlsx" ? try XLSXWorkbook(url: url, limits: limits) : try ODSWorkbook(url: url, limits: limits)
    for index in workbook.sheetNames.indices {
      try workbook.readRows(sheet: index) { _ in }
    }
    _ = try SpreadsheetFeedReader(workbook: workbook).read { _ in }
  }

  /// A zip file of `entries`, stored (not deflated). Made here rather than by ``ZipWriter``:
  /// ZIPFoundation's `Archive(url:accessMode:)` leaks the C string of the path it opens, which
  /// the leak check would report for every input.
  private static func storedZip(_ entries: [(String, [UInt8])]) -> [UInt8] {
    var zip: [UInt8] = []
    var directory: [UInt8] = []
    func le16(_ value: Int, _ out: inout [UInt8]) { out += [UInt8(value & 0xFF), UInt8(value >> 8 & 0xFF)] }
    func le32(_ value: UInt32, _ out: inout [UInt8]) { for shift in stride(from: 0, to: 32, by: 8) { out.append(UInt8(value >> shift & 0xFF)) } }
    for (path, data) in entries {
      let name = Array(path.utf8)
      let crc = ZipContainer.checksum(Data(data), continuing: 0)
      let offset = UInt32(zip.count)
      // Local header: signature, version 2.0, no flags, stored, no time, CRC, sizes, name.
      le32(0x0403_4B50, &zip); le16(20, &zip); le16(0, &zip); le16(0, &zip); le32(0, &zip)
      le32(crc, &zip); le32(UInt32(data.count), &zip); le32(UInt32(data.count), &zip)
      le16(name.count, &zip); le16(0, &zip)
      zip += name
      zip += data
      // Central directory entry: the same, plus where the local header is.
      le32(0x0201_4B50, &directory); le16(20, &directory); le16(20, &directory); le16(0, &directory)
      le16(0, &directory); le32(0, &directory); le32(crc, &directory)
      le32(UInt32(data.count), &directory); le32(UInt32(data.count), &directory)
      le16(name.count, &directory); le16(0, &directory); le16(0, &directory); le16(0, &directory)
      le16(0, &directory); le32(0, &directory); le32(offset, &directory)
      directory += name
    }
    let directoryOffset = UInt32(zip.count)
    zip += directory
    // End of central directory: one disk, the entry count twice, the directory's size and place.
    le32(0x0605_4B50, &zip); le16(0, &zip); le16(0, &zip); le16(entries.count, &zip); le16(entries.count, &zip)
    le32(UInt32(directory.count), &zip); le32(directoryOffset, &zip); le16(0, &zip)
    return zip
  }

  /// The parts of an XLSX workbook with one sheet, whose XML, shared strings and styles are
  /// the first three NUL-separated pieces of `bytes` (the last two left out when missing).
  private static func xlsxParts(_ bytes: [UInt8]) -> [(String, [UInt8])] {
    let pieces = bytes.split(separator: 0, maxSplits: 2, omittingEmptySubsequences: false).map(Array.init)
    let main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    let rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    let package = "http://schemas.openxmlformats.org/package/2006/relationships"
    var parts: [(String, [UInt8])] = [
      ("[Content_Types].xml", Array(#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>"#.utf8)),
      ("_rels/.rels", Array(#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="\#(package)"><Relationship Id="rId1" Type="\#(rel)/officeDocument" Target="xl/workbook.xml"/></Relationships>"#.utf8)),
      ("xl/workbook.xml", Array(#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="\#(main)" xmlns:r="\#(rel)"><sheets><sheet name="grants" sheetId="1" r:id="rId1"/></sheets></workbook>"#.utf8)),
      ("xl/_rels/workbook.xml.rels", Array(#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="\#(package)"><Relationship Id="rId1" Type="\#(rel)/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="\#(rel)/sharedStrings" Target="sharedStrings.xml"/><Relationship Id="rId3" Type="\#(rel)/styles" Target="styles.xml"/></Relationships>"#.utf8)),
      ("xl/worksheets/sheet1.xml", pieces[0]),
    ]
    if pieces.count > 1 { parts.append(("xl/sharedStrings.xml", pieces[1])) }
    if pieces.count > 2 { parts.append(("xl/styles.xml", pieces[2])) }
    return parts
  }

  /// The parts of an ODS spreadsheet whose `content.xml` is `bytes`.
  private static func odsParts(_ bytes: [UInt8]) -> [(String, [UInt8])] {
    [("mimetype", Array("application/vnd.oasis.opendocument.spreadsheet".utf8)), ("content.xml", bytes)]
  }

  // MARK: - Headings

  /// Maps each line of `bytes` as a heading, then reads a CSV file with those headings and
  /// one row of values (`1`, `x`, a date, in turn) into grants.
  private static func mapHeadings(_ bytes: [UInt8]) throws {
    let headings = String(decoding: bytes, as: UTF8.self)
      .split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    let mapper = HeadingMapper()
    for heading in headings {
      _ = mapper.path(for: heading)
      _ = mapper.plan(for: heading)
    }
    func quoted(_ text: String) -> String { "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
    let values = ["1", "x", "2024-01-31"]
    var csv = headings.map(quoted).joined(separator: ",") + "\n"
    csv += headings.indices.map { values[$0 % values.count] }.joined(separator: ",") + "\n"
    let feed = try GrantFeed(files: [write(Array(csv.utf8), as: "headings.csv")], format: .csv)
    _ = try feed.read { _ in }
  }
}
