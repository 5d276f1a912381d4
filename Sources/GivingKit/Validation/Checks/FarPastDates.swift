internal import Foundation

fileprivate let officialHeading = "dates that are over 25 years ago"
fileprivate let officialMessage = "Your data contains dates that are more than 25 years ago. You can disregard this error notice if your data is about activities far in the past, but you should check for data entry errors if this isn't expected."

/// `FarPastDates` (accuracy, Dates, importance 0): Grants with an award, planned or actual date more than 25 years before today (`--now`; the official engine compares with the current time of day, so the day exactly 25 years ago counts).
///
/// Counts one per grant. Ported from the official lib360dataquality check of the same name
/// because users compare `giving`'s findings with the Data Quality Tool's.
public final class FarPastDates: CheckState, GrantCheck {
  public static let id = "FarPastDates"
  public static let category = CheckCategory.quality
  public static let topic = "Dates"
  public static let importance = 0
  public static let relevance = CheckRelevance.any
  public static let countStyle = CheckCountStyle.proportion
  public static let verb = CheckVerb.have
  public static let countUnit = "grant"
  public static var heading: String { officialHeading }
  public static var message: String { officialMessage }
  public static let summary = "Grants with an award, planned or actual date more than 25 years before today (`--now`; the official engine compares with the current time of day, so the day exactly 25 years ago counts)."
  public static let fix = "Check the dates for typos in the year."

  public required override init(context: CheckContext) { super.init(context: context) }

  public func process(_ grant: Grant) throws {
    let dates = try context.dates(of: grant)
    let limit = context.now.adding(years: -25)
    for case let entry? in dates.all {
      if let date = entry.date, date <= limit {
        count += 1
        note(grant, entry.path)
        break
      }
    }
  }

  public var result: CheckResult? { standardResult(Self.self) }
}
