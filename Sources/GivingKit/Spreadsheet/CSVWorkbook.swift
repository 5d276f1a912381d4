internal import Foundation

/// One or more CSV files read as the sheets of one workbook, as flatten-tool reads a folder of
/// CSV files: one sheet per file, sorted by file name, each named by its file name without the
/// extension.
///
/// Rows stream from the file in 1 MB chunks. Every record is a row, the header included (row 1);
/// row numbers count records, so a quoted field that spans lines does not shift them (the
/// physical line is kept too, see ``readRecords(sheet:_:)``). Cells are `.text`; empty fields are
/// `nil`; a record shorter than the header simply has fewer cells.
///
/// Encoding as the official tool decides it: UTF-8 (`utf-8-sig` after a byte-order mark), else
/// Windows-1252 (`cp1252`), else Latin-1 (`latin_1`), with a warning for the last two.
final class CSVWorkbook: Workbook {
  /// The files, in sheet order (sorted by file name).
  let files: [URL]
  private var encodings: [CSVTextEncoding?]
  /// Whether CRLF and lone CR inside quoted fields are read as LF. Off by default: values keep
  /// their line breaks as written (RFC 4180, csv-spectrum). flatten-tool opens CSV files in
  /// Python's text mode, which makes this translation, so the official tool's values have LF.
  var translatesNewlines = false
  private var sheetWarnings: [[ConversionWarning]]
  /// Where the bytes read are counted, when set.
  private let progress: ReadProgress?

  /// A workbook of `files`, which are sorted by file name.
  /// - Throws: ``FeedError/fileNotFound(file:)`` for a file that does not exist,
  ///   ``FeedError/unreadable(file:reason:)`` when `files` is empty.
  init(files: [URL], progress: ReadProgress? = nil) throws {
    self.progress = progress
    guard !files.isEmpty else {
      throw FeedError.unreadable(file: "", reason: "no csv file was given")
    }
    for file in files where !FileManager.default.fileExists(atPath: file.path) {
      throw FeedError.fileNotFound(file: file.path)
    }
    self.files = files.sorted {
      let (a, b) = ($0.lastPathComponent, $1.lastPathComponent)
      return a == b ? $0.path.utf8.lexicographicallyPrecedes($1.path.utf8)
        : a.utf8.lexicographicallyPrecedes(b.utf8)
    }
    encodings = Array(repeating: nil, count: files.count)
    sheetWarnings = Array(repeating: [], count: files.count)
  }

  var file: String { files[0].path }
  var format: FeedFormat { .csv }
  var sheetNames: [String] { files.map { $0.deletingPathExtension().lastPathComponent } }
  func file(ofSheet index: Int) -> String { files[index].path }

  /// The encoding of the sheets read so far (`utf-8`, `utf-8-sig`, `cp1252`, `latin_1`); when
  /// files differ, their distinct encodings in sheet order, comma-separated.
  var encoding: String? {
    var seen: [String] = []
    for case let e? in encodings where !seen.contains(e.rawValue) { seen.append(e.rawValue) }
    return seen.isEmpty ? nil : seen.joined(separator: ", ")
  }

  /// The encoding sheet `index` was read in, once it has been read.
  func encoding(ofSheet index: Int) -> String? { encodings[index]?.rawValue }

  var warnings: [ConversionWarning] { sheetWarnings.flatMap { $0 } }

  func readRows(sheet index: Int, _ body: (SheetRow) throws -> Void) throws {
    try readRecords(sheet: index) { try body($0.row) }
  }

  /// Like ``readRows(sheet:_:)``, with the physical line each record starts on.
  /// - Throws: ``FeedError/malformedCSV(file:line:reason:)``,
  ///   ``FeedError/invalidEncoding(file:line:reason:)``, ``FeedError/limitExceeded(file:reason:)``,
  ///   ``FeedError/unreadable(file:reason:)``; errors thrown by `body` pass through.
  func readRecords(sheet index: Int, _ body: (CSVRecord) throws -> Void) throws {
    let reader = try CSVRecordReader(
      url: files[index], encoding: encodings[index], translatesNewlines: translatesNewlines)
    if let progress {
      reader.progress = progress
      progress.reading(files[index].path)
    }
    defer { noteEncoding(reader.encoding, ofSheet: index) }
    try reader.read(body)
  }

  private func noteEncoding(_ encoding: CSVTextEncoding, ofSheet index: Int) {
    guard encodings[index] == nil else { return }
    encodings[index] = encoding
    if !encoding.isUTF8 {
      sheetWarnings[index].append(
        ConversionWarning(
          "This file is not 'utf-8' encoded (it is \(encoding.rawValue) encoded)",
          at: [SourceLocation(file: files[index].path, sheet: sheetNames[index])]))
    }
  }
}
