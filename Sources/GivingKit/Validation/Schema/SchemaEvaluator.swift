internal import Foundation

extension JSONSchema {
  /// Evaluates node `n` against `v`. Returns whether `v` is valid; when `ev.collect` is set,
  /// appends every issue found (otherwise stops at the first).
  func evaluate(_ n: Int, _ v: JSONValue, _ ev: inout SchemaEvaluation) -> Bool {
    let node = nodes[n]
    if node.s.ref >= 0 {
      ev.depth += 1
      defer { ev.depth -= 1 }
      if ev.depth > 512 { return true }
      return evaluate(node.s.ref, v, &ev)
    }
    if node.s.alwaysFalse { return false }
    var valid = true
    let keywords = node.s.keywords
    var k = 0
    while k < keywords.count {
      if !check(keywords[k], node, n, v, &ev) {
        valid = false
        if !ev.collect { return false }
      }
      k += 1
    }
    return valid
  }

  private func isType(_ v: JSONValue, _ types: TypeSet) -> Bool {
    let bits = types.rawValue
    switch v {
    case .null: return bits & TypeSet.null.rawValue != 0
    case .bool: return bits & TypeSet.boolean.rawValue != 0
    case .string: return bits & TypeSet.string.rawValue != 0
    case .array: return bits & TypeSet.array.rawValue != 0
    case .object: return bits & TypeSet.object.rawValue != 0
    case .number(let num):
      return bits & TypeSet.number.rawValue != 0
        || (bits & TypeSet.integer.rawValue != 0 && Self.isIntegral(num))
    }
  }

  static func isIntegral(_ num: JSONNumber) -> Bool {
    var hasFractionOrExponent = false
    for c in num.text.utf8 where c == UInt8(ascii: ".") || c == UInt8(ascii: "e") || c == UInt8(ascii: "E") {
      hasFractionOrExponent = true
      break
    }
    if !hasFractionOrExponent { return true }
    if num.decimal != nil { return num.isInteger }
    guard let d = num.double else { return false }
    return d.rounded() == d
  }

  private static func compare(_ a: JSONNumber, _ b: JSONNumber) -> Int {
    if let x = a.decimal, let y = b.decimal { return x < y ? -1 : (x == y ? 0 : 1) }
    let x = a.double ?? 0, y = b.double ?? 0
    return x < y ? -1 : (x == y ? 0 : 1)
  }

  private static func isMultiple(_ a: JSONNumber, of m: JSONNumber) -> Bool {
    if let x = a.decimal, let y = m.decimal, !y.isZero {
      var q = x / y
      var r = Decimal()
      NSDecimalRound(&r, &q, 0, .plain)
      return r == q
    }
    guard let x = a.double, let y = m.double, y != 0 else { return true }
    let q = x / y
    if !q.isFinite { return false }
    return q.rounded() == q
  }

