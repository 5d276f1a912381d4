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
    guard Self.mayHoldEmail(grant.json) else { return }
    var path: [String] = []
    var owners: [(JSONObject, Int)] = []
    scan(grant.json, &path, &owners, grant)
  }

  public var result: CheckResult? { standardResult(Self.self) }

  /// Whether any string value contains '@' (no allocation): most grants skip the full walk.
  private static func mayHoldEmail(_ value: JSONValue) -> Bool {
    switch value {
    case .string(let text):
      // memchr: a byte-by-byte search here was a twentieth of a whole validation's time.
      return text.utf8.withContiguousStorageIfAvailable { bytes in
        bytes.isEmpty ? false : memchr(bytes.baseAddress!, Int32(UInt8(ascii: "@")), bytes.count) != nil
      } ?? text.utf8.contains(UInt8(ascii: "@"))
    case .object(let object):
      // Through the buffers, so that no member or item is copied out (and retained) to be looked at.
      return object.members.withUnsafeBufferPointer { members in
        for i in members.indices where mayHoldEmail(members[i].value) { return true }
        return false
      }
    case .array(let items):
      return items.withUnsafeBufferPointer { items in
        for i in items.indices where mayHoldEmail(items[i]) { return true }
        return false
      }
    default: return false
    }
  }

  /// Walks the grant like the official `flatten_dict`; a path is built only for a matching value.
  /// `owners` holds, for each object level on the path, its members and the member's position,
  /// so a value under a repeated key (which Python drops) can be recognised on a match.
  private func scan(_ value: JSONValue, _ path: inout [String], _ owners: inout [(JSONObject, Int)], _ grant: Grant) {
    switch value {
    case .string(let text):
      guard PythonRules.looksLikeEmail(text) else { return }
      for (object, n) in owners where object.members[(n + 1)...].contains(where: { $0.key == object.members[n].key }) {
        return  // under a repeated key: Python keeps only the last one
      }
      let joined = path.joined(separator: "/")
      if joined.contains("email") { return }
      count += 1
      note(grant, joined)
    case .object(let object):
      for (n, member) in object.members.enumerated() {
        path.append(member.key)
        owners.append((object, n))
        scan(member.value, &path, &owners, grant)
        owners.removeLast()
        path.removeLast()
      }
    case .array(let items) where !path.isEmpty:
      for (n, item) in items.enumerated() {
        if case .array = item { continue }  // a list inside a list is not flattened
        path.append(String(n))
        scan(item, &path, &owners, grant)
        path.removeLast()
      }
    default:
      return
    }
  }
}
