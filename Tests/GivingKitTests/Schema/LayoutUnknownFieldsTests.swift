import Foundation
import GivingTestSupport
import Testing

@testable import GivingKit

/// Grants of one spreadsheet row layout share the fields the schema does not know: worked out
/// for the first, kept for the rest, and never reused for another schema's field tree.
@Suite struct LayoutUnknownFieldsTests {
  @Test func eachGrantOfALayoutHasTheFieldsItsOwnWalkFinds() throws {
    let url = try CSVTestFiles.file(text: """
      Identifier,Title,Extra:Thing,deiDetails/leadership/askedStatus
      g1,T,x,AS1
      g2,T,,AS1
      g3,T,y,AS1
      g4,T,,

      """)
    var grants: [Grant] = []
    _ = try SpreadsheetFeedReader(workbook: try CSVWorkbook(files: [url])).read { grants.append($0) }
    #expect(grants.count == 4)
    let layouts = grants.compactMap { grant -> ObjectIdentifier? in
      if case .row(_, let layout) = grant.source { return ObjectIdentifier(layout) }
      return nil
    }
    #expect(layouts.count == 4)
    #expect(Set(layouts).count == 3)  // g1 and g3 share one
    let plain = AdditionalFieldsCollector(validator: try SchemaValidator())
    let dei = AdditionalFieldsCollector(validator: try SchemaValidator(extensions: ["dei"]))
    func names(_ fields: [(parent: String, field: String)]) -> [String] { fields.map { "\($0.parent) \($0.field)" } }
    for _ in 0..<2 {
      for collector in [plain, dei] {
        for grant in grants {
          #expect(names(collector.unknownFields(of: grant)) == names(collector.unknownFields(in: grant.json)))
        }
      }
    }
    #expect(names(plain.unknownFields(of: grants[0])) == ["/grants Extra", "/grants deiDetails"])
    #expect(names(dei.unknownFields(of: grants[0])) == ["/grants Extra"])
  }
}
