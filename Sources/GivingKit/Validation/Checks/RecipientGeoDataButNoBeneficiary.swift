internal import Foundation

fileprivate let officialHeading = "Recipient Organisation location data found but no Beneficiary location data"
fileprivate let officialMessage = "Your data contains useful Recipient Organisation location data which helps users to understand where grants recipients are based. If available, please consider also including beneficiary location data to provide further context about the places your funding reaches. See our guidance on location data [https://standard.threesixtygiving.org/en/latest/guidance/location-guide/] for further help."

/// `RecipientGeoDataButNoBeneficiary` (usefulness, Location, importance 0): Grants to organisations whose first recipient organisation has a `location` but which have no beneficiary locations. A grant with neither recipient organisation nor individual makes the official check raise.
///
/// Counts one per grant. Ported from the official lib360dataquality check of the same name
/// because users compare `giving`'s findings with the Data Quality Tool's.
public final class RecipientGeoDataButNoBeneficiary: CheckState, GrantCheck {
  public static let id = "RecipientGeoDataButNoBeneficiary"
  public static let category = CheckCategory.usefulness
  public static let topic = "Location"
  public static let importance = 0
  public static let relevance = CheckRelevance.recipientOrganisation
  public static let countStyle = CheckCountStyle.proportion
  public static let verb = CheckVerb.have
  public static let countUnit = "grant"
  public static var heading: String { officialHeading }
  public static var message: String { officialMessage }
  public static let summary = "Grants to organisations whose first recipient organisation has a `location` but which have no beneficiary locations. A grant with neither recipient organisation nor individual makes the official check raise."
  public static let fix = "Add Beneficiary Location data for the places the funding reaches."

  public required override init(context: CheckContext) { super.init(context: context) }

  public func process(_ grant: Grant) throws {
    guard case .object = grant.json else { throw CheckSkip("grant is not an object") }
    if context.member(.recipientIndividual, of: grant) != nil { return }
    guard let orgs = context.member(.recipientOrganization, of: grant)?.arrayValue, let first = orgs.first?.objectValue else {
      throw CheckSkip("grant has no 'recipientOrganization/0'")
    }
    let beneficiaries = context.member(.beneficiaryLocation, of: grant)?.isTruthy ?? false
    if !beneficiaries && (first["location"]?.isTruthy ?? false) {
      count += 1
      note(grant, "recipientOrganization/0/location")
    }
  }

  public var result: CheckResult? { standardResult(Self.self) }
}
