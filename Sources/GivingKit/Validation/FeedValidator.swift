internal import Foundation

/// Thrown to stop reading a feed once what was wanted of it was read.
private struct StopReading: Error {}

/// Validates feeds the way the official 360Giving Data Quality Tool does — JSON Schema with
/// libcove's adjustments, closed codelists, additional fields and the 36 additional checks —
/// in one streaming pass, recording where every finding is.
///
/// ```swift
/// let validator = try FeedValidator(now: CheckDate(year: 2026, month: 11, day: 25))
/// let report = validator.validate(try GrantFeed(paths: ["grants.csv"]))
/// print(report.isValid, report.schemaErrorCount)
/// ```
///
/// Related 360Giving documentation: <https://dataquality.threesixtygiving.org/>
public final class FeedValidator {
  public let now: CheckDate
  /// At most this many occurrences of each check, and schema errors of each kind, are kept,
  /// with where they are (`nil`: all; 0: no occurrence, and one schema error of each kind, to
  /// name the kind). Their count is always exact. A report that shows only a few locations per
  /// finding need not hold a million: for 1M generated grants, every occurrence kept came to
  /// about a hundred bytes a grant.
  public var maxLocations: Int?
  /// Where the reading of every feed validated is counted (a progress bar), for a feed that
  /// has no ``GrantFeed/progress`` of its own. Only the first read of a feed is counted: the
  /// rare second reads (a package with the DEI extension, grants without ids compared whole)
  /// are not.
  public var progress: ReadProgress?
  /// Whether spreadsheet rows that share an Identifier merge wherever they are in their sheet
  /// (``GrantFeed/mergesScatteredRows``), for the feeds this validator opens by path.
  public var mergesScatteredRows = true
  /// The hash whole grants are compared by before they are compared exactly
  /// (``StructuralHash``; tests give one that makes every grant collide).
  var wholeGrantHash: @Sendable (JSONValue) -> UInt64 = StructuralHash.of
  /// Whether reports keep every grant's string id and its place (``ValidationReport/grantIDs``),
  /// for finding ids that several feeds share (``ValidationRun``).
  var keepsGrantIDs = false
  /// Whether reports carry the feed's Data Quality Tool summary (``ValidationReport/summary``),
  /// made from the grants as validation reads them: one read of the feed for both.
  public var summarises = false
  private let bundle: SchemaBundle
  private var validators: [[String]: SchemaValidator] = [:]

  /// - Throws: if the bundled schemas cannot be compiled (never for the bundled copy).
  public init(now: CheckDate, bundle: SchemaBundle = .standard) throws {
    self.now = now
    self.bundle = bundle
    validators[[]] = try SchemaValidator(bundle: bundle)
  }

  private func schemaValidator(extensions: [String]) throws -> SchemaValidator {
    let known = extensions.filter { $0 == "dei" }
    if let validator = validators[known] { return validator }
    let validator = try SchemaValidator(bundle: bundle, extensions: known)
    validators[known] = validator
    return validator
  }

  /// Reads and validates one feed. Never throws: a file that cannot be read gives a report
  /// whose ``ValidationReport/error`` says why and where.
  public func validate(_ feed: GrantFeed) -> ValidationReport {
    var report = ValidationReport(file: feed.files.map(\.path).joined(separator: ", "))
    report.format = feed.format
    do {
      try validate(feed, into: &report)
    } catch let error as FeedError {
      report = ValidationReport(file: report.file)
      report.format = feed.format
      report.error = error
    } catch {
      report = ValidationReport(file: report.file)
      report.error = .unreadable(file: report.file, reason: "\(error)")
    }
    return report
  }

  /// Validates a file named on the command line, refusing unknown formats as the official tool does.
  public func validate(path: String) -> ValidationReport {
    do {
      var feed = try GrantFeed(paths: [path])
      feed.mergesScatteredRows = mergesScatteredRows
      return validate(feed)
    } catch let error as FeedError {
      var report = ValidationReport(file: path)
      report.error = error
      return report
    } catch {
      var report = ValidationReport(file: path)
      report.error = .unreadable(file: path, reason: "\(error)")
      return report
    }
  }

