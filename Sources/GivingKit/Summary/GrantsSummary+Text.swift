extension GrantsSummary {
  /// The first `limit` of `items` in single quotes, and how many more there are:
  /// `'a', 'b', … (3 more)`.
  public static func quotedList(_ items: [String], limit: Int = 5) -> String {
    let shown = items.prefix(limit).map { "'\($0)'" }.joined(separator: ", ")
    return items.count > limit ? shown + ", … (\(items.count - limit) more)" : shown
  }
}

extension GrantsSummary.PrefixCounts {
  /// The org-id codes, most used first, then the ids no code matches:
  /// `GB-CHC 35, GB-COH 6, unrecognised 1: '115233'` (`none` when there are no ids).
  public func text(limit: Int = 5) -> String {
    var parts = recognised.sorted { ($1.value, $0.key) < ($0.value, $1.key) }.map { "\($0.key) \($0.value)" }
    if !unrecognised.isEmpty {
      parts.append("unrecognised \(unrecognised.count): " + GrantsSummary.quotedList(unrecognised.keys.sorted(), limit: limit))
    }
    return parts.isEmpty ? "none" : parts.joined(separator: ", ")
  }
}
