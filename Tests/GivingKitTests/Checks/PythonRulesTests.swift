@testable import GivingKit
import Testing

/// The string rules the official checks take from Python, on ASCII (the fast paths) and on
/// text where bytes and code points differ.
@Suite struct PythonRulesTests {
  @Test(arguments: [
    ("GB-CHC-1234567", "1234567"), ("GB-COH-09506232", "09506232"), ("GB-CHC-", ""), ("GB-C", ""), ("", ""),
    // Python slices code points: "É" is one of the seven, whatever its bytes.
    ("GB-CHÉ-123", "123"), ("ÉÉÉÉÉÉÉ8", "8"), ("GB-CHC-Ünï", "Ünï"),
  ])
  func dropsTheFirstSevenCodePoints(text: String, rest: String) {
    #expect(PythonRules.dropFirst7(text) == rest)
  }

  @Test(arguments: [
    ("GB", true), ("gb-chc", true), ("Zz1", true), ("G1", false), ("1A", false), ("@A", false), ("A[", false),
    ("`a", false), ("{a", false), ("", false), ("A", true), ("é1", false), ("éa", true), ("aé", true), ("a-", false),
  ])
  func readsTheFirstTwoCharactersAsStrIsalpha(text: String, alpha: Bool) {
    #expect(PythonRules.firstTwoAreAlpha(text) == alpha)
  }

  @Test(arguments: [
    ("360G-abc", true), ("360g-abc", true), ("360G", true), ("360", false), ("360H-x", false), ("361G", false),
    ("", false), (" 360G", false), ("360Ǵ", false), ("360G\u{301}", true),
  ])
  func startsWith360GAsLowerStartswith(text: String, starts: Bool) {
    #expect(PythonRules.startsWith360G(text) == starts)
    #expect(PythonRules.startsWith360G(text) == text.lowercased().unicodeScalars.starts(with: "360g".unicodeScalars))
  }
}
