import Foundation
@testable import GivingKit
import GivingTestSupport
import Testing

/// nst/JSONTestSuite: every `y_` file accepted, every `n_` file rejected with an error,
/// and no file (the `i_` ones included) crashes or hangs.
@Suite struct JSONTestSuiteTests {
  static let cases = FixturePaths.files(in: "conformance/json-test-suite/test_parsing", extensions: ["json"])

  @Test func suiteIsPresent() {
    #expect(Self.cases.count == 318)
  }

  @Test(arguments: cases)
  func parsesAsTheSuiteExpects(file: URL) throws {
    let name = file.lastPathComponent
    let bytes = try [UInt8](Data(contentsOf: file))
    let result = Result { try JSONValue(parsing: bytes, file: name) }
    switch name.first {
    case "y":
      if case .failure(let error) = result { Issue.record("\(name) rejected: \(error)") }
    case "n":
      switch result {
      case .success: Issue.record("\(name) accepted")
      case .failure(let error): #expect(error is FeedError, "\(name): \(error)")
      }
    default:
      break  // implementation-defined: either answer, as long as it returns
    }
  }

  @Test func acceptsAndRejectsTheRightCounts() throws {
    var accepted = 0, rejected = 0, yes = 0, no = 0
    for file in Self.cases {
      let ok = (try? JSONValue(parsing: [UInt8](Data(contentsOf: file)))) != nil
      switch file.lastPathComponent.first {
      case "y": yes += 1; if ok { accepted += 1 }
      case "n": no += 1; if !ok { rejected += 1 }
      default: break
      }
    }
    print("JSONTestSuite: \(accepted)/\(yes) y_ accepted, \(rejected)/\(no) n_ rejected")
    #expect(accepted == yes && rejected == no)
  }
}

@Suite struct JSONValueTests {
  @Test func keepsNumbersExactly() throws {
    let value = try JSONValue(parsing: Array(#"{"a": 1000.10, "b": 12345678901234567890.123456789}"#.utf8))
    #expect(value["a"]?.numberValue?.text == "1000.10")
    #expect(value["b"]?.numberValue?.decimal == Decimal(string: "12345678901234567890.123456789"))
  }

  @Test func sumsDecimalsExactly() throws {
    let value = try JSONValue(parsing: Array("[1000.1,1000.1,1000.1,1000.1,1000.1,1000.1,1000.1]".utf8))
    let total = value.arrayValue!.compactMap { $0.numberValue?.decimal }.reduce(0, +)
    #expect(total == Decimal(string: "7000.7"))
    #expect(total.description == "7000.7")
  }

  @Test func reportsLineAndColumnOfTheFirstError() throws {
    #expect(throws: FeedError.malformedJSON(file: "x.json", line: 2, column: 7, reason: "unexpected '}', expecting a value")) {
      try JSONValue(parsing: Array("{\"a\": 1,\n \"b\": }".utf8), file: "x.json")
    }
  }

  @Test func refusesDeepNestingWithoutCrashing() {
    let deep = [UInt8](repeating: UInt8(ascii: "["), count: 100_000)
    #expect(throws: FeedError.self) { try JSONValue(parsing: deep) }
  }

  @Test func theEightByteStringScanStopsAtEveryByteThatEndsOrEscapesAString() {
    // Every byte value in every position, among bytes that never stop the scan.
    let special: (UInt8) -> Bool = { $0 == 0x22 || $0 == 0x5C || $0 < 0x20 }
    for position in 0..<8 {
      for value in 0...255 {
        // Among plain ASCII bytes, and among non-ASCII bytes (which never stop the scan).
        for filler in [UInt8(ascii: "a"), 0xC3, 0xFF, 0x80] {
          var bytes = [UInt8](repeating: filler, count: 8)
          bytes[position] = UInt8(value)
          let word = bytes.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
          #expect(JSONParser.mayEndOrEscape(word) == special(UInt8(value)), "byte \(value) at \(position) among \(filler)")
        }
      }
    }
    // A string with a quote or escape at every offset parses to the same text.
    for offset in 0..<20 {
      let text = String(repeating: "x", count: offset) + "\\\"é" + String(repeating: "y", count: 20 - offset)
      let value = try? JSONValue(parsing: Array("[\"\(text)\"]".utf8))
      #expect(value?.arrayValue?.first?.stringValue == String(repeating: "x", count: offset) + "\"é" + String(repeating: "y", count: 20 - offset))
    }
  }

  @Test func keysAreTheSameOnlyWithTheSameCodePoints() throws {
    // As in Python: "café" spelt with a precomposed é and with e + combining acute are two keys.
    let value = try JSONValue(parsing: Array(#"{"caf\u00e9": 1, "cafe\u0301": 2, "id": 3}"#.utf8))
    #expect(value["caf\u{E9}"]?.numberValue?.text == "1")
    #expect(value["cafe\u{301}"]?.numberValue?.text == "2")
    #expect(value["id"]?.numberValue?.text == "3")
    #expect(value["i"] == nil && value["idx"] == nil && value[""] == nil)
  }

  @Test func equalityIgnoresMemberOrderAndNumberSpelling() throws {
    let a = try JSONValue(parsing: Array(#"{"x": 1, "y": [2.0]}"#.utf8))
    let b = try JSONValue(parsing: Array(#"{"y": [2], "x": 1.0}"#.utf8))
    #expect(a == b)
    #expect(a.hashValue == b.hashValue)
  }

  @Test func writerRoundTripsValues() throws {
    let text = #"{"s":"a\"b\\c\n\u0001é","n":-0.50,"a":[true,false,null],"o":{}}"#
    let value = try JSONValue(parsing: Array(text.utf8))
    let written = JSONWriter().string(value)
    #expect(try JSONValue(parsing: Array(written.utf8)) == value)
    #expect(written.contains("-0.50"))
  }

  /// Strings are scanned eight bytes at a time: every character that needs escaping is
  /// escaped wherever it falls in a word, and everything else is written as it is.
  @Test func writerEscapesEveryCharacterAtEveryOffset() throws {
    let specials: [Character] = ["\"", "\\", "\n", "\r", "\t", "\u{0}", "\u{1}", "\u{1F}", " ", "é", "\u{7F}", "😀", "!", "#", "[", "]"]
    for special in specials {
      for offset in 0..<17 {
        let text = String(repeating: "a", count: offset) + String(special) + String(repeating: "b", count: 16 - offset)
        let written = JSONWriter().string(.string(text))
        #expect(try JSONValue(parsing: Array(written.utf8)) == .string(text), "\(special.unicodeScalars.first!.value) at \(offset)")
        #expect(!written.utf8.dropFirst().dropLast().contains { $0 < 0x20 }, "a raw control character")
        // Escapes add one byte (`\"`, `\n`) or five (`\u001f`); nothing else grows.
        let extra: Int
        switch special {
        case "\"", "\\", "\n", "\r", "\t": extra = 1
        case _ where special.asciiValue.map { $0 < 0x20 } == true: extra = 5
        default: extra = 0
        }
        #expect(written.utf8.count == text.utf8.count + 2 + extra)
      }
    }
  }
}
