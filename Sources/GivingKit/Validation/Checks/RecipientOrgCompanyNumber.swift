internal import Foundation

fileprivate let officialHeading = "a value provided in the Recipient Org:Company Number column that doesn’t look like a company number"
fileprivate let officialMessage = "Common causes of this error notice are missing or extra digits, typos or incorrect values such as text appearing in this field. UK Company numbers are typically 8 digits, for example 09876543 or sometimes start with a 2 letter prefix, SC123459. You can check company numbers online at Companies House [https://find-and-update.company-information.service.gov.uk/]. This error may also be triggered by correctly formatted non-UK company numbers, in which case this message can be ignored."

/// `RecipientOrgCompanyNumber` (accuracy, Organisations, importance 0): Grants with a recipient `companyNumber` that is not exactly 8 word characters (`^\w{8}$`). Processing of a grant stops at the first organisation without `companyNumber`, as officially.
///
/// Counts one per grant. Ported from the official lib360dataquality check of the same name
/// because users compare `giving`'s findings with the Data Quality Tool's.
public final class RecipientOrgCompanyNumber: CheckState, GrantCheck {
  public static let id = "RecipientOrgCompanyNumber"
  public static let category = CheckCategory.quality
  public static let topic = "Organisations"
  public static let importance = 0
  public static let relevance = CheckRelevance.recipientOrganisation
  public static let countStyle = CheckCountStyle.raw
  public static let verb = CheckVerb.have
  public static let countUnit = "grant"
  public static var heading: String { officialHeading }
  public static var message: String { officialMessage }
  public static let summary = "Grants with a recipient `companyNumber` that is not exactly 8 word characters (`^\\w{8}$`). Processing of a grant stops at the first organisation without `companyNumber`, as officially."
  public static let fix = "Give the 8-character Companies House number with its leading zeros or two-letter prefix (`09876543`, `SC123459`)."

  public required override init(context: CheckContext) { super.init(context: context) }

  public func process(_ grant: Grant) throws {
    guard let orgs = context.member(.recipientOrganization, of: grant) else { return }
    guard let list = orgs.arrayValue else { throw CheckSkip("'recipientOrganization' is not a list") }
    var failure = false
    for (n, org) in list.enumerated() {
      guard let object = org.objectValue else { throw CheckSkip("'recipientOrganization/\(n)' is not an object") }
      guard let value = object["companyNumber"] else { return }  // KeyError: stops here, uncounted
      guard let text = value.stringValue else { throw CheckSkip("'recipientOrganization/\(n)/companyNumber' is not a string") }
      if !PythonRules.isCompanyNumber(text) {
        failure = true
        note(grant, "recipientOrganization/\(n)/companyNumber")
      }
    }
    if failure { count += 1 }
  }

  public var result: CheckResult? { standardResult(Self.self) }
}
