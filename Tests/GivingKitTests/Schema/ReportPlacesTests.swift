import Foundation
import GivingTestSupport
@testable import GivingKit
import Testing

/// The report writer writes the place of every finding from bytes it makes once per file,
/// sheet, column and path (`PlaceWriter`); what it writes must be, finding for finding, the
/// location the place resolves to and the path the occurrence names.
@Suite struct ReportPlacesTests {
  /// Every fixture of under 100 kB (the larger ones add time, not kinds of place).
  static let files = ["360-dei", "dataquality", "dataquality-tools-data", "flatten-tool", "standard"].flatMap {
    FixturePaths.files(in: "real/" + $0, extensions: ["csv", "json", "xlsx", "ods", "xml"])
  }.filter { ((try? FileManager.default.attributesOfItem(atPath: $0.path)[.size] as? Int) ?? 0) < 100_000 }

  @Test func everyPlaceIsWrittenAsTheLocationItResolvesTo() throws {
    let now = CheckDate(year: 2026, month: 11, day: 25)
    let writer = ValidationReportWriter(now: now)
    let validator = try FeedValidator(now: now)
    var compared = 0
    var kinds = Set<String>()
    for url in Self.files {
      let report = validator.validate(path: url.path)
      guard report.error == nil else { continue }
      var bytes: [UInt8] = []
      try writer.write([report]) { bytes += $0 }
      let written = try #require(JSONValue(parsing: bytes)["files"]?.arrayValue?.first)

      let errors = written["schemaErrors"]?.arrayValue ?? []
      try #require(errors.count == report.schemaErrors.count)
      for (finding, error) in zip(report.schemaErrors, errors) {
        #expect(error["location"] == writer.json(report.location(of: finding)), "\(url.lastPathComponent)")
        let places = error["locations"]?.arrayValue ?? []
        #expect(places == finding.places.map { writer.json(report.sources.resolve($0)) })
        compared += 1
      }
      let checks = written["checks"]?.arrayValue ?? []
      try #require(checks.count == report.checks.count)
      for (finding, check) in zip(report.checks, checks) {
        let locations = check["locations"]?.arrayValue ?? []
        try #require(locations.count == finding.occurrences.count)
        for (occurrence, location) in zip(finding.occurrences, locations) {
          #expect(location["path"] == .string(report.path(of: occurrence)))
          #expect(location["location"] == writer.json(report.sources.resolve(occurrence.place)))
          kinds.insert("\(occurrence.place)".prefix { $0 != "(" }.description)
          compared += 1
        }
      }
    }
    // Places in cells, in rows and in text must all have been written.
    #expect(kinds.isSuperset(of: ["cell", "row", "text"]), "\(kinds)")
    #expect(compared > 1000)
  }
}
