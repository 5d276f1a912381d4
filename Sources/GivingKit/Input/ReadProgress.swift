internal import Foundation
import Synchronization

/// How far the reading of some feeds has got: bytes read of the total, grants read, and the
/// file being read. Readers update it as they go; another thread (a progress bar) may look at
/// it at any time.
///
/// Readers count a chunk of input at a time (a megabyte of JSON, XML or CSV; the compressed
/// bytes behind 64 KiB of a workbook's sheet; a range of a CSV file read on every core) and
/// grants in batches, so counting costs a few atomic additions per megabyte. A workbook's
/// small parts (styles, relationships) are not counted.
///
/// ```swift
/// var feed = try GrantFeed(paths: ["grants.csv"])
/// let progress = ReadProgress(feeds: [feed])
/// feed.progress = progress
/// try feed.read { _ in }  // meanwhile, another thread reads progress.bytesRead
/// ```
public final class ReadProgress: Sendable {
  private let total: Atomic<Int>
  private let bytes = Atomic<Int>(0)
  private let grants = Atomic<Int>(0)
  private let currentFile = Mutex<String?>(nil)

  /// Progress towards reading `totalBytes` bytes.
  public init(totalBytes: Int) {
    total = Atomic(totalBytes)
  }

  /// Progress towards reading every file of `feeds` once.
  public convenience init(feeds: [GrantFeed]) {
    self.init(totalBytes: feeds.reduce(0) { $0 + $1.byteCount })
  }

  /// Progress towards reading the files at `paths` once.
  public convenience init(paths: [String]) {
    self.init(totalBytes: paths.reduce(0) { $0 + Self.size(of: $1) })
  }

  /// The size of the file at `path` in bytes; 0 when it cannot be read.
  static func size(of path: String) -> Int {
    (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
  }

  /// The bytes to read in all.
  public var totalBytes: Int { total.load(ordering: .relaxed) }

  /// The bytes read so far, never more than ``totalBytes`` (which a feed read more often than
  /// the total allows for would pass).
  public var bytesRead: Int { min(bytes.load(ordering: .relaxed), totalBytes) }

  /// The grants read so far.
  public var grantsRead: Int { grants.load(ordering: .relaxed) }

  /// The file most recently started, when one has been.
  public var file: String? { currentFile.withLock { $0 } }

  /// Adds `count` bytes to read to the total: for a consumer that reads a feed more than once
  /// (a sheet writer learns the columns, then writes the rows).
  func expect(bytes count: Int) {
    total.add(count, ordering: .relaxed)
  }

  func add(bytes count: Int) {
    bytes.add(count, ordering: .relaxed)
  }

  func add(grants count: Int) {
    grants.add(count, ordering: .relaxed)
  }

  /// Notes that reading `file` has begun (several files may be read at once: the last one
  /// started is shown).
  func reading(_ file: String) {
    currentFile.withLock { $0 = file }
  }
}

extension GrantFeed {
  /// The size of the feed's files, in bytes (0 for a file whose size cannot be read).
  public var byteCount: Int {
    files.reduce(0) { $0 + ReadProgress.size(of: $1.path) }
  }
}
