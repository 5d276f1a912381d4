internal import CZlibChecksum
internal import Foundation
internal import ZIPFoundation

/// How much a zip container may make giving inflate, per entry. Reading stops as soon as a
/// running total passes a limit, so a zip bomb costs at most `maxEntryBytes` of work.
struct ZipLimits: Sendable {
  /// The most one entry may inflate to (declared or actual).
  var maxEntryBytes: Int64 = 2 << 30
  /// Beyond `ratioThreshold` inflated bytes, an entry may not inflate more than this many times
  /// its compressed size.
  var maxRatio: Int64 = 200
  var ratioThreshold: Int64 = 256 << 20
  /// The most a part held in memory (workbook, relationships, styles) may inflate to.
  var maxPartBytes: Int64 = 64 << 20
  /// The most entries a container may list.
  var maxEntries = 100_000

  static let standard = ZipLimits()
}

/// The one user of ZIPFoundation in GivingKit: reads the entries of a zip container (XLSX, ODS)
/// with every size checked, and writes new containers (``ZipWriter``).
///
/// The central directory is read here (bounded), and each entry is inflated through
/// ZIPFoundation's `Data.decompress` with a provider that never reads past the entry's
/// compressed bytes, so a truncated or hostile stream ends in an error, never a loop. Each
/// entry's CRC-32 is checked here through zlib (see ``checksum(_:continuing:)``).
final class ZipContainer {
  /// One central-directory entry: where its data is and how large it says it is.
  struct Entry {
    var path: String
    var method: UInt16
    var crc32: UInt32
    var compressedSize: Int64
    var uncompressedSize: Int64
    var localHeaderOffset: Int64
  }

  /// The file as named in messages.
  let file: String
  /// "XLSX" or "ODS", for messages.
  let kind: String
  let limits: ZipLimits
  /// Entries in central-directory order.
  private(set) var entries: [Entry] = []
  private var byLowercasedPath: [String: Int] = [:]
  private let handle: FileHandle
  private let fileSize: Int64

  /// Opens `url` and reads its central directory.
  /// - Throws: ``FeedError/malformedSpreadsheet(file:sheet:reason:)`` when the file is not a zip
  ///   (or is truncated, encrypted, or names an entry outside the container) and
  ///   ``FeedError/limitExceeded(file:reason:)`` when its directory is too large.
  init(url: URL, kind: String, limits: ZipLimits = .standard) throws {
    file = url.path
    self.kind = kind
    self.limits = limits
    guard FileManager.default.fileExists(atPath: url.path) else { throw FeedError.fileNotFound(file: url.path) }
    do {
      handle = try FileHandle(forReadingFrom: url)
      fileSize = Int64(try handle.seekToEnd())
    } catch {
      throw FeedError.unreadable(file: url.path, reason: FeedError.describe(error))
    }
    try readCentralDirectory()
  }

  deinit { try? handle.close() }

  private func notThisKind(_ detail: String? = nil) -> FeedError {
    let ext = URL(fileURLWithPath: file).pathExtension.lowercased()
    var reason = "the file has extension .\(ext) but isn't an \(kind) file"
    if let detail { reason += " (\(detail))" }
    return FeedError.malformedSpreadsheet(file: file, sheet: nil, reason: reason)
  }

  private func corrupt(_ detail: String) -> FeedError {
    FeedError.malformedSpreadsheet(file: file, sheet: nil, reason: "the \(kind) container is damaged: \(detail)")
  }

  private func bytes(at offset: Int64, count: Int) throws -> [UInt8] {
    [UInt8](try data(at: offset, count: count))
  }

  private func data(at offset: Int64, count: Int) throws -> Data {
    guard offset >= 0, count >= 0, offset + Int64(count) <= fileSize else {
      throw corrupt("a record lies beyond the end of the file")
    }
    if count == 0 { return Data() }
    do {
      try handle.seek(toOffset: UInt64(offset))
      let data = try handle.read(upToCount: count) ?? Data()
      guard data.count == count else { throw corrupt("the file ends early") }
      return data
    } catch let error as FeedError {
      throw error
    } catch {
      throw FeedError.unreadable(file: file, reason: FeedError.describe(error))
    }
  }

