internal import Foundation

fileprivate let officialHeading = "text that looks like an email address"
fileprivate let officialMessage = "Your data contains an email address (or something that looks like one), which could constitute personal data if it is the email of an individual. The use and distribution of personal data is restricted by the Data Protection Act. You should ensure that any personal data is removed from your data prior to publishing it, or that it is only included with the knowledge and consent of the person to whom it refers."

/// `LooksLikeEmail` (accuracy, Data Protection, importance 100): String values anywhere in the grant matching `[\w.-]+@[\w.-]+\.[\w.-]+`, except where the flattened path contains `email`. Each matching value counts.
///
/// Counts one per value. Ported from the official lib360dataquality check of the same name
/// because users compare `giving`'s findings with the Data Quality Tool's.
public final class LooksLikeEmail: CheckState, GrantCheck {
  public static let id = "LooksLikeEmail"
  public static let category = CheckCategory.quality
  public static let topic = "Data Protection"
  public static let importance = 100
  public static let relevance = CheckRelevance.any
  public static let countStyle = CheckCountStyle.raw
  public static let verb = CheckVerb.contain
  public static let countUnit = "value"
  public static var heading: String { officialHeading }
  public static var message: String { officialMessage }
  public static let summary = "String values anywhere in the grant matching `[\\w.-]+@[\\w.-]+\\.[\\w.-]+`, except where the flattened path contains `email`. Each matching value counts."
  public static let fix = "Remove personal email addresses, or publish them only with the consent of the person."

  public required override init(context: CheckContext) { super.init(context: context) }

  public func process(_ grant: Grant) throws {
    guard grant.json.objectValue != nil else { throw CheckSkip("grant is not an object") }
    var path: [String] = []
    scan(grant.json, &path, grant)
  }

  public var result: CheckResult? { standardResult(Self.self) }

  private func scan(_ value: JSONValue, _ path: inout [String], _ grant: Grant) {
    switch value {
    case .string(let text):
      guard PythonRules.looksLikeEmail(text) else { return }
      let joined = path.joined(separator: "/")
      if joined.contains("email") { return }
      count += 1
      note(grant, joined)
    case .object(let object):
      for (n, member) in object.members.enumerated() {
        // a repeated key: Python keeps the last one only
        if object.members[(n + 1)...].contains(where: { $0.key == member.key }) { continue }
        path.append(member.key)
        scan(member.value, &path, grant)
        path.removeLast()
      }
    case .array(let items) where !path.isEmpty:
      for (n, item) in items.enumerated() {
        if case .array = item { continue }  // a list inside a list is not flattened
        path.append(String(n))
        scan(item, &path, grant)
        path.removeLast()
      }
    default:
      return
    }
  }
}
