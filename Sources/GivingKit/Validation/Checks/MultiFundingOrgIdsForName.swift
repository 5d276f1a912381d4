internal import Foundation

fileprivate let officialHeading = "introduced an additional Funding Org:Identifier for an existing Funding Org:Name"
fileprivate let officialMessage = "Your data contains a single funder name with more than one organisation identifier. Funding organisations are expected to have a consistent name with a corresponding identifier so please check your data to see why multiple identifiers have occurred."

/// `MultiFundingOrgIdsForName` (accuracy, Organisations, importance 0): Funding organisation names that appear with an identifier not seen with them before in the file (file-level state). A funder without `id` or `name` makes the official check raise.
///
/// Counts one per occurrence. Ported from the official lib360dataquality check of the same name
/// because users compare `giving`'s findings with the Data Quality Tool's.
public final class MultiFundingOrgIdsForName: CheckState, GrantCheck {
  public static let id = "MultiFundingOrgIdsForName"
  public static let category = CheckCategory.quality
  public static let topic = "Organisations"
  public static let importance = 0
  public static let relevance = CheckRelevance.any
  public static let countStyle = CheckCountStyle.proportion
  public static let verb = CheckVerb.have
  public static let countUnit = "occurrence"
  public static var heading: String { officialHeading }
  public static var message: String { officialMessage }
  public static let summary = "Funding organisation names that appear with an identifier not seen with them before in the file (file-level state). A funder without `id` or `name` makes the official check raise."
  public static let fix = "Use one Funding Org:Identifier for each Funding Org:Name."

  public required override init(context: CheckContext) { super.init(context: context) }

  public func process(_ grant: Grant) throws {
    guard case .object = grant.json else { throw CheckSkip("grant is not an object") }
    guard let orgs = context.member(.fundingOrganization, of: grant) else { return }
    guard let list = orgs.arrayValue else { throw CheckSkip("'fundingOrganization' is not a list") }
    for (n, org) in list.enumerated() {
      guard let funder = org.objectValue else { throw CheckSkip("'fundingOrganization/\(n)' is not an object") }
      guard let key = funder["name"], let value = funder["id"] else {
        throw CheckSkip("'fundingOrganization/\(n)' has no 'name' or 'id'")
      }
      if key.arrayValue != nil || key.objectValue != nil { throw CheckSkip("'fundingOrganization/\(n)/name' is not hashable") }
      if let known = seen[key] {
        if !known.contains(value) {
          seen[key, default: []].append(value)
          count += 1
          note(grant, "fundingOrganization/\(n)/id")
        }
      } else {
        seen[key] = [value]
      }
    }
  }

  public var result: CheckResult? { standardResult(Self.self) }

  private var seen: [JSONValue: [JSONValue]] = [:]
}
