internal import Foundation

fileprivate let officialHeading = "a title and a description that are the same"
fileprivate let officialMessage = "Users may find that the data is less useful as they are unable to discover more about the grants. Consider including a more detailed description if you have one."

/// `TitleDescriptionSame` (usefulness, Grants, importance 0): Grants whose title and description are both given and equal.
///
/// Counts one per grant. Ported from the official lib360dataquality check of the same name
/// because users compare `giving`'s findings with the Data Quality Tool's.
public final class TitleDescriptionSame: CheckState, GrantCheck {
  public static let id = "TitleDescriptionSame"
  public static let category = CheckCategory.usefulness
  public static let topic = "Grants"
  public static let importance = 0
  public static let relevance = CheckRelevance.any
  public static let countStyle = CheckCountStyle.proportion
  public static let verb = CheckVerb.have
  public static let countUnit = "grant"
  public static var heading: String { officialHeading }
  public static var message: String { officialMessage }
  public static let summary = "Grants whose title and description are both given and equal."
  public static let fix = "Give a description that says more than the title."

  public required override init(context: CheckContext) { super.init(context: context) }

  public func process(_ grant: Grant) throws {
    guard case .object = grant.json else { throw CheckSkip("grant is not an object") }
    if let title = context.member(.title, of: grant), let description = context.member(.description, of: grant), title.isTruthy, description.isTruthy,
      title == description
    {
      count += 1
      note(grant, "description")
    }
  }

  public var result: CheckResult? { standardResult(Self.self) }
}
