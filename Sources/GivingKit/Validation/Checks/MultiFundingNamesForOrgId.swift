internal import Foundation

fileprivate let officialHeading = "introduced an additional Funding Org:Name for an existing Funding Org:Identifier"
fileprivate let officialMessage = "Your data contains an organisation identifier with more than one funder name. Funding organisations are expected to have one name with a corresponding identifier, so please check your data to see why multiple funder names have occurred."

/// `MultiFundingNamesForOrgId` (accuracy, Organisations, importance 0): Funding organisation identifiers that appear with a name not seen with them before in the file (file-level state). A funder without `id` or `name` makes the official check raise.
///
/// Counts one per occurrence. Ported from the official lib360dataquality check of the same name
/// because users compare `giving`'s findings with the Data Quality Tool's.
public final class MultiFundingNamesForOrgId: CheckState, GrantCheck {
  public static let id = "MultiFundingNamesForOrgId"
  public static let category = CheckCategory.quality
  public static let topic = "Organisations"
  public static let importance = 0
  public static let relevance = CheckRelevance.any
  public static let countStyle = CheckCountStyle.proportion
  public static let verb = CheckVerb.have
  public static let countUnit = "occurrence"
  public static var heading: String { officialHeading }
  public static var message: String { officialMessage }
  public static let summary = "Funding organisation identifiers that appear with a name not seen with them before in the file (file-level state). A funder without `id` or `name` makes the official check raise."
  public static let fix = "Use one Funding Org:Name for each Funding Org:Identifier."

  public required override init(context: CheckContext) { super.init(context: context) }

  public func process(_ grant: Grant) throws {
    guard case .object = grant.json else { throw CheckSkip("grant is not an object") }
    guard let orgs = context.member(.fundingOrganization, of: grant) else { return }
    guard let list = orgs.arrayValue else { throw CheckSkip("'fundingOrganization' is not a list") }
    for (n, org) in list.enumerated() {
      guard let funder = org.objectValue else { throw CheckSkip("'fundingOrganization/\(n)' is not an object") }
      guard let key = funder["id"], let value = funder["name"] else {
        throw CheckSkip("'fundingOrganization/\(n)' has no 'id' or 'name'")
      }
      if key.arrayValue != nil || key.objectValue != nil { throw CheckSkip("'fundingOrganization/\(n)/id' is not hashable") }
      if let known = seen[key] {
        if !known.contains(value) {
          seen[key, default: []].append(value)
          count += 1
          note(grant, "fundingOrganization/\(n)/name")
        }
      } else {
        seen[key] = [value]
      }
    }
  }

  public var result: CheckResult? { standardResult(Self.self) }

  private var seen: [JSONValue: [JSONValue]] = [:]
}
