import Foundation
import GivingTestSupport
@testable import GivingKit
import Testing

/// Organisation types come from the register an identifier's prefix names, as the bundled
/// org-id.guide list describes it: one test per row of the rule table in `docs/aggregate.md`.
@Suite struct OrganisationTypeTests {
  /// The rule table, written out here by hand: each type and identifiers that must get it.
  static let rows: [(type: String, ids: [String])] = [
    ("central-government", ["GB-GOR-PB123", "GB-GOV-12", "GB-GOVUK-department-for-education", "GB-COA-A1", "GB-SRS-8"]),
    ("local-government", ["GB-LAE-BIR", "GB-LAS-ABE", "GB-LANI-BEL", "GB-PLA-W06000015"]),
    ("public-service", ["GB-NHS-RX1", "GB-EDU-100001", "GB-SCOTEDU-5550012", "GB-WALEDU-6612345", "GB-IRN-1230001"]),
    ("charity", ["GB-CHC-1075920", "GB-SC-SC012345", "GB-NIC-100001", "GB-COE-1234"]),
    ("company", ["GB-COH-03857734", "GB-MPR-12345R"]),
    ("community-group", ["GB-CASC-1"]),
    ("other", ["GB-HESA-0001", "GB-UKPRN-10007852"]),
    ("unknown", ["360G-tt-ORG-1", "GB-CHC1075920", "XX-NOPE-1", "charity 1075920", ""]),
  ]

  @Test(arguments: 0..<rows.count)
  func eachRuleGivesItsType(row: Int) {
    let (type, ids) = Self.rows[row]
    for id in ids {
      #expect(OrganisationTypes.standard.type(of: id) == type, "\(id)")
    }
  }

  /// The first structure decides, and structures written as words are read as paths.
  @Test(arguments: [
    ("government_agency", "central-government"), ("government_agency/local_government", "local-government"),
    ("government_agency/public_service", "public-service"), ("charity", "charity"),
    ("company/listed_company", "company"), ("company", "company"), ("unincorporated_body", "community-group"),
    ("trust", "other"), ("Government Agency > Local Government", "local-government"), ("Company > Listed company", "company"),
  ])
  func structuresGiveTypes(structure: String, type: String) {
    #expect(OrganisationTypes.type(ofStructure: structure) == type)
  }

  @Test func aRegisterWithNoStructureIsOther() {
    #expect(OrganisationTypes.type(ofStructure: nil) == "other")
  }

  /// The bundled list says what the table's examples rest on: GB-COH's first structure is a
  /// kind of company though it lists `charity` too, GB-EDU's is a public service.
  @Test func theBundledListHasTheStructuresTheTableNames() throws {
    let lists = Dictionary(try SchemaBundle.standard.orgIDStructures().map { ($0.code, $0.structure) }) { a, _ in a }
    #expect(lists["GB-CHC"] == ["charity"])
    #expect(lists["GB-COH"]?.first == "company/listed_company")
    #expect(lists["GB-COH"]?.contains("charity") == true)
    #expect(lists["GB-EDU"]?.first == "government_agency/public_service")
    #expect(lists["GB-LAE"]?.first == "government_agency/local_government")
    #expect(lists["GB-GOR"] == ["government_agency"])
    #expect(lists["GB-CASC"] == ["unincorporated_body"])
    #expect(lists["GB-HESA"] == [])
  }

  /// The register is the longest code followed by a hyphen; letters are compared without case.
  @Test func theLongestRegisterWinsAndCaseDoesNotMatter() {
    let types = OrganisationTypes(registers: [("GB-SC", ["charity"]), ("GB-SCOTEDU", ["government_agency/public_service"])])
    #expect(types.type(of: "GB-SCOTEDU-5550012") == "public-service")
    #expect(types.type(of: "GB-SC-SC012345") == "charity")
    #expect(types.type(of: "gb-sc-sc012345") == "charity")
    #expect(types.type(of: "GB-SCX-1") == "unknown")
  }

  /// Every row of the table in `docs/aggregate.md` names types and registers this agrees with.
  @Test func theDocumentedTableMatches() throws {
    let doc = try String(contentsOf: FixturePaths.root.appendingPathComponent("docs/aggregate.md"), encoding: .utf8)
    let start = try #require(doc.range(of: "## Organisation types"))
    var checked = Set<String>()
    for line in doc[start.upperBound...].split(separator: "\n").prefix(20) where line.hasPrefix("| `") {
      let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
      let type = cells[0].trimmingCharacters(in: CharacterSet(charactersIn: "`"))
      guard OrganisationTypes.builtIn.contains(type) else { continue }
      checked.insert(type)
      let registers = cells[2].split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { $0.hasPrefix("GB-") }
      for register in registers {
        #expect(OrganisationTypes.standard.type(of: register + "-1") == type, "\(register)")
      }
    }
    #expect(checked == Set(OrganisationTypes.builtIn))
  }

  // MARK: Overrides

  func table(_ text: String) throws -> URL {
    let url = ScratchSpace.root.appendingPathComponent("giving-orgtypes-\(UUID()).csv")
    try Data(text.utf8).write(to: url)
    return url
  }

  @Test func anOverrideTableRenamesNamedOrganisationsOnly() throws {
    var types = OrganisationTypes.standard
    try types.readOverrides(contentsOf: table("id,type\nGB-GOR-PB1, lottery \n\nGB-CHC-1,central-government\n"))
    #expect(types.type(of: "GB-GOR-PB1") == "lottery")
    #expect(types.type(of: "GB-GOR-PB2") == "central-government")
    #expect(types.type(of: "GB-CHC-1") == "central-government")
    #expect(types.registerType(of: "GB-GOR-PB1") == "central-government")
    #expect(types.knows("lottery"))
    #expect(!OrganisationTypes.standard.knows("lottery"))
  }

  @Test(arguments: [
    ("id,type\nGB-GOR-PB1,Charity\n", 2, "'Charity' is not a type"),
    ("id,type\nGB-GOR-PB1,lottery distributor\n", 2, "'lottery distributor' is not a type"),
    ("id,type\nGB-GOR-PB1,government\n", 2, "'government' is not a type"),
    ("id,type\nGB-GOR-PB1,lottery,extra\n", 2, "expected 2 fields (id,type), found 3"),
    ("id,type\nGB-GOR-PB1\n", 2, "expected 2 fields (id,type), found 1"),
    ("id,type\n,lottery\n", 2, "no organisation id"),
    ("GB-GOR-PB1,lottery\n", 1, "the first row must be the headings 'id,type'"),
    ("id,type\nA,lottery\nB,charity\nA,company\n", 4, "'A' is given the type 'company' here and 'lottery' on an earlier row"),
    ("", 1, "empty"),
  ])
  func aRowThatCannotBeUsedIsRefusedWithItsLine(text: String, line: Int, reason: String) throws {
    var types = OrganisationTypes.standard
    let url = try table(text)
    do {
      try types.readOverrides(contentsOf: url)
      Issue.record("accepted \(text)")
    } catch let error as OrganisationTypesError {
      #expect(error.file == url.path)
      #expect(error.line == line)
      #expect(error.reason.hasPrefix(reason), "\(error.reason)")
    }
  }

  /// A row is named by the line it starts on, not its number among the rows.
  @Test func aRowIsNamedByItsLine() throws {
    var types = OrganisationTypes.standard
    let url = try table("id,type\n\"GB-X\n1\",lottery\nGB-X-2,Bad\n")
    do {
      try types.readOverrides(contentsOf: url)
      Issue.record("accepted")
    } catch let error as OrganisationTypesError {
      #expect(error.line == 4)
    }
  }
}
