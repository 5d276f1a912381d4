import Foundation
import GivingKit
import Testing

/// A rough throughput measure, run only when `GIVING_SCHEMA_BENCH` names a generated package
/// (`python3 tools/gen360.py --grants 100000 --format json --out /tmp/g100k.json`).
@Suite struct SchemaSpeedTests {
  static let file = ProcessInfo.processInfo.environment["GIVING_SCHEMA_BENCH"]

  @Test(.enabled(if: file != nil))
  func validatesGeneratedGrantsQuickly() throws {
    let json = try JSONValue(contentsOf: URL(fileURLWithPath: try #require(Self.file)))
    let grants = try #require(json["grants"]?.arrayValue)
    let validator = try SchemaValidator()
    var tracker = DuplicateIDTracker()
    var codelists = try CodelistChecker(validator: validator)
    var fields = AdditionalFieldsCollector(validator: validator)
    var errors = 0
    let clock = ContinuousClock()
    let schemaTime = clock.measure {
      for (i, grant) in grants.enumerated() { errors += validator.validate(grant: grant, index: i).count }
    }
    let restTime = clock.measure {
      for (i, grant) in grants.enumerated() {
        tracker.add(grant: grant, index: i)
        codelists.check(grant: grant)
        fields.add(grant: grant)
      }
    }
    func rate(_ d: Duration) -> Int {
      let s = Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
      return Int(Double(grants.count) / max(s, 1e-9))
    }
    print(
      "schema: \(grants.count) grants, \(errors) errors, validate \(schemaTime) (\(rate(schemaTime)) grants/s), ids+codelists+fields \(restTime) (\(rate(restTime)) grants/s), \(tracker.errors().count) duplicate-id errors"
    )
    #expect(errors >= 0)
  }
}
