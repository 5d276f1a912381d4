public import Foundation

/// The formats giving reads and writes.
public enum FeedFormat: String, Sendable, CaseIterable, Codable {
  case json, csv, xlsx, ods, xml

  /// The format a file's extension names, or `nil`.
  public init?(pathExtension: String) {
    self.init(rawValue: pathExtension.lowercased())
  }
}

/// A problem met while turning input into grants that does not stop the reading: a value
/// kept as text in a number column, a duplicate heading, a merge conflict, a guessed encoding;
/// or met while writing a sheet: a value the sheet cannot hold, grants sharing an identifier.
public struct ConversionWarning: Sendable, Hashable, Codable, CustomStringConvertible {
  public var message: String
  /// Where the problem is; several places for merge conflicts (both cells).
  public var locations: [SourceLocation]
  /// The JSON path of the value concerned, package-relative (`grants/3/actualDates/0`), for
  /// warnings about a value of the feed rather than a cell of the input (writing a sheet).
  public var path: String?
  /// The id of the grant concerned, when the warning is about one grant that has an id.
  public var grantID: String?

  public init(_ message: String, at locations: [SourceLocation] = [], path: String? = nil, grantID: String? = nil) {
    self.message = message
    self.locations = locations
    self.path = path
    self.grantID = grantID
  }

  public var description: String {
    locations.isEmpty ? message : "\(locations.map(\.description).joined(separator: ", ")): \(message)"
  }

  /// `warnings` in the order of their sheets (as `sheets` lists them) and, within a sheet,
  /// of their first row; warnings with no row keep their place before the rest. Stable, so a
  /// read in parallel ranges reports in the same order as a read from top to bottom.
  static func inRowOrder(_ warnings: [ConversionWarning], sheets: [String] = []) -> [ConversionWarning] {
    func key(_ warning: ConversionWarning) -> (Int, Int) {
      guard let first = warning.locations.first, let row = first.row else { return (-1, 0) }
      return (first.sheet.flatMap { sheets.firstIndex(of: $0) } ?? 0, row)
    }
    return warnings.enumerated().sorted { a, b in
      let (x, y) = (key(a.element), key(b.element))
      return x != y ? x < y : a.offset < b.offset
    }.map(\.element)
  }
}

/// What reading a feed found besides its grants.
public struct FeedReport: Sendable {
  public var format: FeedFormat
  /// The package-level members (`version`, `publisher`, …) without `grants`. For spreadsheets,
  /// what the `Meta` sheet holds.
  public var package: JSONObject
  /// Positions of the package members (text formats), in preorder of ``package``.
  public var packageSource: GrantSource
  /// Whether the input had a `grants` member (JSON/XML) or grant rows (spreadsheets).
  public var hasGrantsMember: Bool
  /// Grants delivered to the caller.
  public var grantCount: Int
  /// Rows or records read, and those rejected (for spreadsheets `rowsRead = rows merged into
  /// grants + rowsRejected`).
  public var rowsRead: Int
  public var rowsRejected: Int
  /// The text encoding the input was read in (`utf-8`, `utf-8-sig`, `cp1252`), for text formats.
  public var encoding: String?
  public var warnings: [ConversionWarning]
  /// The files, sheets and headings that ``Grant/source`` refers to.
  public var sources: FeedSources

  public init(format: FeedFormat, sources: FeedSources) {
    self.format = format
    self.package = JSONObject()
    self.packageSource = .none
    self.hasGrantsMember = false
    self.grantCount = 0
    self.rowsRead = 0
    self.rowsRejected = 0
    self.encoding = nil
    self.warnings = []
    self.sources = sources
  }
}

