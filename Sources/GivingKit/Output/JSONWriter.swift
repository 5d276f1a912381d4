internal import Foundation

/// Serialises JSON values: numbers as their exact text, members in order, non-ASCII kept as
/// UTF-8, and only the escapes JSON requires.
public struct JSONWriter: Sendable {
  /// Indent nested values by this many spaces; `nil` writes everything on one line.
  public var indent: Int?

  public init(indent: Int? = nil) { self.indent = indent }

  /// `value` as UTF-8 JSON text.
  func string(bytesOf value: JSONValue) -> [UInt8] {
    var out: [UInt8] = []
    write(value, into: &out, level: 0)
    return out
  }

  public func string(_ value: JSONValue) -> String {
    var out: [UInt8] = []
    write(value, into: &out, level: 0)
    return String(decoding: out, as: UTF8.self)
  }

  public func write(_ value: JSONValue, into out: inout [UInt8], level: Int = 0) {
    switch value {
    case .null: out.append(contentsOf: "null".utf8)
    case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
    case .number(let n): out.append(contentsOf: n.text.utf8)
    case .string(let s): Self.writeString(s, into: &out)
    case .array(let items):
      if items.isEmpty {
        out.append(contentsOf: "[]".utf8)
        return
      }
      out.append(UInt8(ascii: "["))
      for (i, item) in items.enumerated() {
        if i > 0 { out.append(UInt8(ascii: ",")) }
        newline(&out, level + 1)
        write(item, into: &out, level: level + 1)
      }
      newline(&out, level)
      out.append(UInt8(ascii: "]"))
    case .object(let object):
      if object.isEmpty {
        out.append(contentsOf: "{}".utf8)
        return
      }
      out.append(UInt8(ascii: "{"))
      for (i, member) in object.members.enumerated() {
        if i > 0 { out.append(UInt8(ascii: ",")) }
        newline(&out, level + 1)
        Self.writeString(member.key, into: &out)
        out.append(UInt8(ascii: ":"))
        if indent != nil { out.append(UInt8(ascii: " ")) }
        write(member.value, into: &out, level: level + 1)
      }
      newline(&out, level)
      out.append(UInt8(ascii: "}"))
    }
  }

  @inline(__always)
  private func newline(_ out: inout [UInt8], _ level: Int) {
    guard let indent else { return }
    out.append(UInt8(ascii: "\n"))
    out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: indent * level))
  }

  static let hex: [UInt8] = Array("0123456789abcdef".utf8)

  /// Whether any of the eight bytes of `word` is a control character, `"` or `\`: the
  /// classic test for a zero byte, applied to each (bytes of 0x80 and above never match).
  @inline(__always)
  static func needsEscape(_ word: UInt64) -> Bool {
    let ones: UInt64 = 0x0101_0101_0101_0101
    let highs: UInt64 = 0x8080_8080_8080_8080
    func hasZero(_ x: UInt64) -> Bool { (x &- ones) & ~x & highs != 0 }
    let control = (word &- ones &* 0x20) & ~word & highs != 0
    return control || hasZero(word ^ (ones &* 0x22)) || hasZero(word ^ (ones &* 0x5C))
  }

  public static func writeString(_ s: String, into out: inout [UInt8]) {
    out.append(UInt8(ascii: "\""))
    var s = s
    s.withUTF8 { bytes in
      var runStart = 0
      var i = 0
      while i < bytes.count {
        // Eight bytes at a time while none needs escaping (most text). Measured on 1M grants
        // CSV→JSON: about 5% less CPU time than testing byte by byte.
        while i + 8 <= bytes.count {
          let word = UnsafeRawPointer(bytes.baseAddress! + i).loadUnaligned(as: UInt64.self)
          if Self.needsEscape(word) { break }
          i += 8
        }
        guard i < bytes.count else { break }
        let b = bytes[i]
        i += 1
        guard b < 0x20 || b == 0x22 || b == 0x5C else { continue }
        let at = i - 1
        out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<at]))
        runStart = at + 1
        out.append(0x5C)
        switch b {
        case 0x22, 0x5C: out.append(b)
        case 0x0A: out.append(UInt8(ascii: "n"))
        case 0x0D: out.append(UInt8(ascii: "r"))
        case 0x09: out.append(UInt8(ascii: "t"))
        default:
          out.append(UInt8(ascii: "u"))
          out.append(0x30)
          out.append(0x30)
          out.append(hex[Int(b >> 4)])
          out.append(hex[Int(b & 15)])
        }
      }
      out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart...]))
    }
    out.append(UInt8(ascii: "\""))
  }
}

/// Writes a 360Giving package one grant at a time: `{"grants": [ … ], <metadata>}`.
public final class JSONPackageWriter {
  private let output: OutputFile
  private let writer = JSONWriter()
  private var buffer: [UInt8] = []
  private var count = 0

  public init(output: OutputFile) throws {
    self.output = output
    buffer.reserveCapacity(1 << 20)
    buffer.append(contentsOf: "{\"grants\":[".utf8)
  }

  public func write(_ grant: Grant) throws {
    buffer.append(contentsOf: count == 0 ? "\n".utf8 : ",\n".utf8)
    writer.write(grant.json, into: &buffer)
    count += 1
    if buffer.count >= 1 << 20 { try flush() }
  }

  /// Writes a grant already written as JSON text (on one line, as ``JSONWriter`` writes it).
  func write(json: [UInt8]) throws {
    buffer.append(contentsOf: count == 0 ? "\n".utf8 : ",\n".utf8)
    buffer.append(contentsOf: json)
    count += 1
    if buffer.count >= 1 << 20 { try flush() }
  }

  /// Ends the grants array, writes the package members after it, and closes the file.
  public func finish(package: JSONObject) throws {
    buffer.append(contentsOf: "\n]".utf8)
    for member in package.members where member.key != "grants" {
      buffer.append(contentsOf: ",\n".utf8)
      JSONWriter.writeString(member.key, into: &buffer)
      buffer.append(UInt8(ascii: ":"))
      writer.write(member.value, into: &buffer)
    }
    buffer.append(contentsOf: "\n}\n".utf8)
    try flush()
    try output.commit()
  }

  private func flush() throws {
    try output.write(buffer)
    buffer.removeAll(keepingCapacity: true)
  }
}
