internal import Foundation

/// The org-id.guide list codes (`GB-CHC`, `GB-COH`, …) plus `360G`, bundled, with the two
/// prefix tests the official tool uses.
///
/// Matching is a plain prefix test without separator (so `GB-CHCX1` counts as `GB-CHC`).
/// Lookups walk a byte trie of the codes, so a test costs at most one step per character of
/// the longest code rather than one comparison per code (non-ASCII ids take a slower path).
public struct OrgIDRegistry: Sendable {
  /// The codes in list order (`360G` last).
  public let codes: [String]
  private let firstIndexByCode: [String: Int]
  private let lowercasedCodes: Set<String>
  private let lengths: [Int]
  private let exact: ByteTrie
  private let folded: ByteTrie
  private let allASCII: Bool

  /// A registry of `codes` (in the order the aggregates should prefer them).
  public init(codes: [String]) {
    self.codes = codes
    var byCode: [String: Int] = [:]
    for (n, code) in codes.enumerated() where byCode[code] == nil { byCode[code] = n }
    firstIndexByCode = byCode
    lowercasedCodes = Set(codes.map { $0.lowercased() })
    lengths = Array(Set(codes.map { $0.unicodeScalars.count })).sorted()
    var exact = ByteTrie()
    var folded = ByteTrie()
    for (n, code) in codes.enumerated() where code.utf8.allSatisfy({ $0 < 128 }) {
      exact.insert(code.utf8, value: n)
      folded.insert(code.lowercased().utf8, value: n)
    }
    self.exact = exact
    self.folded = folded
    allASCII = codes.allSatisfy { $0.utf8.allSatisfy { $0 < 128 } }
  }

  /// The bundled list: every code of `org-id/org-id-download.json` and `360G`.
  public static let standard: OrgIDRegistry = {
    let codes = (try? SchemaBundle.standard.orgIDPrefixes()) ?? []
    return OrgIDRegistry(codes: codes + ["360G"])
  }()

  /// Whether `id` starts, ignoring case, with some code (the `*UnrecognisedPrefix` checks).
  public func isRecognised(_ id: String) -> Bool {
    if allASCII && id.utf8.allSatisfy({ $0 < 128 }) {
      return folded.firstMatch(id.utf8, fold: true) != nil
    }
    let lower = Array(id.lowercased().unicodeScalars)
    for length in lengths where length <= lower.count {
      var prefix = String.UnicodeScalarView()
      prefix.append(contentsOf: lower[..<length])
      if lowercasedCodes.contains(String(prefix)) { return true }
    }
    return false
  }

  /// The first code in list order that `id` starts with, case-sensitively (the aggregates), or `nil`.
  public func code(for id: String) -> String? {
    if allASCII {
      return exact.firstMatch(id.utf8, fold: false).map { codes[$0] }
    }
    let scalars = Array(id.unicodeScalars)
    var best: Int?
    for length in lengths where length <= scalars.count {
      var prefix = String.UnicodeScalarView()
      prefix.append(contentsOf: scalars[..<length])
      if let n = firstIndexByCode[String(prefix)], n < (best ?? Int.max) { best = n }
    }
    return best.map { codes[$0] }
  }
}

/// A trie over ASCII bytes; each node remembers the smallest list index of a code ending there.
struct ByteTrie: Sendable {
  private var children: [[UInt8: Int]] = [[:]]
  private var terminal: [Int?] = [nil]

  mutating func insert(_ bytes: some Sequence<UInt8>, value: Int) {
    var node = 0
    for b in bytes {
      if let next = children[node][b] {
        node = next
      } else {
        children.append([:])
        terminal.append(nil)
        children[node][b] = children.count - 1
        node = children.count - 1
      }
    }
    terminal[node] = min(terminal[node] ?? Int.max, value)
  }

  /// The smallest value among codes that prefix `bytes` (ASCII-lower-cased first when `fold`).
  func firstMatch(_ bytes: some Sequence<UInt8>, fold: Bool) -> Int? {
    var node = 0
    var best: Int?
    for var b in bytes {
      if let t = terminal[node] { best = min(best ?? Int.max, t) }
      if fold && b >= 65 && b <= 90 { b += 32 }
      guard let next = children[node][b] else { return best }
      node = next
    }
    if let t = terminal[node] { best = min(best ?? Int.max, t) }
    return best
  }
}
