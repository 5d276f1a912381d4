internal import Foundation

extension GrantFeed {
  /// Reads the feed on a second thread while `body` runs on this one, so that parsing and
  /// whatever `body` does (validation, aggregation) use two cores.
  ///
  /// Grants still reach `body` one at a time and in order. At most `depth` batches of
  /// `batchSize` grants wait between the two threads, so memory stays bounded whatever the
  /// size of the feed. If `body` throws, reading stops and the error is rethrown.
  ///
  /// - Throws: ``FeedError`` when the input cannot be read; errors thrown by `body`.
  @discardableResult
  public func readPipelined(
    batchSize: Int = 256, depth: Int = 8, _ body: (Grant) throws -> Void
  ) throws -> FeedReport {
    try readPipelined(batchSize: batchSize, depth: depth, preparing: { _ in () }) { grant, _ in try body(grant) }
  }

  /// Like ``readPipelined(batchSize:depth:_:)``, with `prepare` run on the reading thread for
  /// each grant before it is handed on, so that work that depends on one grant alone (schema
  /// validation, say) leaves the consuming thread.
  ///
  /// A large CSV file is read on every core, and `prepare` then runs on the workers, before
  /// the grant is numbered in the feed: what it works out must not depend on the grant's
  /// `index` or row numbers.
  @discardableResult
  public func readPipelined<Prepared: Sendable>(
    batchSize: Int = 256, depth: Int = 8, preparing prepare: @escaping @Sendable (Grant) -> Prepared,
    _ body: (Grant, Prepared) throws -> Void
  ) throws -> FeedReport {
    try readPipelined(
      batchSize: batchSize, depth: depth, preparingNumbered: { Unnumbered(value: prepare($0)) }
    ) { grant, prepared in try body(grant, prepared.value) }
  }

  /// Like ``readPipelined(batchSize:depth:preparing:_:)``, for what is worked out from a
  /// grant before it is numbered and can be numbered afterwards (``GrantDerived``).
  /// `noting`, when given, sees every grant of a feed read on one thread, in feed order, before
  /// it is prepared (on that thread or on this one).
  @discardableResult
  func readPipelined<Prepared: GrantDerived>(
    batchSize: Int = 256, depth: Int = 8, preparingNumbered prepare: @escaping @Sendable (Grant) -> Prepared,
    noting: (@Sendable (Grant) -> Void)? = nil,
    _ body: (Grant, Prepared) throws -> Void
  ) throws -> FeedReport {
    // A large CSV file is read on every core: `prepare` then runs on its workers. A workbook's
    // sheet XML is parsed on a third thread (``PrefetchingWorkbook``), the busiest of all
    // (half of all the work on 100k rows), so `prepare` runs on this one. A JSON or XML
    // file is parsed on one thread while this one consumes: `prepare` runs on whichever has
    // less to do, batch by batch (measured on 1M grants of JSON: with every grant prepared
    // while reading, the consumer waited for a batch 2,500 times in 3,900).
    let parallel = try parallelReader()
    let preparesHere = parallel == nil && (format == .xlsx || format == .ods)
    let feed = self
    return try BatchQueue.pipeline(
      batchSize: batchSize, depth: depth,
      produce: { (add: ((Grant, Prepared?)) throws -> Void, backlog: () -> Int) in
        if let parallel {
          // Workers prepare the grants of their ranges at once: `noting` cannot see them in order.
          return try parallel.read(preparing: { PreparedGrant(grant: $0, prepared: prepare($0)) }) {
            try add(($0.grant, $0.prepared))
          }
        }
        var untilNextLook = 0
        var preparesWhileReading = !preparesHere
        return try feed.read { grant in
          noting?(grant)
          if !preparesHere && untilNextLook == 0 {
            // Batches piling up mean the consumer is the slower: the reader prepares.
            preparesWhileReading = backlog() >= max(1, depth / 2)
            untilNextLook = batchSize
          }
          untilNextLook -= 1
          try add((grant, preparesWhileReading ? prepare(grant) : nil))
        }
      },
      consume: { grant, prepared in try body(grant, prepared ?? prepare(grant)) })
  }
}

