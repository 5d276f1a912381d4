internal import Foundation

fileprivate let officialHeading = "a title that is longer than recommended"
fileprivate let officialMessage = "Titles for grant activities should be under 140 characters long so that people can quickly understand the purpose of the grant."

/// `TitleLength` (usefulness, Grants, importance 0): Grants whose title is longer than 140 characters (Unicode code points). A `title` that is not a string makes the official check raise.
///
/// Counts one per grant. Ported from the official lib360dataquality check of the same name
/// because users compare `giving`'s findings with the Data Quality Tool's.
public final class TitleLength: CheckState, GrantCheck {
  public static let id = "TitleLength"
  public static let category = CheckCategory.usefulness
  public static let topic = "Grants"
  public static let importance = 0
  public static let relevance = CheckRelevance.any
  public static let countStyle = CheckCountStyle.proportion
  public static let verb = CheckVerb.have
  public static let countUnit = "grant"
  public static var heading: String { officialHeading }
  public static var message: String { officialMessage }
  public static let summary = "Grants whose title is longer than 140 characters (Unicode code points). A `title` that is not a string makes the official check raise."
  public static let fix = "Shorten the title to under 140 characters; move detail to the description."

  public required override init(context: CheckContext) { super.init(context: context) }

  public func process(_ grant: Grant) throws {
    guard case .object = grant.json else { throw CheckSkip("grant is not an object") }
    guard let title = context.member(.title, of: grant) else { return }
    let length: Int
    switch title {
    case .string(let text): length = text.unicodeScalars.count
    case .array(let items): length = items.count
    case .object(let members): length = members.count
    default: throw CheckSkip("'title' has no length")
    }
    if length > 140 {
      count += 1
      note(grant, "title")
    }
  }

  public var result: CheckResult? { standardResult(Self.self) }
}
