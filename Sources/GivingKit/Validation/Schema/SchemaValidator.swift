internal import Foundation
import Synchronization

/// Validates 360Giving packages and grants against the official schemas exactly as the Data
/// Quality Tool does (jsonschema 3.2 draft 4 with libcove's adjustments, SPEC §3.1).
public final class SchemaValidator: Sendable {
  /// The grant schema after extensions were merged in.
  public let grantSchemaJSON: JSONValue
  /// The package schema after extensions were merged in.
  public let packageSchemaJSON: JSONValue
  /// The extension ids applied.
  public let extensions: [String]
  let bundle: SchemaBundle
  let grantSchema: JSONSchema
  let packageSchema: JSONSchema

  static let grantTitle = "360Giving Data Standard Schema"

  /// Loads and compiles the schemas of `bundle`, with the named extensions merged in
  /// (JSON merge patch, RFC 7386).
  ///
  /// - Throws: ``SchemaCompileError`` for an unknown extension or a schema that cannot be
  ///   compiled; ``FeedError`` when an extension file cannot be read.
  public init(bundle: SchemaBundle = .standard, extensions: [String] = []) throws {
    self.bundle = bundle
    self.extensions = extensions
    var grant = bundle.grantSchema
    for id in extensions {
      let patchURL = Self.extensionDirectory(bundle, id).appendingPathComponent("360-giving-schema.patch.json")
      guard FileManager.default.fileExists(atPath: patchURL.path) else {
        throw SchemaCompileError(description: "unknown extension '\(id)'")
      }
      grant = JSONMergePatch.apply(try JSONValue(contentsOf: patchURL), to: grant)
    }
    grantSchemaJSON = grant
    packageSchemaJSON = bundle.packageSchema
    var options = SchemaOptions()
    options.disablePatternProperties = true
    options.caseSensitiveDateTime = true
    options.uniqueByID = true
    options.grantOneOfTitle = Self.grantTitle
    grantSchema = try JSONSchema(
      grant, baseURI: "urn:giving:360-giving-schema.json", documents: [:], loader: { _ in nil },
      options: options)
    // The package without its grants: they are validated one by one.
    var package = bundle.packageSchema
    if case .object(var o) = package {
      if case .object(var props)? = o["properties"] {
        props["grants"] = nil
        o["properties"] = .object(props)
      }
      if case .array(let req)? = o["required"] {
        o["required"] = .array(req.filter { $0 != .string("grants") })
      }
      package = .object(o)
    }
    packageSchema = try JSONSchema(
      package, baseURI: "urn:giving:360-giving-package-schema.json", documents: [:],
      loader: { _ in nil }, options: options)
  }

  static func extensionDirectory(_ bundle: SchemaBundle, _ id: String) -> URL {
    bundle.directory.appendingPathComponent("extensions").appendingPathComponent(id)
  }

  /// The schema errors of one grant, with paths `grants/<index>/…`.
  public func validate(grant: JSONValue, index: Int) -> [SchemaError] {
    if isValid(grant: grant) { return [] }
    return errors(inInvalid: grant, index: index)
  }

  /// Whether `grant` has no schema error (the quick check: no messages are made).
  public func isValid(grant: JSONValue) -> Bool { grantSchema.isValid(grant) }

  /// The schema errors of a grant ``isValid(grant:)`` refused, as the `index`-th grant.
  public func errors(inInvalid grant: JSONValue, index: Int) -> [SchemaError] {
    grantSchema.issues(grant, at: [.key("grants"), .index(index)]).map { error(from: $0, in: grantSchema) }
  }

