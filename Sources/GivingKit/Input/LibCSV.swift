internal import CLibCSV
internal import Foundation

/// One record of a CSV file: its row (record number, header = 1, and cells) and the physical
/// line it starts on (differs from the record number once a quoted field spans lines).
struct CSVRecord: Sendable, Hashable {
  /// The record number (header = 1; blank lines are not records) and the cells.
  var row: SheetRow
  /// The 1-based physical line the record starts on (LF, CRLF and lone CR each end a line).
  var line: Int
}

/// The fields of one record, as ``CSVRecordReader/readFields(_:)`` reads them: bytes borrowed
/// from the reader, valid only during the call they are handed to.
struct CSVFields {
  /// The record number (header = 1; blank lines are not records).
  let number: Int
  fileprivate let base: UnsafePointer<UInt8>
  fileprivate let start: Int32
  fileprivate let ends: UnsafeBufferPointer<Int32>

  /// How many fields the record has.
  var count: Int { ends.count }

  /// The bytes of field `column` (none past the last field).
  func bytes(_ column: Int) -> UnsafeBufferPointer<UInt8> {
    guard column >= 0, column < ends.count else { return UnsafeBufferPointer(start: base, count: 0) }
    let from = column == 0 ? start : ends[column - 1]
    return UnsafeBufferPointer(start: base + Int(from), count: Int(ends[column] - from))
  }

  /// Whether field `column` is empty or missing.
  func isEmpty(_ column: Int) -> Bool {
    guard column >= 0, column < ends.count else { return true }
    return ends[column] == (column == 0 ? start : ends[column - 1])
  }

  /// The text of field `column`, or `nil` when it is empty or missing (a placeholder for a
  /// column whose text was not asked for).
  func text(_ column: Int) -> String? {
    let bytes = bytes(column)
    return bytes.isEmpty ? nil : String(decoding: bytes, as: UTF8.self)
  }
}

/// Limits that keep hostile CSV input from taking unbounded memory.
enum CSVLimits {
  /// The longest field accepted, in bytes (Python's csv module stops at 131 072 characters).
  static let maxFieldBytes = 1 << 20
  /// The most fields one record may have.
  static let maxFieldsPerRecord = 100_000
  /// The most bytes one record may hold in all its fields.
  static let maxRecordBytes = 16 << 20
}

/// The one owner of libcsv in GivingKit: reads one CSV file record by record, in 1 MB chunks,
/// decoding each field once into a `String`.
///
/// Parsing follows Python's `csv` module (what the official tool uses) rather than libcsv's
/// defaults: spaces are kept, a quote inside an unquoted field is literal, text after a closing
/// quote continues the field unquoted (`"ab"cd` → `abcd`), blank lines are not records.
/// A quoted field still open at the end of the file is an error (Python would silently take the
/// rest of the file as one cell).
///
/// Each reader reads its file once: make a new one to read again.
final class CSVRecordReader {
  let url: URL
  let file: String
  private let parser: UnsafeMutablePointer<csv_parser>
  private let options: UInt8

  // State of the record being assembled; touched only by the callbacks.
  private(set) var encoding: CSVTextEncoding
  /// Whether ``encoding`` is settled (a byte-order mark, an earlier read, or a scan).
  private var decided: Bool
  /// The line the parser is on (1-based, or as `firstLine` set it).
  private(set) var line = 1
  private var lastTerminatorWasCR = false
  private var recordLine = 1
  /// Records delivered so far (plus `firstRecord - 1`).
  private(set) var recordNumber = 0
  /// The bytes to read, when only part of the file is (see ``CSVChunkWorkbook``).
  private let range: Range<Int>?
  private var cells: [CellValue?] = []
  private var recordBytes = 0
  private var joinNextField = false
  private var pending: [CSVRecord] = []
  private var failure: FeedError?
  private var scratch: [UInt8] = []
  private var newlineScratch: [UInt8] = []
  /// Whether CRLF and lone CR inside fields become LF (see ``CSVWorkbook/translatesNewlines``).
  let translatesNewlines: Bool

