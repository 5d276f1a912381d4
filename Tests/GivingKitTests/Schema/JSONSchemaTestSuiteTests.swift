import Foundation
import GivingKit
import GivingTestSupport
import Testing

/// The draft 4 cases of the official JSON-Schema-Test-Suite, with `http://localhost:1234/`
/// references served from its `remotes/` folder on disk.
@Suite struct JSONSchemaTestSuiteTests {
  static let draft4 = "conformance/json-schema-test-suite/tests/draft4"
  static let files: [URL] =
    FixturePaths.files(in: draft4, extensions: ["json"])
    + ["date-time.json", "uri.json"].map { FixturePaths.url("\(draft4)/optional/format/\($0)") }
    + ["bignum.json"].map { FixturePaths.url("\(draft4)/optional/\($0)") }

  static func loadRemote(_ uri: String) -> JSONValue? {
    if uri == "http://json-schema.org/draft-04/schema" {
      return try? JSONValue(contentsOf: FixturePaths.url("conformance/json-schema-metaschema/draft-04-schema.json"))
    }
    let prefix = "http://localhost:1234/"
    guard uri.hasPrefix(prefix) else { return nil }
    let url = FixturePaths.url("conformance/json-schema-test-suite/remotes/" + uri.dropFirst(prefix.count))
    return try? JSONValue(contentsOf: url)
  }

  /// (passed, total, failures) for one file.
  static func run(_ file: URL) throws -> (Int, Int, [String]) {
    let groups = try #require(try JSONValue(contentsOf: file).arrayValue)
    var passed = 0, total = 0
    var failures: [String] = []
    for group in groups {
      let schemaJSON = try #require(group["schema"])
      let description = group["description"]?.stringValue ?? ""
      let schema: JSONSchema?
      do {
        schema = try JSONSchema(schemaJSON, loader: loadRemote)
      } catch {
        schema = nil
      }
      for test in group["tests"]?.arrayValue ?? [] {
        total += 1
        let expected = test["valid"]?.boolValue ?? false
        let data = test["data"] ?? .null
        guard let schema else {
          failures.append("\(file.lastPathComponent): \(description): schema did not compile")
          continue
        }
        let valid = schema.isValid(data)
        let issues = schema.issues(data)
        if valid == expected && issues.isEmpty == expected {
          passed += 1
        } else {
          failures.append(
            "\(file.lastPathComponent): \(description) / \(test["description"]?.stringValue ?? ""): expected \(expected), got \(valid) with \(issues.count) issues")
        }
      }
    }
    return (passed, total, failures)
  }

  @Test(arguments: files)
  func passesEveryCaseOfTheFile(file: URL) throws {
    let (passed, total, failures) = try Self.run(file)
    for failure in failures { Issue.record(Comment(rawValue: failure)) }
    #expect(passed == total && total > 0)
  }

  @Test func passesTheWholeDraft4Suite() throws {
    var passed = 0, total = 0
    for file in Self.files {
      let (p, t, _) = try Self.run(file)
      passed += p
      total += t
    }
    print("JSON-Schema-Test-Suite draft4: \(passed)/\(total) passed")
    #expect(Self.files.count > 25)
    #expect(passed == total)
  }
}
