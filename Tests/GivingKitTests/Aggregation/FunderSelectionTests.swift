import Foundation
import GivingTestSupport
@testable import GivingKit
import Testing

/// Funder types and selectors on `Fixtures/aggregate/types-and-selectors.csv`: twelve grants
/// from a department (GB-GOR), a council (GB-LAE), a trust, a company and an unregistered
/// funder, whose expected totals are worked out by hand in the comments.
@Suite struct FunderSelectionTests {
  static let file = FixturePaths.url("aggregate/types-and-selectors.csv")

  func run(_ keys: [AggregationKey] = [.funder], file: URL = Self.file, _ configure: (inout AggregationOptions) throws -> Void)
    throws -> AggregationResult
  {
    var options = AggregationOptions(keys: keys)
    try configure(&options)
    return try Aggregator.aggregate([GrantFeed(files: [file])], options: options)
  }

  func totals(_ result: AggregationResult, currency: String = "GBP") -> [String: Decimal] {
    Dictionary(uniqueKeysWithValues: result.groups.filter { $0.currency == currency }.map { ($0.key[0].text, $0.total) })
  }

  func selectors(_ texts: String...) throws -> [FunderSelector] { try texts.map { try FunderSelector(parsing: $0) } }

  @Test func funderTypesGroupInTheRuleTablesOrder() throws {
    let result = try run([.funderType]) { _ in }
    // Department 1000 + 2000 + 999; council 500.50; trust 300 + 250.25 + 700 (and $100);
    // company 4000 + 120; unregistered 80 + 60.
    #expect(totals(result) == ["central-government": 3999, "local-government": 500.5, "charity": 1250.25, "company": 4120, "unknown": 140])
    #expect(totals(result, currency: "USD") == ["charity": 100])
    #expect(result.groups.map { $0.key[0].text } == ["central-government", "local-government", "charity", "charity", "company", "unknown"])
  }

