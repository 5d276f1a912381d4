public import Foundation

/// A strict RFC 8259 JSON parser over chunked input.
///
/// Written here rather than using `JSONSerialization` or `JSONDecoder` because 360Giving needs
/// what those cannot give: numbers as their exact decimal text, object members in order,
/// the line and column of every value, streaming over the `grants` array of a package
/// larger than memory, and a depth limit instead of a stack overflow.
final class JSONParser {
  /// Deeper nesting than this is refused (360Giving data is at most a few levels deep).
  static let maxDepth = 512
  /// The most bytes one string, key or number may hold, so that a stranger's file cannot make
  /// the parser hold an unbounded value.
  static let maxStringBytes = 16 << 20

  /// A bound on the value being parsed (see ``limitNextValue(bytes:values:what:)``).
  struct ValueLimit {
    /// The most bytes of input it may take, and the offset it may not pass.
    var bytes: Int
    var endOffset: Int
    /// The most values (the value itself and everything in it) it may hold, counted through
    /// ``positions``.
    var values: Int
    /// What the value is called in the error ("grant 3"), and where it starts.
    var what: String
    var start: TextPosition
  }

  let input: ByteInput
  let file: String
  /// When set, the position of every value parsed is appended, in preorder.
  var positions: [TextPosition]? = nil
  private var scratch: [UInt8] = []
  /// How many members the last object parsed at each depth (up to 16) had.
  private var membersSeen = [Int](repeating: 0, count: 16)
  /// Long keys as first read (``parseKey()``).
  private var longKeys = StringInterner()
  /// The bound on the value being parsed, if one was set.
  private var limit: ValueLimit?

  init(input: ByteInput, file: String) {
    self.input = input
    self.file = file
  }

  /// Parses a complete document holding one value.
  static func parseDocument(_ bytes: [UInt8], file: String = "<memory>") throws -> JSONValue {
    let parser = JSONParser(input: ByteInput(bytes: bytes, path: file), file: file)
    try parser.skipByteOrderMark()
    let value = try parser.parseValue(depth: 0)
    try parser.expectEnd()
    return value
  }

  /// Parses a complete file holding one value.
  static func parseDocument(contentsOf url: URL) throws -> JSONValue {
    let input = try ByteInput(url: url)
    let parser = JSONParser(input: input, file: url.path)
    try parser.skipByteOrderMark()
    let value = try parser.parseValue(depth: 0)
    try parser.expectEnd()
    return value
  }

  /// Bounds the next value parsed to `bytes` of input and `values` values in all (counted
  /// only while ``positions`` is being recorded), so that one huge grant is refused with its
  /// place rather than held. The bound ends with ``endValueLimit()``.
  func limitNextValue(bytes: Int, values: Int, what: String) throws {
    _ = try peekNonSpace()  // so that the value's start is its first byte
    limit = ValueLimit(
      bytes: bytes, endOffset: input.offset + bytes, values: values, what: what,
      start: TextPosition(line: input.line, column: input.column))
  }

  func endValueLimit() { limit = nil }

  /// Throws once the bounded value has grown past its limit; checked after each member or item.
  @inline(__always)
  private func checkLimit() throws {
    guard let limit else { return }
    if input.offset > limit.endOffset || (positions?.count ?? 0) > limit.values {
      throw error(
        "refused: \(limit.what), which starts at line \(limit.start.line), column \(limit.start.column),"
          + " holds more than \(limit.bytes >> 20) MB or \(limit.values) values")
    }
  }

  // MARK: Errors

  func error(_ reason: String) -> FeedError {
    .malformedJSON(file: file, line: input.line, column: input.column, reason: reason)
  }

  private func unexpected(_ byte: UInt8?, expecting: String) -> FeedError {
    guard let byte else { return error("unexpected end of input, expecting \(expecting)") }
    let shown =
      (byte >= 0x20 && byte < 0x7f)
      ? "'\(Character(Unicode.Scalar(byte)))'" : String(format: "byte 0x%02X", byte)
    return error("unexpected \(shown), expecting \(expecting)")
  }

  // MARK: Whitespace

  func skipByteOrderMark() throws {
    guard try input.ensure(), input.buffer[input.position] == 0xEF else { return }
    // The BOM is 3 bytes; refills keep unread bytes so peeking byte by byte is safe.
    let start = input.position
    var bom: [UInt8] = []
    for _ in 0..<3 {
      guard let b = try input.peek() else { break }
      bom.append(b)
      input.position += 1
    }
    if bom != [0xEF, 0xBB, 0xBF] {
      input.position = start
      throw error("invalid byte order mark")
    }
    input.lineStart = input.offset
  }

