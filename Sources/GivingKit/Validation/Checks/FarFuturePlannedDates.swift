internal import Foundation

fileprivate let officialHeading = "Planned Dates that are over 12 years in the future"
fileprivate let officialMessage = "Your data contains Planned Dates that are more than 12 years into the future. You can disregard this error notice if your data describes activities that run a long time into the future, but you should check for data entry errors if this isn't expected."

/// `FarFuturePlannedDates` (accuracy, Dates, importance 0): Grants whose first planned start or end date is more than 12 years after today (`--now`).
///
/// Counts one per grant. Ported from the official lib360dataquality check of the same name
/// because users compare `giving`'s findings with the Data Quality Tool's.
public final class FarFuturePlannedDates: CheckState, GrantCheck {
  public static let id = "FarFuturePlannedDates"
  public static let category = CheckCategory.quality
  public static let topic = "Dates"
  public static let importance = 0
  public static let relevance = CheckRelevance.any
  public static let countStyle = CheckCountStyle.proportion
  public static let verb = CheckVerb.have
  public static let countUnit = "grant"
  public static var heading: String { officialHeading }
  public static var message: String { officialMessage }
  public static let summary = "Grants whose first planned start or end date is more than 12 years after today (`--now`)."
  public static let fix = "Check the planned dates for typos in the year."

  public required override init(context: CheckContext) { super.init(context: context) }

  public func process(_ grant: Grant) throws {
    let dates = try context.dates(of: grant)
    let limit = context.now.adding(years: 12)
    for case let entry? in [dates.plannedStart, dates.plannedEnd] {
      if let date = entry.date, date > limit {
        count += 1
        note(grant, entry.path)
        break
      }
    }
  }

  public var result: CheckResult? { standardResult(Self.self) }
}
