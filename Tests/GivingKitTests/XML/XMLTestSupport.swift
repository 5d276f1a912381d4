import Foundation
import GivingKit
import GivingTestSupport

/// Helpers shared by the XML form's tests.
enum XMLTestSupport {
  /// A fresh scratch folder for one test.
  static func scratchFolder() throws -> URL {
    let folder = ScratchSpace.root
      .appendingPathComponent("giving-xml-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    return folder
  }

  /// Writes `text` to `name` in `folder` and returns its path.
  static func write(_ text: String, named name: String, in folder: URL) throws -> String {
    try write(Array(text.utf8), named: name, in: folder)
  }

  static func write(_ bytes: [UInt8], named name: String, in folder: URL) throws -> String {
    let url = folder.appendingPathComponent(name)
    try Data(bytes).write(to: url)
    return url.path
  }

  /// Every well-formed JSON package among the real fixtures that has a `grants` member.
  static let realPackages: [URL] = {
    let root = FixturePaths.url("real")
    guard let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil) else {
      return []
    }
    var found: [URL] = []
    for case let url as URL in walker where url.pathExtension.lowercased() == "json" {
      guard let feed = try? GrantFeed(files: [url]), let report = try? feed.read({ _ in }),
        report.hasGrantsMember
      else { continue }
      found.append(url)
    }
    return found.sorted { $0.path < $1.path }
  }()

  /// Whether two values are the same in every detail: same types, number text, member order,
  /// duplicate keys. Returns the first difference's path, or `nil`.
  static func difference(_ a: JSONValue, _ b: JSONValue, at path: String = "") -> String? {
    switch (a, b) {
    case (.null, .null): return nil
    case (.bool(let x), .bool(let y)): return x == y ? nil : path
    case (.number(let x), .number(let y)):
      return x.text == y.text ? nil : "\(path) ('\(x.text)' vs '\(y.text)')"
    case (.string(let x), .string(let y)): return x == y ? nil : "\(path) ('\(x)' vs '\(y)')"
    case (.array(let x), .array(let y)):
      guard x.count == y.count else { return "\(path) (\(x.count) items vs \(y.count))" }
      for (i, (p, q)) in zip(x, y).enumerated() {
        if let d = difference(p, q, at: "\(path)/\(i)") { return d }
      }
      return nil
    case (.object(let x), .object(let y)):
      return difference(x, y, at: path)
    default:
      return "\(path) (\(a.typeName) vs \(b.typeName))"
    }
  }

  static func difference(_ x: JSONObject, _ y: JSONObject, at path: String = "") -> String? {
    guard x.keys == y.keys else { return "\(path) (keys \(x.keys) vs \(y.keys))" }
    for (p, q) in zip(x.members, y.members) {
      if let d = difference(p.value, q.value, at: "\(path)/\(p.key)") { return d }
    }
    return nil
  }

  /// `xmllint`, if installed.
  static let xmllint: String? = ["/usr/bin/xmllint", "/usr/local/bin/xmllint", "/opt/homebrew/bin/xmllint"]
    .first { FileManager.default.isExecutableFile(atPath: $0) }

  static var schema: URL {
    FixturePaths.root.appendingPathComponent("Schemas/360Giving/xml/giving-package.xsd")
  }

  /// Runs `xmllint --noout --schema` on `file`; returns its status and what it printed.
  static func validate(_ file: String) throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: xmllint ?? "/usr/bin/xmllint")
    process.arguments = ["--noout", "--nonet", "--schema", schema.path, file]
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
  }
}
