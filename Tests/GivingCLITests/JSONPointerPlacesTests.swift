import Foundation
import GivingTestSupport
import Testing

/// Every place `giving validate` reports in a JSON file carries the RFC 6901 pointer of its
/// value, checked here against the input file itself: each pointer is resolved with a
/// resolver of the test's own over the file as Foundation's `JSONSerialization` parses it, and
/// must reach a value, the value the finding reports (when it reports one), and the value
/// whose text starts at the reported line and column.
@Suite(.serialized) struct JSONPointerPlacesTests {
  static let now = "2026-11-25"

  /// Real JSON files with schema errors, duplicate ids, missing values and check findings.
  static let fixtures = [
    "real/dataquality/badfile_all_validation_errors.json",
    "real/dataquality/fundingproviders-grants_broken_grants.json",
    "real/dataquality/nulls.json",
    "real/dataquality/multiple_funder_names_org_ids.json",
    "real/dataquality/decimal_amounts.json",
    "real/360-dei/simple.json",
    "real/dataquality-tools-data/json_all_a003W000001B7PzQAK.json",
  ]

  // MARK: An independent JSON pointer resolver

  /// The value `pointer` names in `document` (RFC 6901: `~1` is `/`, `~0` is `~`), or `nil`.
  static func resolve(_ pointer: String, in document: Any) -> Any? {
    if pointer.isEmpty { return document }
    guard pointer.hasPrefix("/") else { return nil }
    var node = document
    for token in pointer.dropFirst().split(separator: "/", omittingEmptySubsequences: false) {
      let key = token.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
      if let object = node as? [String: Any] {
        guard let next = object[key] else { return nil }
        node = next
      } else if let array = node as? [Any] {
        guard let index = Int(key), key == String(index), array.indices.contains(index) else { return nil }
        node = array[index]
      } else {
        return nil
      }
    }
    return node
  }

  /// The byte at 1-based `line` and `column` (in bytes) of `bytes`.
  static func byte(in bytes: [UInt8], line: Int, column: Int) -> UInt8? {
    var start = 0
    var current = 1
    while current < line {
      guard let newline = bytes[start...].firstIndex(of: UInt8(ascii: "\n")) else { return nil }
      start = newline + 1
      current += 1
    }
    let offset = start + column - 1
    return bytes.indices.contains(offset) ? bytes[offset] : nil
  }

  /// Whether `byte` can start the text of `value`.
  static func starts(_ value: Any, with byte: UInt8) -> Bool {
    switch value {
    case is [String: Any]: return byte == UInt8(ascii: "{")
    case is [Any]: return byte == UInt8(ascii: "[")
    case is String: return byte == UInt8(ascii: "\"")
    case is NSNull: return byte == UInt8(ascii: "n")
    // Foundation parses booleans as numbers too.
    case is NSNumber:
      return byte == UInt8(ascii: "t") || byte == UInt8(ascii: "f") || byte == UInt8(ascii: "-")
        || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    default: return false
    }
  }

  /// `value` as JSON text with sorted keys, to compare values parsed from different texts.
  static func canonical(_ value: Any) -> String {
    let data = try? JSONSerialization.data(withJSONObject: value, options: [.fragmentsAllowed, .sortedKeys])
    return data.map { String(decoding: $0, as: UTF8.self) } ?? "?"
  }

  // MARK: Running giving

