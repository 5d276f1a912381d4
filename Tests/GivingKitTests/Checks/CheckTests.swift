import Foundation
import GivingKit
import Testing

/// Runs every check over `grants` (JSON objects as text) with now = 2026-11-25.
func runChecks(_ grants: [String], now: CheckDate = CheckDate(year: 2026, month: 11, day: 25)) throws -> CheckRunner {
  let runner = CheckRunner(now: now)
  for (n, text) in grants.enumerated() {
    runner.process(Grant(json: try JSONValue(parsing: Array(text.utf8)), index: n))
  }
  return runner
}

func finding(_ id: String, _ grants: [String], now: CheckDate = CheckDate(year: 2026, month: 11, day: 25)) throws -> CheckResult? {
  try runChecks(grants, now: now).results().first { $0.type == id }
}

/// One case: a check, the grants, and the count expected (nil: no finding).
struct CheckCase: CustomTestStringConvertible, Sendable {
  var check: String
  var grants: [String]
  var count: Int?
  var location: String? = nil
  var testDescription: String { "\(check) on \(grants.count) grant(s) → \(count.map(String.init) ?? "nothing")" }
}

let org = #""recipientOrganization": [{"id": "GB-CHC-1164883", "name": "R", "charityNumber": "1164883", "companyNumber": "09876543", "postalCode": "AB1 2CD"}]"#
let funder = #""fundingOrganization": [{"id": "GB-CHC-1000000", "name": "F"}]"#
func g(_ body: String, id: String = "360G-x-1") -> String {
  "{\"id\": \"\(id)\", \(funder), \(org), \(body.isEmpty ? "\"title\": \"t\"" : body)}"
}

