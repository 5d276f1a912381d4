/// Turns the rows of a workbook into grants, following flatten-tool's `unflatten` rules
/// (SPEC.md §2.2–2.3).
final class SpreadsheetFeedReader {
  let workbook: any Workbook

  init(workbook: any Workbook) {
    self.workbook = workbook
  }

  func read(_ body: (Grant) throws -> Void) throws -> FeedReport {
    throw FeedError.unknownFormat(file: workbook.file)  // TODO: replaced by the spreadsheet work
  }
}
