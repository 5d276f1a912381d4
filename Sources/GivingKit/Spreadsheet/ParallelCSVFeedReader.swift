internal import Foundation

/// Reads one large CSV file on several cores: ``CSVChunkPlanner`` cuts it into ranges, worker
/// threads turn each range into grants with the ordinary ``SpreadsheetFeedReader``, and the
/// calling thread hands the grants on in file order, with the row numbers, grant positions and
/// warnings they would have had in a sequential read.
///
/// Written because one libcsv pass plus the row-to-grant mapping is the bottleneck of every
/// command on a large CSV (measured: 18 s for 1M grants on one core). Memory stays bounded: at
/// most ``inFlight`` ranges of ``chunkSize`` bytes are parsed or waiting at any time.
///
/// It reads only what it is sure to read exactly as a sequential read does; anything else is
/// left to the sequential reader (``plan(for:titles:)`` says `nil`): several files, a file that
/// is not UTF-8, a configuration row, headings that repeat or overlap, no Identifier column.
/// A range that fails is read again on the calling thread with its true line and row numbers,
/// so errors name the same place as a sequential read.
struct ParallelCSVFeedReader: Sendable {
  /// What a parallel read needs to know about the file before cutting it.
  struct Plan: Sendable {
    var url: URL
    var encoding: CSVTextEncoding
    var header: SheetRow
    var idColumn: Int
    /// Where the first record after the header's byte-order mark starts (0 or 3).
    var firstRecordOffset: Int
    var fileSize: Int
  }

  /// Files smaller than this are read sequentially.
  static let minimumFileSize = 16 << 20

  let plan: Plan
  let titles: SchemaTitles
  let neededMembers: Set<String>?
  /// Whether the cell of every value is recorded (``GrantFeed/recordsCells``).
  var recordsCells = true
  /// Where each range's bytes and grants are counted once they are handed on, when set.
  var progress: ReadProgress?
  /// The size of a range. Half a megabyte: with 1 MB ranges, those in flight held 6 MB more
  /// at the peak of aggregating 1M grants (76 → 70 MB) for the same CPU time; at 256 KB the
  /// work of starting each range begins to show (+15% CPU).
  var chunkSize = 1 << 19
  var workerCount = max(1, min(4, ProcessInfo.processInfo.activeProcessorCount))
  /// Ranges parsed or waiting at once: one more than the workers when they hand on grants;
  /// more when they hand on small items straight from rows, so that no worker waits while
  /// the calling thread is busy with the items of a range.
  func inFlight(direct: Bool) -> Int { direct ? workerCount * 4 : workerCount + 1 }

  init(plan: Plan, titles: SchemaTitles, neededMembers: Set<String>? = nil) {
    self.plan = plan
    self.titles = titles
    self.neededMembers = neededMembers
  }

  // MARK: - Deciding

  /// The plan for reading `url` in parallel, or `nil` when it should be read sequentially.
  /// - Parameter minimumSize: the smallest file worth it (tests lower it).
  static func plan(for url: URL, titles: SchemaTitles, minimumSize: Int = minimumFileSize) throws -> Plan? {
    guard url.deletingPathExtension().lastPathComponent != "Meta" else { return nil }
    let size = (try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int) ?? 0
    guard size >= minimumSize, size > 0 else { return nil }
    let cores = max(1, min(4, ProcessInfo.processInfo.activeProcessorCount))
    guard let (encoding, bom) = try utf8Encoding(of: url, size: size, parts: cores) else { return nil }

    let headerReader = try CSVRecordReader(url: url, encoding: encoding)
    var header: SheetRow?
    do {
      try headerReader.read { record in
        header = record.row
        throw HeaderRead()
      }
    } catch is HeaderRead {
    } catch {
      return nil  // a record that cannot be read: the sequential reader reports it
    }
    guard let header, header.number == 1, header.cells.first != .text("#") else { return nil }

    // Only headings that map one-to-one onto paths that do not nest in one another, so that
    // no warning depends on seeing the header more than once.
    let mapper = HeadingMapper(titles: titles)
    var headings = Set<String>()
    var paths: [String] = []
    var idColumn: Int?
    for (column, cell) in header.cells.enumerated() {
      guard let heading = cell?.text, !heading.trimmingSpaces.isEmpty else { continue }
      guard headings.insert(heading).inserted else { return nil }
      let path = mapper.plan(for: heading).path
      if path == "id" { idColumn = column }
      paths.append(path)
    }
    let sorted = paths.sorted()
    for (a, b) in zip(sorted, sorted.dropFirst()) where a == b || b.hasPrefix(a + "/") {
      return nil
    }
    guard let idColumn else { return nil }
    return Plan(
      url: url, encoding: encoding, header: header, idColumn: idColumn,
      firstRecordOffset: bom ? 3 : 0, fileSize: size)
  }

