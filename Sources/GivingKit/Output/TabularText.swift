public import Foundation

/// A result printed as rows of text cells and notes (`aggregate`, `charities`): as an aligned
/// table, CSV or JSON.
public protocol TabularResult {
  /// The column headings and the rows, as the table and CSV show them.
  var rows: (headings: [String], rows: [[String]]) { get }
  /// What is printed after the rows: what was counted apart, caveats, attributions.
  var notes: [String] { get }
  /// The result in its documented JSON shape.
  var jsonValue: JSONValue { get }
}

extension TabularResult {
  /// The result as an aligned text table followed by the notes.
  public var table: String {
    let (headings, rows) = self.rows
    return TabularText.aligned(headings: headings, rows: rows, notes: notes)
  }

  /// The result as CSV for spreadsheets: UTF-8 with a byte order mark, CRLF line ends, the
  /// notes after a blank row.
  public var csv: String {
    let (headings, rows) = self.rows
    return TabularText.csv(headings: headings, rows: rows, notes: notes)
  }
}

/// Rows of text cells as the commands print them: an aligned table, or CSV for spreadsheets.
enum TabularText {
  /// An aligned text table followed by the notes; columns of numbers are aligned right.
  static func aligned(headings: [String], rows: [[String]], notes: [String]) -> String {
    var widths = headings.map(\.count)
    for row in rows { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) } }
    let numeric = Set(headings.indices.filter { i in
      !rows.isEmpty && rows.allSatisfy { row in row[i].isEmpty || Double(row[i]) != nil }
    })
    func line(_ cells: [String]) -> String {
      var text = cells.enumerated().map { i, c in
        let pad = String(repeating: " ", count: widths[i] - c.count)
        return numeric.contains(i) ? pad + c : c + pad
      }.joined(separator: "  ")
      // No trailing spaces. A plain trim: a regular expression per line is slow when there
      // is a line for each of a million recipients.
      while text.last?.isWhitespace == true { text.removeLast() }
      return text
    }
    var out = line(headings) + "\n"
    out += widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ") + "\n"
    for row in rows { out += line(row) + "\n" }
    for note in notes { out += "\n" + note }
    if !notes.isEmpty { out += "\n" }
    return out
  }

  /// CSV: UTF-8 with a byte order mark, CRLF line ends, the notes after a blank row.
  static func csv(headings: [String], rows: [[String]], notes: [String]) -> String {
    func field(_ s: String) -> String {
      s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
        ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
    }
    var out = "\u{FEFF}" + headings.map(field).joined(separator: ",") + "\r\n"
    for row in rows { out += row.map(field).joined(separator: ",") + "\r\n" }
    if !notes.isEmpty {
      out += "\r\n"
      for note in notes { out += field(note) + "\r\n" }
    }
    return out
  }
}
