public import Foundation

/// Which input files are read together as one feed.
///
/// Every file is its own feed: two publishers' CSV files in one folder are two feeds, so rows
/// of one never merge into grants of the other. CSV files form one workbook (flatten-tool's
/// convention: one main sheet of grants, other sheets of rows keyed by `Identifier` that merge
/// into them) only when asked (`sheets`), or when a folder's CSV files are plainly such a
/// workbook (``isWorkbookOfSheets(_:)``).
///
/// ```swift
/// for group in try FeedGroups.group(["downloads/"], sheets: false) {
///   let feed = try GrantFeed(paths: group.files)
/// }
/// ```
public enum FeedGroups {
  /// The files of one feed, and why they are together.
  public struct Group: Sendable, Equatable {
    public var files: [String]
    /// How the files came to be one feed, when there are several.
    public var joined: Joining?

    public enum Joining: Sendable, Equatable {
      /// `--sheets`: every CSV input is a sheet of one workbook.
      case asked
      /// A folder whose CSV files are one main sheet and sheets keyed by Identifier.
      case workbookFolder(String)
    }

    public init(files: [String], joined: Joining? = nil) {
      self.files = files
      self.joined = joined
    }
  }

  /// The feeds `paths` name (a folder names the files in it, ``InputPaths``), in the order
  /// given: each file alone, except CSV files joined as described above (`format` overrides
  /// every file's extension, as `--input-format` does).
  /// - Throws: ``FeedError`` for a folder that cannot be listed or holds no file giving reads.
  public static func group(_ paths: [String], format: FeedFormat? = nil, sheets: Bool) throws -> [Group] {
    func isCSV(_ path: String) -> Bool {
      (format ?? FeedFormat(pathExtension: URL(fileURLWithPath: path).pathExtension)) == .csv
    }
    if sheets {
      var groups: [Group] = []
      var csv: [String] = []
      for file in try InputPaths.expand(paths) {
        if isCSV(file) { csv.append(file) } else { groups.append(Group(files: [file])) }
      }
      if !csv.isEmpty { groups.insert(Group(files: csv, joined: csv.count > 1 ? .asked : nil), at: 0) }
      return groups
    }
    var groups: [Group] = []
    for path in paths {
      let files = try InputPaths.expand([path])
      let csv = files.filter(isCSV)
      if files.count > 1, csv.count > 1, isWorkbookOfSheets(csv) {
        groups.append(Group(files: csv, joined: .workbookFolder(path)))
        groups += files.filter { !isCSV($0) }.map { Group(files: [$0]) }
      } else {
        groups += files.map { Group(files: [$0]) }
      }
    }
    return groups
  }

  /// Whether `files` are the sheets of one workbook in the standard's sense: exactly one main
  /// sheet (an Identifier and grant fields of its own, such as Title) and every other sheet an
  /// Identifier and only fields inside lists or objects of the grant (`Beneficiary
  /// Location:Name`). A file whose heading row cannot be read is not a sheet of a workbook.
  public static func isWorkbookOfSheets(_ files: [String]) -> Bool {
    let mapper = HeadingMapper(titles: .grant)
    var mainSheets = 0
    for file in files {
      guard let headings = firstRow(of: file) else { return false }
      let paths = headings.map { mapper.path(for: $0) }.filter { !$0.isEmpty }
      guard paths.contains("id") else { return false }
      if paths.contains(where: { $0 != "id" && !$0.contains("/") }) {
        mainSheets += 1
      }
    }
    return mainSheets == 1
  }

  /// The cells of the first row of a CSV file, or `nil` if it cannot be read.
  private static func firstRow(of file: String) -> [String]? {
    struct Stop: Error {}
    var row: [String]?
    do {
      try CSVWorkbook(files: [URL(fileURLWithPath: file)]).readRows(sheet: 0) { first in
        row = first.cells.map { $0?.text ?? "" }
        throw Stop()
      }
    } catch is Stop {
    } catch {
      return nil
    }
    return row
  }
}
