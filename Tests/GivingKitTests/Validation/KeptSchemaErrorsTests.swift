import Foundation
import GivingTestSupport
@testable import GivingKit
import Testing

/// With a limit on the places listed, a report keeps the first schema errors of each kind and
/// counts the rest: the counts stay those of the full report, and what is listed is the start
/// of the full report's list of that kind.
@Suite struct KeptSchemaErrorsTests {
  static let files = [
    "sample/dirty.csv",
    "real/dataquality/badfile_all_validation_errors_4_times.xlsx",
    "real/dataquality/badfile_all_validation_errors.json",
    "real/dataquality/fundingproviders-grants_broken_grants.json",
  ]

  static func report(_ file: String, limit: Int?) throws -> ValidationReport {
    let validator = try FeedValidator(now: CheckDate(year: 2026, month: 11, day: 25))
    validator.maxLocations = limit
    return validator.validate(path: FixturePaths.url(file).path)
  }

  @Test(arguments: files)
  func countsAreThoseOfTheFullReport(_ file: String) throws {
    let full = try Self.report(file, limit: nil)
    let short = try Self.report(file, limit: 1)
    #expect(full.unlistedSchemaErrors.isEmpty)
    #expect(full.schemaErrorCount == full.schemaErrors.count)
    #expect(short.schemaErrorCount == full.schemaErrorCount)
    #expect(short.isValid == full.isValid)

    var fullByKind: [SchemaErrorKind: [String]] = [:]
    for finding in full.schemaErrors { fullByKind[SchemaErrorKind(finding.error), default: []].append(finding.error.path) }
    var shortByKind: [SchemaErrorKind: [String]] = [:]
    for finding in short.schemaErrors { shortByKind[SchemaErrorKind(finding.error), default: []].append(finding.error.path) }
    #expect(Set(shortByKind.keys) == Set(fullByKind.keys))
    for (kind, paths) in fullByKind {
      let listed = shortByKind[kind] ?? []
      #expect(listed == Array(paths.prefix(1)), "\(kind.message)")
      #expect(listed.count + short.unlistedSchemaErrors[kind, default: 0] == paths.count, "\(kind.message)")
    }
  }

  @Test func aFileWithManyErrorsOfAKindHasSomeUnlisted() throws {
    // The dirty sample repeats several kinds of error: the test above must have compared counts.
    let short = try Self.report("sample/dirty.csv", limit: 1)
    #expect(short.unlistedSchemaErrors.values.reduce(0, +) > 0)
  }
}
