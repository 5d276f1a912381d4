public import Foundation

/// A JSON value exactly as it was read: numbers keep their decimal text,
/// objects keep their members in order (duplicate keys included).
///
/// Equality and hashing follow JSON Schema's idea of sameness: `1.0 == 1`,
/// and two objects are equal when they have the same members in any order.
public enum JSONValue: Sendable, Hashable {
  case null
  case bool(Bool)
  case number(JSONNumber)
  case string(String)
  case array([JSONValue])
  case object(JSONObject)

  /// The name JSON Schema uses for this value's type (`integer` is reported as `number`).
  public var typeName: String {
    switch self {
    case .null: "null"
    case .bool: "boolean"
    case .number: "number"
    case .string: "string"
    case .array: "array"
    case .object: "object"
    }
  }

  public var stringValue: String? {
    if case .string(let s) = self { return s }
    return nil
  }

  public var numberValue: JSONNumber? {
    if case .number(let n) = self { return n }
    return nil
  }

  public var arrayValue: [JSONValue]? {
    if case .array(let a) = self { return a }
    return nil
  }

  public var objectValue: JSONObject? {
    if case .object(let o) = self { return o }
    return nil
  }

  public var boolValue: Bool? {
    if case .bool(let b) = self { return b }
    return nil
  }

  public var isNull: Bool {
    if case .null = self { return true }
    return false
  }

  /// The member `key` of an object (the last one when a key is repeated, as Python reads it).
  public subscript(key: String) -> JSONValue? {
    objectValue?[key]
  }

  /// Python-style truthiness, which the official checks rely on: `null`, `false`, `0`, `""`,
  /// `[]` and `{}` are false.
  public var isTruthy: Bool {
    switch self {
    case .null: false
    case .bool(let b): b
    case .number(let n): !n.isZero
    case .string(let s): !s.isEmpty
    case .array(let a): !a.isEmpty
    case .object(let o): !o.isEmpty
    }
  }

  /// The number of values in this tree, this one included (the preorder size).
  public var nodeCount: Int {
    switch self {
    case .array(let items): items.reduce(1) { $0 + $1.nodeCount }
    case .object(let object): object.members.reduce(1) { $0 + $1.value.nodeCount }
    default: 1
    }
  }

  /// The preorder index of the value at `path` (object keys and array indexes), or `nil`.
  ///
  /// Readers record one ``TextPosition`` per value in preorder, so this index finds where
  /// a value was in the input without storing a path for every value.
  public func preorderIndex<Path: Collection<String>>(of path: Path) -> Int? {
    var index = 0
    var node = self
    for component in path {
      index += 1
      switch node {
      case .object(let object):
        guard let position = object.members.lastIndex(where: { $0.key.isSameKey(as: component) }) else {
          return nil
        }
        for member in object.members[..<position] { index += member.value.nodeCount }
        node = object.members[position].value
      case .array(let items):
        guard let i = Int(component), items.indices.contains(i) else { return nil }
        for item in items[..<i] { index += item.nodeCount }
        node = items[i]
      default:
        return nil
      }
    }
    return index
  }

  /// The value at a `/`-separated path relative to this value (`recipientOrganization/0/id`).
  public func value(at path: some StringProtocol) -> JSONValue? {
    var node = self
    for component in path.split(separator: "/", omittingEmptySubsequences: true) {
      switch node {
      case .object(let object):
        guard let next = object[String(component)] else { return nil }
        node = next
      case .array(let items):
        guard let i = Int(component), items.indices.contains(i) else { return nil }
        node = items[i]
      default:
        return nil
      }
    }
    return node
  }
}

/// The members of a JSON object, in the order they were read.
public struct JSONObject: Sendable, Hashable, RandomAccessCollection, ExpressibleByDictionaryLiteral {
  public struct Member: Sendable {
    public var key: String
    public var value: JSONValue
    public init(key: String, value: JSONValue) {
      self.key = key
      self.value = value
    }
  }

  public var members: [Member]

  public init(_ members: [Member] = []) { self.members = members }

  public init(dictionaryLiteral elements: (String, JSONValue)...) {
    members = elements.map { Member(key: $0.0, value: $0.1) }
  }

  public var startIndex: Int { members.startIndex }
  public var endIndex: Int { members.endIndex }
  public subscript(position: Int) -> Member { members[position] }

  /// The value of `key`: the last member with that key, as Python's `json` keeps it.
  public subscript(key: String) -> JSONValue? {
    get {
      // Backwards by index: `reversed()` and String's `==` (Unicode equivalence, no length
      // check) were measured at 8% of validating JSON.
      members.withUnsafeBufferPointer { members in
        var i = members.count - 1
        while i >= 0 {
          if members[i].key.isSameKey(as: key) { return members[i].value }
          i -= 1
        }
        return nil
      }
    }
    set {
      if let i = members.lastIndex(where: { $0.key.isSameKey(as: key) }) {
        if let newValue { members[i].value = newValue } else { members.remove(at: i) }
      } else if let newValue {
        members.append(Member(key: key, value: newValue))
      }
    }
  }

  public var keys: [String] { members.map(\.key) }

  public mutating func append(_ key: String, _ value: JSONValue) {
    members.append(Member(key: key, value: value))
  }

