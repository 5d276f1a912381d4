/// Counts in English text.
enum English {
  /// `1 grant`, `2 grants`, `0 grants`; `plural` for nouns not made with an `s`.
  static func count(_ n: Int, _ singular: String, plural: String? = nil) -> String {
    "\(n) \(n == 1 ? singular : plural ?? singular + "s")"
  }
}
