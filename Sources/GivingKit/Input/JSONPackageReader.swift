internal import Foundation

/// Reads a 360Giving JSON package, streaming the `grants` array one grant at a time so that a
/// package larger than memory can be read.
///
/// Every other top-level member is kept in ``FeedReport/package``. A top level that is not an
/// object is refused after checking it is well-formed, as the official tool does.
struct JSONPackageReader {
  /// The most input bytes, and values, one grant (or one other member of the package) may
  /// hold: far beyond any real grant, and small enough that the largest is held in well under
  /// 256 MB.
  static let maxGrantBytes = 64 << 20
  static let maxGrantValues = 1_000_000

  let url: URL
  var progress: ReadProgress?

  func read(_ body: (Grant) throws -> Void) throws -> FeedReport {
    let input = try ByteInput(url: url)
    input.progress = progress
    let file = url.path
    let parser = JSONParser(input: input, file: file)
    var report = FeedReport(format: .json, sources: FeedSources(files: [file], isJSON: true))
    report.encoding = "utf-8"
    try parser.skipByteOrderMark()
    guard let first = try parser.peekNonSpace() else {
      throw FeedError.malformedJSON(
        file: file, line: input.line, column: input.column, reason: "the file is empty")
    }
    guard first == UInt8(ascii: "{") else {
      _ = try parser.parseValue(depth: 0)
      try parser.expectEnd()
      throw FeedError.notAnObject(file: file)
    }
    var packagePositions = [TextPosition(line: input.line, column: input.column)]
    input.position += 1
    var index = 0
    if try parser.peekNonSpace() == UInt8(ascii: "}") {
      input.position += 1
    } else {
      members: while true {
        let keyPosition = TextPosition(line: input.line, column: input.column)
        let key = try parser.parseKey()
        guard try parser.peekNonSpace() == UInt8(ascii: ":") else {
          throw parser.error("expecting ':' after key '\(key)'")
        }
        input.position += 1
        if key == "grants", try parser.peekNonSpace() == UInt8(ascii: "[") {
          report.hasGrantsMember = true
          try streamGrants(parser: parser, startIndex: &index, body: body)
        } else {
          parser.positions = []
          try parser.limitNextValue(bytes: Self.maxGrantBytes, values: Self.maxGrantValues, what: "member '\(key)'")
          let value = try parser.parseValue(depth: 1)
          parser.endValueLimit()
          _ = keyPosition
          packagePositions.append(contentsOf: parser.positions!)
          parser.positions = nil
          report.package.append(key, value)
        }
        switch try parser.peekNonSpace() {
        case UInt8(ascii: ","):
          input.position += 1
        case UInt8(ascii: "}"):
          input.position += 1
          break members
        case let byte:
          throw parser.error(
            byte == nil ? "unexpected end of input, expecting ',' or '}'" : "expecting ',' or '}'")
        }
      }
    }
    try parser.expectEnd()
    report.grantCount = index
    report.rowsRead = index
    report.packageSource = .text(file: 0, positions: packagePositions)
    return report
  }

  private func streamGrants(
    parser: JSONParser, startIndex index: inout Int, body: (Grant) throws -> Void
  ) throws {
    let input = parser.input
    input.position += 1  // [
    if try parser.peekNonSpace() == UInt8(ascii: "]") {
      input.position += 1
      return
    }
    while true {
      parser.positions = []
      parser.positions!.reserveCapacity(64)
      try parser.limitNextValue(bytes: Self.maxGrantBytes, values: Self.maxGrantValues, what: "grant \(index + 1)")
      let value = try parser.parseValue(depth: 2)
      parser.endValueLimit()
      let grant = Grant(json: value, index: index, source: .text(file: 0, positions: parser.positions!))
      parser.positions = nil
      index += 1
      try body(grant)
      switch try parser.peekNonSpace() {
      case UInt8(ascii: ","):
        input.position += 1
      case UInt8(ascii: "]"):
        input.position += 1
        return
      case let byte:
        throw parser.error(
          byte == nil ? "unexpected end of input, expecting ',' or ']'" : "expecting ',' or ']'")
      }
    }
  }
}
