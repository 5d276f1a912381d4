import Foundation
@testable import GivingKit
import GivingTestSupport
import Testing

@Suite struct SchemaBundleTests {
  @Test func readsQuotedCodelistCodes() throws {
    let currencies = try SchemaBundle.standard.codelist(named: "currency.csv")
    #expect(currencies.contains("GBP"))
    #expect(!currencies.contains("\"GBP\""))
    #expect(currencies.count == 301)
  }

  /// Codes come from the first column of each record, not of each line: a quoted description
  /// may run over several lines.
  @Test func readsCodesOfRecordsNotLines() throws {
    let url = ScratchSpace.root.appendingPathComponent("codelist-\(UUID().uuidString).csv")
    try Data("Code,Title,Description\r\n\"A1\",One,\"first line\nsecond, with a comma\"\r\nB2,Two,\r\n".utf8).write(to: url)
    #expect(try SchemaBundle.readCodelist(url) == ["A1", "B2"])
  }

  @Test func listsOrgIDPrefixesInListOrder() throws {
    let prefixes = try SchemaBundle.standard.orgIDPrefixes()
    #expect(prefixes.contains("GB-CHC"))
    #expect(prefixes.count == 565)
  }
}
