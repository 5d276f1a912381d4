internal import Foundation

/// A workbook whose sheets are parsed on a thread of their own, a few batches of rows ahead of
/// the caller, which turns rows into grants meanwhile.
///
/// For XLSX and ODS, whose XML is parsed on one thread: measured on 100k rows, parsing the
/// sheet was 57% of all the work and building grants from its rows another 11%, on the same
/// thread, which every other thread waited for.
final class PrefetchingWorkbook: Workbook {
  private let inner: any Workbook
  private let batchSize: Int
  private let depth: Int

  init(_ inner: any Workbook, batchSize: Int = 128, depth: Int = 16) {
    self.inner = inner
    self.batchSize = batchSize
    self.depth = depth
  }

  var file: String { inner.file }
  var format: FeedFormat { inner.format }
  var sheetNames: [String] { inner.sheetNames }
  func file(ofSheet index: Int) -> String { inner.file(ofSheet: index) }
  var encoding: String? { inner.encoding }
  /// Read once the sheet's thread has finished (``readRows(sheet:_:)`` waits for it).
  var warnings: [ConversionWarning] { inner.warnings }

  func readRows(sheet index: Int, _ body: (SheetRow) throws -> Void) throws {
    // Rows before an error still reach `body`, then the error; an error from `body` stops
    // the parsing thread (see ``BatchQueue/pipeline(batchSize:depth:produce:consume:)``).
    let workbook = UncheckedWorkbook(inner)
    try BatchQueue.pipeline(
      batchSize: batchSize, depth: depth,
      produce: { add in try workbook.value.readRows(sheet: index, add) }, consume: body)
  }
}

/// The inner workbook, handed to the parsing thread while the caller waits on the queue: the
/// two never use it at once.
private struct UncheckedWorkbook: @unchecked Sendable {
  let value: any Workbook
  init(_ value: any Workbook) { self.value = value }
}
