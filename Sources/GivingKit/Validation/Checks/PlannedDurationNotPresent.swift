internal import Foundation

fileprivate let officialHeading = "neither a planned duration or start and end dates found"
fileprivate let officialMessage = "Including both Planned Dates:Start Date and Planned Dates:End Date or Planned Dates:Duration (months) show the duration of the project or funding. Including this data allows users to distinguish between short and longer-term grants and more accurately analyse trends over time."

/// `PlannedDurationNotPresent` (usefulness, Grants, importance 0): Grants whose first `plannedDates` entry has neither a non-null `duration` nor both `startDate` and `endDate`.
///
/// Counts one per grant. Ported from the official lib360dataquality check of the same name
/// because users compare `giving`'s findings with the Data Quality Tool's.
public final class PlannedDurationNotPresent: CheckState, GrantCheck {
  public static let id = "PlannedDurationNotPresent"
  public static let category = CheckCategory.usefulness
  public static let topic = "Grants"
  public static let importance = 0
  public static let relevance = CheckRelevance.any
  public static let countStyle = CheckCountStyle.proportion
  public static let verb = CheckVerb.have
  public static let countUnit = "grant"
  public static var heading: String { officialHeading }
  public static var message: String { officialMessage }
  public static let summary = "Grants whose first `plannedDates` entry has neither a non-null `duration` nor both `startDate` and `endDate`."
  public static let fix = "Add Planned Dates:Start Date and End Date, or Planned Dates:Duration (months)."

  public required override init(context: CheckContext) { super.init(context: context) }

  public func process(_ grant: Grant) throws {
    guard case .object = grant.json else { throw CheckSkip("grant is not an object") }
    var ok = false
    if let planned = context.member(.plannedDates, of: grant) {
      guard let list = planned.arrayValue else { throw CheckSkip("'plannedDates' is not a list") }
      if let first = list.first {
        guard let dates = first.objectValue else { throw CheckSkip("'plannedDates/0' is not an object") }
        let duration = dates["duration"].map { !$0.isNull } ?? false
        let both = (dates["startDate"]?.isTruthy ?? false) && (dates["endDate"]?.isTruthy ?? false)
        ok = duration || both
      }
    }
    if !ok {
      count += 1
      note(grant, "id")
    }
  }

  public var result: CheckResult? { standardResult(Self.self) }
}