  // State of ``readFields(_:)``: the bytes of the records of one slice, end to end.
  private var arena: UnsafeMutablePointer<UInt8>
  private var arenaCount = 0
  private var arenaCapacity: Int
  /// Where each field ends in `arena` (it starts where the one before ends).
  private var fieldEnds: [Int32] = []
  /// For each record read whole: the index in `fieldEnds` one past its last field.
  private var recordEnds: [Int] = []
  /// Where the record being read starts, in `arena` and in `fieldEnds`.
  private var openRecordByte = 0
  private var openRecordField = 0
  private var lastSliceEndedWithCR = false
  /// Which columns' text ``readFields(textOf:_:)`` keeps (others: one byte, or none if empty).
  private var textColumns: [Bool] = []

  static let chunkSize = 1 << 20
  /// How much of a chunk libcsv gets at once; records are handed on after each slice.
  static let sliceSize = 64 << 10
  /// The bytes read at once (``chunkSize`` but in tests).
  private let chunkSize: Int
  /// Whether plain records are read by ``PlainCSVScanner`` (always but in tests that compare).
  private let usesPlainScanner: Bool
  /// Where the bytes read are counted, when set.
  var progress: ReadProgress?

  /// Prepares to read `url`.
  /// - Parameters:
  ///   - encoding: the encoding an earlier read decided, or `nil` to decide it.
  ///   - translatesNewlines: turn CRLF and lone CR inside fields into LF, as Python's text mode does.
  ///   - range: read only these bytes, which must start at a record (a byte-order mark is
  ///     looked for only when the range starts the file).
  ///   - firstLine, firstRecord: the line and record number the first byte read starts.
  ///   - chunkSize, usesPlainScanner: for tests (small chunks; libcsv alone, to compare).
  /// - Throws: ``FeedError/unreadable(file:reason:)`` if libcsv cannot be set up.
  init(
    url: URL, encoding: CSVTextEncoding? = nil, translatesNewlines: Bool = false,
    range: Range<Int>? = nil, firstLine: Int = 1, firstRecord: Int = 1,
    chunkSize: Int = CSVRecordReader.chunkSize, usesPlainScanner: Bool = true
  ) throws {
    self.url = url
    self.chunkSize = chunkSize
    self.usesPlainScanner = usesPlainScanner
    self.range = range
    line = firstLine
    recordLine = firstLine
    recordNumber = firstRecord - 1
    self.translatesNewlines = translatesNewlines
    file = url.path
    self.encoding = encoding ?? .utf8
    decided = encoding != nil
    options = UInt8(CSV_STRICT | CSV_STRICT_FINI | CSV_REPALL_NL)
    arenaCapacity = 0
    arena = .allocate(capacity: 0)
    parser = .allocate(capacity: 1)
    guard csv_init(parser, options) == 0 else {
      parser.deallocate()
      throw FeedError.unreadable(file: url.path, reason: "the csv parser could not be set up")
    }
    // Python keeps spaces around unquoted fields; libcsv trims them unless told nothing is a space.
    csv_set_space_func(parser, { _ in 0 })
    csv_set_realloc_func(parser, limitedRealloc)
    csv_set_blk_size(parser, 64 << 10)
  }

  deinit {
    csv_free(parser)
    parser.deallocate()
    arena.deallocate()
  }

  /// Reads every record in order, handing each to `body` (the header too: it is record 1).
  /// - Throws: ``FeedError/malformedCSV(file:line:reason:)``,
  ///   ``FeedError/invalidEncoding(file:line:reason:)``, ``FeedError/limitExceeded(file:reason:)``,
  ///   ``FeedError/unreadable(file:reason:)``; errors thrown by `body` pass through.
  func read(_ body: (CSVRecord) throws -> Void) throws {
    try readSlices(
      callbacks: (fieldCallback, recordCallback), sink: CellSink(reader: self), before: { _ in },
      after: { try deliver(body) })
  }

