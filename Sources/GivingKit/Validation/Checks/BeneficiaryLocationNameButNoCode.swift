internal import Foundation

fileprivate let officialHeading = "Beneficiary location name found but no beneficiary location code"
fileprivate let officialMessage = "Including geocodes that correspond with the beneficiary location names increases the usability of the data by providing a consistent way to identify these places. Beneficiary location geocodes enable grants data to be used in 360Giving tools, visualised in maps and linked to official statistics. See our guidance on location data [https://standard.threesixtygiving.org/en/latest/guidance/location-guide/] for further help."

/// `BeneficiaryLocationNameButNoCode` (usefulness, Location, importance 0): Beneficiary locations with a `name` but no `geoCode`. Each counts.
///
/// Counts one per location. Ported from the official lib360dataquality check of the same name
/// because users compare `giving`'s findings with the Data Quality Tool's.
public final class BeneficiaryLocationNameButNoCode: CheckState, GrantCheck {
  public static let id = "BeneficiaryLocationNameButNoCode"
  public static let category = CheckCategory.usefulness
  public static let topic = "Location"
  public static let importance = 0
  public static let relevance = CheckRelevance.any
  public static let countStyle = CheckCountStyle.proportion
  public static let verb = CheckVerb.have
  public static let countUnit = "location"
  public static var heading: String { officialHeading }
  public static var message: String { officialMessage }
  public static let summary = "Beneficiary locations with a `name` but no `geoCode`. Each counts."
  public static let fix = "Add Beneficiary Location:Geographic Code (and its type) for every named location."

  public required override init(context: CheckContext) { super.init(context: context) }

  public func process(_ grant: Grant) throws {
    guard case .object = grant.json else { throw CheckSkip("grant is not an object") }
    guard let locations = context.member(.beneficiaryLocation, of: grant) else { return }
    guard let list = locations.arrayValue else { throw CheckSkip("'beneficiaryLocation' is not a list") }
    for (n, location) in list.enumerated() {
      guard let place = location.objectValue else { throw CheckSkip("'beneficiaryLocation/\(n)' is not an object") }
      if (place["name"]?.isTruthy ?? false) && !(place["geoCode"]?.isTruthy ?? false) {
        count += 1
        note(grant, "beneficiaryLocation/\(n)/name")
      }
    }
  }

  public var result: CheckResult? { standardResult(Self.self) }
}
