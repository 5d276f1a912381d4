import Foundation
import GivingTestSupport
@testable import GivingKit
import Testing

/// Long object keys are handed out from ``StringInterner``: they must read exactly as any
/// other key does — escaped, not ASCII, cut by the end of the parser's buffer, or more distinct
/// keys than the interner keeps.
@Suite struct StringInternerTests {
  @Test func keepsOneStringPerRunOfBytesAndNoMoreThanItsLimit() {
    var interner = StringInterner()
    var made: [String] = []
    for i in 0..<(StringInterner.limit + 500) {
      let key = "recipientOrganization\(i)"
      let string = Array(key.utf8).withUnsafeBufferPointer { interner.string(for: $0) }
      #expect(string == key)
      made.append(string)
    }
    for (i, key) in made.enumerated() {
      let again = Array(key.utf8).withUnsafeBufferPointer { interner.string(for: $0) }
      #expect(again == "recipientOrganization\(i)")
    }
  }

  @Test func longKeysReadAsOtherKeysDo() throws {
    let keys = [
      "recipientOrganization", "beneficiaryLocation", "a key with \\\"quotes\\\" in it",
      "caf\\u00e9 and a long tail", "clé non-ASCII assez longue", "exactlysixteen!!", "fifteen bytes..",
    ]
    var text = "["
    for round in 0..<3 {
      if round > 0 { text += "," }
      text += "{" + keys.enumerated().map { "\"\($0.element)\": \($0.offset)" }.joined(separator: ",") + "}"
    }
    text += "]"
    let value = try JSONValue(parsing: Array(text.utf8))
    let expected = [
      "recipientOrganization", "beneficiaryLocation", "a key with \"quotes\" in it", "café and a long tail",
      "clé non-ASCII assez longue", "exactlysixteen!!", "fifteen bytes..",
    ]
    for object in try #require(value.arrayValue) {
      #expect(object.objectValue?.members.map(\.key) == expected)
    }
  }

  @Test func keysCutByTheEndOfTheBufferReadWhole() throws {
    // A file read in chunks: keys fall across the end of the buffer again and again.
    var text = "["
    for i in 0..<20_000 {
      text += (i == 0 ? "" : ",") + "{\"recipientOrganization\":\(i),\"x\":{\"beneficiaryLocation\":\"v\(i)\"}}"
    }
    text += "]"
    let url = ScratchSpace.root.appendingPathComponent("interned-keys-\(UUID().uuidString).json")
    try Data(text.utf8).write(to: url)
    defer { try? FileManager.default.removeItem(at: url) }
    #expect(text.utf8.count > ByteInput.defaultChunkSize)
    let value = try JSONParser.parseDocument(contentsOf: url)
    let items = try #require(value.arrayValue)
    #expect(items.count == 20_000)
    for (i, item) in items.enumerated() {
      #expect(item["recipientOrganization"] == .number(JSONNumber(text: "\(i)")))
      #expect(item["x"]?["beneficiaryLocation"] == .string("v\(i)"))
    }
  }
}