  private func deliver(_ body: (CSVRecord) throws -> Void) throws {
    guard !pending.isEmpty else { return }
    defer { pending.removeAll(keepingCapacity: true) }
    for record in pending { try body(record) }
  }

  /// Reads every record in order as bytes, handing each to `body` (the header too: it is
  /// record 1) without making a cell of any field: for readers that want a few columns of
  /// each record (``DirectRows``). The file must be UTF-8 (checked by the caller: fields are
  /// not validated) and fields keep their line breaks as written.
  ///
  /// ``line`` counts every line break read; an error names the line its slice of the file
  /// starts on, not the line of the record (callers read the range again with ``read(_:)``
  /// for an exact place).
  ///
  /// Written because making a `String` cell of every field, an array of cells and a record of
  /// every row, only to read a quarter of the fields, took more time than libcsv's parse.
  /// - Parameter textColumns: the columns whose text is wanted (others: only whether they
  ///   are empty, and their text is a placeholder; columns past its end: text), or `nil` for
  ///   every column. Aggregation asks for its few columns and is spared copying the long
  ///   text ones (titles, descriptions) field by field.
  /// - Throws: as ``read(_:)``.
  func readFields(textOf textColumns: [Bool]? = nil, _ body: (CSVFields) throws -> Void) throws {
    precondition(encoding.isUTF8, "readFields reads UTF-8 files only")
    self.textColumns = textColumns ?? []
    try readSlices(
      callbacks: (rawFieldCallback, rawRecordCallback), sink: FieldSink(reader: self),
      before: { line += Self.lineBreaks(in: $0, afterCR: &lastSliceEndedWithCR) },
      after: { try deliverFields(body) })
  }

  private func deliverFields(_ body: (CSVFields) throws -> Void) throws {
    if !recordEnds.isEmpty {
      defer { recordEnds.removeAll(keepingCapacity: true) }
      var number = recordNumber - recordEnds.count
      try fieldEnds.withUnsafeBufferPointer { ends in
        var firstField = 0
        for end in recordEnds {
          number += 1
          let start = firstField == 0 ? 0 : ends[firstField - 1]
          try body(
            CSVFields(
              number: number, base: UnsafePointer(arena), start: start,
              ends: UnsafeBufferPointer(rebasing: ends[firstField..<end])))
          firstField = end
        }
      }
    }
    // Keep only the record still being read, moved to the front.
    guard openRecordByte > 0 || openRecordField > 0 else { return }
    let shift = Int32(openRecordByte)
    arenaCount -= openRecordByte
    if arenaCount > 0 { arena.update(from: arena + openRecordByte, count: arenaCount) }
    fieldEnds.removeFirst(openRecordField)
    for i in fieldEnds.indices { fieldEnds[i] -= shift }
    openRecordByte = 0
    openRecordField = 0
  }

