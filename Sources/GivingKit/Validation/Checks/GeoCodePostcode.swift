internal import Foundation

fileprivate let officialHeading = "Geographic Code that looks like a postcode"
fileprivate let officialMessage = "Your data contains a Beneficiary Location:Geographic Code that looks like a postcode on grants to individuals. You must not share any postcodes for grants to individuals as this can make them personally identifiable when combined with other information in the grant."

/// `GeoCodePostcode` (accuracy, Data Protection, importance 100): Beneficiary location geocodes on grants to individuals that look like a UK postcode (`^\s*[a-z]{1,2}\d[a-z\d]?\s*\d[a-z]{2}\s*$`, any case). Each matching location counts.
///
/// Counts one per location. Ported from the official lib360dataquality check of the same name
/// because users compare `giving`'s findings with the Data Quality Tool's.
public final class GeoCodePostcode: CheckState, GrantCheck {
  public static let id = "GeoCodePostcode"
  public static let category = CheckCategory.quality
  public static let topic = "Data Protection"
  public static let importance = 100
  public static let relevance = CheckRelevance.recipientIndividual
  public static let countStyle = CheckCountStyle.proportion
  public static let verb = CheckVerb.have
  public static let countUnit = "location"
  public static var heading: String { officialHeading }
  public static var message: String { officialMessage }
  public static let summary = "Beneficiary location geocodes on grants to individuals that look like a UK postcode (`^\\s*[a-z]{1,2}\\d[a-z\\d]?\\s*\\d[a-z]{2}\\s*$`, any case). Each matching location counts."
  public static let fix = "Never publish postcodes on grants to individuals; use a wider area code (ward, local authority)."

  public required override init(context: CheckContext) { super.init(context: context) }

  public func process(_ grant: Grant) throws {
    guard case .object = grant.json else { throw CheckSkip("grant is not an object") }
    guard context.member(.recipientIndividual, of: grant) != nil else { return }
    guard let locations = context.member(.beneficiaryLocation, of: grant) else { return }
    guard let list = locations.arrayValue else { throw CheckSkip("'beneficiaryLocation' is not a list") }
    for (n, location) in list.enumerated() {
      guard let place = location.objectValue else { throw CheckSkip("'beneficiaryLocation/\(n)' is not an object") }
      let code = place["geoCode"] ?? .string("")
      guard let text = code.stringValue else { throw CheckSkip("'beneficiaryLocation/\(n)/geoCode' is not a string") }
      if PythonRules.looksLikePostcode(text) {
        count += 1
        note(grant, "beneficiaryLocation/\(n)/geoCode")
      }
    }
  }

  public var result: CheckResult? { standardResult(Self.self) }
}
