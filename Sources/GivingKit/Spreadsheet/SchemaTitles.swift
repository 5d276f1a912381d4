/// The shape of a schema property, as the spreadsheet mapping needs it (SPEC.md §2.1).
public enum SchemaFieldKind: Sendable, Hashable {
  /// A string (or string-or-null) property: cells become text.
  case string
  /// A number (or number-or-null) property: cells become exact decimal numbers.
  case number
  /// An object property (`recipientIndividual`, `toIndividualsDetails`).
  case object
  /// An array of objects (`recipientOrganization`): items get an index in paths.
  case objectArray
  /// An array of strings or numbers (`relatedActivity`): one `;`-separated cell.
  case stringArray
  /// Anything else (booleans, untyped).
  case other
}

/// One property path of a schema, with its spreadsheet title.
public struct SchemaField: Sendable, Hashable {
  /// Grant-relative path with `0` for array items: `recipientOrganization/0/location/0/geoCode`.
  public var path: String
  /// The same path without indexes: `recipientOrganization/location/geoCode`.
  public var indexFreePath: String
  /// The property name (`geoCode`).
  public var name: String
  /// The property's own title, `nil` when the schema gives none.
  public var title: String?
  /// The full title chain (`Recipient Org:Location:Geographic Code`), `nil` when this
  /// property or one of its ancestors has no title.
  public var titleChain: String?
  /// The property's shape.
  public var kind: SchemaFieldKind
  /// Whether the schema also allows `null`.
  public var isNullable: Bool
  /// The 360Giving `rollUp` list of an array property (children shown on the main sheet).
  public var rollUp: [String]
  /// Index of the parent in ``SchemaTitles/fields``, `nil` at top level.
  public var parent: Int?
}

/// Every property path of a schema with its title, type and rollUp, derived at run time from
/// the schema itself (flatten-tool's `SchemaParser` rules, SPEC.md §2.1).
///
/// ```swift
/// let titles = SchemaTitles.grant
/// titles.field(atIndexFreePath: "recipientOrganization/id")?.titleChain  // "Recipient Org:Identifier"
/// ```
public final class SchemaTitles: Sendable {
  /// The titles of the bundled grant schema.
  public static let grant = SchemaTitles(schema: SchemaBundle.standard.grantSchema)
  /// The titles of the bundled package schema, without `grants` (the `Meta` sheet).
  public static let package = SchemaTitles(
    schema: SchemaBundle.standard.packageSchema, skipping: ["grants"])

  /// All property paths in schema order (preorder: a property, then its children).
  public let fields: [SchemaField]
  /// For parent index + 1 (0 = root): normalised title → field index.
  private let childByTitle: [[String: Int]]
  /// For parent index + 1 (0 = root): property name → field index.
  private let childByName: [[String: Int]]
  /// For parent index + 1 (0 = root): property name → position among its siblings.
  private let ordinalByName: [[String: Int]]
  private let byIndexFreePath: [String: Int]

