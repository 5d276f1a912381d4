/// One schema validation error, worded as the official Data Quality Tool (libcove) words it.
public struct SchemaError: Sendable, Hashable, Codable {
  /// The JSON Schema keyword that failed (`required`, `type`, `oneOf`, `format`, …).
  public var validator: String
  /// libcove's `error_id` (`oneOf_any`, `oneOf_each`, `oneOf_each_required`,
  /// `uniqueItems_with_id`, `uniqueItems_no_ids`), or `nil`.
  public var errorId: String?
  /// Where the error is: `grants/3/awardDate` (`""` for the package itself).
  public var path: String
  /// The path without array indexes: `grants/awardDate`.
  public var pathNoNumber: String
  /// The heading: the last path key (or array index), or the missing property for `required`,
  /// or a spreadsheet heading given by ``withHeading(_:)``.
  public var field: String
  /// The message shown to users.
  public var message: String
  /// `date-time`, `uri`, the type name for type errors, else the validator.
  public var messageType: String
  /// The value in error when it is not an array or object (the duplicated id for
  /// `uniqueItems_with_id`).
  public var value: JSONValue?
  /// The grant branch assumed (`recipientOrganization` / `recipientIndividual`), or `nil`.
  public var assumption: String?
  /// For `required`, the missing property.
  public var property: String?
  /// Whether the last path step is an array index (the message then says "Array element").
  public var isArrayElement: Bool
  /// Whether the type error's wording includes "is not null, and" (the type is not nullable).
  public var nullClause: Bool
  /// For `required` deeper than a grant, the enclosing property (`recipientOrganization`).
  public var parent: String?

  /// Creates an error; the message is computed by the validator.
  public init(
    validator: String, errorId: String?, path: String, pathNoNumber: String, field: String,
    message: String, messageType: String, value: JSONValue?, assumption: String?,
    property: String? = nil, isArrayElement: Bool = false, nullClause: Bool = false,
    parent: String? = nil
  ) {
    self.validator = validator
    self.errorId = errorId
    self.path = path
    self.pathNoNumber = pathNoNumber
    self.field = field
    self.message = message
    self.messageType = messageType
    self.value = value
    self.assumption = assumption
    self.property = property
    self.isArrayElement = isArrayElement
    self.nullClause = nullClause
    self.parent = parent
  }

  /// The same error named by a spreadsheet heading (`Recipient Org:Name`) instead of the
  /// JSON key, with the message reworded as the official tool does for spreadsheets.
  public func withHeading(_ heading: String) -> SchemaError {
    var copy = self
    copy.field = heading
    copy.isArrayElement = false
    if let text = Self.wording(
      validator: validator, messageType: messageType, header: heading, isArrayElement: false,
      nullClause: nullClause, parent: parent)
    {
      copy.message = text
    }
    return copy
  }

  /// libcove's message for `required`, `type`, `enum`, `format` and date `oneOf` errors, or
  /// `nil` when jsonschema's own text is kept.
  static func wording(
    validator: String, messageType: String, header: String, isArrayElement: Bool,
    nullClause: Bool, parent: String?
  ) -> String? {
    let prefix = isArrayElement ? "Array element " : ""
    let null = nullClause ? "is not null, and " : ""
    switch validator {
    case "required":
      var m = "'\(header)' is missing but required"
      if let parent { m += " within '\(parent)'" }
      return m
    case "enum":
      return "Invalid code found in '\(header)'"
    case "format", "oneOf":
      switch messageType {
      case "date-time": return "Date is not in the correct format"
      case "uri": return "Invalid 'uri' found"
      default: return nil
      }
    case "type":
      switch messageType {
      case "string":
        return
          "\(prefix)'\(header)' is not a string. Check that the value \(null)has quotes at the start and end. Escape any quotes in the value with '\\'"
      case "number":
        return
          "\(prefix)'\(header)' is not a number. Check that the value \(null)doesn’t contain any characters other than 0-9 and dot ('.'). Number values should not be in quotes. "
      case "integer":
        return
          "\(prefix)'\(header)' is not a integer. Check that the value \(null)doesn’t contain decimal points or any characters other than 0-9. Integer values should not be in quotes. "
      case "object": return "\(prefix)'\(header)' is not a JSON object"
      case "array": return "\(prefix)'\(header)' is not a JSON array"
      default: return nil
      }
    default:
      return nil
    }
  }
}

/// Python's `repr` of values read with `json.load(parse_float=Decimal)`, for the messages
/// jsonschema builds with `%r`.
enum PythonRepr {
  static func repr(_ v: JSONValue) -> String {
    switch v {
    case .null: return "None"
    case .bool(let b): return b ? "True" : "False"
    case .number(let n):
      let t = n.text
      if t.contains(where: { $0 == "." || $0 == "e" || $0 == "E" }) { return "Decimal('\(t)')" }
      return t
    case .string(let s): return repr(s)
    case .array(let a): return "[" + a.map(repr).joined(separator: ", ") + "]"
    case .object(let o):
      return "{" + o.members.map { repr($0.key) + ": " + repr($0.value) }.joined(separator: ", ") + "}"
    }
  }