  private func readCentralDirectory() throws {
    if fileSize >= 8 {
      let head = try bytes(at: 0, count: 8)
      if head == [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1] {
        throw notThisKind("it is an OLE compound file: a password-protected workbook or an old .xls file")
      }
    }
    guard fileSize >= 22 else { throw notThisKind(fileSize == 0 ? "it is empty" : nil) }
    let tailCount = Int(min(fileSize, 22 + 65_535))
    let tailStart = fileSize - Int64(tailCount)
    let tail = try bytes(at: tailStart, count: tailCount)
    var eocd: Int?
    var i = tail.count - 22
    while i >= 0 {
      if tail[i] == 0x50, tail[i + 1] == 0x4B, tail[i + 2] == 0x05, tail[i + 3] == 0x06 {
        eocd = i
        break
      }
      i -= 1
    }
    guard let eocd else { throw notThisKind() }
    var count = Int64(le16(tail, eocd + 10))
    var cdSize = Int64(le32(tail, eocd + 12))
    var cdOffset = Int64(le32(tail, eocd + 16))
    if count == 0xFFFF || cdSize == 0xFFFF_FFFF || cdOffset == 0xFFFF_FFFF {
      // ZIP64: the locator sits just before the end-of-central-directory record.
      let locator = eocd - 20
      guard locator >= 0, le32(tail, locator) == 0x0706_4B50 else { throw corrupt("missing zip64 locator") }
      let recordOffset = Int64(bitPattern: le64(tail, locator + 8))
      let record = try bytes(at: recordOffset, count: 56)
      guard le32(record, 0) == 0x0606_4B50 else { throw corrupt("missing zip64 directory record") }
      count = Int64(bitPattern: le64(record, 32))
      cdSize = Int64(bitPattern: le64(record, 40))
      cdOffset = Int64(bitPattern: le64(record, 48))
    }
    guard count >= 0, count <= Int64(limits.maxEntries) else {
      throw FeedError.limitExceeded(file: file, reason: "the \(kind) container lists \(count) entries, more than the \(limits.maxEntries) giving reads")
    }
    guard cdSize >= 0, cdSize <= 64 << 20 else {
      throw FeedError.limitExceeded(file: file, reason: "the \(kind) container's directory is larger than 64 MiB")
    }
    let cd = try bytes(at: cdOffset, count: Int(cdSize))
    var p = 0
    for _ in 0..<count {
      guard p + 46 <= cd.count, le32(cd, p) == 0x0201_4B50 else { throw corrupt("bad central directory entry") }
      let flags = le16(cd, p + 8)
      let method = le16(cd, p + 10)
      let crc = le32(cd, p + 16)
      var csize = Int64(le32(cd, p + 20))
      var usize = Int64(le32(cd, p + 24))
      let nameLength = Int(le16(cd, p + 28))
      let extraLength = Int(le16(cd, p + 30))
      let commentLength = Int(le16(cd, p + 32))
      var offset = Int64(le32(cd, p + 42))
      let nameStart = p + 46
      let extraStart = nameStart + nameLength
      let next = extraStart + extraLength + commentLength
      guard next <= cd.count else { throw corrupt("bad central directory entry") }
      let path = String(decoding: cd[nameStart..<extraStart], as: UTF8.self)
      // ZIP64 extra field: the sizes and offset that overflowed 32 bits, in this order.
      var e = extraStart
      while e + 4 <= extraStart + extraLength {
        let id = le16(cd, e)
        let size = Int(le16(cd, e + 2))
        let body = e + 4
        guard body + size <= extraStart + extraLength else { break }
        if id == 0x0001 {
          var f = body
          if usize == 0xFFFF_FFFF, f + 8 <= body + size { usize = Int64(bitPattern: le64(cd, f)); f += 8 }
          if csize == 0xFFFF_FFFF, f + 8 <= body + size { csize = Int64(bitPattern: le64(cd, f)); f += 8 }
          if offset == 0xFFFF_FFFF, f + 8 <= body + size { offset = Int64(bitPattern: le64(cd, f)) }
        }
        e = body + size
      }
      p = next
      if flags & 1 != 0 {
        throw FeedError.malformedSpreadsheet(
          file: file, sheet: nil, reason: "the \(kind) container is encrypted (entry '\(path)')")
      }
      let components = path.split(separator: "/", omittingEmptySubsequences: false)
      if path.hasPrefix("/") || path.contains("\\") || components.contains("..") || path.contains("\0") {
        throw FeedError.malformedSpreadsheet(
          file: file, sheet: nil, reason: "the \(kind) container has an entry with an unsafe path '\(path)'")
      }
      guard csize >= 0, usize >= 0, offset >= 0, csize <= fileSize, offset < fileSize else {
        throw corrupt("entry '\(path)' has impossible sizes or lies beyond the end of the file")
      }
      let entry = Entry(
        path: path, method: method, crc32: crc, compressedSize: csize, uncompressedSize: usize,
        localHeaderOffset: offset)
      byLowercasedPath[path.lowercased()] = entries.count
      entries.append(entry)
    }
    // Entries whose data overlap (several names for one bomb) are refused.
    let ordered = entries.sorted { $0.localHeaderOffset < $1.localHeaderOffset }
    for (a, b) in zip(ordered, ordered.dropFirst()) where a.localHeaderOffset + 30 + a.compressedSize > b.localHeaderOffset {
      throw FeedError.limitExceeded(
        file: file, reason: "entries '\(a.path)' and '\(b.path)' share their data (an overlapping zip bomb?)")
    }
  }