  /// Walks `schema` (resolving local `#/$defs/…` references), leaving out the top-level
  /// properties named in `skipping`.
  public init(schema: JSONValue, skipping: Set<String> = []) {
    var fields: [SchemaField] = []
    var byTitle: [[String: Int]] = [[:]]
    var byName: [[String: Int]] = [[:]]
    var ordinals: [[String: Int]] = [[:]]

    func resolve(_ node: JSONValue) -> JSONValue {
      var current = node
      var depth = 0
      while let ref = current["$ref"]?.stringValue, ref.hasPrefix("#/"), depth < 16 {
        var target: JSONValue? = schema
        for part in ref.dropFirst(2).split(separator: "/") { target = target?[String(part)] }
        guard let target else { break }
        current = target
        depth += 1
      }
      return current
    }

    func walk(properties: JSONObject, parent: Int?, pathPrefix: String, freePrefix: String, chain: String?) {
      let slot = (parent ?? -1) + 1
      var ordinal = 0
      for member in properties where !(parent == nil && skipping.contains(member.key)) {
        let raw = member.value
        let resolved = resolve(raw)
        let title = raw["title"]?.stringValue ?? resolved["title"]?.stringValue
        let typeValue = raw["type"] ?? resolved["type"]
        var types: [String] = []
        if let t = typeValue?.stringValue { types = [t] }
        if let list = typeValue?.arrayValue { types = list.compactMap(\.stringValue) }
        var kind: SchemaFieldKind = .other
        var childProperties: JSONObject?
        if types.contains("array") {
          let items = resolve(raw["items"] ?? resolved["items"] ?? .null)
          if items["properties"] != nil || items["type"]?.stringValue == "object" {
            kind = .objectArray
            childProperties = items["properties"]?.objectValue
          } else {
            kind = .stringArray
          }
        } else if types.contains("object") || (types.isEmpty && resolved["properties"] != nil) {
          kind = .object
          childProperties = resolved["properties"]?.objectValue
        } else if types.contains("number") || types.contains("integer") {
          kind = .number
        } else if types.contains("string") {
          kind = .string
        }
        let path = pathPrefix + member.key
        let free = freePrefix + member.key
        let titleChain: String? = title.flatMap { t in chain.map { $0 + t } }
        let rollUp = (raw["rollUp"] ?? resolved["rollUp"])?.arrayValue?.compactMap(\.stringValue) ?? []
        let index = fields.count
        fields.append(
          SchemaField(
            path: path, indexFreePath: free, name: member.key, title: title, titleChain: titleChain,
            kind: kind, isNullable: types.contains("null"), rollUp: rollUp, parent: parent))
        byTitle.append([:])
        byName.append([:])
        ordinals.append([:])
        if let title { byTitle[slot][Self.normalise(title)] = byTitle[slot][Self.normalise(title)] ?? index }
        byName[slot][member.key] = index
        ordinals[slot][member.key] = ordinal
        ordinal += 1
        if let childProperties {
          let childPrefix = kind == .objectArray ? path + "/0/" : path + "/"
          walk(
            properties: childProperties, parent: index, pathPrefix: childPrefix,
            freePrefix: free + "/", chain: titleChain.map { $0 + ":" })
        }
      }
    }

    if let properties = schema["properties"]?.objectValue {
      walk(properties: properties, parent: nil, pathPrefix: "", freePrefix: "", chain: "")
    }
    self.fields = fields
    self.childByTitle = byTitle
    self.childByName = byName
    self.ordinalByName = ordinals
    var free: [String: Int] = [:]
    for (i, f) in fields.enumerated() { free[f.indexFreePath] = i }
    self.byIndexFreePath = free
  }

  /// The field at an index-free path (`recipientOrganization/id`), or `nil`.
  public func field(atIndexFreePath path: String) -> SchemaField? {
    byIndexFreePath[path].map { fields[$0] }
  }

  /// The child of `parent` (`nil` = top level) whose title matches `title` ignoring spaces
  /// and case.
  public func child(of parent: Int?, titled title: some StringProtocol) -> Int? {
    childByTitle[(parent ?? -1) + 1][Self.normalise(title)]
  }

  /// The child of `parent` (`nil` = top level) named `name`.
  public func child(of parent: Int?, named name: String) -> Int? {
    childByName[(parent ?? -1) + 1][name]
  }

  /// The position of property `name` among the properties of `parent` in schema order.
  public func ordinal(of name: String, in parent: Int?) -> Int? {
    ordinalByName[(parent ?? -1) + 1][name]
  }

  /// A title with all spaces removed, lower-cased: how flatten-tool compares titles.
  static func normalise(_ title: some StringProtocol) -> String {
    var out = ""
    out.reserveCapacity(title.utf8.count)
    for ch in title where ch != " " { out.append(ch) }
    return out.lowercased()
  }
}
