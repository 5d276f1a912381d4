internal import Foundation

fileprivate let officialHeading = "a Funding or Recipient Organisation identifier that might not be valid"
fileprivate let officialMessage = "This error notice is caused by organisation identifiers that are not valid for the register that they refer to in their prefix. For example, an identifier with the prefix 'GB-CHC' that contains an invalid charity number. Common causes are missing or extra digits, typos or incorrect values such as text appearing in this field. See our guidance on organisation identifiers [https://standard.threesixtygiving.org/en/latest/technical/identifiers/#organisation-identifier] for further help."

/// `OrganizationIdLooksInvalid` (accuracy, Organisations, importance 0): Funding or recipient organisation identifiers starting (case-insensitively) `GB-CHC-` whose rest is not a charity number (6 or 7 characters reading as an integer), or `GB-COH-` whose rest is not 8 word characters.
///
/// Counts one per org id. Ported from the official lib360dataquality check of the same name
/// because users compare `giving`'s findings with the Data Quality Tool's.
public final class OrganizationIdLooksInvalid: CheckState, GrantCheck {
  public static let id = "OrganizationIdLooksInvalid"
  public static let category = CheckCategory.quality
  public static let topic = "Organisations"
  public static let importance = 0
  public static let relevance = CheckRelevance.recipientOrganisation
  public static let countStyle = CheckCountStyle.raw
  public static let verb = CheckVerb.have
  public static let countUnit = "org id"
  public static var heading: String { officialHeading }
  public static var message: String { officialMessage }
  public static let summary = "Funding or recipient organisation identifiers starting (case-insensitively) `GB-CHC-` whose rest is not a charity number (6 or 7 characters reading as an integer), or `GB-COH-` whose rest is not 8 word characters."
  public static let fix = "Correct the number after the prefix: `GB-CHC-` takes a Charity Commission number, `GB-COH-` an 8-character company number."

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
        let register = PythonRules.gbRegister(text)
        if register == .charity {
          if !PythonRules.isCharityNumber(PythonRules.dropFirst7(text)) {
            count += 1
            note(grant, "\(key)/\(n)/id")
          }
        } else if register == .company {
          if !PythonRules.isCompanyNumber(PythonRules.dropFirst7(text)) {
            count += 1
            note(grant, "\(key)/\(n)/id")
          }
        }
      }
    }
  }

  public var result: CheckResult? { standardResult(Self.self) }
}