  /// The entry at `path` (compared without case, as OPC part names are), if any.
  func entry(_ path: String) -> Entry? {
    byLowercasedPath[path.lowercased()].map { entries[$0] }
  }

  /// The bytes of entry `path`, held in memory (for small parts).
  /// - Throws: ``FeedError`` if the entry is missing, damaged or larger than `maxPartBytes`.
  func data(_ path: String) throws -> [UInt8] {
    guard let entry = entry(path) else {
      throw FeedError.malformedSpreadsheet(file: file, sheet: nil, reason: "the \(kind) file has no part '\(path)'")
    }
    var out: [UInt8] = []
    out.reserveCapacity(Int(min(entry.uncompressedSize, 1 << 20)))
    try inflate(entry, limit: limits.maxPartBytes) { out.append(contentsOf: $0) }
    return out
  }

  /// Inflates entry `path` (at most `limit` bytes, by default `maxEntryBytes`) into a new
  /// temporary file and returns its URL; the caller deletes it.
  /// - Throws: ``FeedError`` if the entry is missing, damaged or breaks a limit (the file is
  ///   removed first).
  func extractToTemporaryFile(_ path: String, limit: Int64? = nil) throws -> URL {
    guard let entry = entry(path) else {
      throw FeedError.malformedSpreadsheet(file: file, sheet: nil, reason: "the \(kind) file has no part '\(path)'")
    }
    let url = Self.temporaryURL(suffix: ".xml")
    guard FileManager.default.createFile(atPath: url.path, contents: nil),
      let out = try? FileHandle(forWritingTo: url)
    else {
      throw FeedError.unreadable(file: file, reason: "cannot create a temporary file in '\(url.deletingLastPathComponent().path)'")
    }
    do {
      try inflate(entry, limit: limit ?? limits.maxEntryBytes) { chunk in
        do { try out.write(contentsOf: chunk) } catch {
          throw FeedError.unreadable(file: self.file, reason: "cannot write a temporary file: " + FeedError.describe(error))
        }
      }
      try out.close()
    } catch {
      try? out.close()
      try? FileManager.default.removeItem(at: url)
      throw error
    }
    return url
  }

