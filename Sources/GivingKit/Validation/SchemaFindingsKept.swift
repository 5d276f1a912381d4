/// Schema errors alike for a reader: the same validator, message and path without indexes
/// (`required` of `grants/recipientOrganization/id`). Reports list and count errors by kind.
public struct SchemaErrorKind: Sendable, Hashable {
  public var validator: String
  public var pathNoNumber: String
  public var message: String

  public init(_ error: SchemaError) {
    validator = error.validator
    pathNoNumber = error.pathNoNumber
    message = error.message
  }
}

/// The schema errors a validation keeps: every one, or with a limit the first `limit` of each
/// kind (``SchemaErrorKind``), the others only counted. A file missing a required column has
/// an error on every row; a report that lists ten of them need not hold a million.
struct SchemaFindingsKept {
  let limit: Int?
  /// The errors kept, in the order found (package-level errors first).
  var kept: [ValidationReport.SchemaFinding] = []
  /// With a limit: the kind each kept error was counted under (its message as found).
  private var keptKinds: [SchemaErrorKind] = []
  /// With a limit: how many errors of each kind were found.
  private var counts: [SchemaErrorKind: Int] = [:]

  init(limit: Int?) { self.limit = limit }

  mutating func add(_ finding: ValidationReport.SchemaFinding) {
    guard let limit else {
      kept.append(finding)
      return
    }
    let kind = SchemaErrorKind(finding.error)
    let seen = counts[kind, default: 0]
    counts[kind] = seen + 1
    if seen < limit {
      kept.append(finding)
      keptKinds.append(kind)
    }
  }

  mutating func add(_ findings: [ValidationReport.SchemaFinding]) {
    for finding in findings { add(finding) }
  }

  /// Adds a finding before all others (a package-level error).
  mutating func addFirst(_ finding: ValidationReport.SchemaFinding) {
    let count = kept.count
    add(finding)
    guard kept.count > count else { return }
    kept.insert(kept.removeLast(), at: 0)
    if limit != nil { keptKinds.insert(keptKinds.removeLast(), at: 0) }
  }

  /// How many errors were found of each kind `isIncluded` takes.
  func counts(where isIncluded: (SchemaErrorKind) -> Bool) -> [SchemaErrorKind: Int] {
    guard limit != nil else {
      var found: [SchemaErrorKind: Int] = [:]
      for finding in kept {
        let kind = SchemaErrorKind(finding.error)
        if isIncluded(kind) { found[kind, default: 0] += 1 }
      }
      return found
    }
    return counts.filter { isIncluded($0.key) }
  }

  /// The errors kept, and how many of each kind were not, by the kind of the kept errors as
  /// they are now (their messages may have been given spreadsheet headings since).
  func listedAndUnlisted() -> ([ValidationReport.SchemaFinding], [SchemaErrorKind: Int]) {
    guard let limit else { return (kept, [:]) }
    var unlisted: [SchemaErrorKind: Int] = [:]
    var firstOfKind: [SchemaErrorKind: SchemaErrorKind] = [:]
    for (finding, counted) in zip(kept, keptKinds) where firstOfKind[counted] == nil {
      firstOfKind[counted] = SchemaErrorKind(finding.error)
    }
    for (kind, count) in counts where count > limit {
      if let shown = firstOfKind[kind] { unlisted[shown, default: 0] += count - limit }
    }
    return (kept, unlisted)
  }
}
