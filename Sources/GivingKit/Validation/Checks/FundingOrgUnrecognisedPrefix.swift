internal import Foundation

fileprivate let officialHeading = "a Funding Org:Identifier that does not draw from a recognised register"
fileprivate let officialMessage = "This error notice is caused by the prefix in an organisation identifier not being taken from a recognised register on the org-id list locator [https://org-id.guide/]. See our guidance on organisation identifiers [https://standard.threesixtygiving.org/en/latest/technical/identifiers/#organisation-identifier] for further help."

/// `FundingOrgUnrecognisedPrefix` (accuracy, Organisations, importance 0): Grants with a `fundingOrganization` identifier whose prefix (tested case-insensitively, without separator) is not an org-id.guide list code or `360G`. An organisation without `id` stops the grant uncounted, as officially.
///
/// Counts one per grant. Ported from the official lib360dataquality check of the same name
/// because users compare `giving`'s findings with the Data Quality Tool's.
public final class FundingOrgUnrecognisedPrefix: CheckState, GrantCheck {
  public static let id = "FundingOrgUnrecognisedPrefix"
  public static let category = CheckCategory.quality
  public static let topic = "Organisations"
  public static let importance = 0
  public static let relevance = CheckRelevance.any
  public static let countStyle = CheckCountStyle.raw
  public static let verb = CheckVerb.have
  public static let countUnit = "grant"
  public static var heading: String { officialHeading }
  public static var message: String { officialMessage }
  public static let summary = "Grants with a `fundingOrganization` identifier whose prefix (tested case-insensitively, without separator) is not an org-id.guide list code or `360G`. An organisation without `id` stops the grant uncounted, as officially."
  public static let fix = "Start the identifier with the org-id.guide code of the register it comes from (e.g. `GB-CHC-1164883`), or `360G-` with your publisher prefix."

  public required override init(context: CheckContext) { super.init(context: context) }

  public func process(_ grant: Grant) throws {
    guard let orgs = context.member(.fundingOrganization, of: grant) else { return }
    guard let list = orgs.arrayValue else { throw CheckSkip("'fundingOrganization' is not a list") }
    var failure = false
    for (n, org) in list.enumerated() {
      guard let object = org.objectValue else { throw CheckSkip("'fundingOrganization/\(n)' is not an object") }
      guard let id = object["id"] else { return }  // KeyError: the official check stops here, uncounted
      guard let text = id.stringValue else { throw CheckSkip("'fundingOrganization/\(n)/id' is not a string") }
      if !context.orgIDs.isRecognised(text) {
        failure = true
        note(grant, "fundingOrganization/\(n)/id")
      }
    }
    if failure { count += 1 }
  }

  public var result: CheckResult? { standardResult(Self.self) }
}
