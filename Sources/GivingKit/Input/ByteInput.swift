internal import Foundation

/// Reads a file in fixed-size chunks, so that a reader never holds a whole file in memory.
///
/// Tracks the absolute byte offset, the current line (1-based) and where that line starts,
/// which is all a text reader needs to report `line:column`.
final class ByteInput {
  static let defaultChunkSize = 1 << 20

  let path: String
  private let handle: FileHandle?
  private var chunk: [UInt8]
  private let source: [UInt8]?
  /// The bytes currently buffered and the read position within them.
  private(set) var buffer: UnsafeMutableBufferPointer<UInt8>
  var position = 0
  var end = 0
  /// Absolute offset of `buffer[0]` in the input.
  private(set) var bufferOffset = 0
  private(set) var isExhausted = false
  /// Bytes still to read from the file before the range given at `init` ends.
  private var remaining = Int.max

  var line = 1
  /// Absolute offset of the first byte of the current line.
  var lineStart = 0
  /// Where each chunk read from the file is counted, when set.
  var progress: ReadProgress?

  /// Opens `url` for chunked reading.
  /// - Throws: ``FeedError/unreadable(file:reason:)`` if the file cannot be opened.
  /// - Parameter range: the bytes of the file to read (all of it when `nil`); offsets stay
  ///   absolute, so ``offset`` starts at `range.lowerBound`.
  init(url: URL, chunkSize: Int = ByteInput.defaultChunkSize, range: Range<Int>? = nil) throws {
    path = url.path
    do {
      handle = try FileHandle(forReadingFrom: url)
      if let range {
        try handle?.seek(toOffset: UInt64(range.lowerBound))
        bufferOffset = range.lowerBound
        lineStart = range.lowerBound
        remaining = range.count
      }
    } catch {
      throw FeedError.unreadable(file: url.path, reason: FeedError.describe(error))
    }
    source = nil
    chunk = []
    buffer = .allocate(capacity: chunkSize)
  }

  /// Reads from bytes already in memory (tests, and inputs that arrive as data).
  init(bytes: [UInt8], path: String = "<memory>") {
    self.path = path
    handle = nil
    source = bytes
    chunk = []
    buffer = .allocate(capacity: max(bytes.count, 1))
    _ = buffer.initialize(from: bytes)
    end = bytes.count
    isExhausted = true
  }

  deinit {
    buffer.deallocate()
    try? handle?.close()
  }

  /// The absolute offset of the read position.
  var offset: Int { bufferOffset + position }

  /// The 1-based column of the read position on its line, in bytes.
  var column: Int { offset - lineStart + 1 }

  /// Makes at least one unread byte available; returns `false` at end of input.
  @inline(__always)
  func ensure() throws -> Bool {
    if position < end { return true }
    return try refill()
  }

  @inline(__always)
  func peek() throws -> UInt8? {
    if position < end { return buffer[position] }
    return try refill() ? buffer[position] : nil
  }

  /// Discards consumed bytes and reads the next chunk.
  func refill() throws -> Bool {
    guard !isExhausted, remaining > 0, let handle else { return position < end }
    // Keep unread bytes (a refill only happens when none are left, but stay general).
    let unread = end - position
    if unread > 0, position > 0 {
      buffer.baseAddress!.update(from: buffer.baseAddress! + position, count: unread)
    }
    bufferOffset += position
    position = 0
    end = unread
    // Straight into the buffer with read(2): `FileHandle.read` returns a `Data` that would be
    // copied again.
    var count: Int
    repeat {
      count = read(handle.fileDescriptor, buffer.baseAddress! + unread, min(buffer.count - unread, remaining))
    } while count < 0 && errno == EINTR
    if count < 0 {
      throw FeedError.unreadable(file: path, reason: String(cString: strerror(errno)))
    }
    guard count > 0 else {
      isExhausted = true
      return end > 0
    }
    end = unread + count
    remaining -= count
    progress?.add(bytes: count)
    return true
  }
}
