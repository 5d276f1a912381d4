@testable import GivingKit
import Testing

/// ``StructuralHash`` reads short decimals itself; it must read them exactly as `Double(text)`
/// does (equal numbers hash alike only if both readings agree), and leave every other text to it.
@Suite struct StructuralHashTests {
  @Test func readsShortDecimalsAsDoubleDoes() {
    var generator = SystemRandomNumberGenerator()
    var texts = ["0", "-0", "0.0", "-0.000", "1", "1000.10", "999999999999999", "0.000000000000001",
                 "123456789.012345", "-42.5", "7.", ".5", "1e3", "1E-2", "--1", "1.2.3", "", "-", "١٢"]
    for _ in 0..<20_000 {
      let digits = Int.random(in: 1...15, using: &generator)
      var text = String((0..<digits).map { _ in Character(String(Int.random(in: 0...9, using: &generator))) })
      if Bool.random(using: &generator) {
        text.insert(".", at: text.index(text.startIndex, offsetBy: Int.random(in: 1...digits, using: &generator)))
      }
      texts.append(Bool.random(using: &generator) ? "-" + text : text)
    }
    for text in texts {
      let read = StructuralHash.shortDecimal(text)
      if let read {
        #expect(read == Double(text), "\(text)")
      } else {
        let plain = text.utf8.allSatisfy { ($0 >= 48 && $0 <= 57) || $0 == 46 || $0 == 45 }
        let digitCount = text.utf8.filter { $0 >= 48 && $0 <= 57 }.count
        // Left to `strtod`: anything not a plain decimal, and plain decimals of 16 digits or more.
        #expect(!plain || digitCount > 15 || digitCount == 0 || text.hasSuffix(".") || Double(text) == nil, "\(text)")
      }
    }
  }

  @Test func hashesEqualNumbersAlike() {
    let same = ["1000", "1000.0", "1e3", "1000.000", "1.0E+3"].map { StructuralHash.of(.number(JSONNumber(text: $0))) }
    #expect(Set(same).count == 1)
    #expect(StructuralHash.of(.number(JSONNumber(text: "-0"))) == StructuralHash.of(.number(JSONNumber(text: "0.0"))))
    #expect(StructuralHash.of(.number(JSONNumber(text: "0.1"))) != StructuralHash.of(.number(JSONNumber(text: "0.10000001"))))
  }
}
