import Foundation
import GivingTestSupport
@testable import GivingKit

/// Builds small workbooks for the tests through ``ZipWriter`` (so the hostile ones are real zips).
enum TestWorkbooks {
  static let mainNS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
  static let relNS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

  /// A fresh path in a temporary folder that the caller removes.
  static func temporaryPath(_ name: String) -> URL {
    let folder = ScratchSpace.root.appendingPathComponent("giving-tests-\(UUID().uuidString)")
    try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    return folder.appendingPathComponent(name)
  }

  static func remove(_ url: URL) {
    try? FileManager.default.removeItem(at: url.deletingLastPathComponent())
  }

  /// A zip with `entries` (path, bytes) in order, then `files` (path, file streamed in).
  static func zip(_ name: String, _ entries: [(String, [UInt8])], files: [(String, URL)] = []) throws -> URL {
    let url = temporaryPath(name)
    let writer = try ZipWriter(url: url)
    for (path, bytes) in entries { try writer.add(path, bytes: bytes) }
    for (path, file) in files { try writer.add(path, file: file) }
    return url
  }

  /// An XLSX whose one sheet `grants` has `sheetData` (the inside of `<sheetData>`).
  static func xlsx(
    sheetData: String, sharedStrings: [String]? = nil, stylesXML: String? = nil, date1904: Bool = false,
    sheetXML: String? = nil, leaveOut: Set<String> = [], extra: [(String, [UInt8])] = [],
    extraFiles: [(String, URL)] = []
  ) throws -> URL {
    var entries: [(String, [UInt8])] = []
    func add(_ path: String, _ text: String) {
      if !leaveOut.contains(path) { entries.append((path, Array(text.utf8))) }
    }
    add(
      "[Content_Types].xml",
      """
      <?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>
      """)
    add(
      "_rels/.rels",
      """
      <?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="\(relNS)/officeDocument" Target="xl/workbook.xml"/></Relationships>
      """)
    add(
      "xl/workbook.xml",
      """
      <?xml version="1.0" encoding="UTF-8"?><workbook xmlns="\(mainNS)" xmlns:r="\(relNS)"><workbookPr date1904="\(date1904 ? "1" : "0")"/><sheets><sheet name="grants" sheetId="1" r:id="rId1"/></sheets></workbook>
      """)
    add(
      "xl/_rels/workbook.xml.rels",
      """
      <?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="\(relNS)/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="\(relNS)/sharedStrings" Target="sharedStrings.xml"/><Relationship Id="rId3" Type="\(relNS)/styles" Target="/xl/styles.xml"/></Relationships>
      """)
    if let sharedStrings {
      add(
        "xl/sharedStrings.xml",
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><sst xmlns=\"\(mainNS)\">" + sharedStrings.joined() + "</sst>")
    }
    if let stylesXML {
      add("xl/styles.xml", "<?xml version=\"1.0\" encoding=\"UTF-8\"?><styleSheet xmlns=\"\(mainNS)\">\(stylesXML)</styleSheet>")
    }
    add(
      "xl/worksheets/sheet1.xml",
      sheetXML
        ?? "<?xml version=\"1.0\" encoding=\"UTF-8\"?><worksheet xmlns=\"\(mainNS)\"><sheetData>\(sheetData)</sheetData></worksheet>"
    )
    return try zip("test.xlsx", entries + extra, files: extraFiles)
  }

  /// An ODS whose `office:spreadsheet` holds `tables`.
  static func ods(tables: String) throws -> URL {
    let content = """
      <?xml version="1.0" encoding="UTF-8"?>
      <office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body><office:spreadsheet>\(tables)</office:spreadsheet></office:body></office:document-content>
      """
    return try zip(
      "test.ods",
      [
        ("mimetype", Array("application/vnd.oasis.opendocument.spreadsheet".utf8)),
        ("content.xml", Array(content.utf8)),
      ])
  }

  /// Every row of every sheet, as (sheet name, row).
  static func rows(_ workbook: any Workbook) throws -> [(String, SheetRow)] {
    var result: [(String, SheetRow)] = []
    for (i, name) in workbook.sheetNames.enumerated() {
      try workbook.readRows(sheet: i) { result.append((name, $0)) }
    }
    return result
  }

  static func open(_ url: URL) throws -> any Workbook {
    url.pathExtension.lowercased() == "ods" ? try ODSWorkbook(url: url) : try XLSXWorkbook(url: url)
  }

  /// Replaces every little-endian UInt32 size field of entry `path` (local header and central
  /// directory) with `size`: a zip that lies about how large the entry inflates.
  static func declare(_ size: UInt32, for path: String, in url: URL) throws {
    var bytes = [UInt8](try Data(contentsOf: url))
    let name = Array(path.utf8)
    var i = 0
    while i + name.count <= bytes.count {
      if Array(bytes[i..<(i + name.count)]) == name {
        // Local header: name at 30, size at 22. Central directory: name at 46, size at 24.
        let sig = { (at: Int) -> UInt32 in
          at < 0 ? 0 : UInt32(bytes[at]) | UInt32(bytes[at + 1]) << 8 | UInt32(bytes[at + 2]) << 16 | UInt32(bytes[at + 3]) << 24
        }
        var field: Int?
        if sig(i - 30) == 0x0403_4B50 { field = i - 30 + 22 }
        if sig(i - 46) == 0x0201_4B50 { field = i - 46 + 24 }
        if let field {
          for k in 0..<4 { bytes[field + k] = UInt8((size >> (8 * UInt32(k))) & 0xFF) }
        }
      }
      i += 1
    }
    try Data(bytes).write(to: url)
  }
}