  static func repr(_ s: String) -> String {
    let quote: Character = s.contains("'") && !s.contains("\"") ? "\"" : "'"
    var out = String(quote)
    for scalar in s.unicodeScalars {
      switch scalar {
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      default:
        if Character(scalar) == quote {
          out += "\\" + String(quote)
        } else if scalar.value < 0x20 || scalar.value == 0x7f {
          out += "\\x" + (scalar.value < 16 ? "0" : "") + String(scalar.value, radix: 16)
        } else {
          out.unicodeScalars.append(scalar)
        }
      }
    }
    out.append(quote)
    return out
  }

  /// An order for sorting ids as Python would sort same-typed values (numbers, then strings).
  static func lessThan(_ a: JSONValue, _ b: JSONValue) -> Bool {
    switch (a, b) {
    case (.string(let x), .string(let y)): return Array(x.unicodeScalars.map(\.value)).lexicographicallyPrecedes(y.unicodeScalars.map(\.value))
    case (.number(let x), .number(let y)):
      if let p = x.decimal, let q = y.decimal { return p < q }
      return (x.double ?? 0) < (y.double ?? 0)
    case (.number, _), (.bool, .string): return true
    default: return false
    }
  }
}

extension SchemaError {
  enum CodingKeys: String, CodingKey {
    case validator, errorId, path, pathNoNumber, field, message, messageType, value, assumption
    case property, isArrayElement, nullClause, parent
  }

  /// Decodes an error written by ``encode(to:)``.
  ///
  /// - Throws: `DecodingError` when a member is missing or of the wrong type.
  public init(from decoder: any Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    validator = try c.decode(String.self, forKey: .validator)
    errorId = try c.decodeIfPresent(String.self, forKey: .errorId)
    path = try c.decode(String.self, forKey: .path)
    pathNoNumber = try c.decode(String.self, forKey: .pathNoNumber)
    field = try c.decode(String.self, forKey: .field)
    message = try c.decode(String.self, forKey: .message)
    messageType = try c.decode(String.self, forKey: .messageType)
    value = try c.decodeIfPresent(CodableJSONValue.self, forKey: .value)?.value
    assumption = try c.decodeIfPresent(String.self, forKey: .assumption)
    property = try c.decodeIfPresent(String.self, forKey: .property)
    isArrayElement = try c.decodeIfPresent(Bool.self, forKey: .isArrayElement) ?? false
    nullClause = try c.decodeIfPresent(Bool.self, forKey: .nullClause) ?? false
    parent = try c.decodeIfPresent(String.self, forKey: .parent)
  }

  /// Encodes the error; the value keeps numbers' exact text only as far as `Double` allows.
  ///
  /// - Throws: `EncodingError` from the encoder.
  public func encode(to encoder: any Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(validator, forKey: .validator)
    try c.encodeIfPresent(errorId, forKey: .errorId)
    try c.encode(path, forKey: .path)
    try c.encode(pathNoNumber, forKey: .pathNoNumber)
    try c.encode(field, forKey: .field)
    try c.encode(message, forKey: .message)
    try c.encode(messageType, forKey: .messageType)
    try c.encodeIfPresent(value.map(CodableJSONValue.init), forKey: .value)
    try c.encodeIfPresent(assumption, forKey: .assumption)
    try c.encodeIfPresent(property, forKey: .property)
    try c.encode(isArrayElement, forKey: .isArrayElement)
    try c.encode(nullClause, forKey: .nullClause)
    try c.encodeIfPresent(parent, forKey: .parent)
  }
}

/// A scalar JSON value for `Codable` (errors carry only scalars).
struct CodableJSONValue: Codable {
  var value: JSONValue

  init(_ value: JSONValue) { self.value = value }

  init(from decoder: any Decoder) throws {
    let c = try decoder.singleValueContainer()
    if c.decodeNil() {
      value = .null
    } else if let b = try? c.decode(Bool.self) {
      value = .bool(b)
    } else if let s = try? c.decode(String.self) {
      value = .string(s)
    } else {
      value = .number(JSONNumber(text: String(try c.decode(Double.self))))
    }
  }

  func encode(to encoder: any Encoder) throws {
    var c = encoder.singleValueContainer()
    switch value {
    case .null: try c.encodeNil()
    case .bool(let b): try c.encode(b)
    case .string(let s): try c.encode(s)
    case .number(let n):
      if let i = Int(n.text) { try c.encode(i) } else { try c.encode(n.double ?? 0) }
    case .array, .object: try c.encodeNil()
    }
  }
}
