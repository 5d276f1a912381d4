public import Foundation

/// One or more CSV files read as the sheets of one workbook.
final class CSVWorkbook: Workbook {
  let files: [URL]
  init(files: [URL]) throws { self.files = files }
  var file: String { files[0].path }
  var format: FeedFormat { .csv }
  var sheetNames: [String] { files.map { $0.deletingPathExtension().lastPathComponent } }
  func file(ofSheet index: Int) -> String { files[index].path }
  var encoding: String? { nil }
  var warnings: [ConversionWarning] { [] }
  func readRows(sheet index: Int, _ body: (SheetRow) throws -> Void) throws {
    throw FeedError.unknownFormat(file: file)  // TODO: replaced by the CSV work
  }
}
