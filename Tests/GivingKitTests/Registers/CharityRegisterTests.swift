import Foundation
import GivingTestSupport
import Testing

@testable import GivingKit

/// The charity registers read in their regulators' layouts: the hand-made files of
/// `Fixtures/registers/made/` (values written by hand, see `Fixtures/SOURCES.md`) and the
/// published-layout samples of `Fixtures/registers/ccew/` and `ccni/`.
@Suite struct CharityRegisterTests {
  let made = "registers/made/"

  func charities(_ paths: [String]) throws -> CharityRegisterSet {
    try CharityRegisterSet(reading: paths.map { FixturePaths.url($0) })
  }

  @Test func theTextAndJSONFormsOfTheEnglandAndWalesExtractReadAlike() throws {
    let text = try charities([made + "publicextract.charity.txt"])
    let json = try charities([made + "publicextract.charity.json"])
    // Six rows; the endowment (linked charity 1 of 2000001) is not a charity of its own.
    #expect(text.charities.map(\.number) == ["2000001", "1000001", "3000001", "4000001", "5000001"])
    #expect(text.files.first?.linkedSkipped == 1)
    #expect(text.files.first?.kind == .englandAndWales)
    for (a, b) in zip(text.charities, json.charities) {
      #expect(a.number == b.number)
      #expect(a.name == b.name)
      #expect(a.status == b.status)
      #expect(a.postcode == b.postcode)
      #expect(a.latestIncome == b.latestIncome)
      #expect(a.companyNumber == b.companyNumber)
    }
    let riverside = try #require(text.charity(identifiedBy: "GB-CHC-2000001"))
    // A `"` is an ordinary character of the text form, not a quote.
    #expect(riverside.name == "The \"Riverside\" Trust")
    #expect(riverside.latestIncome == 150_000)
    #expect(riverside.postcode == "HX2 7PT")
    #expect(text.charity(identifiedBy: "GB-CHC-3000001")?.status == .removed)
    #expect(text.charity(identifiedBy: "GB-CHC-5000001")?.postcode == nil)
    #expect(text.charity(identifiedBy: "GB-CHC-4000001")?.latestIncome == Decimal(string: "9999.99"))
  }

  @Test func escapedTabsAndLineBreaksStayInTheirField() throws {
    var activities: [String] = []
    try RegisterRows.read(
      FixturePaths.url(made + "publicextract.charity.txt"), headings: { _ in nil },
      row: { cells, _ in activities.append(cells[31]) })
    #expect(activities.count == 6)
    #expect(activities[0] == "Runs a hall\tand a café\nacross the river")
  }

  @Test func aCompanyNumberFindsTheCharity() throws {
    let set = try charities([made + "publicextract.charity.txt"])
    #expect(set.charity(identifiedBy: "GB-COH-00000002")?.number == "2000001")
    #expect(set.charity(identifiedBy: "GB-COH-2")?.number == "2000001")
    #expect(set.otherIDs(of: "GB-CHC-2000001") == ["GB-COH-00000002"])
    #expect(set.otherIDs(of: "GB-COH-00000002") == ["GB-CHC-2000001"])
    #expect(set.otherIDs(of: "GB-CHC-1000001").isEmpty)
  }

  @Test func theScottishRegisterIsReadWhateverTheCaseAndSpacingOfItsTitles() throws {
    let set = try charities([made + "CharityExport.csv"])
    #expect(set.files.first?.kind == .scotland)
    let hall = try #require(set.charity(identifiedBy: "GB-SC-SC000001"))
    #expect(hall.status == .registered)
    #expect(hall.latestIncome == 10_000)
    // An item holding a comma is quoted with ' in OSCR's lists.
    #expect(hall.activities == ["It provides services", "It provides buildings, facilities or open space"])
    #expect(set.charity(numbered: "SC000002")?.status == .removed)
  }

  @Test func theClassificationTableGivesEnglandAndWalesCharitiesWhatTheyDo() throws {
    let set = try charities([made + "publicextract.charity.txt", made + "publicextract.charity_classification.txt"])
    #expect(set.classificationFiles.count == 1)
    // "What" rows and the linked charity's rows are left out.
    #expect(set.charity(identifiedBy: "GB-CHC-2000001")?.activities == ["Provides Services", "Provides Buildings/facilities/open Space"])
    #expect(set.charity(identifiedBy: "GB-CHC-5000001")?.activities == [])
  }

  @Test func theLatestAnnualReturnSaysWhetherACharityHasATradingSubsidiary() throws {
    let set = try charities([made + "publicextract.charity.txt", made + "publicextract.charity_annual_return_parta.txt"])
    #expect(set.annualReturnFiles.count == 1)
    // 2000001: True in its latest return (False in the one before); 1000001 the other way round;
    // 4000001 leaves it empty; 5000001 has no return.
    #expect(set.charity(identifiedBy: "GB-CHC-2000001")?.hasTradingSubsidiary == true)
    #expect(set.charity(identifiedBy: "GB-CHC-1000001")?.hasTradingSubsidiary == false)
    #expect(set.charity(identifiedBy: "GB-CHC-4000001")?.hasTradingSubsidiary == nil)
    #expect(set.charity(identifiedBy: "GB-CHC-5000001")?.hasTradingSubsidiary == nil)
  }

