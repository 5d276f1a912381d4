public import Foundation

/// The bundled 360Giving 1.4.3 schemas, codelists, extensions and org-id list (see
/// `PROVENANCE.md`). Nothing is fetched at run time.
public enum GivingSchemas {
  /// The folder holding `360-giving-schema.json`, `360-giving-package-schema.json`,
  /// `codelists/`, `extensions/` and `org-id/`.
  public static var directory: URL {
    ResourceFolder.locate(bundle: "giving_GivingSchemas.resources", folder: "360Giving", source: #filePath)
  }
}

/// Finds a folder of resources that SwiftPM copies beside the executable, as `Bundle.module`
/// does but without its fatal error when the folder is missing (a `giving` binary copied
/// without its `.resources` folders crashed): beside the executable, beside the file a symlink
/// to it points at, then in the source tree it was built from. When none exists, the first
/// place is returned, so that reading it fails with a message that names it.
public enum ResourceFolder {
  public static func locate(bundle: String, folder: String, source: String) -> URL {
    var candidates: [URL] = []
    if let executable = Bundle.main.executableURL {
      for directory in [executable, executable.resolvingSymlinksInPath()].map({ $0.deletingLastPathComponent() }) {
        candidates.append(directory.appendingPathComponent(bundle).appendingPathComponent(folder, isDirectory: true))
      }
    }
    candidates.append(URL(fileURLWithPath: source).deletingLastPathComponent().appendingPathComponent(folder, isDirectory: true))
    return candidates.first { FileManager.default.fileExists(atPath: $0.path) } ?? candidates[0]
  }
}