  private struct HeaderRead: Error {}

  /// `.utf8WithBOM` after a byte-order mark; `.utf8` when every byte is valid UTF-8; `nil`
  /// otherwise (a sequential read decides the encoding).
  ///
  /// The file is checked in as many parts as there are cores, at once: this pass comes before
  /// any other work on the file (measured: 0.2–0.3 s before any worker starts, of 3 s
  /// aggregating 1M grants).
  private static func utf8Encoding(of url: URL, size: Int, parts: Int) throws -> (CSVTextEncoding, bom: Bool)? {
    let head = try ByteInput(url: url, chunkSize: 3, range: 0..<min(3, size))
    if try head.refill(), head.end == 3, head.buffer[0] == 0xEF, head.buffer[1] == 0xBB, head.buffer[2] == 0xBF {
      return (.utf8WithBOM, true)
    }
    // Cut where a character starts (never before a continuation byte), so that each part is
    // valid exactly when the whole is; more than three continuation bytes in a row are not.
    var cuts = [0]
    for part in 1..<max(parts, 1) {
      var cut = size / parts * part
      let window = try ByteInput(url: url, chunkSize: 4, range: cut..<min(cut + 4, size))
      guard try window.refill() else { break }
      var skipped = 0
      while skipped < window.end, window.buffer[skipped] & 0xC0 == 0x80 { skipped += 1 }
      if skipped == 4 { return nil }
      cut += skipped
      if cut > cuts.last! { cuts.append(cut) }
    }
    cuts.append(size)
    let ranges = zip(cuts, cuts.dropFirst()).map { $0..<$1 }
    let valid = ValidityFlags(count: ranges.count)
    DispatchQueue.concurrentPerform(iterations: ranges.count) { part in
      valid.set(part, (try? isUTF8(url, range: ranges[part])) ?? false)
    }
    return valid.all ? (.utf8, false) : nil
  }

  /// Whether the bytes of `range` are valid UTF-8 on their own.
  private static func isUTF8(_ url: URL, range: Range<Int>) throws -> Bool {
    let input = try ByteInput(url: url, chunkSize: 1 << 20, range: range)
    var validator = UTF8StreamValidator()
    while try input.refill() {
      validator.feed(UnsafeRawBufferPointer(start: input.buffer.baseAddress, count: input.end))
      if !validator.isValid { return false }
      input.position = input.end
    }
    validator.finish()
    return validator.isValid
  }

  /// One flag per part, set by the threads that check the parts.
  private final class ValidityFlags: @unchecked Sendable {
    private let lock = NSLock()
    private var flags: [Bool]
    init(count: Int) { flags = Array(repeating: false, count: count) }
    func set(_ part: Int, _ value: Bool) { lock.withLock { flags[part] = value } }
    var all: Bool { lock.withLock { flags.allSatisfy { $0 } } }
  }

  // MARK: - Reading

  /// One range's grants (or what was made of each), with row numbers as if the range
  /// followed the header directly.
  fileprivate struct ChunkOutput<Item: ParallelReadItem>: Sendable {
    var items: [Item]
    var report: FeedReport
    /// Data records and line breaks in the range.
    var records: Int
    var lines: Int
    /// The worker that read the range.
    var worker = 0
  }

  fileprivate struct Task: Sendable {
    var index: Int
    var range: Range<Int>
  }

  /// Reads every grant, handing each to `body` on the calling thread, in file order.
  func read(_ body: (Grant) throws -> Void) throws -> FeedReport {
    try read(preparing: { $0 }, body)
  }

