internal import Foundation

fileprivate let officialHeading = "a Recipient Org:Identifier that starts '360G-'"
fileprivate let officialMessage = "If a recipient has a charity or company number, or another official reference, this should be used to identify the organisation. Doing so makes it possible to see when funders give grants to the same recipient and allows grants data to be linked to official sources of organisation data. However some organisations, such as small unregistered groups, do not have an official reference number that can be used. In these cases the recipient organisation identifier should start ‘360G-‘ and use an identifier taken from the your internal systems. See our guidance on organisation identifiers [https://standard.threesixtygiving.org/en/latest/technical/identifiers/#organisation-identifier] for further help."

/// `RecipientOrg360GPrefix` (usefulness, Organisations, importance 0): Recipient organisation identifiers starting `360G` (any case), i.e. made up by the publisher rather than taken from a register. Each counts.
///
/// Counts one per org. Ported from the official lib360dataquality check of the same name
/// because users compare `giving`'s findings with the Data Quality Tool's.
public final class RecipientOrg360GPrefix: CheckState, GrantCheck {
  public static let id = "RecipientOrg360GPrefix"
  public static let category = CheckCategory.usefulness
  public static let topic = "Organisations"
  public static let importance = 0
  public static let relevance = CheckRelevance.recipientOrganisation
  public static let countStyle = CheckCountStyle.proportion
  public static let verb = CheckVerb.have
  public static let countUnit = "org"
  public static var heading: String { officialHeading }
  public static var message: String { officialMessage }
  public static let summary = "Recipient organisation identifiers starting `360G` (any case), i.e. made up by the publisher rather than taken from a register. Each counts."
  public static let fix = "Where the recipient has a charity or company number (or another official reference), use the org-id for it instead."

  public required override init(context: CheckContext) { super.init(context: context) }

  public func process(_ grant: Grant) throws {
    guard let orgs = context.member(.recipientOrganization, of: grant) else { return }
    guard let list = orgs.arrayValue else { throw CheckSkip("'recipientOrganization' is not a list") }
    for (n, org) in list.enumerated() {
      guard let object = org.objectValue else { throw CheckSkip("'recipientOrganization/\(n)' is not an object") }
      guard let id = object["id"] else { return }  // KeyError: stops here
      guard let text = id.stringValue else { throw CheckSkip("'recipientOrganization/\(n)/id' is not a string") }
      if PythonRules.startsWith360G(text) {
        count += 1
        note(grant, "recipientOrganization/\(n)/id")
      }
    }
  }

  public var result: CheckResult? { standardResult(Self.self) }
}
