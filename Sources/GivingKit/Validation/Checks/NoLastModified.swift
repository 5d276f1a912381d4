internal import Foundation

fileprivate let officialHeading = "not have Last Modified information"
fileprivate let officialMessage = "Last Modified shows the date and time when information about a grant was last updated in your file. Including this information allows data users to see when changes have been made and reconcile differences between versions of your data."

/// `NoLastModified` (usefulness, Metadata, importance 0): Grants without `dateModified` (missing or empty).
///
/// Counts one per grant. Ported from the official lib360dataquality check of the same name
/// because users compare `giving`'s findings with the Data Quality Tool's.
public final class NoLastModified: CheckState, GrantCheck {
  public static let id = "NoLastModified"
  public static let category = CheckCategory.usefulness
  public static let topic = "Metadata"
  public static let importance = 0
  public static let relevance = CheckRelevance.any
  public static let countStyle = CheckCountStyle.proportion
  public static let verb = CheckVerb.`do`
  public static let countUnit = "grant"
  public static var heading: String { officialHeading }
  public static var message: String { officialMessage }
  public static let summary = "Grants without `dateModified` (missing or empty)."
  public static let fix = "Add Last Modified (`dateModified`) with the date and time the grant record last changed."

  public required override init(context: CheckContext) { super.init(context: context) }

  public func process(_ grant: Grant) throws {
    guard case .object = grant.json else { throw CheckSkip("grant is not an object") }
    if !(context.member(.dateModified, of: grant)?.isTruthy ?? false) {
      count += 1
      note(grant, "id")
    }
  }

  public var result: CheckResult? { standardResult(Self.self) }
}