  /// Reads every grant; each is turned into an `Item` by `prepare` on the worker that read it
  /// (and freed there), and the items reach `body` on the calling thread, in file order.
  ///
  /// With `direct`, workers make items straight from the rows, without grants, wherever
  /// `direct` can (see ``DirectRows``); ranges it cannot read go the ordinary way.
  ///
  /// With `json`, a grant of one row is written as JSON text straight from the row
  /// (``SpreadsheetFeedReader/jsonSink``) and `json` makes its item of that text, its id and row.
  func read<Item: ParallelReadItem>(
    preparing prepare: @escaping @Sendable (Grant) -> Item, direct: DirectRows<Item>? = nil,
    json: (@Sendable (_ json: [UInt8], _ id: String?, _ row: RowReference) -> Item)? = nil,
    _ body: (Item) throws -> Void
  ) throws -> FeedReport {
    let planner = try CSVChunkPlanner(
      url: plan.url, fileSize: plan.fileSize, start: plan.firstRecordOffset, targetSize: chunkSize,
      idColumn: plan.idColumn, encoding: plan.encoding)
    progress?.reading(plan.url.path)
    let queue = ChunkQueue<Item>()
    var threads = 0
    defer {
      queue.cancel()
      queue.waitForWorkers(threads)
    }
    let reader = self
    for worker in 0..<workerCount {
      let thread = Thread {
        let layouts = SpreadsheetFeedReader.HeaderLayouts()
        while let task = queue.nextTask(worker: worker) {
          let result = Result {
            if let direct, let output = try? reader.readChunk(task, direct: direct, cancelled: { queue.isCancelled }) {
              var output = output
              output.worker = worker
              return output
            }
            var items: [Item] = []
            var output: ChunkOutput<Item> = try reader.readChunk(
              task, layouts: layouts, cancelled: { queue.isCancelled },
              json: json.map { make in { items.append(make($0, $1, $2)) } }
            ) {
              items.append(prepare($0))
            }
            output.items = items
            output.worker = worker
            return output
          }
          queue.put(task.index, result)
        }
        queue.workerDone()
      }
      thread.stackSize = 16 << 20
      thread.start()
      threads += 1
    }

    var report = FeedReport(format: .csv, sources: FeedSources())
    report.hasGrantsMember = true
    report.encoding = plan.encoding.rawValue
    var recordsBefore = 0
    var linesBefore = 0
    // The range each id was first delivered in (by digest, confirmed by the id's bytes: a
    // table of small slots, where a `Set` of hash values hashed every id twice and was 2.8% of
    // validating 1M grants).
    var firstRanges = ExactIDTable<Int32>(capacity: direct == nil ? plan.fileSize / 700 : 0, vacant: -1)
    var warnedHere = Set<IDBytes>()
    /// The ranges handed on so far (the index of the one being handed on).
    var delivered = 0

    /// Hands on one item of the range being delivered, numbered as in a sequential read. The
    /// item is numbered where it is: a copy would share its arrays, and numbering the copy
    /// would copy them all (every cell reference of every grant).
    func deliver(_ item: inout Item, rowShift: Int) throws {
      item.renumber(index: report.grantCount, rowsDown: Int32(rowShift))
      // Warnings are not gathered on the direct path.
      if direct == nil, let id = item.grantID {
        let digest = IDDigest(id)
        // A repeat within the range was warned about by its reader; one of an earlier range's
        // is warned about here, once a range.
        if let firstRange = firstRanges.firstValue(of: id, digest: digest, keeping: Int32(truncatingIfNeeded: delivered)),
          firstRange != Int32(truncatingIfNeeded: delivered), warnedHere.insert(IDBytes(id)).inserted,
          let first = item.firstRow
        {
          let sheet = report.sources.sheets[Int(first.sheet)]
          report.warnings.append(
            SpreadsheetFeedReader.separatedRowsWarning(
              id: id, at: SourceLocation(file: sheet.file, sheet: sheet.name, row: Int(first.row))))
        }
      }
      report.grantCount += 1
      try body(item)
    }

    var planned = 0
    var plannerDone = false
    var ranges: [Int: Range<Int>] = [:]
    while true {
      while !plannerDone && planned - delivered < inFlight(direct: direct != nil) {
        guard let range = try planner.next() else {
          plannerDone = true
          queue.finishTasks()
          break
        }
        ranges[planned] = range
        queue.add(Task(index: planned, range: range))
        planned += 1
      }
      if plannerDone && delivered == planned { break }
      let task = Task(index: delivered, range: ranges.removeValue(forKey: delivered)!)
      let grantsBefore = report.grantCount
      let output: ChunkOutput<Item>
      switch queue.take(delivered) {
      case .success(var done):
        if delivered == 0 { report.sources = done.report.sources }
        for i in done.items.indices { try deliver(&done.items[i], rowShift: delivered == 0 ? 0 : recordsBefore) }
        // The worker that made these items frees them: freeing memory another thread
        // allocated costs glibc a lock per block (measured: +45% CPU).
        queue.dispose(done.items, worker: done.worker)
        done.items = []
        output = done
      case .failure:
        // Read the range again here, with its true line and row numbers, so that the error
        // is exactly that of a sequential read.
        // Items written as JSON text wait until the range is read (a stored sink cannot reach
        // `body`); those before an error are still handed on before it is thrown.
        var written: [Item] = []
        do {
          output = try readChunk(
            task, firstLine: 1 + linesBefore, firstRecord: delivered == 0 ? 1 : 2 + recordsBefore,
            cancelled: { false }, json: json.map { make in { written.append(make($0, $1, $2)) } }
          ) { grant in
            for i in written.indices { try deliver(&written[i], rowShift: 0) }
            written.removeAll()
            var item = prepare(grant)
            try deliver(&item, rowShift: 0)
          }
        } catch {
          for i in written.indices { try deliver(&written[i], rowShift: 0) }
          throw error
        }
        for i in written.indices { try deliver(&written[i], rowShift: 0) }
      }
      warnedHere.removeAll(keepingCapacity: true)
      report.warnings += output.report.warnings.map { Self.shifted($0, by: delivered == 0 ? 0 : recordsBefore) }
      report.rowsRead += output.report.rowsRead
      report.rowsRejected += output.report.rowsRejected
      recordsBefore += output.records
      linesBefore += output.lines
      delivered += 1
      progress?.add(bytes: task.range.count)
      progress?.add(grants: report.grantCount - grantsBefore)
    }
    report.warnings = ConversionWarning.inRowOrder(report.warnings)
    return report
  }

