public import Foundation
internal import OrderedCollections

/// The largest groups of each currency, and the rest added up: all that a chart of the largest
/// funders or recipients needs of a run that may have a group for each of a million recipients.
public struct AggregationRanking: Sendable {
  /// The groups of one currency that are not among its largest, added up.
  public struct Others: Sendable, Hashable {
    /// How many groups they are.
    public var groups: Int
    public var grants: Decimal
    public var total: Decimal
    /// Whether some grant was split into one of them (so sums are rounded to the penny on output).
    public var split: Bool
  }

  /// The run's result with only the largest groups of each currency: currencies in order,
  /// and within one the largest total first (equal totals in the order of their keys' text).
  public var result: AggregationResult
  /// Per currency that has more groups than were kept: the others.
  public var others: [String: Others]
}

extension Aggregator {
  /// The `count` groups of largest total in each currency and the others added up, each
  /// exact to the penny as ``result()`` gives them, without making a group of the result for
  /// every group of the run.
  public func ranking(largest count: Int) -> AggregationRanking {
    // The groups of each currency by index only, and their keys for the candidates alone:
    // a copy of every group's key would cost as much as the groups.
    var byCurrency: [String: [Int]] = [:]
    for (i, id) in groupIDs.enumerated() { byCurrency[id.currency, default: []].append(i) }
    let candidates = byCurrency.mapValues { candidatesForLargest(count, of: $0) }
    var isCandidate = [Bool](repeating: false, count: groupTotals.count)
    for list in candidates.values { for i in list { isCandidate[i] = true } }
    var ids: [Int: GroupID] = [:]
    for i in isCandidate.indices where isCandidate[i] { ids[i] = groupIDs[i] }

    let shares = fastShareTotals()
    var nationPopulation: [Nation: Int64] = [:]
    var kept: [AggregateGroup] = []
    var others: [String: AggregationRanking.Others] = [:]
    for currency in byCurrency.keys.sorted() {
      let members = byCurrency[currency] ?? []
      let largest = (candidates[currency] ?? [])
        .map { (index: $0, total: exactTotal(of: $0).total, key: ids[$0]?.key.map(\.text) ?? []) }
        .sorted { a, b in a.total != b.total ? a.total > b.total : a.key.lexicographicallyPrecedes(b.key) }
        .prefix(max(0, count))
        .map(\.index)
      kept += largest.compactMap { i in
        guard let id = ids[i] else { return nil }
        let detail = keepsDetail ? groupDetails[i] : nil
        let ordered = detail.map { detail -> (Decimal, Decimal, Decimal, Int, Int) in
          let (median, minimum, maximum) = Self.order(detail, split: exactTotal(of: i).split)
          return (median, minimum, maximum, detail.recipients.distinctCount, detail.funders.distinctCount)
        }
        return aggregateGroup(
          i, id: id, shareTotal: shares[shareKey(id)] ?? 0, ordered: ordered, nationPopulation: &nationPopulation)
      }
      guard members.count > largest.count else { continue }
      let chosen = Set(largest)
      let sum = exactSum(of: members.lazy.filter { !chosen.contains($0) })
      others[currency] = AggregationRanking.Others(
        groups: members.count - largest.count, grants: sum.grants, total: sum.total, split: sum.split)
    }
    return AggregationRanking(result: result(groups: renamingClassifications(kept)), others: others)
  }

  /// The groups among `members` that may be of the `count` largest exact totals: picked by an
  /// approximate total, with a margin far wider than its error, so that exact totals are made
  /// for a few groups only.
  private func candidatesForLargest(_ count: Int, of members: [Int]) -> [Int] {
    guard members.count > count && count > 0 else { return members }
    let approximate = members.map(approximateTotal(of:))
    var sorted = approximate
    sorted.sort(by: >)
    let threshold = sorted[count - 1]
    let margin = abs(threshold) * 1e-9 + 0.01
    return zip(members, approximate).filter { $0.1 >= threshold - margin }.map(\.0)
  }

  /// Group `i`'s total as a `Double`.
  private func approximateTotal(of i: Int) -> Double {
    let group = groupTotals[i]
    var total = Double(group.scaledSum) / 10_000
    if group.extra >= 0 {
      let extra = groupExtras[Int(group.extra)]
      total += NSDecimalNumber(decimal: extra.spill).doubleValue + extra.splitTotal
    }
    return total
  }

  /// The exact sum of some groups' grants and totals (each as ``exactTotal(of:)`` gives it),
  /// in integers where they fit.
  func exactSum<S: Sequence<Int>>(of groups: S) -> (grants: Decimal, total: Decimal, split: Bool) {
    var scaled: Int64 = 0
    var whole = 0
    var total = Decimal.zero
    var splitGrants = Decimal.zero
    var split = false
    for i in groups {
      let group = groupTotals[i]
      let (sum, overflow) = scaled.addingReportingOverflow(group.scaledSum)
      if overflow {
        total += Amount.decimal(scaled: scaled)
        scaled = group.scaledSum
      } else {
        scaled = sum
      }
      whole += group.count
      guard group.extra >= 0 else { continue }
      let extra = groupExtras[Int(group.extra)]
      total += extra.spill
      if extra.split {
        split = true
        total += Decimal(extra.splitTotal).rounded(6)
        splitGrants += Decimal(extra.splitGrants).rounded(6)
      }
    }
    return (Decimal(whole) + splitGrants, total + Amount.decimal(scaled: scaled), split)
  }

  /// ``shareTotals()`` by ``exactSum(of:)``.
  func fastShareTotals() -> [String: Decimal] {
    var members: [String: [Int]] = [:]
    for (i, id) in groupIDs.enumerated() { members[shareKey(id), default: []].append(i) }
    return members.mapValues { exactSum(of: $0).total }
  }
}
