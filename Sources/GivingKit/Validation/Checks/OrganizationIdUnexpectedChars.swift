internal import Foundation

fileprivate let officialHeading = "a Funding or Recipient Organisation identifier that contains unexpected characters. If published this grant will not appear in GrantNav."
fileprivate let officialMessage = "The organisation identifier contains line breaks which cause 360Giving tools to break. The affected grants will not appear in 360Giving's tools unless the unexpected characters are removed. See our guidance on organisation identifiers [https://standard.threesixtygiving.org/en/latest/technical/identifiers/#organisation-identifier]  for further help."

/// `OrganizationIdUnexpectedChars` (accuracy, Organisations, importance 100): Funding or recipient organisation identifiers containing a line break, which 360Giving tools cannot handle.
///
/// Counts one per org id. Ported from the official lib360dataquality check of the same name
/// because users compare `giving`'s findings with the Data Quality Tool's.
public final class OrganizationIdUnexpectedChars: CheckState, GrantCheck {
  public static let id = "OrganizationIdUnexpectedChars"
  public static let category = CheckCategory.quality
  public static let topic = "Organisations"
  public static let importance = 100
  public static let relevance = CheckRelevance.recipientOrganisation
  public static let countStyle = CheckCountStyle.raw
  public static let verb = CheckVerb.have
  public static let countUnit = "org id"
  public static var heading: String { officialHeading }
  public static var message: String { officialMessage }
  public static let summary = "Funding or recipient organisation identifiers containing a line break, which 360Giving tools cannot handle."
  public static let fix = "Remove the line breaks from the identifier (often pasted from a spreadsheet cell)."

  public required override init(context: CheckContext) { super.init(context: context) }

  public func process(_ grant: Grant) throws {
    for member in [GrantMember.fundingOrganization, .recipientOrganization] {
      let key = member.key
      guard let orgs = context.member(member, of: grant) else { continue }
      guard let list = orgs.arrayValue else {
        if orgs.isTruthy || orgs.isNull { throw CheckSkip("'\(key)' is not a list") }
        continue
      }
      for (n, org) in list.enumerated() {
        guard let object = org.objectValue else { throw CheckSkip("'\(key)/\(n)' is not an object") }
        guard let id = object["id"], id.isTruthy else { continue }
        guard let text = id.stringValue else { throw CheckSkip("'\(key)/\(n)/id' is not a string") }
        if text.utf8.contains(10) {
          count += 1
          note(grant, "\(key)/\(n)/id")
        }
      }
    }
  }

  public var result: CheckResult? { standardResult(Self.self) }
}
