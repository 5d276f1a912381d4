internal import Foundation

fileprivate let officialHeading = "a value provided in the Recipient Org:Charity Number column that doesn’t look like a UK charity number"
fileprivate let officialMessage = "Common causes of this error notice are missing or extra digits, typos or incorrect values such as text appearing in this field. You can check UK charity numbers online at FindthatCharity [https://findthatcharity.uk/]. This error may also be triggered by correctly formatted non-UK charity numbers, in which case this message can be ignored."

/// `RecipientOrgCharityNumber` (accuracy, Organisations, importance 0): Grants with a recipient `charityNumber` that, after dropping two leading letters (e.g. `SC`), is not 6 or 7 characters that read as an integer. Processing of a grant stops at the first organisation without `charityNumber`, as officially.
///
/// Counts one per grant. Ported from the official lib360dataquality check of the same name
/// because users compare `giving`'s findings with the Data Quality Tool's.
public final class RecipientOrgCharityNumber: CheckState, GrantCheck {
  public static let id = "RecipientOrgCharityNumber"
  public static let category = CheckCategory.quality
  public static let topic = "Organisations"
  public static let importance = 0
  public static let relevance = CheckRelevance.recipientOrganisation
  public static let countStyle = CheckCountStyle.raw
  public static let verb = CheckVerb.have
  public static let countUnit = "grant"
  public static var heading: String { officialHeading }
  public static var message: String { officialMessage }
  public static let summary = "Grants with a recipient `charityNumber` that, after dropping two leading letters (e.g. `SC`), is not 6 or 7 characters that read as an integer. Processing of a grant stops at the first organisation without `charityNumber`, as officially."
  public static let fix = "Give the bare charity number (e.g. `1164883`, `SC012345`); check it on FindThatCharity."

  public required override init(context: CheckContext) { super.init(context: context) }

  public func process(_ grant: Grant) throws {
    guard let orgs = context.member(.recipientOrganization, of: grant) else { return }
    guard let list = orgs.arrayValue else { throw CheckSkip("'recipientOrganization' is not a list") }
    var failure = false
    for (n, org) in list.enumerated() {
      guard let object = org.objectValue else { throw CheckSkip("'recipientOrganization/\(n)' is not an object") }
      guard let value = object["charityNumber"] else { return }  // KeyError: stops here, uncounted
      var text = OfficialText.str(value)
      if PythonRules.firstTwoAreAlpha(text) { text = String(String.UnicodeScalarView(text.unicodeScalars.dropFirst(2))) }
      if !PythonRules.isCharityNumber(text) {
        failure = true
        note(grant, "recipientOrganization/\(n)/charityNumber")
      }
    }
    if failure { count += 1 }
  }

  public var result: CheckResult? { standardResult(Self.self) }
}
