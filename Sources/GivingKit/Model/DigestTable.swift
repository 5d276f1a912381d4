/// A table from ``IDDigest``s to small values, for the millions of identifiers aggregation
/// remembers (which ids were counted, and their first amount).
///
/// Written because a digest is already a good hash: its low bits pick the slot (open
/// addressing, linear probing), where `Dictionary` hashes all 128 bits again with SipHash.
/// Measured on 1M grants, `aggregate --by funder`: the dictionary's hashing and probing were
/// 7% of all CPU time, on the thread every grant passes through.
struct DigestTable<Value: Sendable>: Sendable {
  /// `high` and `low` of each slot's digest; (0, 0) marks an empty slot (a digest that is
  /// really (0, 0) is kept aside in `zeroValue`).
  private var highs: [Int]
  private var lows: [Int]
  private var values: [Value?]
  private var zeroValue: Value?
  private var mask: Int
  private(set) var count = 0

  /// An empty table with room for `capacity` digests before it grows.
  init(capacity: Int = 0) {
    let slots = Self.slots(for: capacity)
    highs = Array(repeating: 0, count: slots)
    lows = Array(repeating: 0, count: slots)
    values = Array(repeating: nil, count: slots)
    mask = slots - 1
  }

  /// At most three quarters of the slots are used.
  private static func slots(for capacity: Int) -> Int {
    var slots = 16
    while slots / 4 * 3 < capacity { slots *= 2 }
    return slots
  }

  /// Makes room for `capacity` digests in all.
  mutating func reserveCapacity(_ capacity: Int) {
    guard Self.slots(for: capacity) > highs.count else { return }
    rehash(into: Self.slots(for: capacity))
  }

  /// The value of `digest`, if it is in the table.
  subscript(digest: IDDigest) -> Value? {
    if digest.high == 0 && digest.low == 0 { return zeroValue }
    var slot = digest.low & mask
    while true {
      if highs[slot] == digest.high && lows[slot] == digest.low { return values[slot] }
      if highs[slot] == 0 && lows[slot] == 0 { return nil }
      slot = (slot + 1) & mask
    }
  }

  /// The value already kept for `digest`, or `nil` after keeping `value` for it.
  mutating func firstValue(of digest: IDDigest, keeping value: Value) -> Value? {
    if digest.high == 0 && digest.low == 0 {
      if let kept = zeroValue { return kept }
      zeroValue = value
      count += 1
      return nil
    }
    if (count + 1) > highs.count / 4 * 3 { rehash(into: highs.count * 2) }
    var slot = digest.low & mask
    while true {
      if highs[slot] == digest.high && lows[slot] == digest.low { return values[slot] }
      if highs[slot] == 0 && lows[slot] == 0 {
        highs[slot] = digest.high
        lows[slot] = digest.low
        values[slot] = value
        count += 1
        return nil
      }
      slot = (slot + 1) & mask
    }
  }

  private mutating func rehash(into slots: Int) {
    let old = (highs, lows, values)
    highs = Array(repeating: 0, count: slots)
    lows = Array(repeating: 0, count: slots)
    values = Array(repeating: nil, count: slots)
    mask = slots - 1
    for i in old.0.indices where old.0[i] != 0 || old.1[i] != 0 {
      var slot = old.1[i] & mask
      while highs[slot] != 0 || lows[slot] != 0 { slot = (slot + 1) & mask }
      highs[slot] = old.0[i]
      lows[slot] = old.1[i]
      values[slot] = old.2[i]
    }
  }
}