  // swiftlint:disable:next cyclomatic_complexity function_body_length
  private func check(
    _ kw: SchemaKeyword, _ node: SchemaNode, _ n: Int, _ v: JSONValue, _ ev: inout SchemaEvaluation
  ) -> Bool {
    switch kw {
    case .ref:
      return true
    case .type:
      if isType(v, node.s.types) { return true }
      ev.report(.type, n, v)
      return false
    case .enum:
      if let i = node.s.enumValues.firstIndex(of: v), ExactJSON.equal(node.s.enumValues[i], v) { return true }
      if node.s.enumValues.count < 16, node.s.enumValues.contains(where: { ExactJSON.equal($0, v) }) { return true }
      ev.report(.enum, n, v)
      return false
    case .multipleOf:
      guard case .number(let num) = v, let m = node.s.multipleOf else { return true }
      if Self.isMultiple(num, of: m) { return true }
      ev.report(.multipleOf, n, v)
      return false
    case .maximum:
      guard case .number(let num) = v, let m = node.s.maximum else { return true }
      let c = Self.compare(num, m)
      if c < 0 || (c == 0 && !node.s.exclusiveMaximum) { return true }
      ev.report(.maximum, n, v)
      return false
    case .minimum:
      guard case .number(let num) = v, let m = node.s.minimum else { return true }
      let c = Self.compare(num, m)
      if c > 0 || (c == 0 && !node.s.exclusiveMinimum) { return true }
      ev.report(.minimum, n, v)
      return false
    case .maxLength:
      guard case .string(let s) = v, let m = node.s.maxLength else { return true }
      if s.utf8.count <= m || s.unicodeScalars.count <= m { return true }
      ev.report(.maxLength, n, v)
      return false
    case .minLength:
      guard case .string(let s) = v, let m = node.s.minLength else { return true }
      if s.unicodeScalars.count >= m { return true }
      ev.report(.minLength, n, v)
      return false
    case .pattern:
      guard case .string(let s) = v, let p = node.s.pattern else { return true }
      if p.search(s) { return true }
      ev.report(.pattern, n, v)
      return false
    case .format:
      guard case .string(let s) = v, let f = node.s.format else { return true }
      let ok: Bool
      switch f {
      case .dateTime: ok = Formats.isDateTime(s, caseSensitive: options.caseSensitiveDateTime)
      case .uri: ok = Formats.isURI(s)
      case .other: ok = true
      }
      if ok { return true }
      ev.report(.format, n, v)
      return false
    case .items:
      guard case .array(let a) = v else { return true }
      var valid = true
      if let list = node.s.itemsArray {
        for (i, item) in a.enumerated() where i < list.count {
          ev.path.append(.index(i))
          let ok = evaluate(list[i], item, &ev)
          ev.path.removeLast()
          if !ok { valid = false; if !ev.collect { return false } }
        }
      } else if node.s.items >= 0 {
        let items = node.s.items
        var i = 0
        while i < a.count {
          if ev.collect { ev.path.append(.index(i)) }
          let ok = evaluate(items, a[i], &ev)
          if ev.collect { ev.path.removeLast() }
          if !ok { valid = false; if !ev.collect { return false } }
          i += 1
        }
      }
      return valid
    case .additionalItems:
      guard case .array(let a) = v, let list = node.s.itemsArray, a.count > list.count else { return true }
      if node.s.additionalItemsFalse {
        ev.report(.additionalItems, n, v)
        return false
      }
      guard node.s.additionalItems >= 0 else { return true }
      var valid = true
      for i in list.count..<a.count {
        ev.path.append(.index(i))
        let ok = evaluate(node.s.additionalItems, a[i], &ev)
        ev.path.removeLast()
        if !ok { valid = false; if !ev.collect { return false } }
      }
      return valid
    case .maxItems:
      guard case .array(let a) = v, let m = node.s.maxItems, a.count > m else { return true }
      ev.report(.maxItems, n, v)
      return false
    case .minItems:
      guard case .array(let a) = v, let m = node.s.minItems, a.count < m else { return true }
      ev.report(.minItems, n, v)
      return false
    case .uniqueItems:
      guard case .array(let a) = v, node.s.uniqueItems else { return true }
      if options.uniqueByID {
        let found = UniqueIDs.issues(of: a)
        if found.isEmpty { return true }
        for (instance, id) in found { ev.report(.uniqueItems, n, instance, errorId: id) }
        return false
      }
      if UniqueIDs.allDistinct(a) { return true }
      ev.report(.uniqueItems, n, v)
      return false
    case .maxProperties:
      guard case .object(let o) = v, let m = node.s.maxProperties, Self.distinctCount(o) > m else { return true }
      ev.report(.maxProperties, n, v)
      return false
    case .minProperties:
      guard case .object(let o) = v, let m = node.s.minProperties, Self.distinctCount(o) < m else { return true }
      ev.report(.minProperties, n, v)
      return false
    case .required:
      guard case .object(let o) = v else { return true }
      var valid = true
      let required = node.s.required
      var r = 0
      while r < required.count {
        if !Self.has(o, required[r]) {
          valid = false
          if !ev.collect { return false }
          ev.report(.required, n, v, property: required[r])
        }
        r += 1
      }
      return valid
    case .properties:
      guard case .object(let o) = v else { return true }
      return checkProperties(node, o, &ev)
    case .patternProperties:
      guard !options.disablePatternProperties, case .object(let o) = v else { return true }
      var valid = true
      for (matcher, sub) in node.s.patternProperties {
        for member in o.members where matcher.search(member.key) {
          ev.path.append(.key(member.key))
          let ok = evaluate(sub, member.value, &ev)
          ev.path.removeLast()
          if !ok { valid = false; if !ev.collect { return false } }
        }
      }
      return valid
    case .additionalProperties:
      guard case .object(let o) = v else { return true }
      var valid = true
      var extras: [String] = []
      for member in o.members where node.s.propertyIndex[member.key] == nil {
        if node.s.patternProperties.contains(where: { $0.matcher.search(member.key) }) { continue }
        if node.s.additionalPropertiesFalse {
          if !ev.collect { return false }
          extras.append(member.key)
          valid = false
        } else if node.s.additionalProperties >= 0 {
          ev.path.append(.key(member.key))
          let ok = evaluate(node.s.additionalProperties, member.value, &ev)
          ev.path.removeLast()
          if !ok { valid = false; if !ev.collect { return false } }
        }
      }
      if !extras.isEmpty {
        ev.report(.additionalProperties, n, v, property: extras.joined(separator: ", "))
      }
      return valid
    case .dependencies:
      guard case .object(let o) = v else { return true }
      var valid = true
      for dep in node.s.dependencies where Self.has(o, dep.name) {
        if let names = dep.names {
          for name in names where !Self.has(o, name) {
            valid = false
            if !ev.collect { return false }
            ev.report(.dependencies, n, v, property: name)
          }
        } else if !evaluate(dep.node, v, &ev) {
          valid = false
          if !ev.collect { return false }
        }
      }
      return valid
    case .allOf:
      var valid = true
      for sub in node.s.allOf where !evaluate(sub, v, &ev) {
        valid = false
        if !ev.collect { return false }
      }
      return valid
    case .anyOf:
      for sub in node.s.anyOf where isValid(sub, v) { return true }
      ev.report(.anyOf, n, v)
      return false
    case .oneOf:
      return checkOneOf(node, n, v, &ev)
    case .not:
      if !isValid(node.s.not, v) { return true }
      ev.report(.not, n, v)
      return false
    }
  }