  /// The schema errors of the package around the grants: `grants` missing, empty or not an
  /// array, `version`, `publisher`, dates and URLs of the package. Duplicate grant ids are
  /// reported by ``DuplicateIDTracker``.
  ///
  /// - Parameters:
  ///   - package: the package's members (its `grants` member, if present, is only checked
  ///     for being a non-empty array).
  ///   - hasGrants: whether the package has a `grants` member.
  ///   - grantCount: how many grants it holds.
  public func validatePackage(_ package: JSONObject, hasGrants: Bool, grantCount: Int) -> [SchemaError] {
    var errors: [SchemaError] = []
    var rest = package
    let grants = package["grants"]
    rest["grants"] = nil
    if grants == nil && !hasGrants {
      errors.append(
        SchemaError(
          validator: "required", errorId: nil, path: "", pathNoNumber: "", field: "grants",
          message: "'grants' is missing but required", messageType: "required", value: nil,
          assumption: nil, property: "grants"))
    } else if let grants, grants.arrayValue == nil {
      errors.append(
        SchemaError(
          validator: "type", errorId: nil, path: "grants", pathNoNumber: "grants", field: "grants",
          message: "'grants' is not a JSON array", messageType: "array",
          value: grants.isScalar ? grants : nil, assumption: nil, nullClause: true))
    } else if (grants?.arrayValue?.count ?? grantCount) < 1 {
      errors.append(
        SchemaError(
          validator: "minItems", errorId: nil, path: "grants", pathNoNumber: "grants", field: "grants",
          message: "[] is too short", messageType: "minItems", value: nil, assumption: nil))
    }
    let value = JSONValue.object(rest)
    if !packageSchema.isValid(value) {
      errors += packageSchema.issues(value).map { error(from: $0, in: packageSchema) }
    }
    return errors
  }

  /// Words an issue as libcove does.
  func error(from issue: SchemaIssue, in schema: JSONSchema) -> SchemaError {
    Self.word(issue, node: schema.nodes[issue.node].s)
  }

  static func word(_ issue: SchemaIssue, node: NodeSpec) -> SchemaError {
    let path = issue.path.map(\.description).joined(separator: "/")
    let pathNoNumber = issue.path.compactMap { c -> String? in
      if case .key(let k) = c { return k }
      return nil
    }.joined(separator: "/")
    var header = issue.path.last?.description ?? ""
    var isArrayElement = false
    if case .index? = issue.path.last { isArrayElement = true }
    var messageType = issue.keyword
    var nullClause = false
    var parent: String?
    switch issue.keyword {
    case "type":
      messageType = node.typeNames.first ?? "type"
      nullClause = !node.typeNames.contains("null")
    case "format":
      messageType = node.formatName
    case "oneOf":
      if case .object(let first)? = node.raw["oneOf"]?.arrayValue?.first,
        first.count == 1, case .string(let f)? = first["format"]
      {
        messageType = f
      }
    case "required":
      header = issue.property ?? header
      isArrayElement = false
      if issue.path.count > 2 {
        switch issue.path[issue.path.count - 1] {
        case .index: parent = issue.path[issue.path.count - 2].description
        case .key(let k): parent = k
        }
      }
    default:
      break
    }
    var message: String
    if issue.errorId == "oneOf_each_required" {
      message = "Only 1 of recipientOrganization or recipientIndividual is permitted, but both are present"
    } else if issue.keyword == "uniqueItems" {
      message = issue.errorId == "uniqueItems_with_id" ? "Non-unique id values" : "Array has non-unique elements"
    } else if let text = SchemaError.wording(
      validator: issue.keyword, messageType: messageType, header: header,
      isArrayElement: isArrayElement, nullClause: nullClause, parent: parent)
    {
      message = text
    } else {
      message = defaultMessage(issue, node: node)
    }
    if issue.keyword == "uniqueItems" { header = issue.path.last?.description ?? "" }
    return SchemaError(
      validator: issue.keyword, errorId: issue.errorId, path: path, pathNoNumber: pathNoNumber,
      field: header, message: message, messageType: messageType,
      value: issue.instance.isScalar ? issue.instance : nil, assumption: issue.assumption,
      property: issue.property, isArrayElement: isArrayElement, nullClause: nullClause,
      parent: parent)
  }

