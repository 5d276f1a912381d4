internal import Foundation

/// One step of a path into a JSON value: an object key or an array index.
public enum JSONPathComponent: Sendable, Hashable, Codable, CustomStringConvertible {
  case key(String)
  case index(Int)

  public var description: String {
    switch self {
    case .key(let k): k
    case .index(let i): String(i)
    }
  }
}

/// A schema keyword the validator evaluates.
enum SchemaKeyword: String, Sendable {
  case ref = "$ref", type, `enum`, multipleOf, maximum, minimum, maxLength, minLength, pattern
  case items, additionalItems, maxItems, minItems, uniqueItems, maxProperties, minProperties
  case required, properties, patternProperties, additionalProperties, dependencies
  case allOf, anyOf, oneOf, not, format
}

struct TypeSet: OptionSet, Sendable {
  let rawValue: UInt8
  static let null = TypeSet(rawValue: 1)
  static let boolean = TypeSet(rawValue: 2)
  static let integer = TypeSet(rawValue: 4)
  static let number = TypeSet(rawValue: 8)
  static let string = TypeSet(rawValue: 16)
  static let array = TypeSet(rawValue: 32)
  static let object = TypeSet(rawValue: 64)

  static func named(_ name: String) -> TypeSet? {
    switch name {
    case "null": .null
    case "boolean": .boolean
    case "integer": .integer
    case "number": .number
    case "string": .string
    case "array": .array
    case "object": .object
    default: nil
    }
  }
}

/// A compiled `NSRegularExpression` (immutable after creation, so safe to share).
final class RegexBox: @unchecked Sendable {
  let regex: NSRegularExpression
  init(_ regex: NSRegularExpression) { self.regex = regex }

  func search(_ s: String) -> Bool {
    let ns = s as NSString
    return regex.firstMatch(in: s, options: [], range: NSRange(location: 0, length: ns.length)) != nil
  }
}

/// How a `pattern` is matched: the two date patterns of the 360Giving schemas by hand, the
/// rest with a regular expression compiled once.
enum StringMatcher: Sendable {
  case fullDate
  case yearOrYearMonth
  case regex(RegexBox)
  case invalid

  func search(_ s: String) -> Bool {
    switch self {
    case .fullDate: Formats.isFullDate(s)
    case .yearOrYearMonth: Formats.isYearOrYearMonth(s)
    case .regex(let box): box.search(s)
    case .invalid: true
    }
  }

  static func compile(_ pattern: String) -> StringMatcher {
    switch pattern {
    case "^[0-9]{4}-(0[1-9]|1[012])-(0[1-9]|[12][0-9]|3[01])$": return .fullDate
    case "^[0-9]{4}(-(0[1-9]|1[012]))?$": return .yearOrYearMonth
    default:
      guard let regex = try? NSRegularExpression(pattern: pattern, options: []) else {
        return .invalid
      }
      return .regex(RegexBox(regex))
    }
  }
}

enum FormatKind: Sendable {
  case dateTime, uri, other
}

/// One compiled schema object, immutable: visiting it costs one reference, not a copy of
/// every field, and reading its `let` fields needs no exclusivity checks.
final class SchemaNode: Sendable {
  let s: NodeSpec
  init(_ s: NodeSpec) { self.s = s }
}

/// The keywords of one schema object. Subschemas are indexes into ``JSONSchema/nodes``.
struct NodeSpec: @unchecked Sendable {
  var raw: JSONValue = .null
  var keywords: [SchemaKeyword] = []
  var alwaysFalse = false
  var ref = -1
  var types: TypeSet = []
  var typeNames: [String] = []
  var enumValues: Set<JSONValue> = []
  var multipleOf: JSONNumber?
  var maximum: JSONNumber?
  var exclusiveMaximum = false
  var minimum: JSONNumber?
  var exclusiveMinimum = false
  var maxLength: Int?
  var minLength: Int?
  var pattern: StringMatcher?
  var patternText = ""
  var items = -1
  var itemsArray: [Int]?
  var additionalItems = -1
  var additionalItemsFalse = false
  var maxItems: Int?
  var minItems: Int?
  var uniqueItems = false
  var maxProperties: Int?
  var minProperties: Int?
  var required: [String] = []
  var propertyIndex = KeyTable<Int>()
  var propertyList: [(name: String, node: Int)] = []
  var patternProperties: [(matcher: StringMatcher, node: Int)] = []
  var additionalProperties = -1
  var additionalPropertiesFalse = false
  var dependencies: [(name: String, names: [String]?, node: Int)] = []
  var allOf: [Int] = []
  var anyOf: [Int] = []
  var oneOf: [Int] = []
  var not = -1
  var format: FormatKind?
  var formatName = ""
  var title: String?
}

