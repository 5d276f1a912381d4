internal import Foundation

/// A small reader for the bundled geography CSVs and user-supplied postcode files: UTF-8,
/// comma-separated, optional double quotes, header row. Hands each row's selected columns over.
enum GeoCSV {
  /// Calls `body` with the values of `columns` (by heading) for every data row of `url`.
  /// A missing heading gives `""` in its place unless it is listed in `required`.
  /// - Throws: ``FeedError/unreadable(file:reason:)`` when the file cannot be read or lacks a required heading.
  static func rows(
    _ url: URL, columns: [String], required: Set<String> = [], _ body: ([String]) throws -> Void
  ) throws {
    let data: Data
    do { data = try Data(contentsOf: url, options: .mappedIfSafe) } catch {
      throw FeedError.unreadable(file: url.path, reason: FeedError.describe(error))
    }
    var map: [Int] = []
    var isHeader = true
    var fields: [String] = []
    var field: [UInt8] = []
    var selected = [String](repeating: "", count: columns.count)
    // After the header, only the selected columns are turned into strings.
    var needed: [Bool] = []
    try data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
      let bytes = raw.bindMemory(to: UInt8.self)
      var i = bytes.startIndex
      // Skip a UTF-8 byte order mark.
      if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { i = 3 }
      var inQuotes = false
      func endRow() throws {
        fields.append(String(decoding: field, as: UTF8.self))
        field.removeAll(keepingCapacity: true)
        defer { fields.removeAll(keepingCapacity: true) }
        if fields.count == 1 && fields[0].isEmpty { return }
        if isHeader {
          isHeader = false
          let trimmed = fields.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
          needed = [Bool](repeating: false, count: fields.count)
          for name in columns {
            if let at = trimmed.firstIndex(of: name.lowercased()) {
              map.append(at)
              needed[at] = true
            } else if required.contains(name) {
              throw FeedError.unreadable(file: url.path, reason: "no '\(name)' column")
            } else {
              map.append(-1)
            }
          }
          return
        }
        for (k, at) in map.enumerated() {
          selected[k] = at >= 0 && at < fields.count ? fields[at] : ""
        }
        try body(selected)
      }
      while i < bytes.endIndex {
        let b = bytes[i]
        if inQuotes {
          if b == UInt8(ascii: "\"") {
            if i + 1 < bytes.endIndex && bytes[i + 1] == UInt8(ascii: "\"") {
              field.append(b)
              i += 1
            } else {
              inQuotes = false
            }
          } else {
            field.append(b)
          }
        } else if b == UInt8(ascii: "\"") {
          inQuotes = true
        } else if b == UInt8(ascii: ",") {
          let k = fields.count
          fields.append(isHeader || (k < needed.count && needed[k]) ? String(decoding: field, as: UTF8.self) : "")
          field.removeAll(keepingCapacity: true)
        } else if b == UInt8(ascii: "\n") {
          try endRow()
        } else if b != UInt8(ascii: "\r") {
          field.append(b)
        }
        i += 1
      }
      if !field.isEmpty || !fields.isEmpty { try endRow() }
    }
  }
}