  private func validate(_ feed: GrantFeed, into report: inout ValidationReport) throws {
    // The package's `extensions` are only known once read; JSON packages usually put them
    // before `grants`, spreadsheets in the Meta sheet. Start with the plain schema and, if the
    // package declares `dei`, validate again with the patched schema (rare and small).
    var counted = feed
    counted.progress = feed.progress ?? progress
    let first = try pass(
      counted, validator: try schemaValidator(extensions: []), keepingIDs: keepsGrantIDs, summarising: summarises)
    let extensions = first.extensions
    if !extensions.isEmpty && extensions.contains("dei") {
      // Spreadsheets are read again with the extended schema's titles, as the official tool
      // converts them again, so that the extension's columns (`DEI Details:…`) are mapped.
      let validator = try schemaValidator(extensions: extensions)
      var extended = feed
      extended.progress = nil
      extended.grantSchema = validator.grantSchemaJSON
      report = try pass(extended, validator: validator, keepingIDs: false, summarising: false).report
      // The same grants with the same ids at the same places: the first pass's list and
      // summary stand (`giving summary` reads the feed without the extension too).
      report.grantIDs = first.report.grantIDs
      report.summary = first.report.summary
    } else {
      report = first.report
    }
  }

  private func pass(
    _ feed: GrantFeed, validator: SchemaValidator, keepingIDs: Bool, summarising: Bool
  ) throws -> (report: ValidationReport, extensions: [String]) {
    var report = ValidationReport(file: feed.files.map(\.path).joined(separator: ", "))
    report.format = feed.format
    let wholeGrantHash = self.wholeGrantHash
    var duplicates = DuplicateIDTracker(wholeHash: wholeGrantHash)
    var codelists = try CodelistChecker(validator: validator)
    var additional = AdditionalFieldsCollector(validator: validator)
    let runner = CheckRunner(now: now, locationLimit: 0)
    var pathIDs: [String: Int32] = [:]
    var paths: [String] = []
    var pathComponents: [[String]] = []
    var occurrences: [String: [ValidationReport.Occurrence]] = [:]
    var occurrenceCounts: [String: Int] = [:]
    // At least one error of each kind is kept, even when no place is to be listed: it names
    // the kind the others are counted under, and makes the file invalid.
    var schemaFindings = SchemaFindingsKept(limit: maxLocations.map { max($0, 1) })
    let maxLocations = self.maxLocations

    runner.context.observer = { check, grant, path in
      if let maxLocations {
        let seen = occurrenceCounts[check, default: 0]
        occurrenceCounts[check] = seen + 1
        guard seen < maxLocations else { return }
      }
      let id: Int32
      if let known = pathIDs[path] {
        id = known
      } else {
        id = Int32(paths.count)
        paths.append(path)
        pathComponents.append(path.split(separator: "/").map(String.init))
        pathIDs[path] = id
      }
      occurrences[check, default: []].append(
        ValidationReport.Occurrence(
          grantIndex: Int32(truncatingIfNeeded: grant.index), pathID: id,
          place: grant.source.place(of: path, components: pathComponents[Int(id)], in: grant.json, grant: grant.index)))
    }

    // Schema validation, the id's place and the whole-grant hash depend on the grant alone:
    // they run on a worker, for a large CSV file; otherwise on the reading thread or this one,
    // whichever has less to do. Each of those threads walks its own copy of the schemas
    // (``PerThread``); the first uses this pass's.
    let shared = CheckupTools(validator: validator, codelists: codelists, additionalFields: additional)
    let bundle = self.bundle
    let tools = PerThread<CheckupTools> { isFirst in
      guard !isFirst, let copy = try? SchemaValidator(bundle: bundle, extensions: validator.extensions),
        let codelists = try? CodelistChecker(validator: copy)
      else { return shared }
      return CheckupTools(validator: copy, codelists: codelists, additionalFields: AdditionalFieldsCollector(validator: copy))
    }
    let hashing = WholeGrantHashing(wholeHash: wholeGrantHash)
    var unhashed: [Range<Int>] = []
    var grantIDs = keepingIDs ? FeedIDList() : nil
    var summary = summarising ? GrantsSummary.Builder(findsDuplicateIDs: false) : nil
    let feedReport = try feed.readPipelined(
      preparingNumbered: { grant in
        let mine = tools.current
        return SchemaCheckup(
          grant: grant, validator: mine.validator, codelists: mine.codelists, additionalFields: mine.additionalFields,
          hashing: hashing)
      },
      noting: { grant in hashing.note(hasID: UniqueIDs.id(of: grant.json) != nil) }
    ) { grant, checkup in
      schemaFindings.add(checkup.findings)
      codelists.record(checkup.unlisted)
      additional.record(checkup.unknownFields)
      duplicates.add(grant: grant.json, index: grant.index, stringID: checkup.stringID, idPlace: checkup.idPlace)
      if let id = checkup.stringID?.id { grantIDs?.append(id, at: checkup.idPlace) }
      if let hash = checkup.wholeHash {
        duplicates.add(wholeHash: hash)
      } else if let last = unhashed.last, last.upperBound == grant.index {
        unhashed[unhashed.count - 1] = last.lowerBound..<grant.index + 1
      } else {
        unhashed.append(grant.index..<grant.index + 1)
      }
      runner.process(grant)
      summary?.add(grant)
    }

    // Package-level errors (missing `grants`, bad metadata), then duplicate ids.
    for error in validator.validatePackage(
      feedReport.package, hasGrants: feedReport.hasGrantsMember, grantCount: feedReport.grantCount)
    {
      let place = feedReport.packageSource.place(of: error.path, in: .object(feedReport.package), grant: -1)
      schemaFindings.addFirst(ValidationReport.SchemaFinding(error: error, grantIndex: nil, place: place))
    }
    if duplicates.lacksSomeID {
      // The feed's bytes were counted by the read above.
      var feed = feed
      feed.progress = nil
      if !duplicates.hasWholeCandidates(), let end = unhashed.last?.upperBound {
        // Grants read before the first grant without an id were not hashed (usually a short
        // run at the start): hash them now, reading no further than the last of them.
        var ranges = unhashed[...]
        do {
          try feed.read { grant in
            while let range = ranges.first, range.upperBound <= grant.index { ranges.removeFirst() }
            if ranges.first?.contains(grant.index) == true {
              duplicates.add(wholeHash: wholeGrantHash(grant.json))
            }
            if grant.index + 1 >= end { throw StopReading() }
          }
        } catch is StopReading {}
      }
      if var comparison = duplicates.wholeGrantComparison() {
        // Two grants share a hash: read the grants again and compare those that do, exactly,
        // stopping at the first two found equal. Files without equal hashes skip this.
        var found = false
        do {
          try feed.read { grant in
            if comparison.offer(grant.json) {
              found = true
              throw StopReading()
            }
          }
        } catch is StopReading {}
        duplicates.settleWholeDuplicate(found)
      }
    }
    let duplicatedIDs = summary == nil ? [] : duplicates.duplicatedIDs
    for (error, copies) in duplicates.findings() {
      schemaFindings.add(
        ValidationReport.SchemaFinding(
          error: error, grantIndex: nil, place: copies.dropFirst().first ?? .unknown, places: copies))
    }
    additional.add(package: feedReport.package)

    // Spreadsheet errors are named by the heading of their cell, as the official tool names them.
    if feedReport.format != .json && feedReport.format != .xml {
      // A missing value is named by its column when the sheet has one (libcove's heading
      // source map): "'Recipient Org:Name' is missing but required within 'recipientOrganization'".
      var headingByPath: [String: String] = [:]
      let mapper = HeadingMapper()
      for sheet in feedReport.sources.sheets {
        for case let heading? in sheet.headings where mapper.plan(for: heading).kind != .objectArray {
          let path = mapper.path(for: heading).split(separator: "/").filter { Int($0) == nil }.joined(separator: "/")
          if headingByPath[path] == nil { headingByPath[path] = heading }
        }
      }
      // A property of the grant that every grant lacks had no value in any cell of its
      // column, and libcove names the error from the cells that held values: by its JSON name.
      let missingFromEvery = Set(
        schemaFindings.counts { $0.validator == "required" && $0.pathNoNumber == "grants" }
          .filter { $0.value >= feedReport.grantCount }.keys)
      for i in schemaFindings.kept.indices {
        let error = schemaFindings.kept[i].error
        // A column that names a list of objects (`Funding Org`) holds no value of the list:
        // the official tool names such an error by its path, not by that column.
        if let heading = feedReport.sources.heading(of: schemaFindings.kept[i].place),
          mapper.plan(for: heading).kind != .objectArray
        {
          schemaFindings.kept[i].error = error.withHeading(heading)
        } else if error.validator == "required", let property = error.property,
          !missingFromEvery.contains(SchemaErrorKind(error))
        {
          let parent = error.pathNoNumber.split(separator: "/").dropFirst().joined(separator: "/")
          if let heading = headingByPath[parent.isEmpty ? property : parent + "/" + property] {
            schemaFindings.kept[i].error = error.withHeading(heading)
          }
        }
      }
    }

    report.encoding = feedReport.encoding
    report.grants = feedReport.grantCount
    (report.schemaErrors, report.unlistedSchemaErrors) = schemaFindings.listedAndUnlisted()
    report.codelistErrors = codelists.closedCodelistErrors
    report.additionalFields = additional.fields()
    report.additionalFieldsCount = additional.totalCount
    report.conversionWarnings = feedReport.warnings
    report.officialWouldSilence = runner.officialWouldSilence
    report.paths = paths
    report.sources = feedReport.sources
    report.summary = summary?.summary(file: report.file, duplicatedIDs: duplicatedIDs)
    report.grantIDs = grantIDs
    report.checks = runner.results().map { result in
      ValidationReport.CheckFinding(
        result: result, occurrences: occurrences[result.type] ?? [], occurrenceCount: occurrenceCounts[result.type])
    }
    let extensions = (feedReport.package["extensions"]?.arrayValue ?? []).compactMap(\.stringValue)
    return (report, extensions)
  }
}

