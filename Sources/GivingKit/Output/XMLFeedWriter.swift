internal import Foundation

/// Writes grants in giving's XML form (`docs/xml-format.md`), streaming: one pass over the
/// feed, about 1 MB buffered between writes.
///
/// The form is lossless: reading the output back gives the same JSON values, number text,
/// member order, duplicate keys and package members.
enum XMLFeedWriter {
  static func write(_ feed: GrantFeed, to output: OutputFile) throws -> FeedReport {
    var writer = XMLValueWriter()
    writer.out.reserveCapacity(1 << 20 + 4096)
    writer.out.append(contentsOf: "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<package xmlns=\"".utf8)
    writer.out.append(contentsOf: GivingXML.namespace.utf8)
    writer.out.append(contentsOf: "\">\n  <grants>\n".utf8)
    let report = try feed.read { grant in
      writer.writeItem(grant.json, elementName: "grant", level: 2)
      if writer.out.count >= 1 << 20 {
        try output.write(writer.out)
        writer.out.removeAll(keepingCapacity: true)
      }
    }
    writer.out.append(contentsOf: "  </grants>\n".utf8)
    // A package member named `grants` (one that is not the array) goes out as `<field>`.
    writer.writeMembers(report.package.members, level: 1)
    writer.out.append(contentsOf: "</package>\n".utf8)
    try output.write(writer.out)
    return report
  }
}

/// Serialises JSON values as elements of giving's XML form into a byte buffer.
struct XMLValueWriter {
  var out: [UInt8] = []

  /// Writes one array item (or grant) as `<elementName …>value</elementName>`.
  mutating func writeItem(_ value: JSONValue, elementName: String, level: Int) {
    indent(level)
    out.append(UInt8(ascii: "<"))
    out.append(contentsOf: elementName.utf8)
    writeContent(value, closing: elementName, level: level)
  }

  /// Writes the members of an object, each as an element (repeated for a non-empty array).
  mutating func writeMembers(_ members: [JSONObject.Member], level: Int) {
    // The key of the previous member when it was written as repeated elements.
    var previousRun: String?
    for member in members {
      let plain = GivingXML.isPlainName(member.key)
      let name = plain ? member.key : "field"
      if case .array(let items) = member.value, !items.isEmpty, previousRun != member.key {
        for item in items {
          openTag(name, key: member.key, plain: plain, level: level)
          out.append(contentsOf: " array=\"true\"".utf8)
          writeContent(item, closing: name, level: level)
        }
        previousRun = member.key
      } else {
        // Empty arrays, scalars, objects, and a non-empty array that directly follows a run of
        // the same key (a duplicate key), which must not merge with it: the explicit form.
        openTag(name, key: member.key, plain: plain, level: level)
        writeContent(member.value, closing: name, level: level)
        previousRun = nil
      }
    }
  }

  private mutating func openTag(_ name: String, key: String, plain: Bool, level: Int) {
    indent(level)
    out.append(UInt8(ascii: "<"))
    out.append(contentsOf: name.utf8)
    if !plain {
      if Self.needsBase64(key) {
        out.append(contentsOf: " name-encoding=\"base64\" name=\"".utf8)
        out.append(contentsOf: Data(key.utf8).base64EncodedString().utf8)
      } else {
        out.append(contentsOf: " name=\"".utf8)
        escape(key, attribute: true)
      }
      out.append(UInt8(ascii: "\""))
    }
  }

  /// Writes the attributes that give the value's type, the rest of the start tag, the content
  /// and the end tag.
  private mutating func writeContent(_ value: JSONValue, closing name: String, level: Int) {
    switch value {
    case .string(let s):
      if s.isEmpty {
        out.append(contentsOf: "/>\n".utf8)
        return
      }
      if Self.needsBase64(s) {
        out.append(contentsOf: " encoding=\"base64\">".utf8)
        out.append(contentsOf: Data(s.utf8).base64EncodedString().utf8)
      } else {
        out.append(UInt8(ascii: ">"))
        escape(s, attribute: false)
      }
    case .number(let n):
      out.append(contentsOf: " type=\"number\">".utf8)
      out.append(contentsOf: n.text.utf8)
    case .bool(let b):
      out.append(contentsOf: (b ? " type=\"boolean\">true" : " type=\"boolean\">false").utf8)
    case .null:
      out.append(contentsOf: " type=\"null\"/>\n".utf8)
      return
    case .array(let items):
      if items.isEmpty {
        out.append(contentsOf: " type=\"array\"/>\n".utf8)
        return
      }
      out.append(contentsOf: " type=\"array\">\n".utf8)
      for item in items { writeItem(item, elementName: "item", level: level + 1) }
      indent(level)
    case .object(let object):
      if object.isEmpty {
        out.append(contentsOf: " type=\"object\"/>\n".utf8)
        return
      }
      out.append(contentsOf: ">\n".utf8)
      writeMembers(object.members, level: level + 1)
      indent(level)
    }
    out.append(contentsOf: "</".utf8)
    out.append(contentsOf: name.utf8)
    out.append(contentsOf: ">\n".utf8)
  }

  @inline(__always)
  private mutating func indent(_ level: Int) {
    out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: 2 * level))
  }

  /// Whether `s` holds a character XML 1.0 cannot carry: a C0 control other than tab, line
  /// feed and carriage return, or U+FFFE / U+FFFF.
  static func needsBase64(_ s: String) -> Bool {
    var s = s
    return s.withUTF8 { bytes in
      var i = 0
      while i < bytes.count {
        let b = bytes[i]
        if b < 0x20 && b != 0x09 && b != 0x0A && b != 0x0D { return true }
        if b == 0xEF, i + 2 < bytes.count, bytes[i + 1] == 0xBF, bytes[i + 2] >= 0xBE { return true }
        i += 1
      }
      return false
    }
  }

  /// Escapes `& < > "` always, carriage returns always (XML turns them into line feeds), and
  /// tabs and line feeds in attributes (XML turns them into spaces there).
  private mutating func escape(_ s: String, attribute: Bool) {
    var s = s
    s.withUTF8 { bytes in
      var runStart = 0
      for i in 0..<bytes.count {
        let b = bytes[i]
        let replacement: String
        switch b {
        case 0x26: replacement = "&amp;"
        case 0x3C: replacement = "&lt;"
        case 0x3E: replacement = "&gt;"
        case 0x22: replacement = "&quot;"
        case 0x0D: replacement = "&#13;"
        case 0x0A where attribute: replacement = "&#10;"
        case 0x09 where attribute: replacement = "&#9;"
        default: continue
        }
        out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<i]))
        out.append(contentsOf: replacement.utf8)
        runStart = i + 1
      }
      out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart...]))
    }
  }
}
