import Foundation
import GivingKit
import GivingTestSupport
import Testing

/// Every real JSON file the official engine accepted: the same schema errors (per validator,
/// path and message), the same closed-codelist values and the same additional fields as the
/// oracle in `Fixtures/dqt-oracle/`.
@Suite struct OracleParityTests {
  struct Expected: Sendable, CustomStringConvertible {
    var file: String
    var errors: [String: Int]
    /// "key @ path = value" for every example the oracle lists.
    var examples: Set<String>
    var codelists: [String: [String]]
    var additional: [String: Int]
    var additionalCount: Int
    var description: String { file }
  }

  static func key(
    _ validator: String, _ path: String, _ message: String, _ messageType: String, _ errorId: String?,
    _ assumption: String?, _ header: String
  ) -> String {
    "\(validator) | \(path) | \(message) | \(messageType) | \(errorId ?? "-") | \(assumption ?? "-") | \(header)"
  }

  static func text(_ v: JSONValue?) -> String? {
    switch v {
    case .string(let s)?: s
    case .number(let n)?: n.text
    default: nil
    }
  }

  static let cases: [Expected] = {
    guard let oracle = try? JSONValue(contentsOf: OfficialResults.url) else {
      return []
    }
    return (oracle.arrayValue ?? []).compactMap { entry -> Expected? in
      guard let file = entry["file"]?.stringValue, file.hasSuffix(".json"), entry["fatal"] == nil else {
        return nil
      }
      var errors: [String: Int] = [:]
      for group in entry["validation_errors_grouped"]?.objectValue ?? JSONObject() {
        for e in group.value.arrayValue ?? [] {
          let k = key(
            e["validator"]?.stringValue ?? "", e["path_no_number"]?.stringValue ?? "",
            e["message"]?.stringValue ?? "", e["message_type"]?.stringValue ?? "",
            e["error_id"]?.stringValue, e["assumption"]?.stringValue, text(e["header"]) ?? "")
          errors[k, default: 0] += Int(e["count"]?.numberValue?.text ?? "0") ?? 0
        }
      }
      var examples = Set<String>()
      for group in entry["validation_errors_grouped"]?.objectValue ?? JSONObject() {
        for e in group.value.arrayValue ?? [] {
          let k = key(
            e["validator"]?.stringValue ?? "", e["path_no_number"]?.stringValue ?? "",
            e["message"]?.stringValue ?? "", e["message_type"]?.stringValue ?? "",
            e["error_id"]?.stringValue, e["assumption"]?.stringValue, text(e["header"]) ?? "")
          for example in e["examples"]?.arrayValue ?? [] {
            examples.insert(exampleKey(k, example["path"]?.stringValue ?? "", example["value"]))
          }
        }
      }
      var codelists: [String: [String]] = [:]
      for c in entry["additional_closed_codelist_values"]?.objectValue ?? JSONObject() {
        codelists[c.key] = (c.value["values"]?.arrayValue ?? []).compactMap(\.stringValue)
      }
      var additional: [String: Int] = [:]
      for row in entry["data_only"]?.arrayValue ?? [] {
        let parts = row.arrayValue ?? []
        guard parts.count == 3 else { continue }
        additional["\(parts[0].stringValue ?? "") | \(parts[1].stringValue ?? "")"] = Int(parts[2].numberValue?.text ?? "0")
      }
      return Expected(
        file: file, errors: errors, examples: examples, codelists: codelists, additional: additional,
        additionalCount: Int(entry["additional_fields_count"]?.numberValue?.text ?? "0") ?? 0)
    }
  }()

  static func exampleKey(_ key: String, _ path: String, _ value: JSONValue?) -> String {
    "\(key) @ \(path) = \(value.map { PythonLike.show($0) } ?? "(none)")"
  }

  enum PythonLike {
    static func show(_ v: JSONValue) -> String {
      switch v {
      case .null: "null"
      case .bool(let b): String(b)
      case .number(let n): n.decimal.map { "\($0)" } ?? n.text
      case .string(let s): "'\(s)'"
      default: "(compound)"
      }
    }
  }

  struct Found {
    var examples = Set<String>()
    var errors: [String: Int] = [:]
    var codelists: [String: [String]] = [:]
    var additional: [String: Int] = [:]
    var additionalCount = 0
  }

  static func run(_ file: String) throws -> Found {
    let json = try JSONValue(contentsOf: FixturePaths.url("real/" + file))
    let package = json.objectValue ?? JSONObject()
    let extensions = (package["extensions"]?.arrayValue ?? []).compactMap(\.stringValue)
    let validator = try SchemaValidator(extensions: extensions)
    var codelists = try CodelistChecker(validator: validator)
    var fields = AdditionalFieldsCollector(validator: validator)
    var tracker = DuplicateIDTracker()
    let grants = package["grants"]?.arrayValue
    var errors = validator.validatePackage(package, hasGrants: package["grants"] != nil, grantCount: grants?.count ?? 0)
    fields.add(package: package)
    for (i, grant) in (grants ?? []).enumerated() {
      errors += validator.validate(grant: grant, index: i)
      tracker.add(grant: grant, index: i)
      codelists.check(grant: grant)
      fields.add(grant: grant)
    }
    if let grants, grants.count > 1 { errors += tracker.errors(rereading: grants) }
    var found = Found()
    for e in errors {
      let k = key(e.validator, e.pathNoNumber, e.message, e.messageType, e.errorId, e.assumption, e.field)
      found.errors[k, default: 0] += 1
      found.examples.insert(exampleKey(k, e.path, e.value))
    }
    for c in codelists.closedCodelistErrors { found.codelists[c.path] = c.values }
    for f in fields.fields() { found.additional["\(f.parentPath) | \(f.field)"] = f.count }
    found.additionalCount = fields.totalCount
    return found
  }

  static func mismatches(_ expected: Expected) throws -> [String] {
    let found = try run(expected.file)
    var out: [String] = []
    for k in Set(expected.errors.keys).union(found.errors.keys).sorted() where expected.errors[k] != found.errors[k] {
      out.append("\(expected.file): \(k): official \(expected.errors[k] ?? 0), giving \(found.errors[k] ?? 0)")
    }
    for example in expected.examples.subtracting(found.examples).sorted() {
      out.append("\(expected.file): example not found: \(example)")
    }
    if expected.codelists != found.codelists {
      out.append("\(expected.file): codelists official \(expected.codelists), giving \(found.codelists)")
    }
    if expected.additional != found.additional || expected.additionalCount != found.additionalCount {
      out.append(
        "\(expected.file): additional fields official \(expected.additional) (\(expected.additionalCount)), giving \(found.additional) (\(found.additionalCount))")
    }
    return out
  }

  @Test(arguments: cases)
  func reportsWhatTheOfficialEngineReports(expected: Expected) throws {
    for m in try Self.mismatches(expected) { Issue.record(Comment(rawValue: m)) }
  }

  @Test func everyJSONFileMatches() throws {
    var matching = 0
    for c in Self.cases where try Self.mismatches(c).isEmpty { matching += 1 }
    print("DQT oracle parity (schema, codelists, additional fields): \(matching)/\(Self.cases.count) JSON files match")
    #expect(Self.cases.count >= 15)
    #expect(matching == Self.cases.count)
  }
}
