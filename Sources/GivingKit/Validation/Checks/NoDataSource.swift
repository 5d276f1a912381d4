internal import Foundation

fileprivate let officialHeading = "not have Data Source information"
fileprivate let officialMessage = "Data Source is a web link pointing to the source of this data. It informs users about where information came from and is an important part of establishing trust in your data. This may be a link to an original 360Giving data file, a file from which the data was converted, or your organisation’s website."

/// `NoDataSource` (usefulness, Metadata, importance 0): Grants without `dataSource` (missing or empty).
///
/// Counts one per grant. Ported from the official lib360dataquality check of the same name
/// because users compare `giving`'s findings with the Data Quality Tool's.
public final class NoDataSource: CheckState, GrantCheck {
  public static let id = "NoDataSource"
  public static let category = CheckCategory.usefulness
  public static let topic = "Metadata"
  public static let importance = 0
  public static let relevance = CheckRelevance.any
  public static let countStyle = CheckCountStyle.proportion
  public static let verb = CheckVerb.`do`
  public static let countUnit = "grant"
  public static var heading: String { officialHeading }
  public static var message: String { officialMessage }
  public static let summary = "Grants without `dataSource` (missing or empty)."
  public static let fix = "Add Data Source: a link to where the data came from."

  public required override init(context: CheckContext) { super.init(context: context) }

  public func process(_ grant: Grant) throws {
    guard case .object = grant.json else { throw CheckSkip("grant is not an object") }
    if !(context.member(.dataSource, of: grant)?.isTruthy ?? false) {
      count += 1
      note(grant, "id")
    }
  }

  public var result: CheckResult? { standardResult(Self.self) }
}