  /// Reads the file (or range) a slice at a time, calling `slice` before each slice is parsed
  /// and `delivered` after it (and once more after the end). Plain records go through
  /// ``PlainCSVScanner`` into `sink`; libcsv, with `callbacks`, parses everything else, a line
  /// at a time until it is between records again (all of it when ``usesPlainScanner`` is off).
  private func readSlices<Sink: PlainCSVScanner.Sink>(
    callbacks: Callbacks, sink: Sink, before slice: (UnsafeRawBufferPointer) throws -> Void,
    after delivered: () throws -> Void
  ) throws {
    let input = try ByteInput(url: url, chunkSize: chunkSize, range: range)
    input.progress = progress
    var sink = sink
    var scanner = PlainCSVScanner()
    var notPlain = 0
    var first = (range?.lowerBound ?? 0) == 0
    while try input.refill() {
      var start = input.position
      if first {
        first = false
        if input.end - start >= 3, input.buffer[start] == 0xEF, input.buffer[start + 1] == 0xBB,
          input.buffer[start + 2] == 0xBF
        {
          start += 3
          encoding = .utf8WithBOM
          decided = true
        }
      }
      let text = UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(input.buffer)[start..<input.end])
      if !decided, UTF8StreamValidator.containsNonASCII(text) {
        // Everything before this chunk was ASCII, which reads the same in every candidate.
        encoding = try Self.decideEncoding(of: url, from: input.bufferOffset + start)
        decided = true
      }
      var offset = 0
      var carried = false
      while offset < text.count {
        if usesPlainScanner, notPlain < Self.maxNotPlainRecords, isBetweenRecords {
          let (read, stop) = scanner.scan(
            UnsafeRawBufferPointer(rebasing: text[offset...]), atLeast: Self.sliceSize, into: &sink)
          if read > 0 {
            try slice(UnsafeRawBufferPointer(rebasing: text[offset..<offset + read]))
            offset += read
            if let failure { throw failure }
            try delivered()
          }
          switch stop {
          case .enough:
            continue
          case .incomplete where offset > 0:
            // Read the record whole from the next chunk, which starts with it.
            carried = true
          case .incomplete:
            break  // a record longer than a chunk: libcsv reads it
          case .notPlain:
            notPlain += 1
          }
          if carried { break }
        }
        // libcsv: to the end of the line, or a slice when the scanner is off or given up.
        var end = min(text.count, offset + Self.sliceSize)
        if usesPlainScanner, notPlain < Self.maxNotPlainRecords, let base = text.baseAddress,
          let lineFeed = memchr(base + offset, 0x0A, end - offset)
        {
          end = UnsafeRawPointer(lineFeed) - base + 1
        }
        let piece = UnsafeRawBufferPointer(rebasing: text[offset..<end])
        try slice(piece)
        try parse(piece, callbacks)
        offset = end
        try delivered()
      }
      input.position = carried ? start + offset : input.end
    }
    let context = Unmanaged.passUnretained(self).toOpaque()
    let status = csv_fini(parser, callbacks.field, callbacks.record, context)
    if let failure { throw failure }
    if status != 0 {
      throw FeedError.malformedCSV(
        file: file, line: line,
        reason: "a quoted field starts on this line and is never closed (a '\"' is missing)")
    }
    try delivered()
  }

  /// Records the scanner may find not plain before a read leaves the rest to libcsv.
  private static let maxNotPlainRecords = 1000

  /// Whether libcsv is between records (no field or record of its own begun), so that the
  /// scanner may take over.
  private var isBetweenRecords: Bool {
    parser.pointee.pstate == 0 && !joinNextField
  }

  /// Feeds bytes to libcsv, recovering from its strict-mode stops the way Python's reader does.
  private func parse(_ bytes: UnsafeRawBufferPointer, _ callbacks: Callbacks) throws {
    guard let base = bytes.baseAddress else { return }
    let (fieldCallback, recordCallback) = callbacks
    let context = Unmanaged.passUnretained(self).toOpaque()
    var offset = 0
    while offset < bytes.count {
      let consumed = csv_parse(
        parser, base + offset, bytes.count - offset, fieldCallback, recordCallback, context)
      if let failure { throw failure }
      offset += consumed
      if offset >= bytes.count { break }
      switch Int32(csv_error(parser)) {
      case CSV_EPARSE:
        if bytes[offset] == UInt8(CSV_QUOTE) {
          // A quote inside an unquoted field is kept as text: let libcsv take it non-strictly.
          csv_set_opts(parser, options & ~UInt8(CSV_STRICT))
          _ = csv_parse(parser, base + offset, 1, fieldCallback, recordCallback, context)
          csv_set_opts(parser, options)
          offset += 1
        } else {
          // Text after a closing quote: end the quoted part (a delimiter drops the quote) and
          // join the unquoted rest to it.
          var delimiter = UInt8(CSV_COMMA)
          _ = csv_parse(parser, &delimiter, 1, fieldCallback, recordCallback, context)
          joinNextField = true
        }
        if let failure { throw failure }
      case CSV_ENOMEM, CSV_ETOOBIG:
        throw FeedError.limitExceeded(
          file: file,
          reason: "a field starting on line \(line) is longer than \(CSVLimits.maxFieldBytes) bytes")
      default:
        throw FeedError.malformedCSV(
          file: file, line: line, reason: String(cString: csv_strerror(csv_error(parser))))
      }
    }
  }

  // MARK: - Callbacks

  /// Whether a callback recorded a failure.
  fileprivate var hasFailed: Bool { failure != nil }

  /// - Parameter mayBreakLines: whether the field may hold a line break (``PlainCSVScanner``
  ///   knows an unquoted one cannot).
  fileprivate func field(_ bytes: UnsafeMutableRawPointer?, _ count: Int, mayBreakLines: Bool = true) {
    guard failure == nil else { return }
    lastTerminatorWasCR = false
    if cells.isEmpty, !joinNextField { recordLine = line }
    let raw = UnsafeRawBufferPointer(start: bytes, count: bytes == nil ? 0 : count)
    let fieldLine = line
    let breaks = mayBreakLines ? Self.lineBreaks(in: raw) : 0
    line += breaks
    recordBytes += raw.count
    if raw.count > CSVLimits.maxFieldBytes || recordBytes > CSVLimits.maxRecordBytes
      || cells.count >= CSVLimits.maxFieldsPerRecord
    {
      failure = .limitExceeded(
        file: file,
        reason: "the record starting on line \(recordLine) has more than \(CSVLimits.maxFieldsPerRecord) "
          + "fields or \(CSVLimits.maxRecordBytes) bytes")
      return
    }
    var value: CellValue?
    if !raw.isEmpty {
      let text: String?
      if translatesNewlines, breaks > 0, raw.contains(0x0D) {
        Self.translateNewlines(raw, into: &newlineScratch)
        text = newlineScratch.withUnsafeBytes { decode($0, line: fieldLine) }
      } else {
        text = decode(raw, line: fieldLine)
      }
      guard let text else { return }
      value = .text(text)
    }
    if joinNextField {
      joinNextField = false
      let previous = cells.popLast().flatMap { $0?.text } ?? ""
      let joined = previous + (value?.text ?? "")
      cells.append(joined.isEmpty ? nil : .text(joined))
    } else {
      cells.append(value)
    }
  }

  fileprivate func endOfRecord(_ terminator: Int32) {
    guard failure == nil else { return }
    let isLineBreak = terminator == CSV_CR || terminator == CSV_LF
    if cells.isEmpty {
      // A line break outside any record (a blank line, or the LF of a CRLF).
      if terminator == CSV_LF, lastTerminatorWasCR {
        lastTerminatorWasCR = false
      } else if isLineBreak {
        line += 1
        lastTerminatorWasCR = terminator == CSV_CR
      }
      return
    }
    recordNumber += 1
    pending.append(CSVRecord(row: SheetRow(number: recordNumber, cells: cells), line: recordLine))
    cells.removeAll(keepingCapacity: true)
    recordBytes = 0
    if isLineBreak {
      line += 1
      lastTerminatorWasCR = terminator == CSV_CR
    }
  }

  fileprivate func rawField(_ bytes: UnsafeMutableRawPointer?, _ count: Int) {
    guard failure == nil else { return }
    let fields = fieldEnds.count - openRecordField
    if count > CSVLimits.maxFieldBytes || arenaCount - openRecordByte + count > CSVLimits.maxRecordBytes
      || fields >= CSVLimits.maxFieldsPerRecord
    {
      failure = .limitExceeded(
        file: file,
        reason: "a record near line \(line) has more than \(CSVLimits.maxFieldsPerRecord) "
          + "fields or \(CSVLimits.maxRecordBytes) bytes")
      return
    }
    if arenaCount + count > arenaCapacity {
      let capacity = max(arenaCount + count, arenaCapacity * 2, Self.sliceSize * 2)
      let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
      grown.update(from: arena, count: arenaCount)
      arena.deallocate()
      arena = grown
      arenaCapacity = capacity
    }
    let column = joinNextField && fields > 0 ? fields - 1 : fields
    let copied = column < textColumns.count && !textColumns[column] ? min(count, 1) : count
    if let bytes, copied > 0 {
      (arena + arenaCount).update(from: bytes.assumingMemoryBound(to: UInt8.self), count: copied)
      arenaCount += copied
    }
    if joinNextField, fields > 0 {
      // The unquoted rest of a field whose quoted part just ended: one field with it.
      joinNextField = false
      fieldEnds[fieldEnds.count - 1] = Int32(arenaCount)
    } else {
      fieldEnds.append(Int32(arenaCount))
    }
  }

  /// ``rawField(_:_:)`` for every field of a plain record at once (`fields`: start, end and a
  /// number to skip, for each): the arrays are worked on as local values, so that a file of
  /// millions of 41-column rows (a postcode directory) is not slowed by the checks and
  /// reference counting that each access to a class's array makes.
  fileprivate func rawRecord(_ base: UnsafePointer<UInt8>, _ fields: UnsafeBufferPointer<Int>) {
    guard failure == nil else { return }
    var total = 0
    var k = 0
    while k + 1 < fields.count {
      total += fields[k + 1] - fields[k]
      k += 3
    }
    if arenaCount + total > arenaCapacity {
      let capacity = max(arenaCount + total, arenaCapacity * 2, Self.sliceSize * 2)
      let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
      grown.update(from: arena, count: arenaCount)
      arena.deallocate()
      arena = grown
      arenaCapacity = capacity
    }
    var ends: [Int32] = []
    swap(&ends, &fieldEnds)
    defer { swap(&ends, &fieldEnds) }
    let text = textColumns
    let arena = self.arena
    let recordStart = openRecordByte
    let firstField = openRecordField
    var used = arenaCount
    defer { arenaCount = used }
    k = 0
    while k + 1 < fields.count {
      let start = fields[k]
      let count = fields[k + 1] - start
      k += 3
      let column = ends.count - firstField
      if count > CSVLimits.maxFieldBytes || used - recordStart + count > CSVLimits.maxRecordBytes
        || column >= CSVLimits.maxFieldsPerRecord
      {
        failure = .limitExceeded(
          file: file,
          reason: "a record near line \(line) has more than \(CSVLimits.maxFieldsPerRecord) "
            + "fields or \(CSVLimits.maxRecordBytes) bytes")
        return
      }
      let copied = column < text.count && !text[column] ? min(count, 1) : count
      if copied > 0 {
        (arena + used).update(from: base + start, count: copied)
        used += copied
      }
      ends.append(Int32(used))
    }
  }

  fileprivate func rawEndOfRecord() {
    guard failure == nil, fieldEnds.count > openRecordField else { return }  // a blank line
    recordNumber += 1
    recordEnds.append(fieldEnds.count)
    openRecordField = fieldEnds.count
    openRecordByte = arenaCount
  }

  /// The field's text, or `nil` after recording a failure.
  private func decode(_ raw: UnsafeRawBufferPointer, line fieldLine: Int) -> String? {
    if encoding.isUTF8 {
      let units = raw.assumingMemoryBound(to: UInt8.self)
      // Most fields are ASCII: nothing to validate, and decoding them cannot repair anything.
      if !UTF8StreamValidator.containsNonASCII(raw) { return String(decoding: units, as: UTF8.self) }
      if let text = String(validating: units, as: UTF8.self) { return text }
      let bad = min(UTF8StreamValidator.firstInvalidOffset(in: raw) ?? 0, raw.count - 1)
      let badLine = fieldLine + Self.lineBreaks(in: UnsafeRawBufferPointer(rebasing: raw[..<bad]))
      let byte = String(raw[bad], radix: 16, uppercase: true)
      failure = .invalidEncoding(
        file: file, line: badLine,
        reason: encoding == .utf8WithBOM
          ? "byte '0x\(byte)' is not valid utf-8, although the file starts with a utf-8 byte-order mark"
          : "byte '0x\(byte)' is not valid utf-8 (the file changed while being read?)")
      return nil
    }
    CSVTextEncoding.transcode(raw, from: encoding, into: &scratch)
    return String(decoding: scratch, as: UTF8.self)
  }

  /// Copies `raw` with each CRLF and lone CR replaced by LF (CR and LF are the same byte in
  /// every encoding read here, so this can happen before decoding).
  private static func translateNewlines(_ raw: UnsafeRawBufferPointer, into output: inout [UInt8]) {
    output.removeAll(keepingCapacity: true)
    var index = 0
    while index < raw.count {
      let byte = raw[index]
      index += 1
      if byte == 0x0D {
        output.append(0x0A)
        if index < raw.count, raw[index] == 0x0A { index += 1 }
      } else {
        output.append(byte)
      }
    }
  }

  /// Line breaks in field text: LF, CRLF or a lone CR, each counted once.
  private static func lineBreaks(in raw: UnsafeRawBufferPointer) -> Int {
    guard let base = raw.baseAddress, !raw.isEmpty,
      memchr(base, 0x0A, raw.count) != nil || memchr(base, 0x0D, raw.count) != nil
    else { return 0 }
    var breaks = 0
    for index in raw.indices {
      switch raw[index] {
      case 0x0A: breaks += 1
      case 0x0D where index + 1 == raw.count || raw[index + 1] != 0x0A: breaks += 1
      default: break
      }
    }
    return breaks
  }

  /// Line breaks in a slice of the file: LF, CRLF or a lone CR, each counted once.
  /// `afterCR` says whether the slice before ended with CR, and is set for the next.
  private static func lineBreaks(in slice: UnsafeRawBufferPointer, afterCR: inout Bool) -> Int {
    guard let base = slice.baseAddress, !slice.isEmpty else { return 0 }
    var breaks = 0
    var from = base
    let end = base + slice.count
    while let hit = memchr(from, 0x0A, end - from) {
      breaks += 1
      from = UnsafeRawPointer(hit) + 1
    }
    // A CR counts unless an LF follows it (that LF was counted).
    from = base
    while let hit = memchr(from, 0x0D, end - from) {
      let next = UnsafeRawPointer(hit) + 1
      if next == end || next.load(as: UInt8.self) != 0x0A { breaks += 1 }
      from = next
    }
    if afterCR, base.load(as: UInt8.self) == 0x0A { breaks -= 1 }
    afterCR = (end - 1).load(as: UInt8.self) == 0x0D
    return breaks
  }

  // MARK: - Encoding

  /// Decides how to read `url` from byte `offset` on (all before is ASCII): UTF-8 if every byte
  /// from there is valid UTF-8, else Windows-1252 if every byte is defined there, else Latin-1.
  /// Reads the rest of the file once, in chunks.
  /// - Throws: ``FeedError/unreadable(file:reason:)``.
  static func decideEncoding(of url: URL, from offset: Int) throws -> CSVTextEncoding {
    var validator = UTF8StreamValidator()
    do {
      let handle = try FileHandle(forReadingFrom: url)
      defer { try? handle.close() }
      try handle.seek(toOffset: UInt64(offset))
      while let data = try handle.read(upToCount: chunkSize), !data.isEmpty {
        data.withUnsafeBytes { validator.feed($0) }
      }
    } catch {
      throw FeedError.unreadable(file: url.path, reason: FeedError.describe(error))
    }
    validator.finish()
    if validator.isValid { return .utf8 }
    return validator.sawCP1252Undefined ? .latin1 : .cp1252
  }
}

