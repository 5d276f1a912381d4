import Foundation
import GivingTestSupport
import Testing

@testable import GivingKit

/// A JSON package cannot make the reader hold an unbounded value: a string, a number or a grant
/// over its limit is refused with the place where reading stopped.
@Suite struct JSONLimitsTests {
  static func read(_ text: String) throws -> (grants: Int, error: FeedError?) {
    let folder = ScratchSpace.root.appendingPathComponent("json-limits-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let url = folder.appendingPathComponent("limits.json")
    try Data(text.utf8).write(to: url)
    var grants = 0
    do {
      try GrantFeed(paths: [url.path]).read { _ in grants += 1 }
      return (grants, nil)
    } catch let error as FeedError {
      return (grants, error)
    }
  }

  static func reason(_ error: FeedError?) -> (line: Int, column: Int, reason: String)? {
    guard case .malformedJSON(_, let line, let column, let reason)? = error else { return nil }
    return (line, column, reason)
  }

  @Test func aStringLongerThanTheLimitIsRefusedWhereItPassesIt() throws {
    let long = String(repeating: "a", count: JSONParser.maxStringBytes + 10)
    let (_, error) = try Self.read(#"{"grants":[{"id":"a"},{"id":""# + long + #""}]}"#)
    let found = try #require(Self.reason(error))
    #expect(found.reason == "refused: a string longer than 16 MB")
    #expect(found.line == 1)
    // Stopped one byte past the limit, not at the end of the string.
    #expect(found.column > JSONParser.maxStringBytes && found.column < JSONParser.maxStringBytes + 40)
  }

  @Test func aLongStringOfEscapesIsRefusedToo() throws {
    let escapes = String(repeating: #"\n"#, count: JSONParser.maxStringBytes + 10)
    let (_, error) = try Self.read(#"{"grants":[{"id":""# + escapes + #""}]}"#)
    #expect(Self.reason(error)?.reason == "refused: a string longer than 16 MB")
  }

  @Test func aNumberLongerThanTheLimitIsRefused() throws {
    let digits = String(repeating: "7", count: JSONParser.maxStringBytes + 10)
    let (_, error) = try Self.read(#"{"grants":[{"id":"a","amountAwarded":"# + digits + "}]}")
    #expect(Self.reason(error)?.reason == "refused: a number longer than 16 MB")
  }

  @Test func aGrantWithMoreValuesThanTheLimitIsRefusedNamingItsStart() throws {
    let values = String(repeating: ",1", count: JSONPackageReader.maxGrantValues)
    let (grants, error) = try Self.read("{\"grants\":[{\"id\":\"a\"},\n  {\"id\":\"b\",\"x\":[1" + values + "]}]}")
    #expect(grants == 1)
    let found = try #require(Self.reason(error))
    #expect(found.reason == "refused: grant 2, which starts at line 2, column 3, holds more than 64 MB or 1000000 values")
  }

  @Test func aGrantOverTheByteLimitIsRefused() throws {
    // Strings each under the string limit, together over the grant's limit.
    let part = String(repeating: "b", count: 10 << 20)
    let members = (0..<7).map { "\"m\($0)\":\"\(part)\"" }.joined(separator: ",")
    let (grants, error) = try Self.read(#"{"grants":[{"id":"a","# + members + "}]}")
    #expect(grants == 0)
    #expect(Self.reason(error)?.reason.hasPrefix("refused: grant 1, which starts at line 1, column 12") == true)
  }

  @Test func aMemberOfThePackageIsBoundedLikeAGrant() throws {
    let values = String(repeating: ",1", count: JSONPackageReader.maxGrantValues)
    let (_, error) = try Self.read(#"{"extra":[1"# + values + #"],"grants":[]}"#)
    #expect(Self.reason(error)?.reason.hasPrefix("refused: member 'extra', which starts at line 1, column 10") == true)
  }

  @Test func grantsUnderTheLimitsAreReadWhole() throws {
    let text = String(repeating: "é", count: 1 << 20)
    let values = String(repeating: ",1", count: 100_000)
    let (grants, error) = try Self.read(#"{"grants":[{"id":"a","t":""# + text + #"","x":[1"# + values + "]}]}")
    #expect(error == nil)
    #expect(grants == 1)
  }
}