  /// jsonschema 3.2's own message.
  static func defaultMessage(_ issue: SchemaIssue, node: NodeSpec) -> String {
    let r = PythonRepr.repr(issue.instance)
    let raw = node.raw
    func value(_ k: String) -> String { raw[k].map(PythonRepr.repr) ?? "None" }
    switch issue.keyword {
    case "minItems", "minLength": return "\(r) is too short"
    case "maxItems", "maxLength": return "\(r) is too long"
    case "pattern": return "\(r) does not match \(value("pattern"))"
    case "minimum":
      return node.exclusiveMinimum
        ? "\(r) is less than or equal to the minimum of \(value("minimum"))"
        : "\(r) is less than the minimum of \(value("minimum"))"
    case "maximum":
      return node.exclusiveMaximum
        ? "\(r) is greater than or equal to the maximum of \(value("maximum"))"
        : "\(r) is greater than the maximum of \(value("maximum"))"
    case "multipleOf": return "\(r) is not a multiple of \(value("multipleOf"))"
    case "enum": return "\(r) is not one of \(value("enum"))"
    case "type":
      return "\(r) is not of type " + node.typeNames.map { PythonRepr.repr($0) }.joined(separator: ", ")
    case "format": return "\(r) is not a \(value("format"))"
    case "required": return "\(PythonRepr.repr(issue.property ?? "")) is a required property"
    case "dependencies":
      return "\(PythonRepr.repr(issue.property ?? "")) is a dependency of the property"
    case "additionalProperties":
      return "Additional properties are not allowed (\(issue.property ?? "") unexpected)"
    case "additionalItems": return "Additional items are not allowed"
    case "anyOf": return "\(r) is not valid under any of the given schemas"
    case "oneOf":
      return issue.errorId == "oneOf_each"
        ? "\(r) is valid under each of the given schemas"
        : "\(r) is not valid under any of the given schemas"
    case "not": return "\(r) is not allowed for \(value("not"))"
    case "minProperties": return "\(r) does not have enough properties"
    case "maxProperties": return "\(r) has too many properties"
    case "uniqueItems": return "\(r) has non-unique elements"
    default: return "\(r) is not valid under \(issue.keyword)"
    }
  }
}

extension JSONValue {
  /// Whether the value is neither an array nor an object.
  var isScalar: Bool {
    switch self {
    case .array, .object: false
    default: true
    }
  }
}

/// JSON merge patch (RFC 7386).
enum JSONMergePatch {
  static func apply(_ patch: JSONValue, to target: JSONValue) -> JSONValue {
    guard case .object(let p) = patch else { return patch }
    var result = target.objectValue ?? JSONObject()
    for member in p.members {
      if member.value.isNull {
        result[member.key] = nil
      } else {
        result[member.key] = apply(member.value, to: result[member.key] ?? .null)
      }
    }
    return .object(result)
  }
}

/// Finds grants with the same `id` (or, when some grant has no id, grants that are entirely
/// equal), as libcove's `unique_ids` on the package's `grants`, in one pass, and where each
/// copy of a duplicated id is.
///
/// Nothing is reported on a digest or hash alone. String ids are found by digest and confirmed
/// by their bytes (``ExactIDTable``). Whole grants are hashed (``StructuralHash``); two equal
/// hashes only make both grants candidates, which are read again and compared exactly
/// (``ExactJSON``: members in any order, numbers by exact decimal value) before the error is
/// reported (``wholeGrantComparison()``).
///
/// Memory: per distinct id, its digest's slot, a place and the id's bytes (about 60 bytes for
/// an id of 25), plus one hash per grant whose whole-grant hash is recorded (64 bits; twice
/// that while they are sorted), plus, only while candidates are compared, the candidate grants.
public struct DuplicateIDTracker: Sendable {
  /// String ids (nearly all) by digest, to keep a million of them small, with where each was
  /// first seen; other ids as they are.
  private var stringIDs = ExactIDTable<SourcePlace>(vacant: .unknown)
  private var otherIDs: [ExactJSON: SourcePlace] = [:]
  /// Every place of each duplicated id, in feed order.
  private var duplicates: [ExactJSON: [SourcePlace]] = [:]
  /// Whole-grant hashes in the order added, sorted when asked for candidates (a `Set` grown
  /// grant by grant was 1% of validating 1M dirty grants; a radix sort is a few milliseconds).
  private var wholeHashes: [UInt64] = []
  /// How many of `wholeHashes` were sorted when `candidateHashes` was last worked out.
  private var wholeHashesChecked = 0
  /// The hashes two or more of `wholeHashes` share.
  private var candidateHashes: Set<UInt64> = []
  /// Whether two grants were compared and found equal.
  private var wholeDuplicate = false
  private var missingID = false
  /// The hash whole grants are recorded by: ``StructuralHash`` (tests give one that makes
  /// every grant collide).
  let wholeHash: @Sendable (JSONValue) -> UInt64

  /// An empty tracker.
  public init() { self.init(wholeHash: StructuralHash.of) }

  /// An empty tracker whose whole-grant hashes are `wholeHash`'s (tests).
  init(wholeHash: @escaping @Sendable (JSONValue) -> UInt64) { self.wholeHash = wholeHash }

