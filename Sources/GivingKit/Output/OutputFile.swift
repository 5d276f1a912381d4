internal import Foundation

/// A file written atomically: bytes go to a temporary file beside the destination, which
/// replaces the destination only on ``commit()``. A run that fails leaves nothing behind.
///
/// Writing to standard output (`path == "-"`) streams directly, unless `holdingStandardOutput`
/// is set: then the bytes go to a temporary file and are copied to standard output on
/// ``commit()`` (`convert --strict`, which must print nothing when it refuses).
public final class OutputFile {
  public let path: String
  private let temporaryPath: String?
  private let handle: FileHandle
  private let isHeldStandardOutput: Bool
  private var isFinished = false

  /// - Throws: ``FeedError/unreadable(file:reason:)`` if the temporary file cannot be created.
  public init(path: String, holdingStandardOutput: Bool = false) throws {
    self.path = path
    isHeldStandardOutput = path == "-" && holdingStandardOutput
    if path == "-" && !holdingStandardOutput {
      temporaryPath = nil
      handle = FileHandle.standardOutput
      return
    }
    let url = URL(fileURLWithPath: isHeldStandardOutput ? NSTemporaryDirectory() + "/standard-output" : path)
    let directory = url.deletingLastPathComponent().path
    let temporary = directory + "/." + url.lastPathComponent + ".giving-\(getpid())-\(UUID().uuidString.prefix(8)).tmp"
    guard FileManager.default.createFile(atPath: temporary, contents: nil) else {
      throw FeedError.unreadable(file: path, reason: "cannot create a file in '\(directory)'")
    }
    temporaryPath = temporary
    do {
      handle = try FileHandle(forWritingTo: URL(fileURLWithPath: temporary))
    } catch {
      try? FileManager.default.removeItem(atPath: temporary)
      throw FeedError.unreadable(file: path, reason: FeedError.describe(error))
    }
  }

  deinit {
    if !isFinished { discard() }
  }

  public func write(_ bytes: [UInt8]) throws {
    do {
      try handle.write(contentsOf: bytes)
    } catch {
      throw FeedError.unreadable(file: path, reason: FeedError.describe(error))
    }
  }

  public func write(_ string: String) throws {
    try write(Array(string.utf8))
  }

  /// Moves the finished file into place.
  public func commit() throws {
    guard !isFinished else { return }
    isFinished = true
    guard let temporaryPath else { return }
    try? handle.close()
    if isHeldStandardOutput {
      defer { try? FileManager.default.removeItem(atPath: temporaryPath) }
      do {
        let input = try FileHandle(forReadingFrom: URL(fileURLWithPath: temporaryPath))
        defer { try? input.close() }
        while let chunk = try input.read(upToCount: 1 << 20), !chunk.isEmpty {
          try FileHandle.standardOutput.write(contentsOf: chunk)
        }
      } catch {
        throw FeedError.unreadable(file: path, reason: FeedError.describe(error))
      }
      return
    }
    if rename(temporaryPath, path) != 0 {
      let reason = String(cString: strerror(errno))
      try? FileManager.default.removeItem(atPath: temporaryPath)
      throw FeedError.unreadable(file: path, reason: reason)
    }
  }

  /// Removes the temporary file; the destination is untouched.
  public func discard() {
    guard !isFinished else { return }
    isFinished = true
    try? handle.close()
    if let temporaryPath { try? FileManager.default.removeItem(atPath: temporaryPath) }
  }
}