  @Test func recipientTypesIncludeIndividuals() throws {
    let result = try run([.recipientOrgType]) { _ in }
    // Charities: 1000 + 300 (GB-CHC) + 500.50 + 700 (GB-SC); companies 2000 + 4000; the sports
    // club 250.25 + 999; the school 120; the unregistered group 80; the person 60.
    #expect(
      totals(result) == [
        "charity": 2500.5, "company": 6000, "community-group": 1249.25, "public-service": 120, "unknown": 80, "individual": 60,
      ])
  }

  @Test func governmentStandsForTheThreeGovernmentTypes() throws {
    let result = try run([.currency]) { $0.filter.funderTypes = ["government"] }
    #expect(totals(result) == ["GBP": Decimal(string: "4499.5")!])
    #expect(result.grantsCounted == 4)
    #expect(result.grantsFilteredOut == 8)
    let recipients = try run([.currency]) { $0.filter.recipientOrgTypes = ["individual", "public-service"] }
    #expect(totals(recipients) == ["GBP": 180])
  }

  @Test func recipientsOfGovernmentAreFundedByWhom() throws {
    let result = try run { $0.filter.recipientsOf = try selectors("type:government") }
    // Government grantees: the two charities, the company and the sports club. Their grants:
    // department 3999, council 500.50, trust 300 + 250.25 + 700 (and $100), company 4000.
    #expect(totals(result) == ["GB-GOR-PB1": 3999, "GB-LAE-BIR": 500.5, "GB-CHC-1000001": 1250.25, "GB-COH-00000001": 4000])
    #expect(totals(result, currency: "USD") == ["GB-CHC-1000001": 100])
    // Left out: the school's, the unregistered group's and the person's grants.
    #expect(result.grantsFilteredOut == 3)
    #expect(result.grantsCounted == 9)
    #expect(result.unmatchedSelectors.isEmpty)

    let others = try run {
      $0.filter.recipientsOf = try selectors("type:government")
      $0.filter.notFunders = try selectors("type:government")
    }
    #expect(totals(others) == ["GB-CHC-1000001": 1250.25, "GB-COH-00000001": 4000])
    #expect(others.grantsFilteredOut == 7)
    #expect(others.grantsRead == others.grantsCounted + others.grantsExcluded + others.duplicateCopies + others.grantsFilteredOut)
  }

  /// The funders' grants must pass the date, amount and currency filters to select recipients:
  /// the sports club's only government grant is from 2019.
  @Test func theSelectingGrantsPassTheDateFilter() throws {
    let result = try run {
      $0.filter.recipientsOf = try selectors("type:government")
      $0.filter.from = "2020-01-01"
    }
    #expect(totals(result) == ["GB-GOR-PB1": 3000, "GB-LAE-BIR": 500.5, "GB-CHC-1000001": 1000, "GB-COH-00000001": 4000])
    let small = try run {
      $0.filter.recipientsOf = try selectors("GB-GOR-PB1")
      $0.filter.maximum = 1500
    }
    // Only the department's 1000 and 999 pass: the charity and the sports club.
    #expect(totals(small) == ["GB-GOR-PB1": 1999, "GB-CHC-1000001": 550.25])
  }

  @Test func selectorsAreAnyOf() throws {
    let result = try run { $0.filter.recipientsOf = try selectors("GB-LAE-BIR", "GB-COH-00000001") }
    // The Scottish charity, the company and the school.
    #expect(totals(result) == ["GB-GOR-PB1": 2000, "GB-LAE-BIR": 500.5, "GB-COH-00000001": 4120, "GB-CHC-1000001": 700])
  }

  @Test func placesOfAFunderAreItsDistricts() throws {
    let council = try run { $0.filter.placesOf = try selectors("type:local-government") }
    // The council funded in Aberdeen (S12000033) only: its grant and the trust's there.
    #expect(totals(council) == ["GB-LAE-BIR": 500.5, "GB-CHC-1000001": 700])
    let department = try run { $0.filter.placesOf = try selectors("GB-GOR-PB1") }
    // Hartlepool, Middlesbrough and Redcar: everything but Aberdeen and the grant with no place.
    #expect(totals(department) == ["GB-GOR-PB1": 3999, "GB-CHC-1000001": 550.25, "GB-COH-00000001": 4120, "360G-fund-x": 60])
    #expect(totals(department, currency: "USD") == ["GB-CHC-1000001": 100])
    #expect(department.grantsFilteredOut == 3)
  }

  @Test func aSelectorThatNamesNothingGivesNothingAndSaysSo() throws {
    let result = try run {
      $0.filter.recipientsOf = try selectors("GB-GOR-NOBODY")
      $0.filter.notFunders = try selectors("type:public-service")
    }
    #expect(result.groups.isEmpty)
    #expect(result.grantsFilteredOut == 12)
    #expect(result.unmatchedSelectors == ["--recipients-of 'GB-GOR-NOBODY'", "--not-funder 'type:public-service'"])
  }

  @Test func malformedSelectorsAndUnknownTypesAreRefused() throws {
    for text in ["", "  ", "type:", "type:Charity", "type:two words"] {
      #expect(throws: AggregationOptionError.self, "\(text)") { try FunderSelector(parsing: text) }
    }
    #expect(try FunderSelector(parsing: " type:government ") == .type("government"))
    #expect(try FunderSelector(parsing: "GB-GOR-PB1") == .funder("GB-GOR-PB1"))
    #expect(throws: AggregationOptionError.self) { try run { $0.filter.recipientsOf = try selectors("type:lottery") } }
    #expect(throws: AggregationOptionError.self) { try run { $0.filter.funderTypes = ["lottery"] } }
    #expect(throws: AggregationOptionError.self) {
      try run { $0.filter.notFunders = try (0...64).map { try FunderSelector(parsing: "GB-X-\($0)") } }
    }
  }

  @Test func overriddenTypesSelectAndGroup() throws {
    var types = OrganisationTypes.standard
    try types.readOverrides(contentsOf: FixturePaths.url("aggregate/org-types.csv"))
    let grouped = try run([.funderType]) { $0.organisationTypes = types }
    #expect(totals(grouped)["lottery"] == 3999)
    #expect(totals(grouped)["central-government"] == nil)
    // The department is a lottery distributor now: government is the council alone.
    let result = try run {
      $0.organisationTypes = types
      $0.filter.recipientsOf = try selectors("type:government")
    }
    #expect(totals(result) == ["GB-LAE-BIR": 500.5, "GB-CHC-1000001": 700])
    let lottery = try run {
      $0.organisationTypes = types
      $0.filter.funderTypes = ["lottery"]
    }
    #expect(lottery.grantsCounted == 3)
  }

  /// Another id of the same organisation (from a register) is the same recipient.
  @Test func linkedIDsAreTheSameRecipient() throws {
    struct Links: RecipientLinks {
      func otherIDs(of id: String) -> [String] { id == "GB-CHC-2000001" ? ["GB-EDU-100001"] : [] }
    }
    let result = try run {
      $0.filter.recipientsOf = try selectors("GB-GOR-PB1")
      $0.recipientLinks = Links()
    }
    // The school's grant (120, from the company) comes in through the charity's link.
    #expect(totals(result)["GB-COH-00000001"] == 4120)
  }

  /// On the bundled sample, the answer is the one worked out here from the grants as read:
  /// the recipients of GB-GOR funders, then every grant to them, by funder.
  @Test func theSampleAgreesWithAStraightforwardCount() throws {
    let feed = try GrantFeed(files: [FixturePaths.url("sample/grants.csv")])
    var grants: [(funder: String, recipient: String, amount: Decimal)] = []
    try feed.read { grant in
      let funder = grant.json["fundingOrganization"]?.arrayValue?.first?["id"]?.stringValue ?? ""
      let recipient = grant.json["recipientOrganization"]?.arrayValue?.first?["id"]?.stringValue ?? ""
      let amount = try #require(grant.json["amountAwarded"]?.numberValue?.decimal)
      grants.append((funder, recipient, amount))
    }
    let selected = Set(grants.filter { $0.funder.hasPrefix("GB-GOR-") }.map(\.recipient))
    var expected: [String: Decimal] = [:]
    for grant in grants where selected.contains(grant.recipient) { expected[grant.funder, default: 0] += grant.amount }
    #expect(!selected.isEmpty && expected.count > 1)

    var options = AggregationOptions(keys: [.funder])
    options.filter.recipientsOf = try selectors("type:central-government")
    var aggregator = try Aggregator(options: options)
    aggregator.readsRowsDirectly = false
    try aggregator.readSelection(feed)
    try aggregator.aggregate(feed)
    #expect(totals(aggregator.result()) == expected)
    #expect(totals(try Aggregator.aggregate([feed], options: options)) == expected)
  }
}