/// What a validation found wrong, before any wording: the keyword, where, the value.
public struct SchemaIssue: Sendable {
  /// The keyword that failed (`required`, `type`, `oneOf`, …).
  public var keyword: String
  /// The path of the instance value in error.
  public var path: [JSONPathComponent]
  /// The value in error (the object for `required`, the id for duplicate ids).
  public var instance: JSONValue
  /// For `required`, the missing property; for `dependencies`, the property depended on.
  public var property: String?
  /// `oneOf_each`, `oneOf_any`, `oneOf_each_required`, `uniqueItems_with_id`, `uniqueItems_no_ids`.
  public var errorId: String?
  /// The branch assumed when reporting the errors of a grant-level `oneOf`.
  public var assumption: String?
  /// The index of the compiled schema node that holds the keyword.
  var node: Int
}

/// Options for the official engine's departures from plain draft 4.
struct SchemaOptions: Sendable {
  /// `patternProperties` is not evaluated (libcove disables it).
  var disablePatternProperties = false
  /// `date-time` accepts only upper-case `T` and `Z` (strict-rfc3339).
  var caseSensitiveDateTime = false
  /// `uniqueItems` as libcove's `unique_ids`: duplicates by `id` when items have ids.
  var uniqueByID = false
  /// The schema title whose `oneOf` is reported as the grant-level special case.
  var grantOneOfTitle: String?
}

/// A JSON Schema (draft 4) compiled once into a tree of nodes, then used to validate many
/// instances.
///
/// `$ref`s are resolved when compiling: JSON pointers within a document, `id`-scoped URIs, and
/// other documents given up front or found through a loader (never the network).
public final class JSONSchema: Sendable {
  let nodes: [SchemaNode]
  /// The node of the root schema.
  let root: Int
  let options: SchemaOptions

  /// Compiles `schema`.
  ///
  /// - Parameters:
  ///   - schema: the root schema.
  ///   - baseURI: the URI the root schema was retrieved from (used when it has no `id`).
  ///   - documents: other schema documents by URI, for `$ref`s to them.
  ///   - loader: called for a document URI not in `documents`; return `nil` if unknown.
  /// - Throws: ``SchemaCompileError`` when a `$ref` cannot be resolved.
  public convenience init(
    _ schema: JSONValue, baseURI: String = "urn:giving:root",
    documents: [String: JSONValue] = [:],
    loader: @escaping (String) -> JSONValue? = { _ in nil }
  ) throws {
    try self.init(schema, baseURI: baseURI, documents: documents, loader: loader, options: SchemaOptions())
  }

  init(
    _ schema: JSONValue, baseURI: String, documents: [String: JSONValue],
    loader: @escaping (String) -> JSONValue?, options: SchemaOptions
  ) throws {
    let compiler = SchemaCompiler(loader: loader)
    for (uri, doc) in documents { compiler.register(document: doc, uri: uri) }
    compiler.register(document: schema, uri: baseURI)
    let base = URIs.stripFragment(baseURI)
    root = try compiler.compile(doc: base, pointer: [], value: schema, base: compiler.baseOf(schema, parent: base))
    nodes = compiler.nodes.map(SchemaNode.init)
    self.options = options
  }

  /// Whether `instance` is valid.
  public func isValid(_ instance: JSONValue) -> Bool {
    var ev = SchemaEvaluation(collect: false)
    return evaluate(root, instance, &ev)
  }

  /// Every issue `instance` has, in the order the official engine finds them.
  ///
  /// - Parameter path: the path of `instance` inside a larger document (`grants`, `3`).
  public func issues(_ instance: JSONValue, at path: [JSONPathComponent] = []) -> [SchemaIssue] {
    var ev = SchemaEvaluation(collect: true)
    ev.path = path
    _ = evaluate(root, instance, &ev)
    return ev.issues
  }

  /// The raw schema object of a compiled node (for the wording of errors).
  func rawSchema(of node: Int) -> JSONValue { nodes[node].s.raw }
}

/// The state of one validation: whether to collect issues or stop at the first, and the path.
struct SchemaEvaluation {
  var collect: Bool
  var path: [JSONPathComponent] = []
  var issues: [SchemaIssue] = []
  var assumption: String?
  var depth = 0

