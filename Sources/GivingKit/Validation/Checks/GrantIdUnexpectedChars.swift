internal import Foundation

fileprivate let officialHeading = "a Grant Identifier that contains unexpected characters. If published this grant will not appear in GrantNav."
fileprivate let officialMessage = "The grant identifier contains line breaks which cause 360Giving tools to break. The affected grants will not appear in 360Giving's tools unless the unexpected characters are removed. See our guidance on grant identifiers [https://standard.threesixtygiving.org/en/latest/technical/identifiers/#grant-identifier] for further help."

/// `GrantIdUnexpectedChars` (accuracy, Grants, importance 100): Grant identifiers containing a line break. A grant without a string `id` makes the official check raise (silencing every accuracy check); `giving` skips that grant only.
///
/// Counts one per grant. Ported from the official lib360dataquality check of the same name
/// because users compare `giving`'s findings with the Data Quality Tool's.
public final class GrantIdUnexpectedChars: CheckState, GrantCheck {
  public static let id = "GrantIdUnexpectedChars"
  public static let category = CheckCategory.quality
  public static let topic = "Grants"
  public static let importance = 100
  public static let relevance = CheckRelevance.any
  public static let countStyle = CheckCountStyle.raw
  public static let verb = CheckVerb.have
  public static let countUnit = "grant"
  public static var heading: String { officialHeading }
  public static var message: String { officialMessage }
  public static let summary = "Grant identifiers containing a line break. A grant without a string `id` makes the official check raise (silencing every accuracy check); `giving` skips that grant only."
  public static let fix = "Remove the line breaks from the grant identifier; give every grant an `id`."

  public required override init(context: CheckContext) { super.init(context: context) }

  public func process(_ grant: Grant) throws {
    guard let id = context.member(.id, of: grant)?.stringValue else { throw CheckSkip("grant has no string 'id'") }
    if id.utf8.contains(10) {
      count += 1
      note(grant, "id")
    }
  }

  public var result: CheckResult? { standardResult(Self.self) }
}
