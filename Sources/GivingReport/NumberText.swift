internal import Foundation

/// How the report writes numbers for people: exact amounts with thousands separators, axis
/// labels short, shares as percentages.
enum NumberText {
  /// `1234567.5` as `1,234,567.5`: the exact decimal text, grouped.
  static func grouped(_ exact: String) -> String {
    var text = Substring(exact)
    var sign = ""
    if text.hasPrefix("-") {
      sign = "-"
      text = text.dropFirst()
    }
    let whole = text.prefix { $0 != "." }
    let fraction = text.dropFirst(whole.count)
    var out: [Character] = []
    for (i, digit) in whole.enumerated() {
      if i > 0 && (whole.count - i) % 3 == 0 { out.append(",") }
      out.append(digit)
    }
    return sign + String(out) + fraction
  }

  static func grouped(_ n: Int) -> String { grouped(String(n)) }

  /// An axis label: `850`, `12k`, `3.4m`, `1.2bn`.
  static func short(_ value: Double) -> String {
    let magnitude = abs(value)
    let (divisor, suffix): (Double, String) =
      magnitude >= 1e9 ? (1e9, "bn") : magnitude >= 1e6 ? (1e6, "m") : magnitude >= 1e3 ? (1e3, "k") : (1, "")
    let scaled = value / divisor
    let text = scaled >= 100 || scaled == scaled.rounded() ? String(Int(scaled.rounded())) : String(format: "%.1f", scaled)
    return text + suffix
  }

  /// A share from 0 to 1 as a percentage with one decimal.
  static func percent(_ share: Double) -> String { String(format: "%.1f%%", share * 100) }

  static func double(_ value: Decimal) -> Double { NSDecimalNumber(decimal: value).doubleValue }
}
