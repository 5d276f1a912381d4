public import Foundation

/// The attribution every output built on the charity registers carries.
public let charityRegisterAttribution = """
  Register data: Charity Commission for England and Wales, Office of the Scottish Charity Regulator, \
  Charity Commission for Northern Ireland; Open Government Licence v3.0.
  """

extension CharityCounter.Result: TabularResult {
  /// The headings and rows of the result, as the table and CSV show them.
  public var rows: (headings: [String], rows: [[String]]) {
    let headings = key.partNames + ["charities", "with income", "total income", "mean income", "median income"]
    let rows = groups.map { group in
      group.key + [
        String(group.charities), String(group.withIncome), group.total.description,
        group.mean?.description ?? "", group.median?.description ?? "",
      ]
    }
    return (headings, rows)
  }

  /// What the table and CSV print after the rows: what was counted apart, the caveats, the
  /// attributions.
  public var notes: [String] {
    var lines = ["charities read: \(charitiesRead); removed from the register (not counted): \(removed)"]
    for (reason, count) in notPlaced.sorted(by: { $0.key < $1.key }) {
      lines.append("registered but not placed (\(reason)): \(count)")
    }
    if key == .activity {
      lines.append("A charity that says several things it does is counted under each, so the groups add up to more than the charities.")
    }
    if key == .tradingSubsidiary {
      lines.append("From each charity's latest annual return (England and Wales); charities with an income under £10,000 file no part A and are not said.")
    }
    if key.needsPlaces {
      lines.append("Charities are placed at their registered postcode, which is where they are registered, not necessarily where they work.")
    }
    if key == .imdDecile { lines.append(deprivationCaveat) }
    lines.append(charityRegisterAttribution)
    if key.needsPlaces { lines.append(geographyAttribution) }
    return lines
  }

  /// The result as JSON: the groups, then everything counted apart.
  public var jsonValue: JSONValue {
    func money(_ value: Decimal?) -> JSONValue { value.map { .number(JSONNumber($0)) } ?? .null }
    var groupValues: [JSONValue] = []
    for group in groups {
      var object = JSONObject()
      for (name, value) in zip(key.partNames, group.key) {
        object.append(name, name == "decile" ? (Int(value).map { .number(JSONNumber($0)) } ?? .string(value)) : .string(value))
      }
      object.append("charities", .number(JSONNumber(group.charities)))
      object.append("withIncome", .number(JSONNumber(group.withIncome)))
      object.append("totalIncome", money(group.total))
      object.append("meanIncome", money(group.mean))
      object.append("medianIncome", money(group.median))
      groupValues.append(.object(object))
    }
    var notPlacedObject = JSONObject()
    for (reason, count) in notPlaced.sorted(by: { $0.key < $1.key }) {
      notPlacedObject.append(reason, .number(JSONNumber(count)))
    }
    var object = JSONObject()
    object.append("by", .string(key.rawValue))
    if let englishIndex { object.append("englishIndex", .string(englishIndex.rawValue)) }
    object.append("groups", .array(groupValues))
    object.append("charitiesRead", .number(JSONNumber(charitiesRead)))
    object.append("removed", .number(JSONNumber(removed)))
    object.append("notPlaced", .object(notPlacedObject))
    object.append("attribution", .string(key.needsPlaces ? charityRegisterAttribution + " " + geographyAttribution : charityRegisterAttribution))
    return .object(object)
  }
}