  func isValid(_ n: Int, _ v: JSONValue) -> Bool {
    var sub = SchemaEvaluation(collect: false)
    return evaluate(n, v, &sub)
  }

  private func checkOneOf(_ node: SchemaNode, _ n: Int, _ v: JSONValue, _ ev: inout SchemaEvaluation) -> Bool {
    var validCount = 0
    let branches = node.s.oneOf
    var b = 0
    while b < branches.count {
      if isValid(branches[b], v) {
        validCount += 1
        if validCount > 1 { break }
      }
      b += 1
    }
    if let title = options.grantOneOfTitle, node.s.title == title, case .object(let o) = v, ev.collect {
      let bothPresent = Self.has(o, "recipientOrganization") && Self.has(o, "recipientIndividual")
      if validCount == 1 && !bothPresent { return true }
      let assumption = Self.has(o, "recipientIndividual") ? "recipientIndividual" : "recipientOrganization"
      let branch =
        node.s.oneOf.first { nodes[$0].s.required.contains(assumption) } ?? node.s.oneOf.first ?? -1
      if bothPresent {
        ev.report(.oneOf, n, v, errorId: "oneOf_each_required")
      }
      if branch >= 0 {
        let saved = ev.assumption
        ev.assumption = assumption
        _ = evaluate(branch, v, &ev)
        ev.assumption = saved
      }
      return false
    }
    if validCount == 1 { return true }
    ev.report(.oneOf, n, v, errorId: validCount == 0 ? "oneOf_any" : "oneOf_each")
    return false
  }

  private func checkProperties(_ node: SchemaNode, _ o: JSONObject, _ ev: inout SchemaEvaluation) -> Bool {
    var valid = true
    let count = node.s.propertyList.count
    if count <= 64 {
      // Walk the members from the last, so that a repeated key is validated once, as its
      // last value (the one Python keeps).
      var seen: UInt64 = 0
      let members = o.members
      let index = node.s.propertyIndex
      let list = node.s.propertyList
      var i = members.count
      var found: [(Int, Int)] = []
      while i > 0 {
        i -= 1
        guard let p = index[members[i].key] else { continue }
        let bit = UInt64(1) << UInt64(p)
        if seen & bit != 0 { continue }
        seen |= bit
        if !ev.collect {
          if !evaluate(list[p].node, members[i].value, &ev) { return false }
        } else {
          found.append((p, i))
        }
      }
      if ev.collect {
        // Report in the schema's order, as jsonschema iterates `properties`.
        found.sort { $0.0 < $1.0 }
        for (p, m) in found {
          let member = o.members[m]
          ev.path.append(.key(member.key))
          if !evaluate(node.s.propertyList[p].node, member.value, &ev) { valid = false }
          ev.path.removeLast()
        }
      }
      return valid
    }
    for (name, sub) in node.s.propertyList {
      guard let value = o[name] else { continue }
      ev.path.append(.key(name))
      let ok = evaluate(sub, value, &ev)
      ev.path.removeLast()
      if !ok { valid = false; if !ev.collect { return false } }
    }
    return valid
  }

  static func has(_ o: JSONObject, _ key: String) -> Bool {
    let members = o.members
    var i = 0
    while i < members.count {
      if members[i].key.isSameKey(as: key) { return true }
      i += 1
    }
    return false
  }

  static func distinctCount(_ o: JSONObject) -> Int {
    Set(o.members.map(\.key)).count
  }
}

