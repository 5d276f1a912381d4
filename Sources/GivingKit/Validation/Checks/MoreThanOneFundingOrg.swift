internal import Foundation

fileprivate let officialHeading = "{} different funding organisation identifiers listed"
fileprivate let officialMessage = "If you are only publishing for a single funder please review your Funding Org:Identifier field to see where multiple IDs have occurred. If you are publishing data about multiple funders and the number of funders is correct, then you can ignore this error notice."

/// `MoreThanOneFundingOrg` (accuracy, Organisations, importance 100): Files listing more than one distinct `fundingOrganization` identifier. As officially, the count stays 0 and the heading gives the number of identifiers; locations are the first occurrence of each.
///
/// Counts one per file. Ported from the official lib360dataquality check of the same name
/// because users compare `giving`'s findings with the Data Quality Tool's.
public final class MoreThanOneFundingOrg: CheckState, GrantCheck {
  public static let id = "MoreThanOneFundingOrg"
  public static let category = CheckCategory.quality
  public static let topic = "Organisations"
  public static let importance = 100
  public static let relevance = CheckRelevance.any
  public static let countStyle = CheckCountStyle.raw
  public static let verb = CheckVerb.have
  public static let countUnit = "file"
  public static var heading: String { officialHeading }
  public static var message: String { officialMessage }
  public static let summary = "Files listing more than one distinct `fundingOrganization` identifier. As officially, the count stays 0 and the heading gives the number of identifiers; locations are the first occurrence of each."
  public static let fix = "If you publish for one funder, use one Funding Org:Identifier throughout; otherwise ignore this notice."

  public required override init(context: CheckContext) { super.init(context: context) }

  public func process(_ grant: Grant) throws {
    guard let orgs = context.member(.fundingOrganization, of: grant) else { return }
    guard let list = orgs.arrayValue else { throw CheckSkip("'fundingOrganization' is not a list") }
    for (n, org) in list.enumerated() {
      guard let object = org.objectValue else { throw CheckSkip("'fundingOrganization/\(n)' is not an object") }
      guard let id = object["id"], id.isTruthy else { continue }
      if seen.insert(id).inserted { note(grant, "fundingOrganization/\(n)/id") }
    }
  }

  private var seen: Set<JSONValue> = []

  public var result: CheckResult? {
    guard seen.count > 1 else { return nil }
    return CheckResult(
      type: Self.id, category: Self.category, topic: Self.topic, importance: Self.importance, count: 0,
      percentage: 0, heading: Self.heading.replacingOccurrences(of: "{}", with: String(seen.count)),
      message: Self.message, jsonLocations: locations, skippedGrants: skipped)
  }
}
