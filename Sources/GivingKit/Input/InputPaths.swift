public import Foundation

/// The files a command's path arguments name: a file stands for itself; a folder for every
/// file giving reads inside it (`.json`, `.csv`, `.xlsx`, `.ods`, `.xml`, in any case), in
/// subfolders too, hidden ones skipped, sorted by path so that runs repeat. Links to files are
/// read; links to folders are not followed, so a link back up the tree cannot loop.
///
/// ```swift
/// let files = try InputPaths.expand(["grants/", "extra.json"])
/// ```
public enum InputPaths {
  /// - Throws: ``FeedError/unreadable(file:reason:)`` for a folder that cannot be listed or
  ///   holds no file giving reads. Paths that do not exist are kept, for the reader to report.
  public static func expand(_ paths: [String]) throws -> [String] {
    var files: [String] = []
    for path in paths {
      var isFolder: ObjCBool = false
      guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue else {
        files.append(path)
        continue
      }
      let found = try readableFiles(in: path)
      if found.isEmpty {
        throw FeedError.unreadable(
          file: path, reason: "the folder holds no .json, .csv, .xlsx, .ods or .xml file")
      }
      files += found
    }
    return files
  }

  private static func readableFiles(in folder: String) throws -> [String] {
    let base = URL(fileURLWithPath: folder)
    guard
      let walker = FileManager.default.enumerator(
        at: base, includingPropertiesForKeys: [.isRegularFileKey], options: [.skipsHiddenFiles])
    else {
      throw FeedError.unreadable(file: folder, reason: "the folder cannot be listed")
    }
    var found: [String] = []
    for case let url as URL in walker {
      // A link to a file counts as the file; links to folders are not followed (no loops).
      guard FeedFormat(pathExtension: url.pathExtension) != nil,
        (try? url.resolvingSymlinksInPath().resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true
      else { continue }
      // Keep the folder as the user wrote it, so that reports name files the way they do.
      guard url.path.hasPrefix(base.path + "/") else {
        found.append(url.path)
        continue
      }
      let relative = url.path.dropFirst(base.path.count + 1)
      found.append(folder.hasSuffix("/") ? folder + relative : folder + "/" + relative)
    }
    return found.sorted()
  }
}
