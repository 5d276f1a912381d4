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
    let ascii = codes.enumerated().filter { $0.element.utf8.allSatisfy { $0 < 128 } }
    exact = ByteTrie(ascii.map { (Array($0.element.utf8), $0.offset) })
    folded = ByteTrie(ascii.map { (Array($0.element.lowercased().utf8), $0.offset) })
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
///
/// Each node keeps a 128-bit map of the bytes it has children for, and its children side by
/// side in one list: the child for a byte is found by counting the map's bits below it. (A
/// dictionary per node, hashing every byte with SipHash, made the three prefix checks' lookups
/// 1% of validating 100k grants.)
struct ByteTrie: Sendable {
  private struct Node: Sendable {
    /// Bit `b` of the 128: whether the node has a child for byte `b`.
    var low: UInt64 = 0
    var high: UInt64 = 0
    /// Where the node's children start in `children`, in byte order.
    var firstChild: Int32 = 0
    /// The smallest value of a code ending here, or -1.
    var terminal: Int32 = -1
  }

  private let nodes: [Node]
  private let children: [Int32]

  /// A trie of `codes` (ASCII bytes) and their values; a code given twice keeps its smallest value.
  init(_ codes: [(bytes: [UInt8], value: Int)]) {
    // Built as a tree of dictionaries, then laid out node by node.
    var next: [[UInt8: Int]] = [[:]]
    var terminal: [Int?] = [nil]
    for (bytes, value) in codes {
      var node = 0
      for b in bytes {
        precondition(b < 128, "ByteTrie holds ASCII codes")
        if let child = next[node][b] {
          node = child
        } else {
          next.append([:])
          terminal.append(nil)
          next[node][b] = next.count - 1
          node = next.count - 1
        }
      }
      terminal[node] = min(terminal[node] ?? Int.max, value)
    }
    var nodes = [Node](repeating: Node(), count: next.count)
    var children: [Int32] = []
    for (n, edges) in next.enumerated() {
      nodes[n].firstChild = Int32(children.count)
      nodes[n].terminal = terminal[n].map(Int32.init) ?? -1
      for (b, child) in edges.sorted(by: { $0.key < $1.key }) {
        if b < 64 { nodes[n].low |= 1 << UInt64(b) } else { nodes[n].high |= 1 << UInt64(b - 64) }
        children.append(Int32(child))
      }
    }
    self.nodes = nodes
    self.children = children
  }

  /// The smallest value among codes that prefix `bytes` (ASCII-lower-cased first when `fold`).
  func firstMatch(_ bytes: some Sequence<UInt8>, fold: Bool) -> Int? {
    nodes.withUnsafeBufferPointer { nodes in
      children.withUnsafeBufferPointer { children in
        var node = nodes[0]
        var best = Int32.max
        // Every node reached may end a code; the walk stops where no code goes on (the node
        // it stops at is looked at once more after the loop, which changes nothing).
        for var b in bytes {
          if node.terminal >= 0 { best = min(best, node.terminal) }
          if fold && b >= 65 && b <= 90 { b += 32 }
          guard b < 128 else { break }
          let (map, bit, below) =
            b < 64 ? (node.low, UInt64(1) << UInt64(b), 0) : (node.high, UInt64(1) << UInt64(b - 64), node.low.nonzeroBitCount)
          guard map & bit != 0 else { break }
          node = nodes[Int(children[Int(node.firstChild) + below + (map & (bit - 1)).nonzeroBitCount])]
        }
        if node.terminal >= 0 { best = min(best, node.terminal) }
        return best == .max ? nil : Int(best)
      }
    }
  }
}