/// libcove's `unique_ids` and plain `uniqueItems`, in linear time.
enum UniqueIDs {
  static func allDistinct(_ a: [JSONValue]) -> Bool {
    var seen = Set<ExactJSON>(minimumCapacity: a.count)
    for item in a where !seen.insert(ExactJSON(value: item)).inserted { return false }
    return true
  }

  /// A usable id: a truthy value that is neither an array nor an object.
  static func id(of item: JSONValue) -> JSONValue? {
    guard case .object(let o) = item, let id = o["id"], id.isTruthy else { return nil }
    switch id {
    case .array, .object: return nil
    default: return id
    }
  }

  /// (instance, error id) per error, as libcove: one per duplicated id value (sorted), or a
  /// single no-ids error when an item has no id and the array has equal items.
  static func issues(of a: [JSONValue]) -> [(JSONValue, String)] {
    var all = Set<ExactJSON>()
    var dups = Set<ExactJSON>()
    var missing = false
    for item in a {
      if let id = id(of: item) {
        if !all.insert(ExactJSON(value: id)).inserted { dups.insert(ExactJSON(value: id)) }
      } else {
        missing = true
      }
    }
    if missing && !allDistinct(a) { return [(.array(a), "uniqueItems_no_ids")] }
    return dups.map(\.value).sorted(by: PythonRepr.lessThan).map { ($0, "uniqueItems_with_id") }
  }
}

/// A JSON value compared as the official tool compares parsed values (Python's `==` on what
/// `json.load(parse_float=Decimal)` makes): object members in any order, a repeated key by
/// its last value (the one Python keeps), numbers by their exact value (`1`, `1.0` and `1e0`
/// alike; ``JSONNumber``'s `==`, never through `Double`), and strings equal only when their
/// Unicode scalars are (Swift's `String ==` also equates canonically equivalent strings).
/// Hashing agrees with that equality.
struct ExactJSON: Hashable {
  var value: JSONValue

  static func == (a: ExactJSON, b: ExactJSON) -> Bool { equal(a.value, b.value) }

  func hash(into hasher: inout Hasher) { Self.hash(value, into: &hasher) }

  static func equal(_ a: JSONValue, _ b: JSONValue) -> Bool {
    switch (a, b) {
    case (.string(let x), .string(let y)): return x.utf8.elementsEqual(y.utf8)
    case (.array(let x), .array(let y)):
      return x.count == y.count && zip(x, y).allSatisfy { equal($0, $1) }
    case (.object(let x), .object(let y)):
      let mine = lastMembers(of: x)
      let theirs = lastMembers(of: y)
      guard mine.count == theirs.count else { return false }
      // As many distinct keys on each side, each of mine among theirs: the same keys.
      for m in mine {
        let key = x.members[m].key
        guard let other = theirs.first(where: { y.members[$0].key.isSameKey(as: key) }),
          equal(x.members[m].value, y.members[other].value)
        else { return false }
      }
      return true
    default: return a == b
    }
  }

  /// The indexes of the members Python keeps: the last of each key (all of them, nearly
  /// always). Quadratic for small objects, a dictionary of key bytes for larger ones.
  static func lastMembers(of o: JSONObject) -> [Int] {
    let members = o.members
    if members.count <= 32 {
      return members.indices.filter { i in
        !members[(i + 1)...].contains { $0.key.isSameKey(as: members[i].key) }
      }
    }
    var last: [[UInt8]: Int] = [:]
    for i in members.indices { last[Array(members[i].key.utf8)] = i }
    return last.values.sorted()
  }

  private static func hash(_ v: JSONValue, into hasher: inout Hasher) {
    switch v {
    case .null: hasher.combine(0 as UInt8)
    case .bool(let b): hasher.combine(1 as UInt8); hasher.combine(b)
    case .number(let n): hasher.combine(2 as UInt8); hasher.combine(n)
    case .string(let s):
      hasher.combine(3 as UInt8)
      hasher.combine(s.utf8.count)
      for byte in s.utf8 { hasher.combine(byte) }
    case .array(let a):
      hasher.combine(4 as UInt8)
      hasher.combine(a.count)
      for item in a { hash(item, into: &hasher) }
    case .object(let o):
      // Order-insensitive: the kept members' hashes combined commutatively.
      let kept = lastMembers(of: o)
      var combined = 0
      for m in kept {
        var h = Hasher()
        hash(.string(o.members[m].key), into: &h)
        hash(o.members[m].value, into: &h)
        combined ^= h.finalize()
      }
      hasher.combine(5 as UInt8)
      hasher.combine(kept.count)
      hasher.combine(combined)
    }
  }
}
