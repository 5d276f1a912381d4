internal import Foundation

fileprivate let officialHeading = "not have either a Recipient Org:Company Number or a Recipient Org:Charity Number"
fileprivate let officialMessage = "Company and charity numbers are important for understanding grantmaking in the UK and including these separately makes it easier for users to match grants data with official sources of information about the recipients. If your grants are to organisations that don’t have UK Company or UK Charity numbers, you can ignore this notice."

/// `NoRecipientOrgCompanyCharityNumber` (usefulness, Organisations, importance 0): Grants with a recipient organisation that has neither `companyNumber` nor `charityNumber`.
///
/// Counts one per grant. Ported from the official lib360dataquality check of the same name
/// because users compare `giving`'s findings with the Data Quality Tool's.
public final class NoRecipientOrgCompanyCharityNumber: CheckState, GrantCheck {
  public static let id = "NoRecipientOrgCompanyCharityNumber"
  public static let category = CheckCategory.usefulness
  public static let topic = "Organisations"
  public static let importance = 0
  public static let relevance = CheckRelevance.recipientOrganisation
  public static let countStyle = CheckCountStyle.proportion
  public static let verb = CheckVerb.`do`
  public static let countUnit = "grant"
  public static var heading: String { officialHeading }
  public static var message: String { officialMessage }
  public static let summary = "Grants with a recipient organisation that has neither `companyNumber` nor `charityNumber`."
  public static let fix = "Add Recipient Org:Company Number and/or Recipient Org:Charity Number where the recipient has them."

  public required override init(context: CheckContext) { super.init(context: context) }

  public func process(_ grant: Grant) throws {
    guard let orgs = context.member(.recipientOrganization, of: grant) else { return }
    guard let list = orgs.arrayValue else { throw CheckSkip("'recipientOrganization' is not a list") }
    var failure = false
    for (n, org) in list.enumerated() {
      guard let object = org.objectValue else { throw CheckSkip("'recipientOrganization/\(n)' is not an object") }
      if !(object["companyNumber"]?.isTruthy ?? false) && !(object["charityNumber"]?.isTruthy ?? false) {
        failure = true
        note(grant, "recipientOrganization/\(n)/id")
      }
    }
    if failure { count += 1 }
  }

  public var result: CheckResult? { standardResult(Self.self) }
}