extension GrantFeed {
  /// Reads every grant and turns each into an `Item` with `prepare` on the thread that read
  /// it, so that only the items cross to `body` (on this thread, in feed order) and each grant
  /// is freed where it was made. A large CSV file is read on every core
  /// (``ParallelCSVFeedReader``) and `prepare` runs on its workers; other feeds are read on a
  /// second thread, as ``readPipelined(batchSize:depth:_:)`` does.
  ///
  /// `direct`, when given, may make a large CSV file's items straight from its rows, without
  /// grants (``DirectRows``), from the file's header row; `nil` from it means no.
  ///
  /// - Throws: ``FeedError`` when the input cannot be read; errors thrown by `body`.
  @discardableResult
  func read<Item: ParallelReadItem>(
    preparing prepare: @escaping @Sendable (Grant) -> Item,
    direct: ((_ header: SheetRow, _ file: URL, _ titles: SchemaTitles) -> DirectRows<Item>?)? = nil,
    _ body: (Item) throws -> Void
  ) throws -> FeedReport {
    if let reader = try parallelReader() {
      return try reader.read(preparing: prepare, direct: direct?(reader.plan.header, reader.plan.url, titles), body)
    }
    let feed = self
    return try BatchQueue.pipeline(
      batchSize: 256, depth: 8, produce: { add in try feed.read { try add(prepare($0)) } }, consume: body)
  }
}

/// Something worked out from one grant on the thread that read it, before the grant was
/// numbered in its feed (a worker of a parallel read numbers its range on its own).
protocol GrantDerived: Sendable {
  /// Makes the value that of the `index`-th grant of the feed, with rows `rowsDown` further
  /// down than the worker counted.
  mutating func renumber(index: Int, rowsDown: Int32)
}

/// A value that does not depend on where its grant is.
private struct Unnumbered<Value: Sendable>: GrantDerived {
  var value: Value
  mutating func renumber(index: Int, rowsDown: Int32) {}
}

/// A grant and what was worked out from it on the thread that read it.
private struct PreparedGrant<Prepared: GrantDerived>: ParallelReadItem {
  var grant: Grant
  var prepared: Prepared

  var grantID: String? { grant.id }
  var firstRow: RowReference? { grant.firstRow }
  mutating func renumber(index: Int, rowsDown: Int32) {
    grant.renumber(index: index, rowsDown: rowsDown)
    prepared.renumber(index: index, rowsDown: rowsDown)
  }
}


extension GrantFeed {
  /// The reader of a CSV file large enough to read on every core, or `nil`.
  func parallelReader() throws -> ParallelCSVFeedReader? {
    guard format == .csv, files.count == 1,
      let plan = try ParallelCSVFeedReader.plan(for: files[0], titles: titles, minimumSize: parallelMinimumSize)
    else { return nil }
    // Scattered rows merge on one thread, which reads the grants of those ids first.
    if mergesScatteredRows {
      let scattered: ScatteredIDs
      if let known = scatteredIDsCache.ids(of: plan.url) {
        scattered = known
      } else {
        // A file that cannot be read is left to the sequential reader, whose error names the
        // exact place.
        guard let found = try? ParallelCSVFeedReader.scatteredIDs(of: plan) else { return nil }
        scattered = found
        scatteredIDsCache.keep(scattered, of: plan.url)
      }
      if !scattered.isEmpty { return nil }
    }
    var reader = ParallelCSVFeedReader(plan: plan, titles: titles, neededMembers: neededMembers)
    reader.recordsCells = recordsCells
    reader.progress = progress
    if let parallelChunkSize { reader.chunkSize = parallelChunkSize }
    return reader
  }
}

/// The scattered ids of a feed's CSV file, once looked for (shared by the copies of a feed).
final class ScatteredIDsCache: @unchecked Sendable {
  private let lock = NSLock()
  private var found: (file: URL, ids: ScatteredIDs)?

  init() {}

  func ids(of file: URL) -> ScatteredIDs? {
    lock.withLock { found.flatMap { $0.file == file ? $0.ids : nil } }
  }

  func keep(_ ids: ScatteredIDs, of file: URL) {
    lock.withLock { found = (file, ids) }
  }
}
