import Foundation
import GivingTestSupport

/// Makes the hostile files of ``ReleaseHostileInputTests``: each a real file of its format,
/// made the way a careless or malicious publisher could make it.
enum HostileFiles {
  static let header =
    "Identifier,Title,Description,Currency,Amount Awarded,Award Date,Recipient Org:Identifier,"
    + "Recipient Org:Name,Funding Org:Identifier,Funding Org:Name\n"
  static let row = "360G-a,Title,Description,GBP,10,2020-01-01,GB-CHC-1,Recipient,GB-CHC-2,Funder\n"
  static let xmlOpen = #"<package xmlns="https://giving.example/360giving-xml/1">"#

  /// A new folder for one case's files.
  static func folder() throws -> URL {
    let url = ScratchSpace.root.appendingPathComponent("hostile-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }

  static func write(_ bytes: [UInt8], _ name: String, in folder: URL) throws -> URL {
    let url = folder.appendingPathComponent(name)
    try Data(bytes).write(to: url)
    return url
  }

  static func write(_ text: String, _ name: String, in folder: URL) throws -> URL {
    try write(Array(text.utf8), name, in: folder)
  }

  /// A file of `prefix`, then `count` bytes of `filler` (written 8 MB at a time), then `suffix`.
  static func large(
    _ name: String, in folder: URL, prefix: String, filler: UInt8, count: Int, suffix: String = ""
  ) throws -> URL {
    let url = folder.appendingPathComponent(name)
    _ = FileManager.default.createFile(atPath: url.path, contents: nil)
    let handle = try FileHandle(forWritingTo: url)
    defer { try? handle.close() }
    try handle.write(contentsOf: Data(prefix.utf8))
    let chunk = Data(repeating: filler, count: 8 << 20)
    var left = count
    while left > 0 {
      let part = min(left, chunk.count)
      try handle.write(contentsOf: part == chunk.count ? chunk : chunk.prefix(part))
      left -= part
    }
    try handle.write(contentsOf: Data(suffix.utf8))
    return url
  }

  /// The first `fraction` of `url`'s bytes, as a new file `name`: a download cut short.
  static func truncated(_ url: URL, to fraction: Double, as name: String, in folder: URL) throws -> URL {
    let bytes = [UInt8](try Data(contentsOf: url))
    return try write(Array(bytes.prefix(Int(Double(bytes.count) * fraction))), name, in: folder)
  }

  /// Nine levels of entities, each ten of the one below: a billion `lol`s if expanded.
  static var billionLaughs: String {
    var entities = #"<!ENTITY lol0 "lol">"#
    for level in 1...9 {
      entities += "\n<!ENTITY lol\(level) \"" + String(repeating: "&lol\(level - 1);", count: 10) + "\">"
    }
    return entities
  }
}
