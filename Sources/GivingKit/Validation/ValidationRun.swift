internal import Foundation

/// Validates many feeds in one run: several at once on as many cores as the machine has,
/// each report handed on in the order the feeds were given as soon as it and those before it
/// are done, then the totals and the ids that grants of different feeds share.
///
/// Memory is bounded for the run, not per feed times feeds: feeds are started in order while
/// the input bytes of those being validated add up to at most ``bytesInFlight`` (a larger file
/// is validated alone, with the cores its own reader uses), and no feed starts more than
/// ``reportsAhead`` feeds ahead of the report being handed on. Once handed on, a report is
/// dropped; only its ``ValidationVerdict``, its sources and (with several feeds) its ids are kept.
///
/// ```swift
/// let run = ValidationRun(now: .today())
/// let outcome = try run.validate(try FeedGroups.group(["downloads/"], sheets: false)) { report in
///   print(report.file, report.isValid)
/// }
/// print(outcome.totals.valid, outcome.crossFeedDuplicates.count)
/// ```
public final class ValidationRun: Sendable {
  /// What a run found beyond each feed's report.
  public struct Outcome: Sendable {
    /// One per feed, in the order given.
    public var verdicts: [ValidationVerdict]
    public var totals: ValidationTotals
    /// Ids that grants of two or more feeds share, in the order found, with their places
    /// (the first 100,000; ``ValidationTotals/crossFileDuplicateIDs`` counts them all).
    public var crossFeedDuplicates: [CrossFeedDuplicate]
  }

  public let now: CheckDate
  /// Occurrences kept per check in each report, as ``FeedValidator/maxLocations``.
  public let maxLocations: Int?
  /// How many feeds are validated at once, at most.
  public let workers: Int
  /// The input bytes of the feeds being validated at once, at most, unless one feed alone is larger.
  public let bytesInFlight: Int
  /// How far ahead of the report being handed on a feed may start.
  public let reportsAhead: Int
  /// Counts the bytes and grants read, for a progress bar.
  public let progress: ReadProgress?
  /// Whether each report carries its feed's summary (``FeedValidator/summarises``).
  public let summarises: Bool
  /// Whether spreadsheet rows that share an Identifier merge wherever they are in their sheet
  /// (``GrantFeed/mergesScatteredRows``).
  public let mergesScatteredRows: Bool

  /// A run of at most `workers` feeds at once (`nil`: as many as the machine has cores).
  public init(
    now: CheckDate, maxLocations: Int? = nil, workers: Int? = nil, bytesInFlight: Int = 64 << 20,
    progress: ReadProgress? = nil, summarises: Bool = false, mergesScatteredRows: Bool = true
  ) {
    self.progress = progress
    self.summarises = summarises
    self.mergesScatteredRows = mergesScatteredRows
    let workers = max(1, workers ?? ProcessInfo.processInfo.activeProcessorCount)
    self.now = now
    self.maxLocations = maxLocations
    self.workers = workers
    self.bytesInFlight = bytesInFlight
    self.reportsAhead = 2 * workers + 2
  }

  /// Validates `groups` (each one feed: one file, or CSV files read as one workbook), handing
  /// each report to `deliver` on this thread, in order. A feed that cannot be read gets a
  /// report whose ``ValidationReport/error`` says why; an error thrown by `deliver` stops the
  /// run (feeds already started are finished first) and is rethrown.
  public func validate(
    _ groups: [FeedGroups.Group], deliver: (ValidationReport) throws -> Void
  ) throws -> Outcome {
    let schedule = Schedule(
      groups: groups, weights: groups.map(Self.weight), bytesInFlight: bytesInFlight, reportsAhead: reportsAhead)
    let keepsIDs = groups.count > 1
    let threads = (0..<min(workers, groups.count)).map { _ in
      let now = self.now
      let maxLocations = self.maxLocations
      let progress = self.progress
      let summarises = self.summarises
      let mergesScatteredRows = self.mergesScatteredRows
      let thread = Thread {
        let validator = try? FeedValidator(now: now)
        validator?.mergesScatteredRows = mergesScatteredRows
        validator?.maxLocations = maxLocations
        validator?.keepsGrantIDs = keepsIDs
        validator?.progress = progress
        validator?.summarises = summarises
        while let index = schedule.start() {
          let report = validator.map { Self.validate(groups[index], with: $0) } ?? Self.unvalidated(groups[index])
          schedule.finish(index, report)
        }
        schedule.workerExited()
      }
      // Reading deeply nested JSON and walking the schema recurse: room as the reader thread has.
      thread.stackSize = 16 << 20
      return thread
    }
    for thread in threads { thread.start() }
    defer { schedule.cancelAndWaitForWorkers(threads.count) }

    var verdicts: [ValidationVerdict] = []
    var feeds: [(file: String, sources: FeedSources)] = []
    var shared = CrossFeedDuplicates()
    for index in groups.indices {
      var report = schedule.take(index)
      if let ids = report.grantIDs {
        shared.merge(ids, feed: index)
        report.grantIDs = nil
      }
      verdicts.append(ValidationVerdict(report))
      feeds.append((report.file, report.sources))
      try deliver(report)
    }
    return Outcome(
      verdicts: verdicts, totals: ValidationTotals(verdicts, crossFileDuplicateIDs: shared.count),
      crossFeedDuplicates: shared.duplicates(feeds: feeds))
  }

