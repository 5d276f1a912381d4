internal import Foundation

fileprivate let officialHeading = "a Funding Org:Identifier that starts '360G-'"
fileprivate let officialMessage = "Use an official reference, such as a charity or company number, to identify your funding organisation whenever possible. However, some funders do not have an official reference number that can be used. In these cases your funding organisation identifier should reuse your publisher prefix and therefore start with “360G-”. See our guidance on organisation identifiers [https://standard.threesixtygiving.org/en/latest/technical/identifiers/#organisation-identifier] for further help."

/// `FundingOrg360GPrefix` (usefulness, Organisations, importance 0): Funding organisation identifiers starting `360G` (any case). Each counts.
///
/// Counts one per org. Ported from the official lib360dataquality check of the same name
/// because users compare `giving`'s findings with the Data Quality Tool's.
public final class FundingOrg360GPrefix: CheckState, GrantCheck {
  public static let id = "FundingOrg360GPrefix"
  public static let category = CheckCategory.usefulness
  public static let topic = "Organisations"
  public static let importance = 0
  public static let relevance = CheckRelevance.any
  public static let countStyle = CheckCountStyle.proportion
  public static let verb = CheckVerb.have
  public static let countUnit = "org"
  public static var heading: String { officialHeading }
  public static var message: String { officialMessage }
  public static let summary = "Funding organisation identifiers starting `360G` (any case). Each counts."
  public static let fix = "Identify the funder by its charity or company number where it has one."

  public required override init(context: CheckContext) { super.init(context: context) }

  public func process(_ grant: Grant) throws {
    guard let orgs = context.member(.fundingOrganization, of: grant) else { return }
    guard let list = orgs.arrayValue else { throw CheckSkip("'fundingOrganization' is not a list") }
    for (n, org) in list.enumerated() {
      guard let object = org.objectValue else { throw CheckSkip("'fundingOrganization/\(n)' is not an object") }
      guard let id = object["id"] else { return }  // KeyError: stops here
      guard let text = id.stringValue else { throw CheckSkip("'fundingOrganization/\(n)/id' is not a string") }
      if PythonRules.startsWith360G(text) {
        count += 1
        note(grant, "fundingOrganization/\(n)/id")
      }
    }
  }

  public var result: CheckResult? { standardResult(Self.self) }
}