/// The schemas and the tables made from them that a ``SchemaCheckup`` reads.
final class CheckupTools: Sendable {
  let validator: SchemaValidator
  let codelists: CodelistChecker
  let additionalFields: AdditionalFieldsCollector

  init(validator: SchemaValidator, codelists: CodelistChecker, additionalFields: AdditionalFieldsCollector) {
    self.validator = validator
    self.codelists = codelists
    self.additionalFields = additionalFields
  }
}

/// What is worked out from one grant on the thread that read it: its schema findings, its
/// id (with its digest) and place, its whole-grant hash (when wanted), its values missing from
/// codelists and its fields unknown to the schema.
/// Findings are made for the grant where the reader found it and renumbered once its place in
/// the feed is known.
struct SchemaCheckup: GrantDerived {
  var findings: [ValidationReport.SchemaFinding]
  /// The grant's id and its digest, when the id is a string.
  var stringID: (id: String, digest: IDDigest)?
  /// Where the grant's id is, in case another grant has it too.
  var idPlace: SourcePlace
  var wholeHash: UInt64?
  var unlisted: [(field: Int, value: String)]
  var unknownFields: [(parent: String, field: String)]
  /// The index the findings were made for.
  private var index: Int

  init(
    grant: Grant, validator: SchemaValidator, codelists: CodelistChecker,
    additionalFields: AdditionalFieldsCollector, hashing: WholeGrantHashing
  ) {
    index = grant.index
    let hasID = UniqueIDs.id(of: grant.json) != nil
    stringID = hasID ? DuplicateIDTracker.stringID(of: grant.json) : nil
    idPlace = hasID ? grant.place(of: "id") : .unknown
    wholeHash = hashing.hash(of: grant.json, hasID: hasID)
    unlisted = codelists.unlisted(in: grant.json)
    unknownFields = additionalFields.unknownFields(of: grant)
    findings = validator.validate(grant: grant.json, index: grant.index).map { error in
      let prefix = "grants/\(grant.index)"
      let relative = error.path == prefix ? "" : String(error.path.dropFirst(prefix.count + 1))
      return ValidationReport.SchemaFinding(
        error: error, grantIndex: grant.index, place: grant.place(of: relative))
    }
  }

  mutating func renumber(index newIndex: Int, rowsDown rows: Int32) {
    if rows != 0 { idPlace = idPlace.movedDown(by: rows) }
    if newIndex != index { idPlace = idPlace.inGrant(newIndex) }
    guard !findings.isEmpty else { return }
    let oldPrefix = "grants/\(index)"
    let newPrefix = "grants/\(newIndex)"
    for i in findings.indices {
      if newIndex != index {
        var error = findings[i].error
        if error.path == oldPrefix {
          error.path = newPrefix
          // At the grant itself, the heading is the grant's index.
          if error.field == String(index) { error.field = String(newIndex) }
        } else if error.path.hasPrefix(oldPrefix + "/") {
          error.path = newPrefix + error.path.dropFirst(oldPrefix.count)
        }
        findings[i].error = error
        findings[i].grantIndex = newIndex
        findings[i].place = findings[i].place.inGrant(newIndex)
      }
      if rows != 0 { findings[i].place = findings[i].place.movedDown(by: rows) }
    }
    index = newIndex
  }
}
