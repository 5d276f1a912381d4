internal import Foundation

fileprivate let officialHeading = "Planned Dates:Start Date entries that are after the corresponding Planned Dates:End Date"
fileprivate let officialMessage = "This can happen when the fields are accidentally reversed, or if there is a typo in the date. This can also be caused by inconsistent date formatting when data was prepared using spreadsheet software."

/// `PlannedStartDateBeforeEndDate` (accuracy, Dates, importance 0): Grants whose first planned start date is after its planned end date.
///
/// Counts one per grant. Ported from the official lib360dataquality check of the same name
/// because users compare `giving`'s findings with the Data Quality Tool's.
public final class PlannedStartDateBeforeEndDate: CheckState, GrantCheck {
  public static let id = "PlannedStartDateBeforeEndDate"
  public static let category = CheckCategory.quality
  public static let topic = "Dates"
  public static let importance = 0
  public static let relevance = CheckRelevance.any
  public static let countStyle = CheckCountStyle.proportion
  public static let verb = CheckVerb.have
  public static let countUnit = "grant"
  public static var heading: String { officialHeading }
  public static var message: String { officialMessage }
  public static let summary = "Grants whose first planned start date is after its planned end date."
  public static let fix = "Swap or correct the planned start and end dates."

  public required override init(context: CheckContext) { super.init(context: context) }

  public func process(_ grant: Grant) throws {
    let dates = try context.dates(of: grant)
    if let start = dates.plannedStart?.date, let end = dates.plannedEnd?.date, start > end {
      count += 1
      note(grant, "plannedDates/0/startDate")
    }
  }

  public var result: CheckResult? { standardResult(Self.self) }
}