  /// Reads one range, handing its grants to `deliver`. Workers number the range on its own
  /// (header row 1, first record row 2, first line 1); the calling thread passes true numbers.
  private func readChunk<Item>(
    _ task: Task, layouts: SpreadsheetFeedReader.HeaderLayouts? = nil, firstLine: Int = 1, firstRecord: Int? = nil,
    cancelled: @escaping () -> Bool,
    json: ((_ json: [UInt8], _ id: String?, _ row: RowReference) throws -> Void)? = nil,
    _ deliver: (Grant) throws -> Void
  ) throws -> ChunkOutput<Item> {
    let isFirst = task.index == 0
    let workbook = CSVChunkWorkbook(
      url: plan.url, encoding: plan.encoding, header: isFirst ? nil : plan.header, range: task.range,
      firstLine: firstLine, firstRecord: firstRecord ?? (isFirst ? 1 : 2), cancelled: cancelled)
    let reader = SpreadsheetFeedReader(workbook: workbook, titles: titles, neededMembers: neededMembers)
    reader.recordsCells = recordsCells
    reader.jsonSink = json
    reader.headerLayouts = layouts
    // A file is read in ranges only when no row of it is scattered, or when scattered rows
    // are not to merge (``GrantFeed/parallelReader()``): a range has none to look for.
    reader.mergesScatteredRows = false
    let report = try reader.read(deliver)
    return ChunkOutput(
      items: [], report: report, records: workbook.recordsRead - (isFirst ? 1 : 0), lines: workbook.linesRead)
  }

