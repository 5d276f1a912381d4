public import Foundation

/// Parses decimal text (`-12.50`, `2e3`) into an exact `Decimal` without going through
/// `Double`.
///
/// Written here rather than using `Decimal(string:)` because that initialiser is locale-aware
/// and, on Linux, several times slower; amounts are parsed once per grant on every hot path.
public enum DecimalParser {
  /// The exact value of `text`, or `nil` if it is not a plain decimal number or has more than
  /// 38 significant digits.
  public static func parse(_ text: some StringProtocol) -> Decimal? {
    var utf8 = text.utf8.makeIterator()
    var negative = false
    var significand: UInt64 = 0
    var overflowDigits: [UInt8] = []
    var digitCount = 0
    var exponent = 0
    var sawDigit = false
    var sawPoint = false
    var next = utf8.next()
    if next == UInt8(ascii: "-") {
      negative = true
      next = utf8.next()
    } else if next == UInt8(ascii: "+") {
      next = utf8.next()
    }
    while let byte = next {
      if byte >= 48 && byte <= 57 {
        sawDigit = true
        let digit = UInt64(byte - 48)
        if significand == 0 && digit == 0 && overflowDigits.isEmpty {
          // Leading zeros add nothing (but still shift the exponent after a point).
        } else if overflowDigits.isEmpty && significand <= (UInt64.max - 9) / 10 {
          significand = significand * 10 + digit
          digitCount += 1
        } else {
          overflowDigits.append(byte)
          digitCount += 1
        }
        if sawPoint { exponent -= 1 }
      } else if byte == UInt8(ascii: ".") && !sawPoint {
        sawPoint = true
      } else if byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") {
        guard sawDigit else { return nil }
        var rest = ""
        while let b = utf8.next() { rest.unicodeScalars.append(Unicode.Scalar(b)) }
        guard !rest.isEmpty, let e = Int(rest.hasPrefix("+") ? String(rest.dropFirst()) : rest),
          abs(e) < 10_000
        else { return nil }
        exponent += e
        break
      } else {
        return nil
      }
      next = utf8.next()
    }
    guard sawDigit else { return nil }
    if digitCount > 38 { return nil }
    var value: Decimal
    if overflowDigits.isEmpty {
      value = Decimal(significand)
    } else {
      // More than 19 digits: finish in Decimal arithmetic, still exact up to 38 digits.
      value = Decimal(significand)
      for byte in overflowDigits {
        value = value * 10 + Decimal(Int(byte - 48))
      }
    }
    if exponent != 0 {
      guard exponent > -128 && exponent < 127 else { return nil }
      value = Decimal(sign: .plus, exponent: exponent, significand: value)
    }
    return negative && !value.isZero ? -value : value
  }
}