  public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
    guard lhs.members.count == rhs.members.count else { return false }
    // Order-insensitive, and reflexive even with duplicate keys: every member of one side has
    // an equal member (same key, same value) on the other.
    for member in lhs.members {
      guard rhs.members.contains(where: { $0.key == member.key && $0.value == member.value }) else { return false }
    }
    for member in rhs.members {
      guard lhs.members.contains(where: { $0.key == member.key && $0.value == member.value }) else { return false }
    }
    return true
  }

  public func hash(into hasher: inout Hasher) {
    // Order-insensitive: combine the members' hashes commutatively.
    var combined = 0
    for member in members {
      var h = Hasher()
      h.combine(member.key)
      h.combine(member.value)
      combined ^= h.finalize()
    }
    hasher.combine(members.count)
    hasher.combine(combined)
  }
}

/// A JSON number kept as the text it was written with, so that no digit is ever lost.
public struct JSONNumber: Sendable, Hashable, CustomStringConvertible {
  /// The number as written (`1000.10`, `2e3`, `-0`).
  public let text: String

  /// Creates a number from its JSON text; the text is not checked.
  public init(text: String) { self.text = text }

  public init(_ value: Int) { self.text = String(value) }

  public init(_ value: Decimal) { self.text = value.description }

  public var description: String { text }

  /// The exact value as a `Decimal`, or `nil` if it does not fit one (more than 38 digits).
  public var decimal: Decimal? { DecimalParser.parse(text) }

  /// The value as a `Double` (for formats and ranges where exactness does not matter).
  public var double: Double? { Double(text) }

  /// Whether the value is a whole number (`2`, `2.0`, `2e3`).
  public var isInteger: Bool {
    guard let d = decimal else { return false }
    var rounded = Decimal()
    var copy = d
    NSDecimalRound(&rounded, &copy, 0, .plain)
    return rounded == d
  }

  /// Whether the value is zero (`0`, `-0.0`, `0e5`), exactly: `1e-400`, a `Double` zero, is not.
  public var isZero: Bool { decimal?.isZero ?? ExactDecimal(text)?.isZero ?? false }

  /// Equal when the values are the same number exactly (`1 == 1.0 == 1e0`, `-0 == 0`), never
  /// through `Double`: `0.1` and `0.1000000000000000000001` differ, as do `9007199254740993`
  /// and `9007199254740992`, however large or long the numbers are (``ExactDecimal``). Text
  /// that is not a decimal number equals only the same text.
  public static func == (lhs: JSONNumber, rhs: JSONNumber) -> Bool {
    if lhs.text == rhs.text { return true }
    if let l = DecimalParser.parse(lhs.text), let r = DecimalParser.parse(rhs.text) { return l == r }
    switch (ExactDecimal(lhs.text), ExactDecimal(rhs.text)) {
    case (let l?, let r?): return l == r
    case (nil, nil): return lhs.text.utf8.elementsEqual(rhs.text.utf8)
    default: return false
    }
  }

  /// Hashes the canonical form ``==`` compares, so that equal numbers hash alike whether or not
  /// a `Decimal` can hold them.
  public func hash(into hasher: inout Hasher) {
    if let exact = ExactDecimal(text) {
      hasher.combine(exact)
    } else {
      hasher.combine(0xFF as UInt8)
      hasher.combine(text)
    }
  }
}

extension String {
  /// Whether two object keys are the same key, as Python compares `str` keys: the same code
  /// points, so the same UTF-8 bytes (Swift's `==` also equates canonically equivalent
  /// strings). Two strings with the same representation are the same key whatever it is (a
  /// short key is held inline, so a key met again is usually settled there); otherwise the
  /// byte counts are compared first, which settles most mismatches at once.
  @inline(__always)
  func isSameKey(as other: String) -> Bool {
    if hasSameRepresentation(as: other) { return true }
    let count = utf8.count
    guard count == other.utf8.count else { return false }
    let equal = utf8.withContiguousStorageIfAvailable { mine in
      other.utf8.withContiguousStorageIfAvailable { theirs in
        count == 0 || Self.bytesEqual(UnsafeRawPointer(mine.baseAddress!), UnsafeRawPointer(theirs.baseAddress!), count)
      }
    }
    return (equal ?? nil) ?? utf8.elementsEqual(other.utf8)
  }

  /// Whether the two values are bit for bit the same: the same inline bytes, or the same
  /// storage with the same count (what String's own `==` tries first).
  @inline(__always)
  private func hasSameRepresentation(as other: String) -> Bool {
    withUnsafeBytes(of: self) { mine in
      withUnsafeBytes(of: other) { theirs in
        mine.load(as: UInt64.self) == theirs.load(as: UInt64.self)
          && mine.load(fromByteOffset: 8, as: UInt64.self) == theirs.load(fromByteOffset: 8, as: UInt64.self)
      }
    }
  }

  /// `memcmp(a, b, count) == 0` inline, in overlapping words: keys are short, and the call to
  /// `memcmp` was measured at 6% of validating JSON.
  @inline(__always)
  private static func bytesEqual(_ a: UnsafeRawPointer, _ b: UnsafeRawPointer, _ count: Int) -> Bool {
    if count >= 8 {
      var i = 0
      while i + 8 <= count {
        if a.loadUnaligned(fromByteOffset: i, as: UInt64.self) != b.loadUnaligned(fromByteOffset: i, as: UInt64.self) {
          return false
        }
        i += 8
      }
      return i == count
        || a.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)
          == b.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)
    }
    if count >= 4 {
      return a.loadUnaligned(as: UInt32.self) == b.loadUnaligned(as: UInt32.self)
        && a.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self)
          == b.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self)
    }
    var i = 0
    while i < count {
      if a.load(fromByteOffset: i, as: UInt8.self) != b.load(fromByteOffset: i, as: UInt8.self) { return false }
      i += 1
    }
    return true
  }
}
