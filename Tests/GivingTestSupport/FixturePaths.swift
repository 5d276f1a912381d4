public import Foundation

/// Paths to the files in `Fixtures/` (copied from the shared reference material, see
/// `Fixtures/SOURCES.md`) and to the built `giving` binary.
public enum FixturePaths {
  /// The package root, found from this source file's path.
  public static let root: URL = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

  public static let fixtures = root.appendingPathComponent("Fixtures")

  /// A file or folder below `Fixtures/`.
  public static func url(_ relativePath: String) -> URL {
    fixtures.appendingPathComponent(relativePath)
  }

  /// The files of a folder below `Fixtures/` (sorted), optionally only those with one of `extensions`.
  public static func files(in relativePath: String, extensions: Set<String> = []) -> [URL] {
    let folder = url(relativePath)
    let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
    return names.sorted()
      .map { folder.appendingPathComponent($0) }
      .filter { extensions.isEmpty || extensions.contains($0.pathExtension.lowercased()) }
  }

  /// The `giving` executable that `swift build` made for these tests: in `.build/debug`, or in
  /// the build folder `GIVING_BUILD` names (`make test-sanitize` builds elsewhere).
  public static var givingBinary: URL {
    let folder = ProcessInfo.processInfo.environment["GIVING_BUILD"] ?? ".build/debug"
    return root.appendingPathComponent(folder).appendingPathComponent("giving")
  }

  /// The `giving` executable that `make release` (and `make test`) built: the build people run.
  public static var releaseGivingBinary: URL {
    root.appendingPathComponent(".build/release/giving")
  }
}

/// What running a process printed and returned.
public struct ProcessResult: Sendable {
  public var status: Int32
  public var standardOutput: String
  public var standardError: String
}

/// Runs the built `giving` binary with `arguments` (in `directory`, if given).
public func runGiving(
  _ arguments: [String], in directory: URL? = nil, executable: URL = FixturePaths.givingBinary
) throws -> ProcessResult {
  let process = Process()
  process.executableURL = executable
  process.arguments = arguments
  if let directory { process.currentDirectoryURL = directory }
  var environment = ProcessInfo.processInfo.environment
  environment["NO_COLOR"] = "1"
  process.environment = environment
  let out = Pipe()
  let err = Pipe()
  process.standardOutput = out
  process.standardError = err
  try process.run()
  // Read both pipes concurrently so a large output cannot fill one and block the child.
  nonisolated(unsafe) var errData = Data()
  let group = DispatchGroup()
  group.enter()
  DispatchQueue.global().async {
    errData = err.fileHandleForReading.readDataToEndOfFile()
    group.leave()
  }
  let outData = out.fileHandleForReading.readDataToEndOfFile()
  group.wait()
  process.waitUntilExit()
  return ProcessResult(
    status: process.terminationStatus,
    standardOutput: String(decoding: outData, as: UTF8.self),
    standardError: String(decoding: errData, as: UTF8.self))
}
