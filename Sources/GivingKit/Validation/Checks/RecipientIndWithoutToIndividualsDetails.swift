internal import Foundation

fileprivate let officialHeading = "Recipient individual grant with no To Individuals Details:Grant Purpose or To Individuals Details:Primary Grant Reason"
fileprivate let officialMessage = "Your data contains grants to individuals, but does not include grant purpose or grant reason codes. Including this information will make your data more useful and contribute to analysis of collective impact and trends over time. See our guidance on grants to individuals codelists [https://standard.threesixtygiving.org/en/latest/individuals/publisher-guidance/#grants-to-individuals-codelists] for further help."

/// `RecipientIndWithoutToIndividualsDetails` (usefulness, Grants, importance 0): Grants to individuals (`recipientIndividual` present) without `toIndividualsDetails`.
///
/// Counts one per grant. Ported from the official lib360dataquality check of the same name
/// because users compare `giving`'s findings with the Data Quality Tool's.
public final class RecipientIndWithoutToIndividualsDetails: CheckState, GrantCheck {
  public static let id = "RecipientIndWithoutToIndividualsDetails"
  public static let category = CheckCategory.usefulness
  public static let topic = "Grants"
  public static let importance = 0
  public static let relevance = CheckRelevance.recipientIndividual
  public static let countStyle = CheckCountStyle.proportion
  public static let verb = CheckVerb.have
  public static let countUnit = "grant"
  public static var heading: String { officialHeading }
  public static var message: String { officialMessage }
  public static let summary = "Grants to individuals (`recipientIndividual` present) without `toIndividualsDetails`."
  public static let fix = "Add To Individuals Details:Grant Purpose and Primary Grant Reason codes."

  public required override init(context: CheckContext) { super.init(context: context) }

  public func process(_ grant: Grant) throws {
    guard case .object = grant.json else { throw CheckSkip("grant is not an object") }
    if context.member(.recipientIndividual, of: grant) != nil && context.member(.toIndividualsDetails, of: grant) == nil {
      count += 1
      note(grant, "recipientIndividual/id")
    }
  }

  public var result: CheckResult? { standardResult(Self.self) }
}