/// ``PlainCSVScanner``'s callbacks for ``CSVRecordReader/read(_:)``, as libcsv's.
private struct CellSink: PlainCSVScanner.Sink {
  unowned(unsafe) let reader: CSVRecordReader
  func field(_ bytes: UnsafeRawBufferPointer, quoted: Bool) {
    reader.field(UnsafeMutableRawPointer(mutating: bytes.baseAddress), bytes.count, mayBreakLines: quoted)
  }
  func lineBreak(_ byte: Int32) { reader.endOfRecord(byte) }
  var failed: Bool { reader.hasFailed }
}

/// ``PlainCSVScanner``'s callbacks for ``CSVRecordReader/readFields(textOf:_:)``, as libcsv's.
private struct FieldSink: PlainCSVScanner.Sink {
  unowned(unsafe) let reader: CSVRecordReader
  func field(_ bytes: UnsafeRawBufferPointer, quoted: Bool) {
    reader.rawField(UnsafeMutableRawPointer(mutating: bytes.baseAddress), bytes.count)
  }
  func record(_ base: UnsafePointer<UInt8>, fields: UnsafeBufferPointer<Int>) -> Bool {
    reader.rawRecord(base, fields)
    return true
  }
  func lineBreak(_ byte: Int32) { reader.rawEndOfRecord() }
  var failed: Bool { reader.hasFailed }
}

