internal import Foundation

/// Everything `giving validate` found in one file: schema errors, closed-codelist values,
/// the additional checks, additional fields and conversion warnings, each finding with where
/// it is in the input.
///
/// Counts mean what the official Data Quality Tool's counts mean (`validation_errors_count`,
/// distinct closed-codelist values, check counts). See docs/report-format.md.
public struct ValidationReport: Sendable {
  /// One schema error at one place.
  public struct SchemaFinding: Sendable {
    public var error: SchemaError
    /// The grant the error is in (`nil` for package-level errors).
    public var grantIndex: Int?
    public var place: SourcePlace
    /// Every place the error concerns when there are several (each copy of a duplicated id).
    public var places: [SourcePlace] = []
  }

  /// One additional check's result and where each occurrence is.
  public struct CheckFinding: Sendable {
    public var result: CheckResult
    /// The occurrences, in feed order: the JSON path (`grants/3/amountAwarded`) and where it
    /// is; every one, or the first ``FeedValidator/maxLocations`` when that is set.
    public var occurrences: [Occurrence]
    /// How many occurrences there were, kept or not.
    public var occurrenceCount: Int

    public init(result: CheckResult, occurrences: [Occurrence], occurrenceCount: Int? = nil) {
      self.result = result
      self.occurrences = occurrences
      self.occurrenceCount = occurrenceCount ?? occurrences.count
    }
  }

  /// One place a check fired.
  public struct Occurrence: Sendable {
    public var grantIndex: Int32
    /// Index into ``ValidationReport/paths`` (grant-relative paths are few; storing each once
    /// keeps a million occurrences small).
    public var pathID: Int32
    public var place: SourcePlace
  }

  /// How an unreadable file was refused.
  public enum Refusal: String, Sendable, Codable {
    case fileNotFound, unreadable, unknownFormat, notWellFormedJSON, notAnObject, malformedCSV,
      invalidEncoding, notWellFormedXML, forbiddenXML, notASpreadsheet, limitExceeded
  }

  public var file: String
  public var format: FeedFormat?
  public var encoding: String?
  public var grants: Int
  /// Why the file could not be read at all (then nothing else is filled in).
  public var error: FeedError?
  /// The schema errors, in the order found: every one, or the first ``FeedValidator/maxLocations``
  /// of each kind when that is set (``unlistedSchemaErrors`` counts the others).
  public var schemaErrors: [SchemaFinding] = []
  /// How many schema errors of each kind were found beyond those in ``schemaErrors``.
  public var unlistedSchemaErrors: [SchemaErrorKind: Int] = [:]
  public var codelistErrors: [CodelistError] = []
  public var checks: [CheckFinding] = []
  public var additionalFields: [AdditionalField] = []
  public var additionalFieldsCount = 0
  public var conversionWarnings: [ConversionWarning] = []
  /// Whether the official engine would have shown no results for a category because one grant
  /// made one of its checks raise (giving skips only that grant for that check).
  public var officialWouldSilence: [CheckCategory: Bool] = [:]
  /// The grant-relative paths that ``Occurrence/pathID`` indexes.
  public var paths: [String] = []
  /// The files, sheets and headings places refer to.
  public var sources = FeedSources()
  /// The feed's Data Quality Tool summary, when the validator was asked for it
  /// (``FeedValidator/summarises``).
  public var summary: GrantsSummary?
  /// Every grant's string id and where it is, when the validator was asked to keep them.
  var grantIDs: FeedIDList?

  public init(file: String) {
    self.file = file
    self.grants = 0
  }

  /// How many schema errors there are (the official `validation_errors_count`), listed or not.
  public var schemaErrorCount: Int { schemaErrors.count + unlistedSchemaErrors.values.reduce(0, +) }

  /// No schema errors (the official "passes" verdict). A file that could not be read is not valid.
  public var isValid: Bool { error == nil && schemaErrors.isEmpty }