  /// Records one grant.
  public mutating func add(grant: JSONValue, index: Int) {
    add(grant: grant, index: index, stringID: Self.stringID(of: grant), idPlace: .unknown)
    add(wholeHash: wholeHash(grant))
  }

  /// The hash ``add(wholeHash:)`` needs: it depends on the grant alone, so it can be computed
  /// on another thread.
  public static func wholeHash(of grant: JSONValue) -> UInt64 { StructuralHash.of(grant) }

  /// The string id and its digest that ``add(grant:index:stringID:idPlace:)`` needs of a
  /// grant with a string id: they depend on the grant alone, so they can be worked out on
  /// another thread.
  static func stringID(of grant: JSONValue) -> (id: String, digest: IDDigest)? {
    guard case .string(let id)? = UniqueIDs.id(of: grant) else { return nil }
    return (id, IDDigest(id))
  }

  /// Records one grant's id, found at `idPlace`: `stringID` is its string id, if it has one,
  /// with the id's digest (``stringID(of:)``'s, or any function of the id's bytes: tests make
  /// every id collide). Whole-grant duplicates matter only once some grant has no id
  /// (``lacksSomeID``): callers add the ``wholeHash(of:)`` of every grant then, with
  /// ``add(wholeHash:)``.
  mutating func add(grant: JSONValue, index: Int, stringID: (id: String, digest: IDDigest)?, idPlace: SourcePlace) {
    if let (id, digest) = stringID {
      if let first = stringIDs.firstValue(of: id, digest: digest, keeping: idPlace) {
        duplicates[ExactJSON(value: .string(id)), default: [first]].append(idPlace)
      }
    } else if let id = UniqueIDs.id(of: grant) {
      let key = ExactJSON(value: id)
      if let first = otherIDs[key] {
        duplicates[key, default: [first]].append(idPlace)
      } else {
        otherIDs[key] = idPlace
      }
    } else {
      missingID = true
    }
  }

  /// The ids recorded more than once.
  var duplicatedIDs: [ExactJSON] { Array(duplicates.keys) }

  /// Records one grant's ``wholeHash(of:)``.
  mutating func add(wholeHash: UInt64) {
    if !wholeDuplicate { wholeHashes.append(wholeHash) }
  }

  /// Whether some grant recorded has no id, so that whole-grant duplicates are reported.
  var lacksSomeID: Bool { missingID }

  /// Whether two of the whole-grant hashes recorded are equal (or two grants were already
  /// found equal): only then can two grants be.
  mutating func hasWholeCandidates() -> Bool {
    if wholeDuplicate { return true }
    if wholeHashesChecked != wholeHashes.count {
      RadixSort.sort(&wholeHashes)
      wholeHashesChecked = wholeHashes.count
      candidateHashes = []
      var i = 1
      while i < wholeHashes.count {
        if wholeHashes[i] == wholeHashes[i - 1] { candidateHashes.insert(wholeHashes[i]) }
        i += 1
      }
    }
    return !candidateHashes.isEmpty
  }

  /// What compares the grants whose hashes are shared, as they are handed again in order
  /// (all of the feed's grants: the comparison keeps only candidates); `nil` when no two
  /// hashes are equal, or the answer is known. Hand its verdict to ``settleWholeDuplicate(_:)``.
  mutating func wholeGrantComparison() -> WholeGrantComparison? {
    guard !wholeDuplicate, hasWholeCandidates() else { return nil }
    return WholeGrantComparison(hashes: candidateHashes, hash: wholeHash)
  }

  /// Records whether the ``wholeGrantComparison()`` found two equal grants.
  mutating func settleWholeDuplicate(_ found: Bool) {
    wholeDuplicate = found
    candidateHashes = []
    wholeHashes = []
    wholeHashesChecked = 0
  }

  /// The `uniqueItems` errors at path `grants`, the grants recorded with
  /// ``add(grant:index:)`` being `grants`, handed again only if whole grants must be compared.
  public mutating func errors(rereading grants: some Sequence<JSONValue>) -> [SchemaError] {
    if missingID, var comparison = wholeGrantComparison() {
      settleWholeDuplicate(grants.contains { comparison.offer($0) })
    }
    return findings().map(\.error)
  }