  static func jsonReport(_ arguments: [String]) throws -> [String: Any] {
    let result = try runGiving(["validate", "--format", "json", "--now", now, "--quiet"] + arguments)
    #expect(result.status == 0 || result.status == 1, "\(result.standardError)")
    return try #require(
      try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8), options: [.fragmentsAllowed])
        as? [String: Any])
  }

  static func firstFile(_ report: [String: Any]) throws -> [String: Any] {
    try #require((report["files"] as? [[String: Any]])?.first)
  }

  /// Every place of a file's JSON report: the location, the finding's path and the value it
  /// reports (`nil` when it reports none).
  struct Place {
    var location: [String: Any]
    var path: String
    var value: Any?
    /// One copy of a duplicated value: its place is the copy's, below the error's path.
    var isCopy = false
  }

  static func places(of file: [String: Any]) -> [Place] {
    var places: [Place] = []
    for error in file["schemaErrors"] as? [[String: Any]] ?? [] {
      let path = error["path"] as? String ?? ""
      let value = error["value"].flatMap { $0 is NSNull ? nil : $0 }
      let copies = error["locations"] as? [[String: Any]] ?? []
      if let location = error["location"] as? [String: Any] {
        places.append(Place(location: location, path: path, value: value, isCopy: !copies.isEmpty))
      }
      for location in copies {
        places.append(Place(location: location, path: path, value: value, isCopy: true))
      }
    }
    for check in file["checks"] as? [[String: Any]] ?? [] {
      for occurrence in check["locations"] as? [[String: Any]] ?? [] {
        if let location = occurrence["location"] as? [String: Any] {
          places.append(Place(location: location, path: occurrence["path"] as? String ?? "", value: nil))
        }
      }
    }
    return places
  }

  /// Checks every place of `file`'s report against the input `bytes`; returns how many.
  @discardableResult
  static func checkPointers(of file: [String: Any], against bytes: [UInt8], _ name: String) throws -> Int {
    let document = try JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])
    let places = places(of: file)
    for place in places {
      let pointer = try #require(place.location["pointer"] as? String, "\(name): no pointer at \(place.location)")
      let value = try #require(resolve(pointer, in: document), "\(name): \(pointer) reaches nothing")
      let path = "/" + place.path
      if place.isCopy {
        // Each copy of a duplicated value is below the error's path (`/grants` → `/grants/3/id`).
        #expect(pointer.hasPrefix(path + "/"), "\(name): \(pointer) for \(path)")
      } else {
        // The pointer is the finding's path, or (for a missing value) a parent of it.
        #expect(path == pointer || path.hasPrefix(pointer + "/") || pointer.isEmpty, "\(name): \(pointer) for \(path)")
      }
      if let reported = place.value, path == pointer || place.isCopy {
        #expect(canonical(value) == canonical(reported), "\(name): \(pointer)")
      }
      let line = try #require(place.location["line"] as? Int)
      let column = try #require(place.location["column"] as? Int)
      let first = try #require(byte(in: bytes, line: line, column: column), "\(name): \(line):\(column) outside the file")
      #expect(starts(value, with: first), "\(name): \(pointer) at \(line):\(column) starts with '\(UnicodeScalar(first))'")
    }
    return places.count
  }

  // MARK: Tests

  @Test(arguments: fixtures)
  func everyPointerReachesTheReportedValueInTheFile(_ fixture: String) throws {
    let url = FixturePaths.url(fixture)
    let file = try Self.firstFile(try Self.jsonReport(["--all", url.path]))
    let bytes = try [UInt8](Data(contentsOf: url))
    #expect(try Self.checkPointers(of: file, against: bytes, url.lastPathComponent) > 0)
  }

  @Test func theFixturesHavePlacesOfEveryKind() throws {
    // The pointers above are checked on schema errors with values, missing values (parents),
    // duplicate ids (several places) and check occurrences.
    var withValue = 0
    var parents = 0
    var copies = 0
    var occurrences = 0
    for fixture in Self.fixtures.prefix(4) {
      let file = try Self.firstFile(try Self.jsonReport(["--all", FixturePaths.url(fixture).path]))
      for error in file["schemaErrors"] as? [[String: Any]] ?? [] {
        if error["locations"] != nil { copies += 1 }
        let pointer = (error["location"] as? [String: Any])?["pointer"] as? String
        if pointer == "/" + (error["path"] as? String ?? "") {
          if !(error["value"] is NSNull) { withValue += 1 }
        } else {
          parents += 1
        }
      }
      occurrences += (file["checks"] as? [[String: Any]] ?? []).reduce(0) { $0 + (($1["locations"] as? [Any])?.count ?? 0) }
    }
    #expect(withValue > 0)
    #expect(parents > 0)
    #expect(copies > 0)
    #expect(occurrences > 0)
  }

  /// A JSON file of one line, where line and column alone say little: the pointers still name
  /// the values, the same pointers as for the file as published.
  @Test(arguments: ["real/dataquality/nulls.json", "real/dataquality-tools-data/json_all_a003W000001B7PzQAK.json"])
  func aOneLineFileIsLocatedByPointer(_ fixture: String) throws {
    let original = try [UInt8](Data(contentsOf: FixturePaths.url(fixture)))
    // Every byte of white space outside strings removed, nothing else changed.
    var oneLine: [UInt8] = []
    var inString = false
    var escaped = false
    for byte in original {
      if inString {
        if escaped { escaped = false } else if byte == UInt8(ascii: "\\") { escaped = true } else if byte == UInt8(ascii: "\"") { inString = false }
      } else if byte == UInt8(ascii: "\"") {
        inString = true
      } else if [UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "\t")].contains(byte) {
        continue
      }
      oneLine.append(byte)
    }
    #expect(!oneLine.contains(UInt8(ascii: "\n")))
    let url = ScratchSpace.root.appendingPathComponent("one-line-\(UUID().uuidString).json")
    defer { try? FileManager.default.removeItem(at: url) }
    try Data(oneLine).write(to: url)

    let file = try Self.firstFile(try Self.jsonReport(["--all", url.path]))
    let count = try Self.checkPointers(of: file, against: oneLine, "one-line \(fixture)")
    #expect(count > 0)
    for place in Self.places(of: file) { #expect(place.location["line"] as? Int == 1) }

    let published = try Self.firstFile(try Self.jsonReport(["--all", FixturePaths.url(fixture).path]))
    let pointers = { (file: [String: Any]) in Self.places(of: file).compactMap { $0.location["pointer"] as? String } }
    #expect(pointers(file) == pointers(published))

    // The text report gives the pointer after the line and column.
    let text = try runGiving(["validate", "--now", Self.now, "--quiet", "--all", url.path]).standardOutput
    let firstPointer = try #require(pointers(file).first)
    #expect(text.contains(":1:") && text.contains(" " + firstPointer))
  }

  @Test func spreadsheetPlacesHaveNoPointer() throws {
    let file = try Self.firstFile(try Self.jsonReport(["--all", FixturePaths.url("real/dataquality/decimal_amounts.csv").path]))
    let places = Self.places(of: file)
    #expect(!places.isEmpty)
    for place in places { #expect(place.location["pointer"] == nil) }
  }

  @Test func xmlPlacesHaveNoPointer() throws {
    // An XML file's values have line and column; their paths are those of the JSON made from it.
    let xml = FixturePaths.url("fuzz-seeds/xml/decimal_amounts.xml")
    let file = try Self.firstFile(try Self.jsonReport(["--all", xml.path]))
    let places = Self.places(of: file)
    #expect(!places.isEmpty)
    for place in places {
      #expect(place.location["line"] != nil)
      #expect(place.location["pointer"] == nil)
    }
  }
}
