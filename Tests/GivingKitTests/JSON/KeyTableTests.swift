@testable import GivingKit
import Testing

/// ``KeyTable`` must find exactly what a `Dictionary` finds, through growth, for keys of every
/// length around its eight-byte words, and tell apart keys that Swift's `==` would equate.
@Suite struct KeyTableTests {
  @Test func findsWhatADictionaryFinds() {
    var table = KeyTable<Int>()
    var dictionary: [String: Int] = [:]
    var keys: [String] = ["", "id", "amountAwarded", "recipientOrganization", "é", "日本語のキー"]
    for length in 1...40 { keys.append(String(repeating: "k", count: length)) }
    for i in 0..<3_000 { keys.append("field\(i)") }
    for (value, key) in keys.enumerated() {
      table[key] = value
      dictionary[key] = value
      // Setting a key again replaces its value, as a dictionary does.
      if value % 7 == 0 {
        table[key] = -value
        dictionary[key] = -value
      }
    }
    #expect(table.count == dictionary.count)
    for (key, value) in dictionary { #expect(table[key] == value, "\(key)") }
    for (key, value) in table { #expect(dictionary[key] == value) }
    for missing in ["ID", "idx", "field3000", "recipientOrganisation", String(repeating: "k", count: 41), "e"] {
      #expect(table[missing] == nil, "\(missing)")
    }
  }

  @Test func canonicallyEquivalentKeysAreTwoKeys() {
    var table = KeyTable<Int>()
    table["caf\u{E9}"] = 1
    #expect(table["cafe\u{301}"] == nil)
    table["cafe\u{301}"] = 2
    #expect(table.count == 2)
    #expect(table["caf\u{E9}"] == 1 && table["cafe\u{301}"] == 2)
  }
}
