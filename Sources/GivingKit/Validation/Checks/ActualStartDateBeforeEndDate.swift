internal import Foundation

fileprivate let officialHeading = "Actual Dates:Start Date entries that are after the corresponding Actual Dates:End Date"
fileprivate let officialMessage = "This can happen when the fields are accidentally reversed, or if there is a typo in the date. This can also be caused by inconsistent date formatting when data was prepared using spreadsheet software."

/// `ActualStartDateBeforeEndDate` (accuracy, Dates, importance 0): Grants whose first actual start date is after its actual end date.
///
/// Counts one per grant. Ported from the official lib360dataquality check of the same name
/// because users compare `giving`'s findings with the Data Quality Tool's.
public final class ActualStartDateBeforeEndDate: CheckState, GrantCheck {
  public static let id = "ActualStartDateBeforeEndDate"
  public static let category = CheckCategory.quality
  public static let topic = "Dates"
  public static let importance = 0
  public static let relevance = CheckRelevance.any
  public static let countStyle = CheckCountStyle.proportion
  public static let verb = CheckVerb.have
  public static let countUnit = "grant"
  public static var heading: String { officialHeading }
  public static var message: String { officialMessage }
  public static let summary = "Grants whose first actual start date is after its actual end date."
  public static let fix = "Swap or correct the actual start and end dates."

  public required override init(context: CheckContext) { super.init(context: context) }

  public func process(_ grant: Grant) throws {
    let dates = try context.dates(of: grant)
    if let start = dates.actualStart?.date, let end = dates.actualEnd?.date, start > end {
      count += 1
      note(grant, "actualDates/0/startDate")
    }
  }

  public var result: CheckResult? { standardResult(Self.self) }
}