@Suite struct CheckTests {
  static let cases: [CheckCase] = [
    CheckCase(check: "ZeroAmountTest", grants: [g(#""amountAwarded": 0"#), g(#""amountAwarded": 0.00"#), g(#""amountAwarded": 5"#)], count: 2, location: "grants/0/amountAwarded"),
    CheckCase(check: "ZeroAmountTest", grants: [g(#""amountAwarded": "0""#)], count: nil),
    CheckCase(check: "ZeroAmountTest", grants: [g(#""amountAwarded": false"#)], count: 1),
    CheckCase(check: "FundingOrgUnrecognisedPrefix", grants: [#"{"id": "a", "fundingOrganization": [{"id": "XX-1"}, {"id": "YY-2"}]}"#], count: 1, location: "grants/0/fundingOrganization/0/id"),
    CheckCase(check: "FundingOrgUnrecognisedPrefix", grants: [#"{"id": "a", "fundingOrganization": [{"id": "gb-chcX1"}, {"id": "360gfoo"}]}"#], count: nil),
    CheckCase(check: "RecipientOrgUnrecognisedPrefix", grants: [#"{"id": "a", "recipientOrganization": [{"id": "RUBBISH-COH-1"}]}"#], count: 1),
    CheckCase(check: "RecipientOrgCharityNumber", grants: [g(""), #"{"id": "b", "recipientOrganization": [{"id": "GB-CHC-1", "charityNumber": "12345"}]}"#, #"{"id": "c", "recipientOrganization": [{"id": "x", "charityNumber": "SC012345"}]}"#], count: 1, location: "grants/1/recipientOrganization/0/charityNumber"),
    CheckCase(check: "RecipientOrgCharityNumber", grants: [#"{"id": "b", "recipientOrganization": [{"id": "x"}, {"id": "y", "charityNumber": "bad"}]}"#], count: nil),
    CheckCase(check: "RecipientOrgCompanyNumber", grants: [#"{"id": "b", "recipientOrganization": [{"id": "x", "companyNumber": "1234567"}]}"#, #"{"id": "c", "recipientOrganization": [{"id": "x", "companyNumber": "SC123459"}]}"#], count: 1),
    CheckCase(check: "OrganizationIdLooksInvalid", grants: [#"{"id": "b", "fundingOrganization": [{"id": "gb-chc-12"}], "recipientOrganization": [{"id": "GB-COH-123"}, {"id": "GB-COH-09876543"}]}"#], count: 2, location: "grants/0/fundingOrganization/0/id"),
    CheckCase(check: "OrganizationIdUnexpectedChars", grants: [#"{"id": "b", "fundingOrganization": [{"id": "GB-CHC-1\n"}], "recipientOrganization": [{"id": "GB-\nCOH-1"}]}"#], count: 2),
    CheckCase(check: "GrantIdUnexpectedChars", grants: [g("", id: "360G-a\\n1"), g("")], count: 1, location: "grants/0/id"),
    CheckCase(check: "LooksLikeEmail", grants: [g(#""description": "write to a.b@example.org", "email": "x@y.org", "contactEmail": "z@y.org", "classifications": [{"title": "me@there.co.uk"}]"#)], count: 3),
    CheckCase(check: "LooksLikeEmail", grants: [g(#""description": "a@b, @example.org, a@.x, x@y.""#)], count: nil),
    CheckCase(check: "LooksLikeEmail", grants: [#"{"id": "a", "description": "me@x.org", "description": "none", "Full name": "n@x.org"}"#], count: 1, location: "grants/0/Full name"),
    CheckCase(check: "ImpossibleDates", grants: [g(#""awardDate": "2021-02-29""#), g(#""awardDate": "2020-02-29T10:00:00Z""#), g(#""awardDate": "2021-09-31T00:00:00+00:00""#), g(#""awardDate": "2021-13-01""#), g(#""awardDate": "2021-09""#)], count: 2, location: "grants/0/awardDate"),
    CheckCase(check: "PlannedStartDateBeforeEndDate", grants: [g(#""plannedDates": [{"startDate": "2021-05-02", "endDate": "2021-05-01"}]"#), g(#""plannedDates": [{"startDate": "2021-05", "endDate": "2021-04-01"}]"#)], count: 1, location: "grants/0/plannedDates/0/startDate"),
    CheckCase(check: "ActualStartDateBeforeEndDate", grants: [g(#""actualDates": [{"startDate": "2021-05-02", "endDate": "2021-05-01"}]"#)], count: 1),
    CheckCase(check: "FarFuturePlannedDates", grants: [g(#""plannedDates": [{"startDate": "2038-11-26"}]"#), g(#""plannedDates": [{"endDate": "2038-11-25"}]"#)], count: 1),
    CheckCase(check: "FarFutureActualDates", grants: [g(#""actualDates": [{"endDate": "2031-11-26"}]"#), g(#""actualDates": [{"endDate": "2031-11-25"}]"#)], count: 1),
    CheckCase(check: "FarPastDates", grants: [g(#""awardDate": "2001-11-25""#), g(#""awardDate": "2001-11-26""#), g(#""awardDate": "1990""#)], count: 1),
    CheckCase(check: "PostDatedAwardDates", grants: [g(#""awardDate": "2026-11-26""#), g(#""awardDate": "2026-11-25T23:00:00Z""#)], count: 1),
    CheckCase(check: "RecipientIndDEI", grants: [#"{"id": "a", "recipientIndividual": {"id": "i"}, "project": [{"deiDetails": {}}]}"#], count: 1, location: "grants/0/recipientIndividual/id"),
    CheckCase(check: "GeoCodePostcode", grants: [#"{"id": "a", "recipientIndividual": {"id": "i"}, "beneficiaryLocation": [{"geoCode": " sw1a 1aa "}, {"geoCode": "E05000001"}, {"geoCode": "M11AE"}]}"#, #"{"id": "b", "beneficiaryLocation": [{"geoCode": "SW1A 1AA"}]}"#], count: 2),
    CheckCase(check: "MultiFundingNamesForOrgId", grants: [#"{"id": "a", "fundingOrganization": [{"id": "X", "name": "A"}]}"#, #"{"id": "b", "fundingOrganization": [{"id": "X", "name": "B"}]}"#, #"{"id": "c", "fundingOrganization": [{"id": "X", "name": "B"}]}"#], count: 1, location: "grants/1/fundingOrganization/0/name"),
    CheckCase(check: "MultiFundingOrgIdsForName", grants: [#"{"id": "a", "fundingOrganization": [{"id": "X", "name": "A"}]}"#, #"{"id": "b", "fundingOrganization": [{"id": "Y", "name": "A"}]}"#, #"{"id": "c", "fundingOrganization": [{"id": "X", "name": "A"}]}"#], count: 1, location: "grants/1/fundingOrganization/0/id"),
    CheckCase(check: "RecipientOrg360GPrefix", grants: [#"{"id": "a", "recipientOrganization": [{"id": "360g-x"}, {"id": "360G-y"}]}"#], count: 2),
    CheckCase(check: "FundingOrg360GPrefix", grants: [#"{"id": "a", "fundingOrganization": [{"id": "360G-x"}]}"#, g("")], count: 1),
    CheckCase(check: "NoRecipientOrgCompanyCharityNumber", grants: [#"{"id": "a", "recipientOrganization": [{"id": "x", "charityNumber": ""}]}"#, g("")], count: 1, location: "grants/0/recipientOrganization/0/id"),
    // A geoCode alone locates the organisation (the official engine on dei_extension.xlsx).
    CheckCase(check: "IncompleteRecipientOrg", grants: [#"{"id": "a", "recipientOrganization": [{"id": "x", "location": [{"name": "Leeds"}]}]}"#, #"{"id": "b", "recipientOrganization": [{"id": "x", "location": [{"geoCode": "E1"}]}]}"#], count: 1),
    CheckCase(check: "NoGrantProgramme", grants: [g(#""grantProgramme": []"#), g(#""grantProgramme": [{"title": "P"}]"#)], count: 1, location: "grants/0/id"),
    CheckCase(check: "NoBeneficiaryLocation", grants: [g(""), g(#""beneficiaryLocation": [{"name": "X"}]"#)], count: 1),
    CheckCase(check: "TitleDescriptionSame", grants: [g(#""title": "Same", "description": "Same""#), g(#""title": "", "description": """#)], count: 1, location: "grants/0/description"),
    CheckCase(check: "TitleLength", grants: [g("\"title\": \"\(String(repeating: "é", count: 141))\""), g("\"title\": \"\(String(repeating: "a", count: 140))\"")], count: 1),
    CheckCase(check: "NoLastModified", grants: [g(""), g(#""dateModified": "2020-01-01T00:00:00Z""#)], count: 1),
    CheckCase(check: "NoDataSource", grants: [g(#""dataSource": """#), g(#""dataSource": "https://x.org""#)], count: 1),
    CheckCase(check: "RecipientIndWithoutToIndividualsDetails", grants: [#"{"id": "a", "recipientIndividual": {"id": "i"}}"#, #"{"id": "b", "recipientIndividual": {"id": "j"}, "toIndividualsDetails": {}}"#], count: 1),
    CheckCase(check: "PlannedDurationNotPresent", grants: [g(""), g(#""plannedDates": [{"duration": 0}]"#), g(#""plannedDates": [{"startDate": "2020-01-01", "endDate": "2020-02-01"}]"#), g(#""plannedDates": [{"startDate": "2020-01-01", "duration": null}]"#)], count: 2),
    CheckCase(check: "BeneficiaryLocationNameButNoCode", grants: [g(#""beneficiaryLocation": [{"name": "A"}, {"name": "B", "geoCode": "E1"}, {"name": "C"}]"#)], count: 2, location: "grants/0/beneficiaryLocation/0/name"),
    CheckCase(check: "BeneficiaryButNotRecipientGeoData", grants: [#"{"id": "a", "recipientOrganization": [{"id": "x"}], "beneficiaryLocation": [{"name": "A"}]}"#, g(#""beneficiaryLocation": [{"name": "A"}]"#)], count: 1, location: "grants/0/recipientOrganization/0/id"),
    CheckCase(check: "RecipientGeoDataButNoBeneficiary", grants: [#"{"id": "a", "recipientOrganization": [{"id": "x", "location": [{"name": "L"}]}]}"#], count: 1, location: "grants/0/recipientOrganization/0/location"),
  ]

  @Test(arguments: cases) func checkCountsWhatItShould(_ c: CheckCase) throws {
    let result = try finding(c.check, c.grants)
    #expect(result?.count == c.count)
    if let location = c.location { #expect(result?.jsonLocations.first == location) }
  }

  @Test func everyCheckHasACaseHere() {
    let covered = Set(Self.cases.map(\.check))
    let missing = GrantChecks.all.map { $0.id }.filter { !covered.contains($0) && $0 != "MoreThanOneFundingOrg" }
    #expect(missing.isEmpty)
    #expect(GrantChecks.all.count == 36)
    #expect(GrantChecks.all.filter { $0.category == .quality }.count == 21)
  }

  @Test func moreThanOneFundingOrgKeepsCountZeroAndNamesTheNumber() throws {
    let grants = [#"{"id": "a", "fundingOrganization": [{"id": "X"}]}"#, #"{"id": "b", "fundingOrganization": [{"id": "Y"}, {"id": "X"}]}"#]
    let result = try #require(try finding("MoreThanOneFundingOrg", grants))
    #expect(result.count == 0)
    #expect(result.heading == "2 different funding organisation identifiers listed")
    #expect(result.jsonLocations == ["grants/0/fundingOrganization/0/id", "grants/1/fundingOrganization/0/id"])
    #expect(try finding("MoreThanOneFundingOrg", [grants[0]]) == nil)
  }

  @Test func aGrantWithoutIdIsSkippedForThatCheckOnly() throws {
    let runner = try runChecks([#"{"title": "t", "amountAwarded": 0, "recipientOrganization": [{"id": "GB-CHC-1164883"}]}"#, g("", id: "a\\nb")])
    let results = runner.results()
    let idCheck = try #require(results.first { $0.type == "GrantIdUnexpectedChars" })
    #expect(idCheck.count == 1)
    #expect(idCheck.skippedGrants == 1)
    #expect(results.first { $0.type == "ZeroAmountTest" }?.count == 1)
    #expect(runner.officialWouldSilence[.quality] == true)
    #expect(runner.officialWouldSilence[.usefulness] == false)
  }

  @Test func headingsUsePercentagesAboveFiveWithPythonRounding() throws {
    // 8 of 16 grants without a programme: 50%; 1 of 8 → "1 grant does"
    let grants = (0..<16).map { g($0 < 8 ? "" : #""grantProgramme": [{"title": "P"}]"#, id: "id\($0)") }
    let result = try #require(try finding("NoGrantProgramme", grants))
    #expect(result.heading == "50% of grants do not contain any Grant Programme fields")
    #expect(result.percentage == 0.5)
    let one = try #require(try finding("NoGrantProgramme", [grants[0], grants[9], grants[10]]))
    #expect(one.heading == "1 grant does not contain any Grant Programme fields")
    // 5 of 200 (2.5%) rounds half to even: "5 grants"; 7 of 280 → 2.5% → "2% of grants"
    let many = (0..<280).map { g($0 < 7 ? "" : #""grantProgramme": [{"title": "P"}]"#, id: "id\($0)") }
    #expect(try finding("NoGrantProgramme", many)?.heading == "2% of grants do not contain any Grant Programme fields")
  }

  @Test func relevanceNamesTheGrantsThePercentageIsOver() throws {
    let grants = [#"{"id": "a", "recipientOrganization": [{"id": "x"}]}"#, #"{"id": "b", "recipientIndividual": {"id": "i"}}"#]
    let result = try #require(try finding("NoRecipientOrgCompanyCharityNumber", grants))
    #expect(result.heading == "1 recipient organisation grant does not have either a Recipient Org:Company Number or a Recipient Org:Charity Number")
    #expect(result.percentage == 1.0)
  }

  @Test func nowIsInjectable() throws {
    let grants = [g(#""awardDate": "2027-01-01""#)]
    #expect(try finding("PostDatedAwardDates", grants, now: CheckDate(year: 2026, month: 11, day: 25)) != nil)
    #expect(try finding("PostDatedAwardDates", grants, now: CheckDate(year: 2027, month: 1, day: 1)) == nil)
  }

  @Test func emptyPlannedDatesHidesEveryDateAsOfficially() throws {
    #expect(try finding("PostDatedAwardDates", [g(#""awardDate": "2030-01-01", "plannedDates": []"#)]) == nil)
  }

  @Test func orgIDRegistryMatchesPrefixesWithoutSeparator() {
    let registry = OrgIDRegistry.standard
    #expect(registry.codes.count > 500)
    #expect(registry.isRecognised("gb-chcX1"))
    #expect(registry.isRecognised("360Gfoo"))
    #expect(!registry.isRecognised("RUBBISH-1"))
    #expect(registry.code(for: "GB-CHC-123") == "GB-CHC")
    #expect(registry.code(for: "gb-chc-123") == nil)
    #expect(registry.code(for: "360G-abc") == "360G")
  }

  /// The registry's tries answer as a search of the whole list would: for every code as
  /// listed, lower-cased, cut short, run on, and with bytes outside ASCII after it.
  @Test func orgIDRegistryAgreesWithASearchOfTheList() {
    let registry = OrgIDRegistry.standard
    let codes = registry.codes
    func firstCode(_ id: String, fold: Bool) -> String? {
      let bytes = Array((fold ? id.lowercased() : id).utf8)
      return codes.first { code in
        let wanted = Array((fold ? code.lowercased() : code).utf8)
        return bytes.starts(with: wanted)
      }
    }
    var ids: [String] = ["", "G", "GB", "GB-", "x", "ü", "360", "360g"]
    for code in codes {
      ids += [code, code.lowercased(), String(code.dropLast()), code + "-12345", code + "é", "é" + code, code.uppercased() + "Z"]
    }
    for id in ids {
      #expect(registry.code(for: id) == firstCode(id, fold: false), "\(id)")
      #expect(registry.isRecognised(id) == (firstCode(id, fold: true) != nil), "\(id)")
    }
  }

  @Test func checkDatesFollowRelativedelta() {
    #expect(CheckDate(year: 2024, month: 2, day: 29).adding(years: 1) == CheckDate(year: 2025, month: 2, day: 28))
    #expect(CheckDate(iso: "2021-02-29") == nil)
    #expect(CheckDate(iso: "2020-02-29")?.description == "2020-02-29")
  }
}