  init(collect: Bool) { self.collect = collect }

  mutating func report(
    _ keyword: SchemaKeyword, _ node: Int, _ instance: JSONValue, property: String? = nil,
    errorId: String? = nil, extraPath: JSONPathComponent? = nil
  ) {
    guard collect else { return }
    var p = path
    if let extraPath { p.append(extraPath) }
    issues.append(
      SchemaIssue(
        keyword: keyword.rawValue, path: p, instance: instance, property: property,
        errorId: errorId, assumption: assumption, node: node))
  }
}

/// Why a schema could not be compiled.
public struct SchemaCompileError: Error, Sendable, CustomStringConvertible {
  /// What went wrong, naming the reference.
  public var description: String
}

// MARK: - Compiling

final class SchemaCompiler {
  var nodes: [NodeSpec] = []
  var index: [String: Int] = [:]
  var documents: [String: JSONValue] = [:]
  /// Absolute `id` URIs → (document, pointer).
  var ids: [String: (doc: String, pointer: [String])] = [:]
  let loader: (String) -> JSONValue?

  init(loader: @escaping (String) -> JSONValue?) { self.loader = loader }

  func register(document: JSONValue, uri: String) {
    let doc = URIs.stripFragment(uri)
    guard documents[doc] == nil else { return }
    documents[doc] = document
    indexIDs(document, doc: doc, pointer: [], base: doc)
  }

  func baseOf(_ value: JSONValue, parent: String) -> String {
    if case .object(let o) = value, o["$ref"] == nil, case .string(let id)? = o["id"] {
      return URIs.join(parent, id)
    }
    return parent
  }

  private static let schemaMaps: Set<String> = ["properties", "patternProperties", "definitions", "$defs", "dependencies"]
  private static let schemaArrays: Set<String> = ["allOf", "anyOf", "oneOf", "items"]
  private static let schemaSingles: Set<String> = ["not", "items", "additionalItems", "additionalProperties"]

  private func indexIDs(_ value: JSONValue, doc: String, pointer: [String], base: String) {
    guard case .object(let o) = value else { return }
    var base = base
    if o["$ref"] == nil, case .string(let id)? = o["id"] {
      base = URIs.join(base, id)
      let key = URIs.stripEmptyFragment(base)
      if ids[key] == nil { ids[key] = (doc, pointer) }
    }
    for member in o.members {
      let k = member.key
      if Self.schemaMaps.contains(k), case .object(let m) = member.value {
        for sub in m.members {
          indexIDs(sub.value, doc: doc, pointer: pointer + [k, sub.key], base: base)
        }
      } else if Self.schemaArrays.contains(k), case .array(let a) = member.value {
        for (i, sub) in a.enumerated() {
          indexIDs(sub, doc: doc, pointer: pointer + [k, String(i)], base: base)
        }
      } else if Self.schemaSingles.contains(k), case .object = member.value {
        indexIDs(member.value, doc: doc, pointer: pointer + [k], base: base)
      }
    }
  }

