internal import Foundation

/// Walks a raw schema document by `properties` and `items`, following `$ref`s within it.
enum SchemaWalker {
  static func deref(_ v: JSONValue, in root: JSONValue, depth: Int = 0) -> JSONValue {
    guard depth < 32, case .string(let ref)? = v["$ref"], ref.hasPrefix("#") else { return v }
    var node = root
    for token in ref.dropFirst().split(separator: "/") {
      let key = String(token).replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
      guard let next = node[key] else { return v }
      node = next
    }
    return deref(node, in: root, depth: depth + 1)
  }

  /// The property schemas of an object schema (also those inside `oneOf`/`anyOf`/`allOf`).
  static func properties(of schema: JSONValue, in root: JSONValue) -> [(String, JSONValue)] {
    let s = deref(schema, in: root)
    var out: [(String, JSONValue)] = []
    for member in s["properties"]?.objectValue ?? JSONObject() {
      out.append((member.key, deref(member.value, in: root)))
    }
    for k in ["oneOf", "anyOf", "allOf"] {
      for branch in s[k]?.arrayValue ?? [] { out += properties(of: branch, in: root) }
    }
    return out
  }

  /// The schema of the items of an array schema, or the schema itself.
  static func itemSchema(_ schema: JSONValue, in root: JSONValue) -> JSONValue? {
    guard let items = schema["items"], items.objectValue != nil else { return nil }
    return deref(items, in: root)
  }
}

/// Values found outside a codelist at one path.
public struct CodelistError: Sendable, Hashable, Codable {
  /// The path without indexes: `grants/regrantType`.
  public var path: String
  /// The last key of the path: `regrantType`.
  public var field: String
  /// The codelist file: `regrantType.csv`.
  public var codelist: String
  /// Whether the schema marks the codelist open (`openCodelist: true`).
  public var isOpen: Bool
  /// The values not in the codelist, sorted and distinct.
  public var values: [String]
}

/// Collects the values of codelist fields that are not in their codelist, as the official
/// tool's `get_additional_codelist_values` (SPEC §3.1).
public struct CodelistChecker: Sendable {
  struct Field: Sendable {
    var keys: [String]
    var codelist: String
    var isOpen: Bool
    var codes: Set<String>
  }

  /// The codelist paths as a tree of keys, so one walk of a grant visits each of them.
  final class Trie: @unchecked Sendable {
    var children = KeyTable<Trie>()
    var field = -1
  }

  let fields: [Field]
  let trie: Trie
  private var found: [Set<String>]

  /// Finds the codelist fields of the grant schema (with extensions merged) and loads their
  /// codelists.
  ///
  /// - Throws: ``FeedError`` when a codelist file cannot be read, ``SchemaCompileError`` for
  ///   an unknown extension.
  public init(bundle: SchemaBundle = .standard, extensions: [String] = []) throws {
    let validator = try SchemaValidator(bundle: bundle, extensions: extensions)
    try self.init(validator: validator)
  }

  /// Uses the schemas of `validator`.
  ///
  /// - Throws: ``FeedError`` when a codelist file cannot be read.
  public init(validator: SchemaValidator) throws {
    let root = validator.grantSchemaJSON
    var list: [(keys: [String], codelist: String, isOpen: Bool)] = []
    func walk(_ schema: JSONValue, _ keys: [String], _ depth: Int) {
      guard depth < 12 else { return }
      for (name, sub) in SchemaWalker.properties(of: schema, in: root) {
        let path = keys + [name]
        var leaf = sub
        if let items = SchemaWalker.itemSchema(sub, in: root) { leaf = items }
        if case .string(let codelist)? = sub["codelist"] ?? leaf["codelist"] {
          let open = (sub["openCodelist"] ?? leaf["openCodelist"])?.boolValue ?? false
          list.append((path, codelist, open))
        }
        walk(leaf, path, depth + 1)
      }
    }
    walk(root, [], 0)
    var cache: [String: Set<String>] = [:]
    var fields: [Field] = []
    for entry in list {
      if cache[entry.codelist] == nil {
        var url = validator.bundle.directory.appendingPathComponent("codelists").appendingPathComponent(entry.codelist)
        for id in validator.extensions where !FileManager.default.fileExists(atPath: url.path) {
          url = SchemaValidator.extensionDirectory(validator.bundle, id).appendingPathComponent("codelists")
            .appendingPathComponent(entry.codelist)
        }
        cache[entry.codelist] = try SchemaBundle.readCodelist(url)
      }
      fields.append(Field(keys: entry.keys, codelist: entry.codelist, isOpen: entry.isOpen, codes: cache[entry.codelist] ?? []))
    }
    self.fields = fields
    let trie = Trie()
    for (i, f) in fields.enumerated() {
      var node = trie
      for k in f.keys {
        if let next = node.children[k] {
          node = next
        } else {
          let next = Trie()
          node.children[k] = next
          node = next
        }
      }
      node.field = i
    }
    self.trie = trie
    found = Array(repeating: [], count: fields.count)
  }

  /// Records the codelist values of one grant.
  public mutating func check(grant: JSONValue) {
    record(unlisted(in: grant))
  }

  /// The values of one grant that are not in their codelists, by field: what ``check(grant:)``
  /// records, worked out without changing the checker (so on any thread).
  func unlisted(in grant: JSONValue) -> [(field: Int, value: String)] {
    var out: [(field: Int, value: String)] = []
    collect(grant, trie, into: &out)
    return out
  }

  /// Records values ``unlisted(in:)`` found.
  mutating func record(_ unlisted: [(field: Int, value: String)]) {
    for (field, value) in unlisted { found[field].insert(value) }
  }

  private func collect(_ v: JSONValue, _ node: Trie, into out: inout [(field: Int, value: String)]) {
    switch v {
    case .array(let a):
      var i = 0
      while i < a.count { collect(a[i], node, into: &out); i += 1 }
    case .object(let o):
      let children = node.children
      guard !children.isEmpty else { return }
      let members = o.members
      var i = 0
      while i < members.count {
        if let child = children[members[i].key] { collect(members[i].value, child, into: &out) }
        i += 1
      }
    case .string(let s):
      let i = node.field
      if i >= 0 && !fields[i].codes.contains(s) { out.append((i, s)) }
    default:
      return
    }
  }

  private func errors(open: Bool) -> [CodelistError] {
    fields.indices.compactMap { i in
      let f = fields[i]
      guard f.isOpen == open, !found[i].isEmpty else { return nil }
      return CodelistError(
        path: (["grants"] + f.keys).joined(separator: "/"), field: f.keys.last ?? "", codelist: f.codelist,
        isOpen: f.isOpen, values: found[i].sorted())
    }
  }

  /// Bad values of closed codelists ("Codelist Errors"), one entry per path.
  public var closedCodelistErrors: [CodelistError] { errors(open: false) }

  /// Values not in open codelists (information only).
  public var openCodelistValues: [CodelistError] { errors(open: true) }
}