  /// A fresh path in the temporary directory.
  static func temporaryURL(suffix: String) -> URL {
    FileManager.default.temporaryDirectory
      .appendingPathComponent("giving-\(getpid())-\(UUID().uuidString)\(suffix)")
  }

  private struct Stop: Error { let error: FeedError }

  /// Streams the inflated bytes of `entry` to `body` in chunks, enforcing every limit as it goes.
  fileprivate func inflate(_ entry: Entry, limit: Int64, _ body: (Data) throws -> Void) throws {
    let name = entry.path
    if entry.uncompressedSize > limit {
      throw FeedError.limitExceeded(
        file: file, reason: "entry '\(name)' declares \(entry.uncompressedSize) bytes, more than the \(limit) giving inflates")
    }
    if entry.uncompressedSize > limits.ratioThreshold,
      entry.uncompressedSize / max(entry.compressedSize, 1) > limits.maxRatio
    {
      throw FeedError.limitExceeded(
        file: file, reason: "entry '\(name)' would inflate more than \(limits.maxRatio) times (a zip bomb?)")
    }
    let header = try bytes(at: entry.localHeaderOffset, count: 30)
    guard le32(header, 0) == 0x0403_4B50 else { throw corrupt("entry '\(name)' has no local header") }
    let dataOffset = entry.localHeaderOffset + 30 + Int64(le16(header, 26)) + Int64(le16(header, 28))
    guard dataOffset + entry.compressedSize <= fileSize else { throw corrupt("entry '\(name)' is truncated") }
    var total: Int64 = 0
    func check(_ chunk: Data) throws {
      total += Int64(chunk.count)
      if total > limit {
        throw FeedError.limitExceeded(file: self.file, reason: "entry '\(name)' inflates to more than \(limit) bytes")
      }
      if total > entry.uncompressedSize {
        throw FeedError.limitExceeded(
          file: self.file, reason: "entry '\(name)' inflates to more than its declared \(entry.uncompressedSize) bytes (a zip bomb?)")
      }
      if total > self.limits.ratioThreshold, total / max(entry.compressedSize, 1) > self.limits.maxRatio {
        throw FeedError.limitExceeded(
          file: self.file, reason: "entry '\(name)' inflates more than \(self.limits.maxRatio) times (a zip bomb?)")
      }
      try body(chunk)
    }
    let chunkSize = 64 * 1024
    switch entry.method {
    case 0:
      guard entry.compressedSize == entry.uncompressedSize else { throw corrupt("stored entry '\(name)' has two sizes") }
      var position = dataOffset
      var crc: UInt32 = 0
      while position < dataOffset + entry.compressedSize {
        let n = Int(min(Int64(chunkSize), dataOffset + entry.compressedSize - position))
        let chunk = try data(at: position, count: n)
        crc = Self.checksum(chunk, continuing: crc)
        try check(chunk)
        position += Int64(n)
      }
      guard crc == entry.crc32 else { throw corrupt("entry '\(name)' fails its checksum") }
    case 8:
      var position = dataOffset
      let end = dataOffset + entry.compressedSize
      var exhausted = false
      var crc: UInt32 = 0
      do {
        _ = try Data.decompress(
          size: entry.compressedSize, bufferSize: chunkSize, skipCRC32: true,
          provider: { _, size in
            // Always hand back `size` bytes (the inflater assumes a full buffer), padding
            // with zeros past the entry's end; asking again after that means the stream is cut.
            guard !exhausted else { throw Stop(error: self.corrupt("entry '\(name)' is truncated")) }
            let n = Int(min(Int64(size), end - position))
            var chunk = try self.data(at: position, count: n)
            position += Int64(n)
            if n < size {
              exhausted = true
              chunk.append(Data(count: size - n))
            }
            return chunk
          },
          consumer: { chunk in
            crc = Self.checksum(chunk, continuing: crc)
            do { try check(chunk) } catch let error as FeedError { throw Stop(error: error) }
          })
      } catch let stop as Stop {
        throw stop.error
      } catch let error as FeedError {
        throw error
      } catch {
        throw corrupt("entry '\(name)' cannot be inflated")
      }
      guard crc == entry.crc32, total == entry.uncompressedSize else {
        throw corrupt("entry '\(name)' fails its checksum")
      }
    default:
      throw FeedError.malformedSpreadsheet(
        file: file, sheet: nil, reason: "entry '\(name)' uses compression method \(entry.method), which giving does not read")
    }
  }
}