  /// Skips JSON whitespace and returns the next byte without consuming it.
  @inline(__always)
  func peekNonSpace() throws -> UInt8? {
    while true {
      if input.position >= input.end {
        guard try input.refill() else { return nil }
      }
      let byte = input.buffer[input.position]
      switch byte {
      case 0x20, 0x09, 0x0D:
        input.position += 1
      case 0x0A:
        input.position += 1
        input.line += 1
        input.lineStart = input.offset
      default:
        return byte
      }
    }
  }

  func expectEnd() throws {
    if let byte = try peekNonSpace() {
      throw unexpected(byte, expecting: "end of input")
    }
  }

  @inline(__always)
  private func consume(_ expected: UInt8, _ what: String) throws {
    let byte = try peekNonSpace()
    guard byte == expected else { throw unexpected(byte, expecting: what) }
    input.position += 1
  }

  @inline(__always)
  private func recordPosition() {
    if positions != nil {
      positions!.append(TextPosition(line: input.line, column: input.column))
    }
  }

  // MARK: Values

  /// Parses one value (skipping leading whitespace).
  func parseValue(depth: Int) throws -> JSONValue {
    guard let byte = try peekNonSpace() else {
      throw unexpected(nil, expecting: "a value")
    }
    recordPosition()
    switch byte {
    case UInt8(ascii: "{"):
      return .object(try parseObject(depth: depth + 1))
    case UInt8(ascii: "["):
      return .array(try parseArray(depth: depth + 1))
    case UInt8(ascii: "\""):
      return .string(try parseString())
    case UInt8(ascii: "t"):
      try parseLiteral("true")
      return .bool(true)
    case UInt8(ascii: "f"):
      try parseLiteral("false")
      return .bool(false)
    case UInt8(ascii: "n"):
      try parseLiteral("null")
      return .null
    case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
      return .number(try parseNumber())
    default:
      throw unexpected(byte, expecting: "a value")
    }
  }

  private func checkDepth(_ depth: Int) throws {
    if depth > JSONParser.maxDepth {
      throw error("nesting deeper than \(JSONParser.maxDepth) levels")
    }
  }

  func parseObject(depth: Int) throws -> JSONObject {
    try checkDepth(depth)
    input.position += 1  // {
    var object = JSONObject()
    if try peekNonSpace() == UInt8(ascii: "}") {
      input.position += 1
      return object
    }
    // Room for as many members as the last object at this depth had: grants mostly share a
    // shape, and growing the array one doubling at a time was 6% of validating JSON.
    if depth < membersSeen.count { object.members.reserveCapacity(membersSeen[depth]) }
    while true {
      let key = try parseKey()
      try consume(UInt8(ascii: ":"), "':'")
      let value = try parseValue(depth: depth)
      object.members.append(JSONObject.Member(key: key, value: value))
      try checkLimit()
      let byte = try peekNonSpace()
      if byte == UInt8(ascii: ",") {
        input.position += 1
      } else if byte == UInt8(ascii: "}") {
        input.position += 1
        if depth < membersSeen.count { membersSeen[depth] = object.members.count }
        return object
      } else {
        throw unexpected(byte, expecting: "',' or '}'")
      }
    }
  }

  /// Parses an object key (a string) after skipping whitespace.
  func parseKey() throws -> String {
    let byte = try peekNonSpace()
    guard byte == UInt8(ascii: "\"") else { throw unexpected(byte, expecting: "a string key") }
    return try longPlainKey() ?? parseString()
  }

  /// A key of sixteen or more plain ASCII bytes (no escape) that lies whole in the buffer, as
  /// ``longKeys`` keeps it; `nil`, having read nothing, for any other key.
  private func longPlainKey() -> String? {
    let start = input.position + 1
    let end = input.end
    guard start + 16 <= end, let address = input.buffer.baseAddress else { return nil }
    let base = UnsafeRawPointer(address)
    let first = base.loadUnaligned(fromByteOffset: start, as: UInt64.self)
    let second = base.loadUnaligned(fromByteOffset: start + 8, as: UInt64.self)
    guard !Self.mayEndOrEscape(first), !Self.mayEndOrEscape(second),
      (first | second) & 0x8080_8080_8080_8080 == 0
    else { return nil }
    var i = start + 16
    while i < end {
      let b = address[i]
      if b == UInt8(ascii: "\"") { break }
      if b == UInt8(ascii: "\\") || b < 0x20 || b >= 0x80 { return nil }
      i += 1
    }
    guard i < end else { return nil }
    let key = longKeys.string(for: UnsafeBufferPointer(start: address + start, count: i - start))
    input.position = i + 1
    return key
  }