  @Test func aFileOfOtherColumnsIsRefusedNamingTheMissingOnes() throws {
    let error = #expect(throws: CharityRegisterError.self) { try charities([made + "wrong-columns.csv"]) }
    #expect(error?.closest == .northernIreland)
    #expect(error?.missing == ["Public address", "Total income"])
    #expect(error?.description.contains("wrong-columns.csv: not a charity register: no column 'Public address', 'Total income'") == true)
  }

  /// The Commission's own test extract: 573 lines, 572 rows of which 200 are main charities
  /// (`linked_charity_number` 0), 122 registered and 78 removed (counted with `awk -F'\t'`).
  @Test func theEnglandAndWalesSampleExtract() throws {
    let set = try charities(["registers/ccew/publicextract.charity.txt"])
    #expect(set.files.first?.rows == 572)
    #expect(set.files.first?.linkedSkipped == 372)
    #expect(set.charities.count == 200)
    #expect(set.charities.filter { $0.status == .removed }.count == 78)
  }

  /// The Northern Ireland register's published layout (Windows-1252, a trailing comma on every
  /// row): 365 charities, 36 removed; the postcode is the end of `Public address` (counted with
  /// Python's csv module reading it as cp1252).
  @Test func theNorthernIrelandSampleRegister() throws {
    let set = try charities(["registers/ccni/charitydetails_test.csv"])
    #expect(set.files.first?.kind == .northernIreland)
    #expect(set.charities.count == 365)
    #expect(set.charities.filter { $0.status == .removed }.count == 36)
    let lifeline = try #require(set.charity(identifiedBy: "GB-NIC-100002"))
    #expect(lifeline.name == "Cancer Lifeline")
    #expect(lifeline.postcode == "BT14 7PJ")
    #expect(lifeline.latestIncome == 462_154)
    #expect(lifeline.companyNumber == nil)
    #expect(set.charities.contains { $0.name.contains("Fírinne") })
  }

  @Test(arguments: [
    ("9999.99", IncomeBand.under10k), ("10000", .from10kTo100k), ("99999.99", .from10kTo100k),
    ("100000", .from100kTo1m), ("1000000", .from1mTo10m), ("10000000", .over10m), ("0", .under10k),
  ])
  func incomeBandsIncludeTheirLowerBound(income: String, band: IncomeBand) throws {
    #expect(IncomeBand(income: try #require(Decimal(string: income))) == band)
  }

  @Test(arguments: [
    ("Cancer Lifeline, 44 Alliance Avenue, Belfast, BT14 7PJ", "BT14 7PJ"), ("2 Abercorn Square, Strabane, BT82 8AN", "BT82 8AN"),
    ("1 Main Street, Belfast", nil), ("", nil),
  ])
  func theNorthernIrelandPostcodeIsTheEndOfTheAddress(address: String, postcode: String?) {
    #expect(CharityRegister.postcodeOfAddress(address) == postcode)
  }
}

/// ``CharityCounter`` on the hand-made registers, placed through the NSPL sample: the local
/// authorities are the `laua` column of each postcode's line in
/// `Fixtures/geo/postcodes_nspl_nov2021_sample.csv` (HX2 7PT E08000033, DT1 1JH and DT4 9QR
/// E06000059, DG1 2JQ S12000006).
@Suite struct CharityCounterTests {
  func count(_ key: CharityKey) throws -> CharityCounter.Result {
    let set = try CharityRegisterSet(
      reading: ["publicextract.charity.txt", "CharityExport.csv"].map { FixturePaths.url("registers/made/" + $0) })
    let postcodes = try PostcodeTable(contentsOf: FixturePaths.url("geo/postcodes_nspl_nov2021_sample.csv"), only: set.postcodes)
    var counter = CharityCounter(key: key, geography: try Geography(), postcodes: postcodes)
    for charity in set.charities { counter.add(charity) }
    return counter.result()
  }

  @Test func registeredCharitiesByLocalAuthority() throws {
    let result = try count(.localAuthority)
    let groups = result.groups.map { ($0.key, $0.charities, $0.withIncome, $0.total, $0.mean, $0.median) }
    #expect(groups.count == 3)
    #expect(groups[0] == (["E06000059"], 2, 2, Decimal(string: "2509999.99")!, Decimal(1_255_000), Decimal(1_255_000)))
    #expect(groups[1] == (["E08000033"], 1, 1, Decimal(150_000), Decimal(150_000), Decimal(150_000)))
    #expect(groups[2] == (["S12000006"], 1, 1, Decimal(10_000), Decimal(10_000), Decimal(10_000)))
    // Seven charities: two removed (3000001, SC000002), one without a postcode.
    #expect(result.charitiesRead == 7)
    #expect(result.removed == 2)
    #expect(result.notPlaced == ["no postcode": 1])
  }

  @Test func everyRegisteredCharityIsInOneIncomeBand() throws {
    let result = try count(.incomeBand)
    #expect(result.groups.map(\.key) == [["under £10k"], ["£10k–100k"], ["£100k–1m"], ["£1m–10m"], ["no income given"]])
    #expect(result.groups.map(\.charities) == [1, 1, 1, 1, 1])
    #expect(result.groups.reduce(0) { $0 + $1.charities } + result.removed == result.charitiesRead)
  }
}
