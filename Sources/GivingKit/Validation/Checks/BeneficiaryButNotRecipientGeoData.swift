internal import Foundation

fileprivate let officialHeading = "Beneficiary location data found but no Recipient Organisation location data"
fileprivate let officialMessage = "Your data contains useful Beneficiary location data, which helps users understand which places your funding reaches. If available please consider also including Recipient Organisation location data, which helps users to understand where grant recipients are based. See our guidance on location data [https://standard.threesixtygiving.org/en/latest/guidance/location-guide/] for further help."

/// `BeneficiaryButNotRecipientGeoData` (usefulness, Location, importance 0): Grants to organisations with beneficiary locations whose first recipient organisation has neither `postalCode` nor `location`. A grant with neither recipient organisation nor individual makes the official check raise.
///
/// Counts one per grant. Ported from the official lib360dataquality check of the same name
/// because users compare `giving`'s findings with the Data Quality Tool's.
public final class BeneficiaryButNotRecipientGeoData: CheckState, GrantCheck {
  public static let id = "BeneficiaryButNotRecipientGeoData"
  public static let category = CheckCategory.usefulness
  public static let topic = "Location"
  public static let importance = 0
  public static let relevance = CheckRelevance.recipientOrganisation
  public static let countStyle = CheckCountStyle.proportion
  public static let verb = CheckVerb.have
  public static let countUnit = "grant"
  public static var heading: String { officialHeading }
  public static var message: String { officialMessage }
  public static let summary = "Grants to organisations with beneficiary locations whose first recipient organisation has neither `postalCode` nor `location`. A grant with neither recipient organisation nor individual makes the official check raise."
  public static let fix = "Add Recipient Org:Postal Code or Recipient Org:Location as well."

  public required override init(context: CheckContext) { super.init(context: context) }

  public func process(_ grant: Grant) throws {
    guard case .object = grant.json else { throw CheckSkip("grant is not an object") }
    if context.member(.recipientIndividual, of: grant) != nil { return }
    guard let orgs = context.member(.recipientOrganization, of: grant)?.arrayValue, let first = orgs.first?.objectValue else {
      throw CheckSkip("grant has no 'recipientOrganization/0'")
    }
    let beneficiaries = context.member(.beneficiaryLocation, of: grant)?.isTruthy ?? false
    if beneficiaries && !(first["postalCode"]?.isTruthy ?? false) && !(first["location"]?.isTruthy ?? false) {
      count += 1
      note(grant, "recipientOrganization/0/id")
    }
  }

  public var result: CheckResult? { standardResult(Self.self) }
}