  /// The `uniqueItems` errors at path `grants`, each with the places of its id's copies in
  /// feed order (none for the no-ids error, which is about the whole array). Whole grants
  /// count as duplicates only once compared (``settleWholeDuplicate(_:)``).
  mutating func findings() -> [(error: SchemaError, places: [SourcePlace])] {
    if missingID && wholeDuplicate {
      let error = SchemaError(
        validator: "uniqueItems", errorId: "uniqueItems_no_ids", path: "grants",
        pathNoNumber: "grants", field: "grants", message: "Array has non-unique elements",
        messageType: "uniqueItems", value: nil, assumption: nil)
      return [(error, [])]
    }
    return duplicates.sorted { PythonRepr.lessThan($0.key.value, $1.key.value) }.map { id, places in
      let error = SchemaError(
        validator: "uniqueItems", errorId: "uniqueItems_with_id", path: "grants",
        pathNoNumber: "grants", field: "grants", message: "Non-unique id values",
        messageType: "uniqueItems", value: id.value, assumption: nil)
      return (error, places)
    }
  }
}

/// Compares, exactly, the grants whose whole-grant hashes some other grant shares, as the
/// feed's grants are handed to it again: libcove's `uniq` (Python `==` on the parsed grants,
/// numbers as `Decimal`s) restricted to the grants that can be equal.
///
/// The candidates are kept in a `Set` of ``ExactJSON`` (hashed by Swift's per-process keyed
/// hasher), so that grants crafted to share a ``StructuralHash`` cost one insertion each, not a
/// comparison with every other. Only candidates are kept; files whose hashes are all distinct
/// never get here.
struct WholeGrantComparison {
  let hashes: Set<UInt64>
  let hash: @Sendable (JSONValue) -> UInt64
  private var kept: Set<ExactJSON> = []

  init(hashes: Set<UInt64>, hash: @escaping @Sendable (JSONValue) -> UInt64) {
    self.hashes = hashes
    self.hash = hash
  }

  /// Whether `grant` equals a grant offered before (the feed's next grant, in order).
  mutating func offer(_ grant: JSONValue) -> Bool {
    guard hashes.contains(hash(grant)) else { return false }
    return !kept.insert(ExactJSON(value: grant)).inserted
  }
}

/// Decides, across the threads that read a feed, which grants' whole-grant hashes are
/// worked out while reading: none until some grant is found without an id (the only case in
/// which libcove compares whole grants; hashing every grant cost 6% of validating a file whose
/// grants all have ids), every grant from then on.
final class WholeGrantHashing: Sendable {
  private let someGrantLacksID = Atomic<Bool>(false)
  /// ``StructuralHash``, or what a test gives instead.
  let wholeHash: @Sendable (JSONValue) -> UInt64

  init(wholeHash: @escaping @Sendable (JSONValue) -> UInt64 = StructuralHash.of) { self.wholeHash = wholeHash }

  /// Notes whether a grant has an id, on the thread that reads the grants in order: grants
  /// prepared afterwards on another thread (``GrantFeed/readPipelined(batchSize:depth:preparingNumbered:noting:_:)``)
  /// are then hashed whenever a sequential read would hash them.
  func note(hasID: Bool) {
    if !hasID { someGrantLacksID.store(true, ordering: .relaxed) }
  }

  /// The hash to record for `grant`, if it is wanted yet; a grant without an id makes every
  /// later grant's wanted too.
  func hash(of grant: JSONValue, hasID: Bool) -> UInt64? {
    if !hasID {
      someGrantLacksID.store(true, ordering: .relaxed)
    } else if !someGrantLacksID.load(ordering: .relaxed) {
      return nil
    }
    return wholeHash(grant)
  }
}

/// A 64-bit hash of a JSON value that agrees with JSON Schema sameness (object member order
/// ignored, `1.0` like `1`), cheaper than `Hashable` because numbers are hashed through
/// `Double` (numbers closer than a `Double` can tell apart hash alike). Equal values always
/// hash alike; values that hash alike need not be equal, so a finding never rests on this
/// hash: ``DuplicateIDTracker`` compares the grants themselves (``WholeGrantComparison``).
enum StructuralHash {
  static func of(_ v: JSONValue) -> UInt64 {
    switch v {
    case .null: return 0x9E37_79B9_7F4A_7C15
    case .bool(let b): return b ? 0xC2B2_AE3D_27D4_EB4F : 0x1656_67B1_9E37_79F9
    case .number(let n):
      var d = shortDecimal(n.text) ?? Double(n.text) ?? 0
      if d == 0 { d = 0 }
      return mix(d.bitPattern ^ 0x27D4_EB2F_1656_67C5)
    case .string(let s):
      return of(string: s)
    case .array(let a):
      var h: UInt64 = 0x85EB_CA77_C2B2_AE63 &+ UInt64(a.count)
      var i = 0
      while i < a.count { h = mix(h ^ of(a[i])); i += 1 }
      return h
    case .object(let o):
      // Through the buffer, so that no member is copied out (and retained) to be hashed.
      return o.members.withUnsafeBufferPointer { members in
        var sum: UInt64 = 0
        var i = 0
        while i < members.count {
          sum = sum &+ mix(of(string: members[i].key) &* 31 ^ of(members[i].value))
          i += 1
        }
        return mix(sum ^ UInt64(members.count))
      }
    }
  }