  /// Schema errors plus distinct closed-codelist values (the official headline count).
  public var errorCount: Int { schemaErrorCount + codelistErrors.reduce(0) { $0 + $1.values.count } }

  /// The check findings of one category.
  public func checks(in category: CheckCategory) -> [CheckFinding] {
    checks.filter { $0.result.category == category }
  }

  public var refusal: Refusal? {
    guard let error else { return nil }
    return switch error {
    case .fileNotFound: .fileNotFound
    case .unreadable: .unreadable
    case .unknownFormat: .unknownFormat
    case .malformedJSON: .notWellFormedJSON
    case .notAnObject: .notAnObject
    case .malformedCSV: .malformedCSV
    case .invalidEncoding: .invalidEncoding
    case .malformedXML: .notWellFormedXML
    case .forbiddenXML: .forbiddenXML
    case .malformedSpreadsheet: .notASpreadsheet
    case .limitExceeded: .limitExceeded
    }
  }

  /// The location of a schema finding, with the spreadsheet heading where there is one.
  public func location(of finding: SchemaFinding) -> SourceLocation? {
    sources.resolve(finding.place)
  }

  /// The full JSON path of a check occurrence (`grants/3/amountAwarded`).
  public func path(of occurrence: Occurrence) -> String {
    let relative = paths[Int(occurrence.pathID)]
    return relative.isEmpty ? "grants/\(occurrence.grantIndex)" : "grants/\(occurrence.grantIndex)/\(relative)"
  }

  /// The schema-error group an error is reported under, as the official report groups them.
  public static func group(of error: SchemaError) -> SchemaErrorGroup {
    if error.validator == "required" { return .required }
    if error.validator == "format" || error.messageType == "date-time" || error.message == "Date is not in the correct format"
      || error.message == "Invalid 'uri' found"
    {
      return .format
    }
    return .other
  }
}

/// The official report's three groups of schema errors.
public enum SchemaErrorGroup: String, Sendable, Codable, CaseIterable {
  case required, format, other
}

/// What is kept of a file's report once it has been written: enough for the line per file
/// after several files' reports, their totals and the exit status.
public struct ValidationVerdict: Sendable, Equatable {
  public var file: String
  public var grants: Int
  public var isReadable: Bool
  /// No schema errors (``ValidationReport/isValid``).
  public var isValid: Bool
  public var schemaErrorCount: Int
  /// Distinct values missing from closed codelists.
  public var codelistErrorCount: Int
  /// How many accuracy (quality) checks found something.
  public var qualityCheckCount: Int

  public init(_ report: ValidationReport) {
    file = report.file
    grants = report.error == nil ? report.grants : 0
    isReadable = report.error == nil
    isValid = report.isValid
    schemaErrorCount = report.schemaErrorCount
    codelistErrorCount = report.codelistErrors.reduce(0) { $0 + $1.values.count }
    qualityCheckCount = report.checks(in: .quality).count
  }
}

/// The reports of several files added up: how many files are valid, invalid (schema errors)
/// and unreadable, the grants read in all, and the ids that grants of different files share
/// (the JSON report's `totals`).
public struct ValidationTotals: Sendable, Equatable {
  public var files: Int
  public var valid: Int
  public var invalid: Int
  public var unreadable: Int
  public var grants: Int
  /// Ids that grants of two or more files share (``CrossFeedDuplicate``).
  public var crossFileDuplicateIDs: Int

  public init(_ verdicts: [ValidationVerdict], crossFileDuplicateIDs: Int = 0) {
    files = verdicts.count
    unreadable = verdicts.count { !$0.isReadable }
    valid = verdicts.count(where: \.isValid)
    invalid = files - valid - unreadable
    grants = verdicts.reduce(0) { $0 + $1.grants }
    self.crossFileDuplicateIDs = crossFileDuplicateIDs
  }

  public init(_ reports: [ValidationReport]) { self.init(reports.map(ValidationVerdict.init)) }
}
