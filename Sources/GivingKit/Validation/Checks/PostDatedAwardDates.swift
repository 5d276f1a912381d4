internal import Foundation

fileprivate let officialHeading = "Award Dates that are in the future"
fileprivate let officialMessage = "Your data contains grant Award Dates in the future. This date is when the decision to award the grant was made so it would normally be in the past. This error can happen when there is a typo in the date, or the data includes grants that are not yet fully committed."

/// `PostDatedAwardDates` (accuracy, Dates, importance 100): Grants whose award date is after today (`--now`).
///
/// Counts one per grant. Ported from the official lib360dataquality check of the same name
/// because users compare `giving`'s findings with the Data Quality Tool's.
public final class PostDatedAwardDates: CheckState, GrantCheck {
  public static let id = "PostDatedAwardDates"
  public static let category = CheckCategory.quality
  public static let topic = "Dates"
  public static let importance = 100
  public static let relevance = CheckRelevance.any
  public static let countStyle = CheckCountStyle.proportion
  public static let verb = CheckVerb.have
  public static let countUnit = "grant"
  public static var heading: String { officialHeading }
  public static var message: String { officialMessage }
  public static let summary = "Grants whose award date is after today (`--now`)."
  public static let fix = "Check the award date; publish grants once they are awarded."

  public required override init(context: CheckContext) { super.init(context: context) }

  public func process(_ grant: Grant) throws {
    let dates = try context.dates(of: grant)
    if let date = dates.award?.date, date > context.now {
      count += 1
      note(grant, "awardDate")
    }
  }

  public var result: CheckResult? { standardResult(Self.self) }
}