/// libcsv's field callback: `context` is the reader, passed unretained for the call's duration.
private let fieldCallback: @convention(c) (UnsafeMutableRawPointer?, Int, UnsafeMutableRawPointer?) -> Void = {
  bytes, count, context in
  guard let context else { return }
  Unmanaged<CSVRecordReader>.fromOpaque(context).takeUnretainedValue().field(bytes, count)
}

/// libcsv's end-of-record callback (also called for every blank line, as `CSV_REPALL_NL` asks).
private let recordCallback: @convention(c) (Int32, UnsafeMutableRawPointer?) -> Void = {
  terminator, context in
  guard let context else { return }
  Unmanaged<CSVRecordReader>.fromOpaque(context).takeUnretainedValue().endOfRecord(terminator)
}

/// The field and end-of-record callbacks one read gives libcsv.
private typealias Callbacks = (
  field: @convention(c) (UnsafeMutableRawPointer?, Int, UnsafeMutableRawPointer?) -> Void,
  record: @convention(c) (Int32, UnsafeMutableRawPointer?) -> Void
)

/// libcsv's field callback for ``CSVRecordReader/readFields(_:)``.
private let rawFieldCallback: @convention(c) (UnsafeMutableRawPointer?, Int, UnsafeMutableRawPointer?) -> Void = {
  bytes, count, context in
  guard let context else { return }
  Unmanaged<CSVRecordReader>.fromOpaque(context).takeUnretainedValue().rawField(bytes, count)
}

/// libcsv's end-of-record callback for ``CSVRecordReader/readFields(_:)``.
private let rawRecordCallback: @convention(c) (Int32, UnsafeMutableRawPointer?) -> Void = { _, context in
  guard let context else { return }
  Unmanaged<CSVRecordReader>.fromOpaque(context).takeUnretainedValue().rawEndOfRecord()
}

/// libcsv grows its field buffer with this: refusing to go past the field limit turns a runaway
/// field (an unclosed quote in a huge file) into `CSV_ENOMEM` instead of unbounded memory.
private let limitedRealloc: @convention(c) (UnsafeMutableRawPointer?, Int) -> UnsafeMutableRawPointer? = {
  pointer, size in
  size > CSVLimits.maxFieldBytes + 16 ? nil : realloc(pointer, size)
}