  /// Reads one range straight into items with `direct`, numbered as a worker numbers it;
  /// `nil` when `direct` cannot (then the range is read the ordinary way).
  private func readChunk<Item>(
    _ task: Task, direct: DirectRows<Item>, cancelled: @escaping () -> Bool
  ) throws -> ChunkOutput<Item>? {
    let isFirst = task.index == 0
    let firstRecord = isFirst ? 1 : 2
    let reader = try CSVRecordReader(
      url: plan.url, encoding: plan.encoding, range: task.range, firstLine: 1, firstRecord: firstRecord)
    var items: [Item] = []
    var state = DirectRows<Item>.State()
    var count = 0
    var unreadable = false
    try reader.readFields(textOf: direct.textColumns) { record in
      count += 1
      if count & 255 == 0, cancelled() { throw CancellationError() }
      if isFirst && record.number == 1 { return }  // the header
      guard !unreadable else { return }
      switch direct.item(record, &state) {
      case .item(let item): items.append(item)
      case .noGrant: break
      case .needsOrdinaryRead: unreadable = true
      }
    }
    if unreadable { return nil }
    var report = FeedReport(format: .csv, sources: direct.sources)
    report.grantCount = items.count
    report.rowsRead = items.count
    return ChunkOutput(
      items: items, report: report, records: reader.recordNumber - (firstRecord - 1) - (isFirst ? 1 : 0),
      lines: reader.line - 1)
  }

  static func shifted(_ warning: ConversionWarning, by rows: Int) -> ConversionWarning {
    guard rows != 0 else { return warning }
    var warning = warning
    for i in warning.locations.indices {
      if let row = warning.locations[i].row, row > 1 { warning.locations[i].row = row + rows }
    }
    return warning
  }
}

extension ParallelCSVFeedReader {
  /// The ranges waiting for a worker and the results waiting for the calling thread.
  fileprivate final class ChunkQueue<Item: ParallelReadItem>: @unchecked Sendable {
    private let condition = NSCondition()
    private var tasks: [Task] = []
    private var results: [Int: Result<ChunkOutput<Item>, any Error>] = [:]
    private var noMoreTasks = false
    private var cancelled = false
    private var workersDone = 0
    /// Items handed on, to be freed by the worker that allocated them.
    private var leftovers: [Int: [[Item]]] = [:]

    var isCancelled: Bool {
      condition.lock()
      defer { condition.unlock() }
      return cancelled
    }

    func add(_ task: Task) {
      condition.lock()
      tasks.append(task)
      condition.broadcast()
      condition.unlock()
    }

    /// The next range for `worker` to read, or `nil` when there are no more or the read was
    /// cancelled. Frees the items of `worker`'s earlier ranges on the way.
    func nextTask(worker: Int) -> Task? {
      condition.lock()
      var garbage = leftovers.removeValue(forKey: worker) ?? []
      while tasks.isEmpty && !noMoreTasks && !cancelled {
        condition.unlock()
        garbage.removeAll()
        condition.lock()
        if let more = leftovers.removeValue(forKey: worker) { garbage += more }
        if tasks.isEmpty && !noMoreTasks && !cancelled && garbage.isEmpty { condition.wait() }
      }
      let task = !cancelled && !tasks.isEmpty ? tasks.removeFirst() : nil
      condition.unlock()
      garbage.removeAll()
      return task
    }

    func dispose(_ items: [Item], worker: Int) {
      condition.lock()
      leftovers[worker, default: []].append(items)
      condition.broadcast()
      condition.unlock()
    }

    func put(_ index: Int, _ result: Result<ChunkOutput<Item>, any Error>) {
      condition.lock()
      results[index] = result
      condition.broadcast()
      condition.unlock()
    }

    /// Waits for the result of range `index`.
    func take(_ index: Int) -> Result<ChunkOutput<Item>, any Error> {
      condition.lock()
      defer { condition.unlock() }
      while results[index] == nil { condition.wait() }
      return results.removeValue(forKey: index)!
    }

    func finishTasks() {
      condition.lock()
      noMoreTasks = true
      condition.broadcast()
      condition.unlock()
    }

    func cancel() {
      condition.lock()
      cancelled = true
      condition.broadcast()
      condition.unlock()
    }

    func workerDone() {
      condition.lock()
      workersDone += 1
      condition.broadcast()
      condition.unlock()
    }

    func waitForWorkers(_ count: Int) {
      condition.lock()
      while workersDone < count { condition.wait() }
      condition.unlock()
    }
  }
}

