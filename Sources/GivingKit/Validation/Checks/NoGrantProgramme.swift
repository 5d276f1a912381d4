internal import Foundation

fileprivate let officialHeading = "not contain any Grant Programme fields"
fileprivate let officialMessage = "Grant programme names help users to understand a funder’s different types of funding and priorities, and see how their grants vary across and within these. This information is especially useful when it refers to the communities, sectors, issues or places that are the focus of the programme. If your organisation does not have grant programmes you can ignore this notice."

/// `NoGrantProgramme` (usefulness, Grants, importance 0): Grants without `grantProgramme` (missing or empty).
///
/// Counts one per grant. Ported from the official lib360dataquality check of the same name
/// because users compare `giving`'s findings with the Data Quality Tool's.
public final class NoGrantProgramme: CheckState, GrantCheck {
  public static let id = "NoGrantProgramme"
  public static let category = CheckCategory.usefulness
  public static let topic = "Grants"
  public static let importance = 0
  public static let relevance = CheckRelevance.any
  public static let countStyle = CheckCountStyle.proportion
  public static let verb = CheckVerb.`do`
  public static let countUnit = "grant"
  public static var heading: String { officialHeading }
  public static var message: String { officialMessage }
  public static let summary = "Grants without `grantProgramme` (missing or empty)."
  public static let fix = "Add Grant Programme:Title (and code) when your grants belong to programmes."

  public required override init(context: CheckContext) { super.init(context: context) }

  public func process(_ grant: Grant) throws {
    guard case .object = grant.json else { throw CheckSkip("grant is not an object") }
    if !(context.member(.grantProgramme, of: grant)?.isTruthy ?? false) {
      count += 1
      note(grant, "id")
    }
  }

  public var result: CheckResult? { standardResult(Self.self) }
}
