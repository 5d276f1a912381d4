internal import Foundation

/// Cuts one CSV file into byte ranges that can be parsed independently, so that a large file
/// is read on every core (see ``ParallelCSVFeedReader``).
///
/// A cut must fall where a sequential read would see a record start and where no grant spans
/// it. The planner walks the file once from the start, jumping from quote to quote with
/// `memchr`, so it always knows whether a position is inside a quoted field. Near each target
/// size it takes the start of a record whose Identifier differs from that of the record before
/// it (both parsed with libcsv), so rows that merge into one grant are never split.
///
/// Anything it does not fully understand — a quote in the middle of an unquoted field, text
/// after a closing quote, a record longer than its window, a lone CR line ending — ends the
/// cutting: the rest of the file becomes one range, read exactly as a sequential read would.
final class CSVChunkPlanner {
  let url: URL
  let fileSize: Int
  /// The size each range aims at.
  let targetSize: Int
  /// The column of the Identifier.
  let idColumn: Int
  let encoding: CSVTextEncoding
  /// The most bytes a window may grow to while looking for a cut.
  static let maxWindow = 32 << 20
  /// Records tried after a target before giving up on cutting there.
  static let maxTries = 256

  private let handle: FileHandle
  /// The bytes being looked through for a cut (reused from window to window).
  private var window: [UInt8] = []
  /// Where the next range starts (a record start, outside any quote).
  private var start: Int
  private var cutting = true
  /// Where the first record starts (after a byte-order mark); the first range still starts at 0.
  private let firstOffset: Int

  /// - Parameter start: the offset of the first record (after a byte-order mark).
  init(url: URL, fileSize: Int, start: Int, targetSize: Int, idColumn: Int, encoding: CSVTextEncoding) throws {
    self.url = url
    self.fileSize = fileSize
    self.start = start
    self.firstOffset = start
    self.targetSize = max(targetSize, 1)
    self.idColumn = idColumn
    self.encoding = encoding
    do {
      handle = try FileHandle(forReadingFrom: url)
    } catch {
      throw FeedError.unreadable(file: url.path, reason: FeedError.describe(error))
    }
  }

  deinit { try? handle.close() }

  /// The next range, or `nil` once the file is covered. The first range starts at 0.
  func next() throws -> Range<Int>? {
    let first = start
    guard first < fileSize else { return nil }
    if cutting, let cut = try findCut(from: first) {
      start = cut
      return (first == firstOffset ? 0 : first)..<cut
    }
    cutting = false
    start = fileSize
    return (first == firstOffset ? 0 : first)..<fileSize
  }


  // MARK: - Finding a cut

  private enum Scan {
    case found(Int)
    case needMore
    case stop
  }

  /// The offset of a cut at least `targetSize` bytes after `from`, or `nil` when there is none
  /// (the rest of the file is small, or not understood).
  private func findCut(from: Int) throws -> Int? {
    guard fileSize - from > targetSize + targetSize / 2 else { return nil }
    // Room after the target for the record that holds it and a few more to verify the cut
    // (more is read when that is not enough); every byte of it is read again for the next cut.
    var windowSize = targetSize + max(targetSize / 4, 64 << 10)
    while true {
      let count = try fillWindow(from: from, count: windowSize)
      let atEnd = from + count >= fileSize
      func inWindow<T>(_ body: (UnsafeRawBufferPointer) -> T) -> T {
        window.withUnsafeBytes { body(UnsafeRawBufferPointer(rebasing: $0[..<count])) }
      }
      switch inWindow({ scanForCut(in: $0, base: from, atEnd: atEnd) }) {
      case .found(let cut): return inWindow { verifiedCut(cut, in: $0, base: from, atEnd: atEnd) }
      case .stop: return nil
      case .needMore:
        guard !atEnd, windowSize < Self.maxWindow else { return nil }
        windowSize *= 2
      }
    }
  }

  /// The first record start from `first` on (an offset in `bytes` just after a record end)
  /// whose record has an Identifier, differing from that of the record before it, which also
  /// lies past `first`; moves on record by record, at most ``maxTries`` times.
  private func verifiedCut(_ first: Int, in bytes: UnsafeRawBufferPointer, base: Int, atEnd: Bool) -> Int? {
    var scan = first
    func nextEnd() -> Int? {
      guard case .found(let end) = recordEnd(in: bytes, from: scan, atEnd: atEnd) else { return nil }
      scan = end
      return end
    }
    // Offsets just after three record ends: the record between the first two, then the next.
    guard let second = nextEnd(), var third = nextEnd() else { return nil }
    var previous = (base + first)..<(base + second)
    for _ in 0..<Self.maxTries {
      let next = previous.upperBound..<(base + third)
      // A record that cannot be read here (bad bytes, a limit) is no place to cut: the range
      // that holds it reports it, with its true line.
      if let a = try? idOfOnlyRecord(in: previous), let b = try? idOfOnlyRecord(in: next), a != b {
        return next.lowerBound
      }
      guard let following = nextEnd() else { return nil }
      previous = next
      third = following
    }
    return nil
  }