extension ZipContainer {
  /// The CRC-32 of `bytes` continuing `crc`, through zlib's table-slicing `crc32`: ZIPFoundation
  /// falls back to a byte-at-a-time Swift table on Linux, measured at 6% of all the work of
  /// validating a 100k-row workbook.
  static func checksum(_ bytes: Data, continuing crc: UInt32) -> UInt32 {
    bytes.withUnsafeBytes { raw in
      guard let base = raw.bindMemory(to: Bytef.self).baseAddress, !raw.isEmpty else { return crc }
      return UInt32(truncatingIfNeeded: crc32(uLong(crc), base, uInt(raw.count)))
    }
  }
}

private func le16(_ b: [UInt8], _ i: Int) -> UInt16 {
  UInt16(b[i]) | UInt16(b[i + 1]) << 8
}

private func le32(_ b: [UInt8], _ i: Int) -> UInt32 {
  UInt32(b[i]) | UInt32(b[i + 1]) << 8 | UInt32(b[i + 2]) << 16 | UInt32(b[i + 3]) << 24
}

private func le64(_ b: [UInt8], _ i: Int) -> UInt64 {
  UInt64(le32(b, i)) | UInt64(le32(b, i + 4)) << 32
}

/// Writes a zip container (deflated entries) through ZIPFoundation, from files or bytes.
final class ZipWriter {
  private let archive: Archive
  let url: URL

  /// Creates a new, empty container at `url` (which must not exist).
  /// - Throws: ``FeedError/unreadable(file:reason:)`` if it cannot be created.
  init(url: URL) throws {
    self.url = url
    do {
      archive = try Archive(url: url, accessMode: .create)
    } catch {
      throw FeedError.unreadable(file: url.path, reason: "cannot create a zip file: \(error)")
    }
  }

  /// Adds an entry with `bytes`.
  func add(_ path: String, bytes: [UInt8]) throws {
    let data = Data(bytes)
    do {
      try archive.addEntry(
        with: path, type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate,
        provider: { position, size in
          let start = Int(position)
          return data.subdata(in: start..<min(start + size, data.count))
        })
    } catch {
      throw FeedError.unreadable(file: url.path, reason: "cannot add '\(path)' to the zip file: \(error)")
    }
  }

  /// Adds an entry with the contents of `file`, streamed.
  func add(_ path: String, file: URL) throws {
    do {
      try archive.addEntry(with: path, fileURL: file, compressionMethod: .deflate)
    } catch {
      throw FeedError.unreadable(file: url.path, reason: "cannot add '\(path)' to the zip file: \(error)")
    }
  }
}

extension ZipContainer {
  /// Inflates entry `path` (at most `limit` bytes, by default `maxEntryBytes`) on a second
  /// thread into a small bounded queue, for an ``XMLEventReader`` on this one: inflating and
  /// parsing then share two cores, and nothing is written to disk.
  ///
  /// Written because inflating a sheet to a temporary file before parsing it took more than a
  /// quarter of the time of reading a large workbook (perf, 100k rows). The container must not
  /// be used for anything else until the stream is closed.
  /// - Throws: ``FeedError`` if the entry is missing; errors met while inflating (a limit, a
  ///   damaged stream, a failed checksum) are thrown by the reader, in place of its own.
  func stream(_ path: String, limit: Int64? = nil) throws -> ZipEntryStream {
    guard let entry = entry(path) else {
      throw FeedError.malformedSpreadsheet(file: file, sheet: nil, reason: "the \(kind) file has no part '\(path)'")
    }
    let stream = ZipEntryStream(compressedShare: Double(entry.compressedSize) / Double(max(entry.uncompressedSize, 1)))
    let container = UncheckedSendable(self)
    let limit = limit ?? limits.maxEntryBytes
    let thread = Thread {
      do {
        try container.value.inflate(entry, limit: limit) { chunk in
          guard stream.push(chunk) else { throw CancellationError() }
        }
        stream.finish(nil)
      } catch let error as FeedError {
        stream.finish(error)
      } catch {
        stream.finish(nil)
      }
    }
    thread.start()
    return stream
  }
}