  /// The `Double` that `Double(text)` reads from a plain decimal of at most 15 digits
  /// (`-12`, `1500.50`), without `strtod`; `nil` for any other text. The digits make an integer
  /// below 2^53 and the divisor a power of ten below 10^23, both exact in a `Double`, so the
  /// one division rounds as `strtod` does.
  static func shortDecimal(_ text: String) -> Double? {
    text.utf8.withContiguousStorageIfAvailable { bytes -> Double? in
      var i = 0
      let negative = bytes.first == UInt8(ascii: "-")
      if negative { i = 1 }
      var mantissa: UInt64 = 0
      var digits = 0
      var fraction = -1
      while i < bytes.count {
        let b = bytes[i]
        if b >= 48 && b <= 57 {
          mantissa = mantissa &* 10 &+ UInt64(b &- 48)
          digits += 1
          if fraction >= 0 { fraction += 1 }
        } else if b == UInt8(ascii: "."), fraction < 0 {
          fraction = 0
        } else {
          return nil
        }
        i += 1
      }
      guard digits > 0, digits <= 15, fraction != 0 else { return nil }
      let value = Double(mantissa) / powersOfTen[max(fraction, 0)]
      return negative ? -value : value
    } ?? nil
  }

  private static let powersOfTen: [Double] = (0...15).map { pow(10, Double($0)) }

  /// A hash of the string's UTF-8 bytes, sixteen at a time: strings the same code point by
  /// code point hash alike, as Python compares them (Swift's `Hasher` would also make
  /// canonically equivalent strings alike). Written because SipHash, through `Hasher`, made
  /// this walk 5.9% of the CPU time of validating 100k grants; it was 3.8% with a full mix per
  /// eight bytes, and is half that with one 64×64→128-bit multiply per sixteen (the folded
  /// multiply of wyhash), finished with the full mix.
  static func of(string: String) -> UInt64 {
    // Native strings lend their bytes without a copy (a `var` copy for `withUTF8` was a retain
    // and a release per string).
    if let hash = string.utf8.withContiguousStorageIfAvailable(of(bytes:)) { return hash }
    var string = string
    return string.withUTF8(of(bytes:))
  }

  private static func of(bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
    let count = bytes.count
    var h: UInt64 = 0x243F_6A88_85A3_08D3 ^ UInt64(count)
    guard let base = UnsafeRawPointer(bytes.baseAddress) else { return mix(h) }
    var i = 0
    while i + 16 <= count {
      h = fold(base.loadUnaligned(fromByteOffset: i, as: UInt64.self) ^ 0xA076_1D64_78BD_642F,
               base.loadUnaligned(fromByteOffset: i + 8, as: UInt64.self) ^ h)
      i += 16
    }
    if i + 8 <= count {
      h = fold(base.loadUnaligned(fromByteOffset: i, as: UInt64.self) ^ 0xE703_7ED1_A0B4_28DB, h ^ 0x8EBC_6AF0_9C88_C6E3)
      i += 8
    }
    var tail: UInt64 = 0
    var shift: UInt64 = 0
    while i < count {
      tail |= UInt64(bytes[i]) << shift
      shift += 8
      i += 1
    }
    return mix(h ^ tail ^ 0x1319_8A2E_0370_7344)
  }

  /// The high and low halves of the full product of `a` and `b`, folded together.
  @inline(__always)
  static func fold(_ a: UInt64, _ b: UInt64) -> UInt64 {
    let product = a.multipliedFullWidth(by: b)
    return product.high ^ product.low
  }

  static func mix(_ x: UInt64) -> UInt64 {
    var z = x &+ 0x9E37_79B9_7F4A_7C15
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}