  private static func validate(_ group: FeedGroups.Group, with validator: FeedValidator) -> ValidationReport {
    guard group.files.count > 1 else { return validator.validate(path: group.files[0]) }
    do {
      var feed = try GrantFeed(paths: group.files, format: .csv)
      feed.mergesScatteredRows = validator.mergesScatteredRows
      return validator.validate(feed)
    } catch let error as FeedError {
      var report = ValidationReport(file: group.files.joined(separator: ", "))
      report.error = error
      return report
    } catch {
      return unvalidated(group, reason: "\(error)")
    }
  }

  private static func unvalidated(_ group: FeedGroups.Group, reason: String = "the schemas could not be compiled") -> ValidationReport {
    let file = group.files.joined(separator: ", ")
    var report = ValidationReport(file: file)
    report.error = .unreadable(file: file, reason: reason)
    return report
  }

  /// About how much memory validating a feed takes, in input bytes: a text file's size, a
  /// zipped workbook's entries as unzipped (its central directory says; a file that is not a
  /// readable zip counts its own size, and is refused when read).
  private static func weight(_ group: FeedGroups.Group) -> Int {
    group.files.reduce(0) { total, path in
      let lowercased = path.lowercased()
      if lowercased.hasSuffix(".xlsx") || lowercased.hasSuffix(".ods"),
        let zip = try? ZipContainer(url: URL(fileURLWithPath: path), kind: "workbook")
      {
        // Sizes as declared, which a hostile file may make absurd: added without overflowing.
        let unzipped = zip.entries.reduce(Int64(0)) { sum, entry in
          let (next, overflow) = sum.addingReportingOverflow(max(0, entry.uncompressedSize))
          return overflow ? .max : next
        }
        return total.addingReportingOverflow(Int(clamping: unzipped)).overflow ? .max : total + Int(clamping: unzipped)
      }
      let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
      return total.addingReportingOverflow(size).overflow ? .max : total + size
    }
  }
}

/// Which feeds are being validated, and the reports done but not yet handed on.
private final class Schedule: @unchecked Sendable {
  private let condition = NSCondition()
  private let weights: [Int]
  private let bytesInFlight: Int
  private let reportsAhead: Int
  private var next = 0
  private var taken = 0
  private var running = 0
  private var weightRunning = 0
  private var exited = 0
  private var isCancelled = false
  private var done: [Int: ValidationReport] = [:]

  init(groups: [FeedGroups.Group], weights: [Int], bytesInFlight: Int, reportsAhead: Int) {
    self.weights = weights
    self.bytesInFlight = bytesInFlight
    self.reportsAhead = reportsAhead
  }

  /// The next feed to validate, once there is room for it; `nil` when none is left.
  func start() -> Int? {
    condition.lock()
    defer { condition.unlock() }
    while !isCancelled && next < weights.count {
      let fits = running == 0 || (weightRunning <= bytesInFlight && weights[next] <= bytesInFlight - weightRunning)
      if fits && next < taken + reportsAhead {
        let index = next
        next += 1
        running += 1
        weightRunning += weights[index]
        return index
      }
      condition.wait()
    }
    return nil
  }

  func finish(_ index: Int, _ report: ValidationReport) {
    condition.lock()
    done[index] = report
    running -= 1
    weightRunning -= weights[index]
    condition.broadcast()
    condition.unlock()
  }

  /// Waits for the report of feed `index`, and forgets it.
  func take(_ index: Int) -> ValidationReport {
    condition.lock()
    defer { condition.unlock() }
    while done[index] == nil { condition.wait() }
    taken += 1
    condition.broadcast()
    return done.removeValue(forKey: index)!
  }

  func workerExited() {
    condition.lock()
    exited += 1
    condition.broadcast()
    condition.unlock()
  }

  /// Lets no further feed start, and waits until every worker has stopped.
  func cancelAndWaitForWorkers(_ count: Int) {
    condition.lock()
    isCancelled = true
    condition.broadcast()
    while exited < count { condition.wait() }
    condition.unlock()
  }
}