/// What ``ParallelCSVFeedReader`` hands on for each grant: the grant itself, or what a
/// consumer makes of it on the worker that read it (``GrantFeed/read(preparing:_:)``).
protocol ParallelReadItem: Sendable {
  /// The grant's `id`.
  var grantID: String? { get }
  /// The grant's first row, for the warning about an id whose rows are apart.
  var firstRow: RowReference? { get }
  /// Makes the item that of the `index`-th grant of the feed, with rows `rowsDown` further
  /// down than the worker that read them counted.
  mutating func renumber(index: Int, rowsDown: Int32)
}

extension GrantSource {
  /// Moves every row and cell `rows` rows down, in place: the arrays are taken out of the
  /// enum first, so that they are not shared while they change (sharing would copy them).
  mutating func shift(rowsDown rows: Int32) {
    if case .row(var row, let layout) = self {
      row.row += rows
      self = .row(row, layout: layout)
      return
    }
    guard case .cells(var rowReferences, var cells) = self else { return }
    self = .none
    for i in rowReferences.indices { rowReferences[i].row += rows }
    for i in cells.indices { cells[i].row += rows }
    self = .cells(rows: rowReferences, cells: cells)
  }
}

extension Grant: ParallelReadItem {
  var grantID: String? { id }

  var firstRow: RowReference? { source.firstRow }

  mutating func renumber(index: Int, rowsDown: Int32) {
    self.index = index
    if rowsDown != 0 { source.shift(rowsDown: rowsDown) }
  }
}

/// Makes items straight from the data rows of a CSV file read in parallel, without building
/// grants, for a consumer that needs a few columns of many grants (``Aggregator``). It must
/// make exactly the item `prepare` would make of the grant the row reads as; where it cannot
/// be sure (rows that merge, say), it says so and the whole range is read the ordinary way.
/// Conversion warnings are not gathered on this path.
struct DirectRows<Item: ParallelReadItem>: Sendable {
  /// What the reader remembers from row to row of a range.
  struct State {
    /// The id of the previous row that was a grant (`nil` for none).
    var previousID: String?
  }

  enum Outcome {
    case item(Item)
    /// An empty row, or one the items have no use for.
    case noGrant
    /// The row needs the ordinary reader (it merges with the one before, say).
    case needsOrdinaryRead
  }

  /// The sources of the file, as the ordinary reader records them.
  var sources: FeedSources
  /// The columns whose text the items read (of the others, only whether they are empty).
  var textColumns: [Bool]
  /// The item of one data record (records are numbered as the worker numbers them; the
  /// fields are valid only during the call).
  var item: @Sendable (CSVFields, inout State) -> Outcome
}

/// One range of a CSV file as a one-sheet workbook: the header row (for ranges after the
/// first), then the range's records.
final class CSVChunkWorkbook: Workbook {
  let url: URL
  let encodingValue: CSVTextEncoding
  let header: SheetRow?
  let range: Range<Int>
  let firstLine: Int
  let firstRecord: Int
  let cancelled: () -> Bool
  /// Records and line breaks read from the range, once read.
  private(set) var recordsRead = 0
  private(set) var linesRead = 0

  init(
    url: URL, encoding: CSVTextEncoding, header: SheetRow?, range: Range<Int>, firstLine: Int, firstRecord: Int,
    cancelled: @escaping () -> Bool
  ) {
    self.url = url
    self.encodingValue = encoding
    self.header = header
    self.range = range
    self.firstLine = firstLine
    self.firstRecord = firstRecord
    self.cancelled = cancelled
  }

  var file: String { url.path }
  var format: FeedFormat { .csv }
  var sheetNames: [String] { [url.deletingPathExtension().lastPathComponent] }
  func file(ofSheet index: Int) -> String { url.path }
  var encoding: String? { encodingValue.rawValue }
  var warnings: [ConversionWarning] { [] }

  func readRows(sheet index: Int, _ body: (SheetRow) throws -> Void) throws {
    if let header { try body(header) }
    let reader = try CSVRecordReader(
      url: url, encoding: encodingValue, range: range, firstLine: firstLine, firstRecord: firstRecord)
    defer {
      recordsRead = reader.recordNumber - (firstRecord - 1)
      linesRead = reader.line - firstLine
    }
    var count = 0
    try reader.read { record in
      count += 1
      if count & 255 == 0, cancelled() { throw CancellationError() }
      try body(record.row)
    }
  }
}
