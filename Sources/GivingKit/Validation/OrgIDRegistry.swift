internal import Foundation

/// The org-id.guide list codes (`GB-CHC`, `GB-COH`, …) plus `360G`, bundled, with the two
/// prefix tests the official tool uses.
///
/// Matching is a plain prefix test without separator (so `GB-CHCX1` counts as `GB-CHC`).
/// Lookups test the id's prefixes of each code length against a hash set, so a test costs a
/// handful of hash lookups rather than one comparison per code.
public struct OrgIDRegistry: Sendable {
  /// The codes in list order (`360G` last).
  public let codes: [String]
  private let firstIndexByCode: [String: Int]
  private let lowercasedCodes: Set<String>
  private let lengths: [Int]

  /// A registry of `codes` (in the order the aggregates should prefer them).
  public init(codes: [String]) {
    self.codes = codes
    var byCode: [String: Int] = [:]
    for (n, code) in codes.enumerated() where byCode[code] == nil { byCode[code] = n }
    firstIndexByCode = byCode
    lowercasedCodes = Set(codes.map { $0.lowercased() })
    lengths = Array(Set(codes.map { $0.unicodeScalars.count })).sorted()
  }

  /// The bundled list: every code of `org-id/org-id-download.json` and `360G`.
  public static let standard: OrgIDRegistry = {
    let codes = (try? SchemaBundle.standard.orgIDPrefixes()) ?? []
    return OrgIDRegistry(codes: codes + ["360G"])
  }()

  /// Whether `id` starts, ignoring case, with some code (the `*UnrecognisedPrefix` checks).
  public func isRecognised(_ id: String) -> Bool {
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
