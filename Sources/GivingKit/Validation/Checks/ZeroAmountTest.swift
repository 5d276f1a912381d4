internal import Foundation

fileprivate let officialHeading = "a value of £0"
fileprivate let officialMessage = "Please review these grants and decide if they should be included in your data. It's unusual to have grants of £0, but there may be a reasonable explanation. If you intend to publish £0 value grants consider adding an explanation to the grant description to help users to interpret the information correctly."

/// `ZeroAmountTest` (accuracy, Grants, importance 100): Grants whose `amountAwarded` is exactly 0 (other non-numbers are left to schema validation).
///
/// Counts one per grant. Ported from the official lib360dataquality check of the same name
/// because users compare `giving`'s findings with the Data Quality Tool's.
public final class ZeroAmountTest: CheckState, GrantCheck {
  public static let id = "ZeroAmountTest"
  public static let category = CheckCategory.quality
  public static let topic = "Grants"
  public static let importance = 100
  public static let relevance = CheckRelevance.any
  public static let countStyle = CheckCountStyle.raw
  public static let verb = CheckVerb.have
  public static let countUnit = "grant"
  public static var heading: String { officialHeading }
  public static var message: String { officialMessage }
  public static let summary = "Grants whose `amountAwarded` is exactly 0 (other non-numbers are left to schema validation)."
  public static let fix = "Check whether £0 grants belong in the data; if they do, explain them in the description."

  public required override init(context: CheckContext) { super.init(context: context) }

  public func process(_ grant: Grant) throws {
    guard case .object = grant.json, let amount = context.member(.amountAwarded, of: grant) else { return }
    switch amount {
    case .number(let n) where n.isZero: break
    case .bool(false): break  // Python: False == 0
    default: return
    }
    count += 1
    note(grant, "amountAwarded")
  }

  public var result: CheckResult? { standardResult(Self.self) }
}
