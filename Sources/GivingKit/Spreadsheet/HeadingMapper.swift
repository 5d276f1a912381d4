/// Reads spreadsheet headings back into JSON paths, as flatten-tool's
/// `TitleLookup.lookup_header` does (SPEC.md §2.2).
///
/// ```swift
/// HeadingMapper(titles: .grant).path(for: "Beneficiary Location:1:Geographic Code")
/// // "beneficiaryLocation/1/geoCode"
/// ```
public struct HeadingMapper: Sendable {
  /// The titles headings are matched against.
  public let titles: SchemaTitles

  /// A mapper for the titles of `titles` (the grant schema by default).
  public init(titles: SchemaTitles = .grant) {
    self.titles = titles
  }

  /// The `/`-joined path a heading names: titles become property names (matched ignoring
  /// spaces and case), integer parts stay as indexes, and the first unknown part ends the
  /// lookup (it and the rest are kept verbatim, stripped).
  public func path(for heading: String) -> String {
    var out: [String] = []
    var current: Int? = nil
    let parts = heading.split(separator: ":", omittingEmptySubsequences: false)
    var i = 0
    while i < parts.count {
      let part = parts[i]
      let stripped = part.trimmingSpaces
      if Int(stripped) != nil {
        out.append(stripped)
        i += 1
        continue
      }
      guard let field = titles.child(of: current, titled: part) else {
        for rest in parts[i...] { out.append(rest.trimmingSpaces) }
        break
      }
      out.append(titles.fields[field].name)
      current = field
      i += 1
    }
    return out.joined(separator: "/")
  }

  /// The steps to a heading's value: property names and array indexes, with index −1 for an
  /// array property written without an index, and the schema kind of the value (`nil` when
  /// the path is not in the schema).
  public func plan(for heading: String) -> ColumnPlan {
    let segments = path(for: heading).split(separator: "/", omittingEmptySubsequences: false).map {
      segment -> String in
      var s = String(segment)
      while s.hasSuffix("[]") { s.removeLast(2) }
      return s
    }
    var steps: [ColumnPlan.Step] = []
    var current: Int? = nil
    var known = true
    var lastKind: SchemaFieldKind? = nil
    for (n, segment) in segments.enumerated() {
      if let index = Int(segment), case .key = steps.last,
        lastKind == .objectArray || lastKind == nil || !known
      {
        steps.append(.index(index))
        continue
      }
      steps.append(.key(segment))
      if known, let field = titles.child(of: current, named: segment) {
        current = field
        lastKind = titles.fields[field].kind
        let isLast = n == segments.count - 1
        if lastKind == .objectArray && !isLast && Int(segments[n + 1]) == nil {
          steps.append(.index(-1))
        }
      } else {
        known = false
        lastKind = nil
      }
    }
    let kind: SchemaFieldKind? = known ? current.map { titles.fields[$0].kind } : nil
    return ColumnPlan(steps: steps, kind: kind)
  }
}

/// Where one column's values go in the grant.
public struct ColumnPlan: Sendable, Hashable {
  /// One step of a path.
  public enum Step: Sendable, Hashable {
    /// An object member.
    case key(String)
    /// An array item, by written index (−1 when the heading gave none).
    case index(Int)
  }

  /// The steps from the grant to the value.
  public let steps: [Step]
  /// The schema kind of the value, `nil` for a column not in the schema (an additional field).
  public let kind: SchemaFieldKind?
  /// The grant-relative path of the value when every array item lands at its written index
  /// (−1 counting as 0): the common case, precomputed so the source map costs no allocation.
  public let canonicalPath: String

  /// A plan of `steps` for a value of schema `kind`.
  public init(steps: [Step], kind: SchemaFieldKind?) {
    self.steps = steps
    self.kind = kind
    self.canonicalPath = steps.map {
      switch $0 {
      case .key(let k): k
      case .index(let i): String(max(i, 0))
      }
    }.joined(separator: "/")
  }

  /// The path with indexes as written (−1 for none): `recipientOrganization/-1/id`.
  public var path: String {
    steps.map {
      switch $0 {
      case .key(let k): k
      case .index(let i): String(i)
      }
    }.joined(separator: "/")
  }
}

extension StringProtocol {
  /// The text without leading and trailing white space (Python's `str.strip()`).
  var trimmingSpaces: String {
    let scalars = unicodeScalars
    // Most text has nothing to trim: returned as it is, without a copy.
    if let first = scalars.first, let last = scalars.last, !first.properties.isWhitespace, !last.properties.isWhitespace {
      return String(self)
    }
    guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }) else { return "" }
    let last = scalars.lastIndex(where: { !$0.properties.isWhitespace }) ?? first
    var out = ""
    out.unicodeScalars.append(contentsOf: scalars[first...last])
    return out
  }
}
