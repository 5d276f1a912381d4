internal import Foundation

fileprivate let officialHeading = "a Recipient Org:Identifier that does not draw from a recognised register"
fileprivate let officialMessage = "This error notice is caused by the prefix in an organisation identifier not being taken from a recognised register on the org-id list locator [https://org-id.guide/]. See our guidance on organisation identifiers [https://standard.threesixtygiving.org/en/latest/technical/identifiers/#organisation-identifier] for further help."

/// `RecipientOrgUnrecognisedPrefix` (accuracy, Organisations, importance 0): Grants with a `recipientOrganization` identifier whose prefix (tested case-insensitively, without separator) is not an org-id.guide list code or `360G`.
///
/// Counts one per grant. Ported from the official lib360dataquality check of the same name
/// because users compare `giving`'s findings with the Data Quality Tool's.
public final class RecipientOrgUnrecognisedPrefix: CheckState, GrantCheck {
  public static let id = "RecipientOrgUnrecognisedPrefix"
  public static let category = CheckCategory.quality
  public static let topic = "Organisations"
  public static let importance = 0
  public static let relevance = CheckRelevance.recipientOrganisation
  public static let countStyle = CheckCountStyle.raw
  public static let verb = CheckVerb.have
  public static let countUnit = "grant"
  public static var heading: String { officialHeading }
  public static var message: String { officialMessage }
  public static let summary = "Grants with a `recipientOrganization` identifier whose prefix (tested case-insensitively, without separator) is not an org-id.guide list code or `360G`."
  public static let fix = "Start the identifier with the org-id.guide code of the register it comes from (e.g. `GB-COH-09876543`), or `360G-` for organisations without an official number."

  public required override init(context: CheckContext) { super.init(context: context) }

  public func process(_ grant: Grant) throws {
    guard let orgs = context.member(.recipientOrganization, of: grant) else { return }
    guard let list = orgs.arrayValue else { throw CheckSkip("'recipientOrganization' is not a list") }
    var failure = false
    for (n, org) in list.enumerated() {
      guard let object = org.objectValue else { throw CheckSkip("'recipientOrganization/\(n)' is not an object") }
      guard let id = object["id"] else { return }  // KeyError: the official check stops here, uncounted
      guard let text = id.stringValue else { throw CheckSkip("'recipientOrganization/\(n)/id' is not a string") }
      if !context.orgIDs.isRecognised(text) {
        failure = true
        note(grant, "recipientOrganization/\(n)/id")
      }
    }
    if failure { count += 1 }
  }

  public var result: CheckResult? { standardResult(Self.self) }
}