  func parseArray(depth: Int) throws -> [JSONValue] {
    try checkDepth(depth)
    input.position += 1  // [
    var items: [JSONValue] = []
    if try peekNonSpace() == UInt8(ascii: "]") {
      input.position += 1
      return items
    }
    while true {
      items.append(try parseValue(depth: depth))
      try checkLimit()
      let byte = try peekNonSpace()
      if byte == UInt8(ascii: ",") {
        input.position += 1
      } else if byte == UInt8(ascii: "]") {
        input.position += 1
        return items
      } else {
        throw unexpected(byte, expecting: "',' or ']'")
      }
    }
  }

  private func parseLiteral(_ literal: StaticString) throws {
    let bytes = UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount)
    for expected in bytes {
      let byte = try input.peek()
      guard byte == expected else {
        throw unexpected(byte, expecting: "'\(literal)'")
      }
      input.position += 1
    }
  }

  // MARK: Numbers

  private func parseNumber() throws -> JSONNumber {
    scratch.removeAll(keepingCapacity: true)
    @inline(__always) func take() throws -> UInt8? {
      guard let b = try input.peek() else { return nil }
      return b
    }
    @inline(__always) func isDigit(_ b: UInt8?) -> Bool {
      guard let b else { return false }
      return b >= 48 && b <= 57
    }
    /// Takes the next digit of a run, refusing a run longer than any string may be.
    @inline(__always) func appendDigit(_ b: UInt8) throws {
      scratch.append(b)
      input.position += 1
      if scratch.count > Self.maxStringBytes {
        throw error("refused: a number longer than \(Self.maxStringBytes >> 20) MB")
      }
    }
    var byte = try take()
    if byte == UInt8(ascii: "-") {
      scratch.append(byte!)
      input.position += 1
      byte = try take()
    }
    guard isDigit(byte) else { throw unexpected(byte, expecting: "a digit") }
    if byte == UInt8(ascii: "0") {
      scratch.append(byte!)
      input.position += 1
      byte = try take()
      if isDigit(byte) { throw error("a number must not have leading zeros") }
    } else {
      while isDigit(byte) {
        try appendDigit(byte!)
        byte = try take()
      }
    }
    if byte == UInt8(ascii: ".") {
      scratch.append(byte!)
      input.position += 1
      byte = try take()
      guard isDigit(byte) else { throw unexpected(byte, expecting: "a digit after '.'") }
      while isDigit(byte) {
        try appendDigit(byte!)
        byte = try take()
      }
    }
    if byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") {
      scratch.append(byte!)
      input.position += 1
      byte = try take()
      if byte == UInt8(ascii: "+") || byte == UInt8(ascii: "-") {
        scratch.append(byte!)
        input.position += 1
        byte = try take()
      }
      guard isDigit(byte) else { throw unexpected(byte, expecting: "a digit in the exponent") }
      while isDigit(byte) {
        try appendDigit(byte!)
        byte = try take()
      }
    }
    return JSONNumber(text: String(decoding: scratch, as: UTF8.self))
  }

  // MARK: Strings

  /// Whether any of the eight bytes of `word` is `"`, `\\` or below 0x20: a byte that ends or
  /// escapes a string, or may not be in one (SWAR: a byte below `n` sets its high bit in
  /// `(w - n·0x01…) & ~w`, exactly when there is one, whatever the other bytes are).
  @inline(__always)
  static func mayEndOrEscape(_ word: UInt64) -> Bool {
    let ones: UInt64 = 0x0101_0101_0101_0101
    let quote = word ^ (ones &* 0x22)
    let backslash = word ^ (ones &* 0x5C)
    let found = (quote &- ones) & ~quote | (backslash &- ones) & ~backslash | (word &- ones &* 0x20) & ~word
    return found & (ones &* 0x80) != 0
  }

  /// Parses a string starting at its opening quote.
  func parseString() throws -> String {
    input.position += 1  // opening quote
    // Fast path: the whole string is in the buffer and has no escapes.
    let start = input.position
    var i = start
    let end = input.end
    let buffer = input.buffer
    var isASCII = true
    let base = UnsafeRawPointer(buffer.baseAddress!)
    while i < end {
      // Eight bytes at a time while none ends or escapes the string (the byte loop was 5% of
      // validating JSON).
      if i + 8 <= end {
        let word = base.loadUnaligned(fromByteOffset: i, as: UInt64.self)
        if !Self.mayEndOrEscape(word) {
          if word & 0x8080_8080_8080_8080 != 0 { isASCII = false }
          i += 8
          continue
        }
      }
      let b = buffer[i]
      if b == UInt8(ascii: "\"") {
        let bytes = UnsafeBufferPointer(rebasing: buffer[start..<i])
        let string: String
        if isASCII {
          string = String(decoding: bytes, as: UTF8.self)
        } else {
          guard let s = String(validating: bytes, as: UTF8.self) else {
            input.position = start
            throw invalidUTF8(in: bytes)
          }
          string = s
        }
        input.position = i + 1
        return string
      }
      if b == UInt8(ascii: "\\") || b < 0x20 { break }
      if b >= 0x80 { isASCII = false }
      i += 1
    }
    // Slow path: copy bytes, decoding escapes, across chunk boundaries.
    scratch.removeAll(keepingCapacity: true)
    scratch.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[start..<i]))
    input.position = i
    while true {
      guard let b = try input.peek() else {
        throw error("unterminated string")
      }
      switch b {
      case UInt8(ascii: "\""):
        input.position += 1
        guard let s = String(validating: scratch, as: UTF8.self) else {
          throw error("string is not valid UTF-8")
        }
        return s
      case UInt8(ascii: "\\"):
        input.position += 1
        try parseEscape()
      case 0..<0x20:
        throw error(
          String(format: "control character 0x%02X in a string must be escaped", b))
      default:
        scratch.append(b)
        input.position += 1
      }
      if scratch.count > Self.maxStringBytes {
        throw error("refused: a string longer than \(Self.maxStringBytes >> 20) MB")
      }
    }
  }

  private func invalidUTF8(in bytes: UnsafeBufferPointer<UInt8>) -> FeedError {
    // Point at the first invalid byte.
    var offset = 0
    var iterator = bytes.makeIterator()
    var decoder = UTF8()
    loop: while true {
      switch decoder.decode(&iterator) {
      case .scalarValue(let scalar): offset += UTF8.width(scalar)
      case .emptyInput, .error: break loop
      }
    }
    return .malformedJSON(
      file: file, line: input.line, column: input.column + offset, reason: "string is not valid UTF-8")
  }

  private func parseEscape() throws {
    guard let e = try input.peek() else { throw error("unterminated escape") }
    input.position += 1
    switch e {
    case UInt8(ascii: "\""): scratch.append(0x22)
    case UInt8(ascii: "\\"): scratch.append(0x5C)
    case UInt8(ascii: "/"): scratch.append(0x2F)
    case UInt8(ascii: "b"): scratch.append(0x08)
    case UInt8(ascii: "f"): scratch.append(0x0C)
    case UInt8(ascii: "n"): scratch.append(0x0A)
    case UInt8(ascii: "r"): scratch.append(0x0D)
    case UInt8(ascii: "t"): scratch.append(0x09)
    case UInt8(ascii: "u"):
      var scalar = try parseHex4()
      if (0xD800..<0xDC00).contains(scalar) {
        // A high surrogate: combine with a following low surrogate if there is one.
        if try input.peek() == UInt8(ascii: "\\") {
          input.position += 1
          guard try input.peek() == UInt8(ascii: "u") else {
            appendScalar(0xFFFD)
            try parseEscape()
            return
          }
          input.position += 1
          let low = try parseHex4()
          if (0xDC00..<0xE000).contains(low) {
            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
          } else {
            appendScalar(0xFFFD)
            scalar = low
          }
        } else {
          scalar = 0xFFFD
        }
      }
      if (0xD800..<0xE000).contains(scalar) { scalar = 0xFFFD }  // lone surrogate
      appendScalar(scalar)
    default:
      throw unexpected(e, expecting: "an escape character")
    }
  }

  private func parseHex4() throws -> UInt32 {
    var value: UInt32 = 0
    for _ in 0..<4 {
      guard let b = try input.peek() else { throw error("unterminated \\u escape") }
      let digit: UInt32
      switch b {
      case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(b - 48)
      case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(b - 87)
      case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(b - 55)
      default: throw unexpected(b, expecting: "a hex digit")
      }
      value = value << 4 | digit
      input.position += 1
    }
    return value
  }

  private func appendScalar(_ value: UInt32) {
    let scalar = Unicode.Scalar(value) ?? "\u{FFFD}"
    scratch.append(contentsOf: String(Character(scalar)).utf8)
  }
}

extension JSONValue {
  /// Parses a complete JSON document.
  /// - Throws: ``FeedError/malformedJSON(file:line:column:reason:)``.
  public init(parsing bytes: some Collection<UInt8>, file: String = "<memory>") throws {
    self = try JSONParser.parseDocument(Array(bytes), file: file)
  }

  /// Parses a complete JSON file.
  public init(contentsOf url: URL) throws {
    self = try JSONParser.parseDocument(contentsOf: url)
  }
}