  /// Walks `bytes` (file offset `base`, a record start outside quotes) to the target, then
  /// to the end of the record that holds it.
  private func scanForCut(in bytes: UnsafeRawBufferPointer, base: Int, atEnd: Bool) -> Scan {
    var position = 0
    // Jump from quoted field to quoted field until past the target.
    while let quote = Self.find(UInt8(ascii: "\""), in: bytes, from: position), quote < targetSize {
      switch closedField(in: bytes, openingAt: quote, atEnd: atEnd) {
      case .found(let after): position = after
      case .needMore: return .needMore
      case .stop: return .stop
      }
    }
    // `position` is outside quotes and nothing between it and the target is quoted.
    return recordEnd(in: bytes, from: max(position, targetSize), atEnd: atEnd)
  }

  /// The offset just after the first LF at or after `from` that is outside quotes (`from` is
  /// outside quotes).
  private func recordEnd(in bytes: UnsafeRawBufferPointer, from: Int, atEnd: Bool) -> Scan {
    var position = from
    while true {
      guard let newline = Self.find(0x0A, in: bytes, from: position) else {
        return atEnd ? .stop : .needMore
      }
      if let quote = Self.find(UInt8(ascii: "\""), in: bytes, from: position), quote < newline {
        switch closedField(in: bytes, openingAt: quote, atEnd: atEnd) {
        case .found(let after): position = after
        case .needMore: return .needMore
        case .stop: return .stop
        }
        continue
      }
      return .found(newline + 1)
    }
  }

  /// For a quote at `quote` that must open a quoted field: the offset just after the field's
  /// closing quote. `.stop` when the quote does not open a field (a literal quote, as Python
  /// reads it) or text follows the closing quote: cases a cut is not risked near.
  private func closedField(in bytes: UnsafeRawBufferPointer, openingAt quote: Int, atEnd: Bool) -> Scan {
    if quote > 0 {
      let before = bytes[quote - 1]
      guard before == UInt8(ascii: ",") || before == 0x0A || before == 0x0D else { return .stop }
    }
    var position = quote + 1
    while true {
      guard let close = Self.find(UInt8(ascii: "\""), in: bytes, from: position) else {
        return atEnd ? .stop : .needMore
      }
      guard close + 1 < bytes.count else { return atEnd ? .found(close + 1) : .needMore }
      let after = bytes[close + 1]
      if after == UInt8(ascii: "\"") {
        position = close + 2
        continue
      }
      guard after == UInt8(ascii: ",") || after == 0x0A || after == 0x0D else { return .stop }
      return .found(close + 1)
    }
  }

  /// The Identifier of the one record in `range`, or `nil` when the range does not hold
  /// exactly one record or its Identifier is empty.
  private func idOfOnlyRecord(in range: Range<Int>) throws -> String? {
    let reader = try CSVRecordReader(url: url, encoding: encoding, range: range)
    var records: [SheetRow] = []
    try reader.read { records.append($0.row) }
    guard records.count == 1, idColumn < records[0].cells.count,
      case .text(let id)? = records[0].cells[idColumn], !id.isEmpty
    else { return nil }
    return id
  }

  /// Reads up to `count` bytes at `offset` into ``window`` and says how many it read (fewer
  /// only at the end of the file). pread(2) into one reused buffer: `FileHandle.read` returns
  /// a `Data` that would be copied again (measured: 6% of the calling thread's time).
  private func fillWindow(from offset: Int, count: Int) throws -> Int {
    if window.count < count { window = [UInt8](repeating: 0, count: count) }
    let descriptor = handle.fileDescriptor
    var filled = 0
    var failure: Int32 = 0
    window.withUnsafeMutableBytes { buffer in
      while filled < count {
        let n = pread(descriptor, buffer.baseAddress! + filled, count - filled, off_t(offset + filled))
        if n < 0 && errno == EINTR { continue }
        if n < 0 { failure = errno }
        if n <= 0 { break }
        filled += n
      }
    }
    if failure != 0 { throw FeedError.unreadable(file: url.path, reason: String(cString: strerror(failure))) }
    return filled
  }

  private static func find(_ byte: UInt8, in bytes: UnsafeRawBufferPointer, from: Int) -> Int? {
    guard from < bytes.count, let base = bytes.baseAddress else { return nil }
    guard let found = memchr(base + from, Int32(byte), bytes.count - from) else { return nil }
    return UnsafeRawPointer(found) - base
  }
}
