/// A field present in the data but not in the schema (the top-most one of an unknown branch).
public struct AdditionalField: Sendable, Hashable, Codable {
  /// The path of the enclosing object without indexes: `/grants`, `/grants/recipientOrganization`,
  /// or `""` for the package.
  public var parentPath: String
  /// The unknown key.
  public var field: String
  /// How many times it occurs.
  public var count: Int
}

/// Counts fields that the schema does not define, as the official tool's `data_only`
/// (SPEC §3.1: information, not errors).
public struct AdditionalFieldsCollector: Sendable {
  final class FieldTree: @unchecked Sendable {
    var children = KeyTable<FieldTree>()
    /// `/grants/recipientOrganization` (`""` for the package).
    var path = ""
  }

  private let grantTree: FieldTree
  private let packageTree: FieldTree
  private var counts: [String: [String: Int]] = [:]

  /// Builds the field trees of the bundle's schemas with the named extensions merged in.
  ///
  /// - Throws: ``SchemaCompileError`` for an unknown extension, ``FeedError`` when a schema
  ///   file cannot be read.
  public init(bundle: SchemaBundle = .standard, extensions: [String] = []) throws {
    self.init(validator: try SchemaValidator(bundle: bundle, extensions: extensions))
  }

  /// Builds the field trees of `validator`'s schemas.
  public init(validator: SchemaValidator) {
    func build(_ schema: JSONValue, root: JSONValue, depth: Int) -> FieldTree {
      let tree = FieldTree()
      guard depth < 12 else { return tree }
      for (name, sub) in SchemaWalker.properties(of: schema, in: root) {
        let next = SchemaWalker.itemSchema(sub, in: root) ?? sub
        let child = build(next, root: root, depth: depth + 1)
        if let existing = tree.children[name] {
          for (k, v) in child.children { existing.children[k] = v }
        } else {
          tree.children[name] = child
        }
      }
      return tree
    }
    grantTree = build(validator.grantSchemaJSON, root: validator.grantSchemaJSON, depth: 0)
    let package = validator.packageSchemaJSON
    packageTree = build(package, root: package, depth: 0)
    packageTree.children["grants"] = grantTree
    func setPaths(_ tree: FieldTree, _ path: String, _ depth: Int) {
      tree.path = path
      guard depth < 16 else { return }
      for (k, child) in tree.children { setPaths(child, path + "/" + k, depth + 1) }
    }
    setPaths(packageTree, "", 0)
  }

  /// Records the fields of one grant.
  public mutating func add(grant: JSONValue) {
    record(unknownFields(in: grant))
  }

  /// The fields of one grant the schema does not know, as (parent path, field): what
  /// ``add(grant:)`` records, worked out without changing the collector (so on any thread).
  func unknownFields(in grant: JSONValue) -> [(parent: String, field: String)] {
    var out: [(parent: String, field: String)] = []
    walk(grant, grantTree, into: &out)
    return out
  }

  /// ``unknownFields(in:)`` of `grant`, worked out once for all grants of one spreadsheet
  /// row layout: their keys follow from the layout and their values are cells, never objects.
  ///
  /// Written because walking every grant for fields the schema does not know was 4% of the CPU
  /// time of validating 1M grants of CSV, for the same answer each time.
  func unknownFields(of grant: Grant) -> [(parent: String, field: String)] {
    guard case .row(_, let layout) = grant.source else { return unknownFields(in: grant.json) }
    return layout.memoizedUnknownFields(for: ObjectIdentifier(grantTree)) { unknownFields(in: grant.json) }
  }

  /// Records fields ``unknownFields(in:)`` found.
  mutating func record(_ fields: [(parent: String, field: String)]) {
    for (parent, field) in fields { counts[parent, default: [:]][field, default: 0] += 1 }
  }

  /// Records the package's own members (not `grants`).
  public mutating func add(package: JSONObject) {
    var rest = package
    rest["grants"] = nil
    var out: [(parent: String, field: String)] = []
    walk(.object(rest), packageTree, into: &out)
    record(out)
  }

  private func walk(_ v: JSONValue, _ tree: FieldTree, into out: inout [(parent: String, field: String)]) {
    switch v {
    case .array(let a):
      var i = 0
      while i < a.count { walk(a[i], tree, into: &out); i += 1 }
    case .object(let o):
      let members = o.members
      var i = 0
      while i < members.count {
        let member = members[i]
        i += 1
        if let child = tree.children[member.key] {
          if child.children.isEmpty {
            // A leaf of the schema: anything below it is unknown.
            if case .object(let inner) = member.value, !inner.isEmpty { walk(member.value, child, into: &out) }
            if case .array(let inner) = member.value, !inner.isEmpty { walk(member.value, child, into: &out) }
          } else {
            walk(member.value, child, into: &out)
          }
        } else {
          out.append((tree.path, member.key))
        }
      }
    default:
      return
    }
  }

  /// The unknown fields, sorted by parent path then field.
  public func fields() -> [AdditionalField] {
    counts.flatMap { parent, fields in
      fields.map { AdditionalField(parentPath: parent, field: $0.key, count: $0.value) }
    }.sorted { ($0.parentPath, $0.field) < ($1.parentPath, $1.field) }
  }

  /// The sum of the counts (`additional_fields_count`).
  public var totalCount: Int { counts.values.reduce(0) { $0 + $1.values.reduce(0, +) } }
}
