public import Foundation

/// An OpenDocument spreadsheet (`.ods`).
final class ODSWorkbook: Workbook {
  let url: URL
  init(url: URL) throws { self.url = url }
  var file: String { url.path }
  var format: FeedFormat { .ods }
  var sheetNames: [String] { [] }
  func file(ofSheet index: Int) -> String { file }
  var encoding: String? { nil }
  var warnings: [ConversionWarning] { [] }
  func readRows(sheet index: Int, _ body: (SheetRow) throws -> Void) throws {
    throw FeedError.unknownFormat(file: file)  // TODO: replaced by the ODS work
  }
}
