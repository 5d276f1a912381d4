internal import Foundation

/// Why a feed could not be read at all. Problems *inside* a readable feed are findings and
/// warnings, never errors.
///
/// Messages are lower-case, name the file and the place, and quote values in single quotes.
public enum FeedError: Error, Sendable, Equatable, CustomStringConvertible {
  case fileNotFound(file: String)
  case unreadable(file: String, reason: String)
  case unknownFormat(file: String)
  /// JSON that is not well formed, with the place of the first error.
  case malformedJSON(file: String, line: Int, column: Int, reason: String)
  /// Well-formed JSON whose top level is not an object.
  case notAnObject(file: String)
  case malformedCSV(file: String, line: Int, reason: String)
  /// Bytes that are not valid in the encoding the file declares.
  case invalidEncoding(file: String, line: Int?, reason: String)
  case malformedXML(file: String, line: Int, column: Int, reason: String)
  /// XML that asks for something giving never does (entities, a DTD, the network).
  case forbiddenXML(file: String, line: Int, column: Int, reason: String)
  /// A workbook that is not a valid XLSX/ODS container or whose parts are malformed.
  case malformedSpreadsheet(file: String, sheet: String?, reason: String)
  /// Input that would need more memory, depth or expansion than giving allows.
  case limitExceeded(file: String, reason: String)

  public var file: String {
    switch self {
    case .fileNotFound(let f), .unreadable(let f, _), .unknownFormat(let f),
      .malformedJSON(let f, _, _, _), .notAnObject(let f), .malformedCSV(let f, _, _),
      .invalidEncoding(let f, _, _), .malformedXML(let f, _, _, _), .forbiddenXML(let f, _, _, _),
      .malformedSpreadsheet(let f, _, _), .limitExceeded(let f, _):
      f
    }
  }

  public var description: String {
    switch self {
    case .fileNotFound(let file):
      "\(file): no such file"
    case .unreadable(let file, let reason):
      "\(file): cannot be read: \(reason)"
    case .unknownFormat(let file):
      "\(file): unknown format: giving reads .json, .csv, .xlsx, .ods and .xml files"
    case .malformedJSON(let file, let line, let column, let reason):
      "\(file):\(line):\(column): not well-formed JSON: \(reason)"
    case .notAnObject(let file):
      "\(file): 360Giving JSON must have an object at the top level"
    case .malformedCSV(let file, let line, let reason):
      "\(file):\(line): malformed CSV: \(reason)"
    case .invalidEncoding(let file, let line, let reason):
      line.map { "\(file):\($0): \(reason)" } ?? "\(file): \(reason)"
    case .malformedXML(let file, let line, let column, let reason):
      "\(file):\(line):\(column): not well-formed XML: \(reason)"
    case .forbiddenXML(let file, let line, let column, let reason):
      "\(file):\(line):\(column): refused: \(reason)"
    case .malformedSpreadsheet(let file, let sheet, let reason):
      sheet.map { "\(file) [\($0)]: \(reason)" } ?? "\(file): \(reason)"
    case .limitExceeded(let file, let reason):
      "\(file): refused: \(reason)"
    }
  }

  static func describe(_ error: any Error) -> String {
    if let error = error as? CocoaError, let underlying = error.underlying {
      return (underlying as NSError).localizedDescription.lowercased()
    }
    return (error as NSError).localizedDescription.lowercased()
  }
}

extension CocoaError {
  fileprivate var underlying: (any Error)? { userInfo[NSUnderlyingErrorKey] as? any Error }
}