  private func key(_ doc: String, _ pointer: [String]) -> String {
    doc + "#/" + pointer.map { $0.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1") }.joined(separator: "/")
  }

  /// The value at `pointer` in `doc` and the base URI in force there.
  private func locate(doc: String, pointer: [String]) -> (JSONValue, String)? {
    guard var node = documents[doc] else { return nil }
    var base = baseOf(node, parent: doc)
    for token in pointer {
      switch node {
      case .object(let o):
        guard let next = o[token] else { return nil }
        node = next
      case .array(let a):
        guard let i = Int(token), a.indices.contains(i) else { return nil }
        node = a[i]
      default:
        return nil
      }
      base = baseOf(node, parent: base)
    }
    return (node, base)
  }

  private func resolve(ref: String, base: String) throws -> Int {
    let full = URIs.join(base, ref)
    let (url, fragment) = URIs.split(full)
    var target: (doc: String, pointer: [String])?
    if fragment.isEmpty || fragment.hasPrefix("/") {
      var start: (doc: String, pointer: [String])?
      if let located = ids[url] {
        start = located
      } else if documents[url] != nil {
        start = (url, [])
      } else if let loaded = loader(url) {
        register(document: loaded, uri: url)
        start = ids[url] ?? (url, [])
      }
      if let start {
        let tokens = fragment.isEmpty ? [] : fragment.dropFirst().split(separator: "/", omittingEmptySubsequences: false).map {
          URIs.percentDecode(String($0)).replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
        }
        target = (start.doc, start.pointer + tokens)
      }
    } else {
      target = ids[full]
    }
    guard let target, let (value, at) = locate(doc: target.doc, pointer: target.pointer) else {
      throw SchemaCompileError(description: "cannot resolve the reference '\(ref)' (from '\(base)')")
    }
    _ = at
    // The base in force at the target is that of its parent plus its own id.
    return try compile(doc: target.doc, pointer: target.pointer, value: value, base: at)
  }

  /// Compiles the schema `value` found at `pointer` in `doc`, whose base URI is `base`
  /// (its own `id` already applied).
  func compile(doc: String, pointer: [String], value: JSONValue, base: String) throws -> Int {
    let k = key(doc, pointer)
    if let existing = index[k] { return existing }
    let me = nodes.count
    nodes.append(NodeSpec())
    index[k] = me
    var node = NodeSpec()
    defer { nodes[me] = node }
    node.raw = value
    guard case .object(let o) = value else {
      if case .bool(false) = value { node.alwaysFalse = true }
      return me
    }
    func sub(_ v: JSONValue, _ path: [String]) throws -> Int {
      try compile(doc: doc, pointer: pointer + path, value: v, base: baseOf(v, parent: base))
    }
    if case .string(let ref)? = o["$ref"] {
      // Draft 4: a $ref replaces all its siblings.
      node.keywords = [.ref]
      nodes[me] = node
      node.ref = try resolve(ref: ref, base: base)
      return me
    }
    if case .string(let t)? = o["title"] { node.title = t }
    for member in o.members {
      let v = member.value
      guard let kw = SchemaKeyword(rawValue: member.key) else { continue }
      var use = true
      switch kw {
      case .ref: use = false
      case .type:
        switch v {
        case .string(let s):
          node.types = TypeSet.named(s) ?? []
          node.typeNames = [s]
        case .array(let a):
          for case .string(let s) in a {
            node.types.formUnion(TypeSet.named(s) ?? [])
            node.typeNames.append(s)
          }
        default: use = false
        }
        if node.typeNames.isEmpty { use = false }
      case .enum:
        node.enumValues = Set(v.arrayValue ?? [])
      case .multipleOf: node.multipleOf = v.numberValue; use = node.multipleOf != nil
      case .maximum:
        node.maximum = v.numberValue; use = node.maximum != nil
        node.exclusiveMaximum = o["exclusiveMaximum"]?.boolValue ?? false
      case .minimum:
        node.minimum = v.numberValue; use = node.minimum != nil
        node.exclusiveMinimum = o["exclusiveMinimum"]?.boolValue ?? false
      case .maxLength: node.maxLength = Self.int(v); use = node.maxLength != nil
      case .minLength: node.minLength = Self.int(v); use = node.minLength != nil
      case .pattern:
        if case .string(let p) = v {
          node.pattern = StringMatcher.compile(p)
          node.patternText = p
        } else { use = false }
      case .items:
        if case .array(let a) = v {
          node.itemsArray = try a.enumerated().map { try sub($1, ["items", String($0)]) }
        } else {
          node.items = try sub(v, ["items"])
        }
      case .additionalItems:
        if case .bool(let b) = v { node.additionalItemsFalse = !b; use = !b } else {
          node.additionalItems = try sub(v, ["additionalItems"])
        }
      case .maxItems: node.maxItems = Self.int(v); use = node.maxItems != nil
      case .minItems: node.minItems = Self.int(v); use = node.minItems != nil
      case .uniqueItems: node.uniqueItems = v.boolValue ?? false; use = node.uniqueItems
      case .maxProperties: node.maxProperties = Self.int(v); use = node.maxProperties != nil
      case .minProperties: node.minProperties = Self.int(v); use = node.minProperties != nil
      case .required:
        node.required = (v.arrayValue ?? []).compactMap(\.stringValue)
        use = !node.required.isEmpty
      case .properties:
        for p in v.objectValue ?? JSONObject() {
          let n = try sub(p.value, ["properties", p.key])
          if let i = node.propertyIndex[p.key] {
            node.propertyList[i].node = n
          } else {
            node.propertyIndex[p.key] = node.propertyList.count
            node.propertyList.append((p.key, n))
          }
        }
      case .patternProperties:
        for p in v.objectValue ?? JSONObject() {
          node.patternProperties.append((StringMatcher.compile(p.key), try sub(p.value, ["patternProperties", p.key])))
        }
      case .additionalProperties:
        if case .bool(let b) = v { node.additionalPropertiesFalse = !b; use = !b } else {
          node.additionalProperties = try sub(v, ["additionalProperties"])
        }
      case .dependencies:
        for p in v.objectValue ?? JSONObject() {
          if case .array(let names) = p.value {
            node.dependencies.append((p.key, names.compactMap(\.stringValue), -1))
          } else {
            node.dependencies.append((p.key, nil, try sub(p.value, ["dependencies", p.key])))
          }
        }
      case .allOf:
        node.allOf = try (v.arrayValue ?? []).enumerated().map { try sub($1, ["allOf", String($0)]) }
      case .anyOf:
        node.anyOf = try (v.arrayValue ?? []).enumerated().map { try sub($1, ["anyOf", String($0)]) }
      case .oneOf:
        node.oneOf = try (v.arrayValue ?? []).enumerated().map { try sub($1, ["oneOf", String($0)]) }
      case .not:
        node.not = try sub(v, ["not"])
      case .format:
        if case .string(let f) = v {
          node.formatName = f
          node.format = f == "date-time" ? .dateTime : f == "uri" ? .uri : .other
          use = node.format != .other
        } else { use = false }
      }
      if use && !node.keywords.contains(kw) { node.keywords.append(kw) }
    }
    return me
  }

  static func int(_ v: JSONValue) -> Int? {
    guard case .number(let n) = v else { return nil }
    if let i = Int(n.text) { return i }
    guard n.isInteger, let d = n.double, d >= 0, d < 1e15 else { return nil }
    return Int(d)
  }
}

// MARK: - URIs

enum URIs {
  static func split(_ uri: String) -> (String, String) {
    guard let hash = uri.firstIndex(of: "#") else { return (uri, "") }
    return (String(uri[..<hash]), URIs.percentDecodeFragment(String(uri[uri.index(after: hash)...])))
  }

