internal import Foundation

fileprivate let officialHeading = "Recipient Ind and DEI information"
fileprivate let officialMessage = "Your data contains grants to individuals which also have DEI (Diversity, Equity and Inclusion) information. You must not share any DEI data about individuals as this can make them personally identifiable when combined with other information in the grant."

/// `RecipientIndDEI` (accuracy, Data Protection, importance 100): Grants to individuals that also carry DEI information (the `project` member, as officially).
///
/// Counts one per grant. Ported from the official lib360dataquality check of the same name
/// because users compare `giving`'s findings with the Data Quality Tool's.
public final class RecipientIndDEI: CheckState, GrantCheck {
  public static let id = "RecipientIndDEI"
  public static let category = CheckCategory.quality
  public static let topic = "Data Protection"
  public static let importance = 100
  public static let relevance = CheckRelevance.recipientIndividual
  public static let countStyle = CheckCountStyle.proportion
  public static let verb = CheckVerb.have
  public static let countUnit = "grant"
  public static var heading: String { officialHeading }
  public static var message: String { officialMessage }
  public static let summary = "Grants to individuals that also carry DEI information (the `project` member, as officially)."
  public static let fix = "Remove DEI (diversity, equity and inclusion) data from grants to individuals."

  public required override init(context: CheckContext) { super.init(context: context) }

  public func process(_ grant: Grant) throws {
    guard case .object = grant.json else { throw CheckSkip("grant is not an object") }
    if context.member(.recipientIndividual, of: grant) != nil && context.member(.project, of: grant) != nil {
      count += 1
      note(grant, "recipientIndividual/id")
    }
  }

  public var result: CheckResult? { standardResult(Self.self) }
}