/// A value handed to another thread that is never used by two threads at once (see
/// ``ZipContainer/stream(_:limit:)``).
private struct UncheckedSendable<Value>: @unchecked Sendable {
  let value: Value
  init(_ value: Value) { self.value = value }
}

/// The inflated bytes of one zip entry, produced on one thread and read on another, with at
/// most ``capacity`` chunks (of 64 KiB) waiting in between.
final class ZipEntryStream: @unchecked Sendable {
  private let condition = NSCondition()
  private var chunks: [Data] = []
  private var current = Data()
  private var offset = 0
  private var finished = false
  private var closed = false
  /// Why inflating stopped early, once it has.
  private(set) var failure: FeedError?
  static let capacity = 16

  /// Where the bytes the reader takes are counted, as the share of the container's bytes
  /// they were inflated from, while set (the reader sets it; only the reader's thread reads it).
  var progress: ReadProgress?
  /// Compressed bytes per inflated byte of the entry.
  private let compressedShare: Double
  /// Inflated bytes taken while counting, and the compressed bytes counted for them.
  private var taken = 0
  private var counted = 0

  init(compressedShare: Double) {
    self.compressedShare = compressedShare
  }

  /// Adds a chunk, waiting for room; `false` once the reader has closed the stream.
  fileprivate func push(_ chunk: Data) -> Bool {
    if chunk.isEmpty { return true }  // an empty read would look like the end to the reader
    condition.lock()
    defer { condition.unlock() }
    while chunks.count >= Self.capacity && !closed { condition.wait() }
    if closed { return false }
    chunks.append(chunk)
    condition.broadcast()
    return true
  }

  fileprivate func finish(_ error: FeedError?) {
    condition.lock()
    failure = error
    finished = true
    condition.broadcast()
    condition.unlock()
  }

  /// Copies up to `count` bytes into `buffer`: the number copied, 0 at the end, −1 after a
  /// failure.
  func read(into buffer: UnsafeMutableRawPointer, count: Int) -> Int {
    if offset == current.count {
      condition.lock()
      while chunks.isEmpty && !finished { condition.wait() }
      if chunks.isEmpty {
        let failed = failure != nil
        condition.unlock()
        return failed ? -1 : 0
      }
      current = chunks.removeFirst()
      offset = 0
      condition.broadcast()
      condition.unlock()
    }
    let n = min(count, current.count - offset)
    current.withUnsafeBytes { bytes in
      buffer.copyMemory(from: bytes.baseAddress! + offset, byteCount: n)
    }
    offset += n
    if let progress {
      taken += n
      let share = Int(Double(taken) * compressedShare)
      progress.add(bytes: share - counted)
      counted = share
    }
    return n
  }

  /// Stops the inflating thread, waits for it to end, and frees the chunks still waiting.
  ///
  /// The chunks go now, not when the last reference to the stream does: that can be the
  /// inflating thread's, dropped only as the thread exits, after the reader has moved on
  /// (found by the fuzz targets' leak check).
  func close() {
    condition.lock()
    closed = true
    condition.broadcast()
    while !finished { condition.wait() }
    chunks = []
    current = Data()
    offset = 0
    condition.unlock()
  }

  /// Why inflating failed, once the reader has hit the end early.
  var error: FeedError? {
    condition.lock()
    defer { condition.unlock() }
    return failure
  }
}