  static func percentDecodeFragment(_ s: String) -> String { s }

  static func stripFragment(_ uri: String) -> String { split(uri).0 }

  static func stripEmptyFragment(_ uri: String) -> String {
    uri.hasSuffix("#") ? String(uri.dropLast()) : uri
  }

  static func percentDecode(_ s: String) -> String {
    s.removingPercentEncoding ?? s
  }

  private static func scheme(_ s: String) -> String? {
    guard let colon = s.firstIndex(of: ":") else { return nil }
    let head = s[..<colon]
    guard let first = head.first, first.isLetter,
      head.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "+" || $0 == "-" || $0 == "." })
    else { return nil }
    return String(head)
  }

  /// RFC 3986 §5.2 reference resolution (enough for schema ids and refs).
  static func join(_ base: String, _ ref: String) -> String {
    if ref.isEmpty { return stripFragment(base) }
    if scheme(ref) != nil { return ref }
    let baseNoFrag = stripFragment(base)
    if ref.hasPrefix("#") { return baseNoFrag + ref }
    guard let sch = scheme(baseNoFrag) else { return ref }
    let afterScheme = baseNoFrag.dropFirst(sch.count + 1)
    var authority = ""
    var path = Substring(afterScheme)
    if afterScheme.hasPrefix("//") {
      let rest = afterScheme.dropFirst(2)
      let end = rest.firstIndex(where: { $0 == "/" || $0 == "?" }) ?? rest.endIndex
      authority = "//" + rest[..<end]
      path = rest[end...]
    }
    if let q = path.firstIndex(of: "?") { path = path[..<q] }
    if ref.hasPrefix("//") { return sch + ":" + ref }
    var merged: String
    if ref.hasPrefix("/") {
      merged = ref
    } else {
      if let slash = path.lastIndex(of: "/") {
        merged = String(path[...slash]) + ref
      } else {
        merged = (authority.isEmpty ? "" : "/") + ref
      }
    }
    // Remove dot segments.
    var fragmentPart = ""
    if let h = merged.firstIndex(of: "#") {
      fragmentPart = String(merged[h...])
      merged = String(merged[..<h])
    }
    var out: [Substring] = []
    let segments = merged.split(separator: "/", omittingEmptySubsequences: false)
    for (i, seg) in segments.enumerated() {
      if seg == "." { if i == segments.count - 1 { out.append("") }; continue }
      if seg == ".." {
        if out.count > 1 { out.removeLast() }
        if i == segments.count - 1 { out.append("") }
        continue
      }
      out.append(seg)
    }
    return sch + ":" + authority + out.joined(separator: "/") + fragmentPart
  }
}
