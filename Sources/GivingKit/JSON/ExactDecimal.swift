/// The exact value of a number's decimal text in one canonical form, whatever its size:
/// a sign, the significant digits (no leading or trailing zeros; none for zero) and the power
/// of ten they are multiplied by. `1`, `1.0`, `1e0` and `0.10e1` have the same form; `0.1` and
/// `0.1000000000000000000001`, or `9007199254740993` and `9007199254740992`, do not, though
/// each pair reads as one `Double`.
///
/// Written for the numbers `Decimal` cannot hold (more than 38 digits, exponents past ±127),
/// which ``JSONNumber`` equality used to compare as `Double`s: two values are the same number
/// exactly when their forms are equal. An exponent of any length is kept: beyond 18 digits it
/// is kept as its digits.
struct ExactDecimal: Hashable {
  /// The power of ten, small enough for an `Int`, or as its decimal digits (most significant
  /// first, no leading zeros) when its magnitude is 10^18 or more.
  enum Exponent: Hashable {
    case small(Int)
    case big(isNegative: Bool, digits: [UInt8])
  }

  /// Whether the number is below zero (never for zero: `-0` is `0`).
  let isNegative: Bool
  /// The significant digits as ASCII bytes, without leading or trailing zeros.
  let digits: [UInt8]
  /// The value is `digits × 10^exponent` (`.small(0)` for zero).
  let exponent: Exponent

  var isZero: Bool { digits.isEmpty }

  private static let bigLimit = 1_000_000_000_000_000_000  // 10^18

  /// The form of `text` (`-12.50`, `2E+3`, `+1`, `.5`, `7.`), or `nil` when it is not a decimal
  /// number: digits with at most one point, at least one digit, then optionally `e` or `E`, a
  /// sign and at least one digit.
  init?(_ text: String) {
    let bytes = Array(text.utf8)
    var i = 0
    var negative = false
    if i < bytes.count, bytes[i] == UInt8(ascii: "-") || bytes[i] == UInt8(ascii: "+") {
      negative = bytes[i] == UInt8(ascii: "-")
      i += 1
    }
    var digits: [UInt8] = []
    var sawDigit = false
    var sawPoint = false
    // Digits after the point, counted while significant digits are kept.
    var fractionDigits = 0
    while i < bytes.count {
      let b = bytes[i]
      if b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") {
        sawDigit = true
        if !(digits.isEmpty && b == UInt8(ascii: "0")) { digits.append(b) }
        if sawPoint { fractionDigits += 1 }
      } else if b == UInt8(ascii: "."), !sawPoint {
        sawPoint = true
      } else {
        break
      }
      i += 1
    }
    guard sawDigit else { return nil }
    var exponentNegative = false
    var exponentDigits: [UInt8] = []
    if i < bytes.count {
      guard bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") else { return nil }
      i += 1
      if i < bytes.count, bytes[i] == UInt8(ascii: "-") || bytes[i] == UInt8(ascii: "+") {
        exponentNegative = bytes[i] == UInt8(ascii: "-")
        i += 1
      }
      var sawExponentDigit = false
      while i < bytes.count, bytes[i] >= UInt8(ascii: "0") && bytes[i] <= UInt8(ascii: "9") {
        sawExponentDigit = true
        if !(exponentDigits.isEmpty && bytes[i] == UInt8(ascii: "0")) { exponentDigits.append(bytes[i]) }
        i += 1
      }
      guard sawExponentDigit, i == bytes.count else { return nil }
    }
    // Leading zeros were never kept; trailing zeros each raise the power by one. Digits after
    // the point lower it (zeros before the first significant digit included: `0.05` is 5e-2).
    var trailing = 0
    while let last = digits.last, last == UInt8(ascii: "0") {
      digits.removeLast()
      trailing += 1
    }
    if digits.isEmpty {
      self.isNegative = false
      self.digits = []
      self.exponent = .small(0)
      return
    }
    self.isNegative = negative
    self.digits = digits
    let shift = trailing - fractionDigits
    self.exponent = Self.exponent(negative: exponentNegative, digits: exponentDigits, plus: shift)
  }

  /// The canonical form of `±digits + shift`, where `|shift|` is at most the length of the text.
  private static func exponent(negative: Bool, digits: [UInt8], plus shift: Int) -> Exponent {
    if digits.count <= 18 {
      var magnitude = 0
      for d in digits { magnitude = magnitude * 10 + Int(d - UInt8(ascii: "0")) }
      let (sum, overflow) = (negative ? -magnitude : magnitude).addingReportingOverflow(shift)
      if !overflow && sum.magnitude < UInt(bigLimit) { return .small(sum) }
      return big(negative: negative, digits: digits, plus: shift)
    }
    return big(negative: negative, digits: digits, plus: shift)
  }

  /// `±digits + shift` in decimal digits, for a magnitude the shift cannot bring below zero
  /// (the exponent has 19 digits or more, or the sum overflowed; a text long enough for its
  /// shift to reach 10^18 cannot be held in memory). Falls back to `.small` when the result is
  /// below 10^18 again.
  private static func big(negative: Bool, digits: [UInt8], plus shift: Int) -> Exponent {
    // Work on the magnitude: adding when the shift has the exponent's sign, else subtracting.
    var result = digits.map { Int($0 - UInt8(ascii: "0")) }
    let adding = (shift >= 0) != negative
    var carry = Int(shift.magnitude)
    var i = result.count - 1
    while carry != 0 && i >= 0 {
      if adding {
        let v = result[i] + carry % 10
        result[i] = v % 10
        carry = carry / 10 + v / 10
      } else {
        var v = result[i] - carry % 10
        carry /= 10
        if v < 0 { v += 10; carry += 1 }
        result[i] = v
      }
      i -= 1
    }
    while carry != 0 {  // only when adding
      result.insert(carry % 10, at: 0)
      carry /= 10
    }
    while result.first == 0 { result.removeFirst() }
    if result.count <= 18 {
      var magnitude = 0
      for d in result { magnitude = magnitude * 10 + d }
      return .small(negative ? -magnitude : magnitude)
    }
    return .big(isNegative: negative, digits: result.map { UInt8($0) + UInt8(ascii: "0") })
  }
}
