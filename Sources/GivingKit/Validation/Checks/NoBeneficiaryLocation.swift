internal import Foundation

fileprivate let officialHeading = "not contain any beneficiary location fields"
fileprivate let officialMessage = "Including beneficiary location data in the form of place names and geocodes helps users to understand which places your funding reaches. This data can be more accurate in showing where grants are going geographically, especially in cases where the recipient location is in a different place from the activity being funded. Beneficiary location geocodes enable grants data to be used by 360Giving tools, visualised in maps and linked to official statistics. See our guidance on location data  [https://standard.threesixtygiving.org/en/latest/guidance/location-guide/]for further help."

/// `NoBeneficiaryLocation` (usefulness, Location, importance 0): Grants without `beneficiaryLocation` (missing or empty).
///
/// Counts one per grant. Ported from the official lib360dataquality check of the same name
/// because users compare `giving`'s findings with the Data Quality Tool's.
public final class NoBeneficiaryLocation: CheckState, GrantCheck {
  public static let id = "NoBeneficiaryLocation"
  public static let category = CheckCategory.usefulness
  public static let topic = "Location"
  public static let importance = 0
  public static let relevance = CheckRelevance.any
  public static let countStyle = CheckCountStyle.proportion
  public static let verb = CheckVerb.`do`
  public static let countUnit = "grant"
  public static var heading: String { officialHeading }
  public static var message: String { officialMessage }
  public static let summary = "Grants without `beneficiaryLocation` (missing or empty)."
  public static let fix = "Add Beneficiary Location name and geographic code for where the funding reaches."

  public required override init(context: CheckContext) { super.init(context: context) }

  public func process(_ grant: Grant) throws {
    guard case .object = grant.json else { throw CheckSkip("grant is not an object") }
    if !(context.member(.beneficiaryLocation, of: grant)?.isTruthy ?? false) {
      count += 1
      note(grant, "id")
    }
  }

  public var result: CheckResult? { standardResult(Self.self) }
}