/// One input: a JSON or XML package, a workbook, or several CSV files read as the sheets of
/// one workbook.
///
/// ```swift
/// let feed = try GrantFeed(paths: ["grants.json"])
/// let report = try feed.read { grant in … }
/// ```
public struct GrantFeed: Sendable {
  public var files: [URL]
  public var format: FeedFormat
  /// The grant schema whose titles spreadsheet headings are read with; `nil` for the bundled
  /// 1.4.3 schema. Set it to an extended schema (DEI) to read the extension's columns.
  public var grantSchema: JSONValue?
  /// When set, the top-level grant members a consumer reads (`aggregate` reads a few fields of
  /// many grants): spreadsheet readers then skip the other columns, and grants hold only these
  /// members. JSON and XML readers keep every member. A row is never dropped for holding
  /// only members that were skipped.
  public var neededMembers: Set<String>?
  /// Whether spreadsheet readers record the cell of every value of a grant that comes from a
  /// single row (``Grant/source``). A consumer that never asks where a value came from
  /// (`convert`) turns it off: a grant's rows, and the cells of merged rows, are still recorded.
  var recordsCells = true
  /// The smallest CSV file read on every core (tests lower it).
  var parallelMinimumSize = ParallelCSVFeedReader.minimumFileSize
  /// The size of the ranges a CSV file read on every core is cut into (`nil`: the default;
  /// tests make it small).
  var parallelChunkSize: Int?
  /// Where reading reports the bytes and grants read so far, when set (a progress bar).
  public var progress: ReadProgress?
  /// Whether spreadsheet rows that share an Identifier merge into one grant wherever they are
  /// in their sheet, as the official tools merge them (the default), or only when they are
  /// next to each other (`--no-merge-scattered`: a row whose Identifier came earlier, not on
  /// the row before, is then a separate grant, with a warning).
  public var mergesScatteredRows = true
  /// The scattered ids found in a CSV file, kept so that later reads of the same feed do not
  /// look for them again.
  let scatteredIDsCache = ScatteredIDsCache()

  /// A feed of `files`, in the format their extension names (all must agree).
  /// - Throws: ``FeedError/fileNotFound(file:)``, ``FeedError/unknownFormat(file:)``.
  public init(files: [URL], format: FeedFormat? = nil) throws {
    precondition(!files.isEmpty, "a feed needs at least one file")
    for file in files where !FileManager.default.fileExists(atPath: file.path) {
      throw FeedError.fileNotFound(file: file.path)
    }
    if let format {
      self.format = format
    } else {
      var found: FeedFormat?
      for file in files {
        guard let f = FeedFormat(pathExtension: file.pathExtension), found == nil || found == f
        else { throw FeedError.unknownFormat(file: file.path) }
        found = f
      }
      self.format = found!
    }
    if self.format != .csv && files.count > 1 {
      throw FeedError.unknownFormat(file: files[1].path)
    }
    self.files = files
  }

  public init(paths: [String], format: FeedFormat? = nil) throws {
    try self.init(files: paths.map { URL(fileURLWithPath: $0) }, format: format)
  }

  /// Reads every grant, in order, handing each to `body` as soon as it is complete.
  ///
  /// - Throws: ``FeedError`` when the input cannot be read; errors thrown by `body` pass through.
  @discardableResult
  public func read(_ body: (Grant) throws -> Void) throws -> FeedReport {
    if let parallel = try parallelReader() {
      return try parallel.read(body)  // counts its own progress, a range at a time
    }
    guard let progress else { return try readSequentially(body) }
    progress.reading(files[0].path)
    // Grants are counted a batch at a time.
    var uncounted = 0
    defer { progress.add(grants: uncounted) }
    return try readSequentially { grant in
      uncounted += 1
      if uncounted == 256 {
        progress.add(grants: uncounted)
        uncounted = 0
      }
      try body(grant)
    }
  }

  /// Reads every grant on this thread (a workbook's sheets are parsed on a second one).
  private func readSequentially(_ body: (Grant) throws -> Void) throws -> FeedReport {
    switch format {
    case .json: try JSONPackageReader(url: files[0], progress: progress).read(body)
    case .xml: try XMLPackageReader(url: files[0], progress: progress).read(body)
    case .csv: try spreadsheetReader(CSVWorkbook(files: files, progress: progress)).read(body)
    case .xlsx: try spreadsheetReader(PrefetchingWorkbook(XLSXWorkbook(url: files[0], progress: progress))).read(body)
    case .ods: try spreadsheetReader(PrefetchingWorkbook(ODSWorkbook(url: files[0], progress: progress))).read(body)
    }
  }

  private func spreadsheetReader(_ workbook: any Workbook) -> SpreadsheetFeedReader {
    let reader = SpreadsheetFeedReader(workbook: workbook, titles: titles, neededMembers: neededMembers)
    reader.recordsCells = recordsCells
    reader.mergesScatteredRows = mergesScatteredRows
    if format == .csv, files.count == 1 { reader.knownScatteredIDs = scatteredIDsCache.ids(of: files[0]) }
    return reader
  }

  var titles: SchemaTitles {
    grantSchema.map { SchemaTitles(schema: $0) } ?? .grant
  }

  /// Reads the whole feed into memory (for small inputs and tests).
  public func readAll() throws -> (grants: [Grant], report: FeedReport) {
    var grants: [Grant] = []
    let report = try read { grants.append($0) }
    return (grants, report)
  }
}
