internal import Foundation

fileprivate let officialHeading = "dates that don’t exist"
fileprivate let officialMessage = "Your data contains dates that didn't, or won't, exist - such as the 31st of September, or the 29th of February in a year that's not a leap year. This error is commonly caused by typos during data entry."

/// `ImpossibleDates` (accuracy, Dates, importance 100): Grants with an award, planned or actual date shaped `YYYY-MM-DD` that names no real day (31 September, 29 February in a common year). Partial dates and other shapes are ignored.
///
/// Counts one per grant. Ported from the official lib360dataquality check of the same name
/// because users compare `giving`'s findings with the Data Quality Tool's.
public final class ImpossibleDates: CheckState, GrantCheck {
  public static let id = "ImpossibleDates"
  public static let category = CheckCategory.quality
  public static let topic = "Dates"
  public static let importance = 100
  public static let relevance = CheckRelevance.any
  public static let countStyle = CheckCountStyle.proportion
  public static let verb = CheckVerb.have
  public static let countUnit = "grant"
  public static var heading: String { officialHeading }
  public static var message: String { officialMessage }
  public static let summary = "Grants with an award, planned or actual date shaped `YYYY-MM-DD` that names no real day (31 September, 29 February in a common year). Partial dates and other shapes are ignored."
  public static let fix = "Correct the day or month (often a typo or day/month swapped)."

  public required override init(context: CheckContext) { super.init(context: context) }

  public func process(_ grant: Grant) throws {
    let dates = try context.dates(of: grant)
    for case let entry? in dates.all where entry.parse == .impossible {
      count += 1
      note(grant, entry.path)
      break
    }
  }

  public var result: CheckResult? { standardResult(Self.self) }
}
