import GivingKit
import Testing

@Suite struct SchemaBundleTests {
  @Test func readsQuotedCodelistCodes() throws {
    let currencies = try SchemaBundle.standard.codelist(named: "currency.csv")
    #expect(currencies.contains("GBP"))
    #expect(!currencies.contains("\"GBP\""))
    #expect(currencies.count == 301)
  }

  @Test func listsOrgIDPrefixesInListOrder() throws {
    let prefixes = try SchemaBundle.standard.orgIDPrefixes()
    #expect(prefixes.contains("GB-CHC"))
    #expect(prefixes.count == 565)
  }
}
