import Foundation
@testable import GivingKit
import Testing

/// The JSON pointer a text place is given: RFC 6901's escapes, and the interned paths it is
/// made from.
@Suite struct ValueAddressTests {
  /// RFC 6901 §5's members `a/b` and `m~n` are `/a~1b` and `/m~0n`.
  @Test func keysWithSlashesAndTildesAreEscapedAsRFC6901Says() {
    #expect(ValueAddress.pointer(grant: -1, components: ["a/b"]) == "/a~1b")
    #expect(ValueAddress.pointer(grant: -1, components: ["m~n"]) == "/m~0n")
    #expect(ValueAddress.pointer(grant: -1, components: ["~1"]) == "/~01")
    #expect(ValueAddress.pointer(grant: 3, components: ["recipientOrganization", "0", "id"]) == "/grants/3/recipientOrganization/0/id")
  }

  @Test func theGrantAndThePackageTopArePointedAtWithoutAPath() {
    #expect(ValueAddress(grant: 12, path: "").pointer == "/grants/12")
    #expect(ValueAddress(grant: -1, path: "").pointer == "")
    #expect(ValueAddress(grant: -1, path: "publisher/name").pointer == "/publisher/name")
  }

  @Test func eachPathIsKeptOnce() {
    let path = "beneficiaryLocation/\(UUID().uuidString)/geoCode"
    let first = ValueAddress(grant: 1, path: path)
    let second = ValueAddress(grant: 2, path: path)
    #expect(first.pathID == second.pathID)
    #expect(first.path == path)
    #expect(ValueAddress(grant: 1, path: "id").pathID != first.pathID)
    #expect(ValueAddress(grant: 1, path: "id").path == "id")
  }

  /// The place of a grant's value names the grant it is in, and moves with it when the grant is
  /// renumbered; a missing value's place is its nearest parent's.
  @Test func placesNameTheirGrantAndTheValueFound() throws {
    let json = try JSONValue(parsing: Array(#"{"id": "x", "recipientOrganization": [{"name": "n"}]}"#.utf8))
    let positions = (1...5).map { TextPosition(line: 1, column: $0) }
    let grant = Grant(json: json, index: 7, source: .text(file: 0, positions: positions))
    guard case .text(_, _, let value) = grant.place(of: "recipientOrganization/0/id") else {
      Issue.record("not a text place")
      return
    }
    #expect(value.pointer == "/grants/7/recipientOrganization/0")
    guard case .text(_, _, let moved) = grant.place(of: "id").inGrant(9) else {
      Issue.record("not a text place")
      return
    }
    #expect(moved.pointer == "/grants/9/id")
  }
}
