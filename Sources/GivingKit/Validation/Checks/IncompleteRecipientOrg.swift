internal import Foundation

fileprivate let officialHeading = "not have recipient organisation location information"
fileprivate let officialMessage = "Recipient location data in the form of postcodes or geocodes provides a consistent way to describe a location. This data can be used to produce maps, such as the maps in GrantVis [https://grantvis.threesixtygiving.org/], showing the geographical distribution of funding and allows grants data to be looked at alongside official statistics, such as the Indices of multiple deprivation. See our guidance on location data [https://standard.threesixtygiving.org/en/latest/guidance/location-guide/] for further help."

/// `IncompleteRecipientOrg` (usefulness, Location, importance 0): Grants with a recipient organisation that has no `postalCode` and no `location` with a `geoCode`.
///
/// Counts one per grant. Ported from the official lib360dataquality check of the same name
/// because users compare `giving`'s findings with the Data Quality Tool's.
public final class IncompleteRecipientOrg: CheckState, GrantCheck {
  public static let id = "IncompleteRecipientOrg"
  public static let category = CheckCategory.usefulness
  public static let topic = "Location"
  public static let importance = 0
  public static let relevance = CheckRelevance.recipientOrganisation
  public static let countStyle = CheckCountStyle.proportion
  public static let verb = CheckVerb.`do`
  public static let countUnit = "grant"
  public static var heading: String { officialHeading }
  public static var message: String { officialMessage }
  public static let summary = "Grants with a recipient organisation that has no `postalCode` and no `location` with a `geoCode`."
  public static let fix = "Add Recipient Org:Postal Code, or a Recipient Org:Location with a geographic code."

  public required override init(context: CheckContext) { super.init(context: context) }

  public func process(_ grant: Grant) throws {
    guard let orgs = context.member(.recipientOrganization, of: grant) else { return }
    guard let list = orgs.arrayValue else { throw CheckSkip("'recipientOrganization' is not a list") }
    var failure = false
    for (n, org) in list.enumerated() {
      guard let object = org.objectValue else { throw CheckSkip("'recipientOrganization/\(n)' is not an object") }
      let postal = object["postalCode"]?.isTruthy ?? false
      var located = false
      if let places = object["location"], places.isTruthy {
        guard let list = places.arrayValue else { throw CheckSkip("'recipientOrganization/\(n)/location' is not a list") }
        for place in list {
          guard let p = place.objectValue else { throw CheckSkip("a location is not an object") }
          if p["geoCode"]?.isTruthy ?? false { located = true; break }
        }
      }
      if !postal && !located {
        failure = true
        note(grant, "recipientOrganization/\(n)/id")
      }
    }
    if failure { count += 1 }
  }

  public var result: CheckResult? { standardResult(Self.self) }
}
