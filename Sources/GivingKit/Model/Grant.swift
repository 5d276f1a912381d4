public import Foundation

/// One grant: the lossless JSON tree it was read as, where it came from, and typed views of
/// the fields 360Giving defines.
///
/// Readers never drop or coerce a value: a field that does not have its schema type keeps
/// what was written, and the typed views return `nil` for it (validation reports it).
///
/// ```swift
/// let feed = try GrantFeed(paths: ["grants.csv"])
/// try feed.read { grant in print(grant.id ?? "?", grant.amountAwarded ?? 0) }
/// ```
///
/// Related 360Giving documentation: <https://standard.threesixtygiving.org/en/latest/technical/reference/>
public struct Grant: Sendable, Hashable {
  /// The grant as JSON, unknown fields included, members in input order.
  public var json: JSONValue
  /// 0-based position of the grant in its feed (after merging rows).
  public var index: Int
  /// Where each value came from; resolve with ``FeedSources/location(of:in:)``.
  public var source: GrantSource

  public init(json: JSONValue, index: Int = 0, source: GrantSource = .none) {
    self.json = json
    self.index = index
    self.source = source
  }

  /// The grant's JSON object (empty if the grant is not an object).
  public var object: JSONObject { json.objectValue ?? JSONObject() }

  public var id: String? { json["id"]?.stringValue }
  public var title: String? { json["title"]?.stringValue }
  public var description: String? { json["description"]?.stringValue }
  public var currency: String? { json["currency"]?.stringValue }
  public var amountAwarded: Decimal? { json["amountAwarded"]?.numberValue?.decimal }
  public var amountAppliedFor: Decimal? { json["amountAppliedFor"]?.numberValue?.decimal }
  public var amountDisbursed: Decimal? { json["amountDisbursed"]?.numberValue?.decimal }
  /// As written: `YYYY-MM-DD` or a date-time.
  public var awardDate: String? { json["awardDate"]?.stringValue }
  public var url: String? { json["url"]?.stringValue }
  public var dateModified: String? { json["dateModified"]?.stringValue }
  public var dataSource: String? { json["dataSource"]?.stringValue }
  public var fromOpenCall: String? { json["fromOpenCall"]?.stringValue }
  public var regrantType: String? { json["regrantType"]?.stringValue }
  public var locationScope: String? { json["locationScope"]?.stringValue }
  public var relatedActivity: [String] { (json["relatedActivity"]?.arrayValue ?? []).compactMap(\.stringValue) }

  public var recipientOrganization: [Organization] { objects("recipientOrganization").map(Organization.init) }
  public var recipientIndividual: Person? { json["recipientIndividual"]?.objectValue.map(Person.init) }
  public var fundingOrganization: [Organization] { objects("fundingOrganization").map(Organization.init) }
  public var beneficiaryLocation: [Location] { objects("beneficiaryLocation").map(Location.init) }
  public var grantProgramme: [GrantProgramme] { objects("grantProgramme").map(GrantProgramme.init) }
  public var plannedDates: [Event] { objects("plannedDates").map(Event.init) }
  public var actualDates: [Event] { objects("actualDates").map(Event.init) }
  public var classifications: [Classification] { objects("classifications").map(Classification.init) }
  public var fundingType: [Classification] { objects("fundingType").map(Classification.init) }

  /// Whether the grant goes to an individual rather than an organisation.
  public var isToIndividual: Bool { json["recipientIndividual"] != nil }

  private func objects(_ key: String) -> [JSONObject] {
    (json[key]?.arrayValue ?? []).compactMap(\.objectValue)
  }
}

/// A typed view of an `Organization` object (funder or recipient).
public struct Organization: Sendable, Hashable {
  public var json: JSONObject
  public init(_ json: JSONObject) { self.json = json }
  public var id: String? { json["id"]?.stringValue }
  public var name: String? { json["name"]?.stringValue }
  public var charityNumber: String? { json["charityNumber"]?.stringValue }
  public var companyNumber: String? { json["companyNumber"]?.stringValue }
  public var postalCode: String? { json["postalCode"]?.stringValue }
  public var location: [Location] { (json["location"]?.arrayValue ?? []).compactMap(\.objectValue).map(Location.init) }
}

/// A typed view of a `Person` (the recipient of a grant to an individual).
public struct Person: Sendable, Hashable {
  public var json: JSONObject
  public init(_ json: JSONObject) { self.json = json }
  public var id: String? { json["id"]?.stringValue }
  public var name: String? { json["name"]?.stringValue }
}

/// A typed view of a `Location`.
public struct Location: Sendable, Hashable {
  public var json: JSONObject
  public init(_ json: JSONObject) { self.json = json }
  public var id: String? { json["id"]?.stringValue }
  public var name: String? { json["name"]?.stringValue }
  public var geoCode: String? { json["geoCode"]?.stringValue }
  public var geoCodeType: String? { json["geoCodeType"]?.stringValue }
  public var countryCode: String? { json["countryCode"]?.stringValue }
}

/// A typed view of a `GrantProgramme`.
public struct GrantProgramme: Sendable, Hashable {
  public var json: JSONObject
  public init(_ json: JSONObject) { self.json = json }
  public var code: String? { json["code"]?.stringValue }
  public var title: String? { json["title"]?.stringValue }
}

/// A typed view of an `Event` (planned or actual dates).
public struct Event: Sendable, Hashable {
  public var json: JSONObject
  public init(_ json: JSONObject) { self.json = json }
  public var startDate: String? { json["startDate"]?.stringValue }
  public var endDate: String? { json["endDate"]?.stringValue }
  public var duration: Decimal? { json["duration"]?.numberValue?.decimal }
}

/// A typed view of a `Classification` (classifications, funding type).
public struct Classification: Sendable, Hashable {
  public var json: JSONObject
  public init(_ json: JSONObject) { self.json = json }
  public var vocabulary: String? { json["vocabulary"]?.stringValue }
  public var code: String? { json["code"]?.stringValue }
  public var title: String? { json["title"]?.stringValue }
}
