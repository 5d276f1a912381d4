/// A table from ``IDDigest``s to small values, for the millions of identifiers aggregation
/// and validation remember (which ids were counted and their first amount; where each id
/// was first seen).
///
/// Written because a digest is already a good hash: its low bits pick the slot (open
/// addressing, linear probing), where `Dictionary` hashes all 128 bits again with SipHash.
/// Measured on 1M grants, `aggregate --by funder`: the dictionary's hashing and probing were
/// 7% of all CPU time, on the thread every grant passes through.
///
/// The slots are split into 64 shards by the digest's high bits, each grown on its own: a
/// single table that doubles holds its old and new slots at once, which was the peak of
/// validating 1M grants (96 MB of 214 MB, heaptrack); a shard's growth holds 1/64 of that.
struct DigestTable<Value: Sendable>: Sendable {
  /// A digest and its value side by side, so that a lookup touches one cache line.
  private struct Slot: Sendable {
    var high = 0
    var low = 0
    var value: Value?
    /// (0, 0) marks an empty slot; a digest that really is (0, 0) is kept in `zeroValue`.
    var isEmpty: Bool { high == 0 && low == 0 }
  }

  /// One shard: an open-addressing table at most three quarters full. Its size need not be a
  /// power of two (a slot is picked by the high half of `low × size`), so it grows by half
  /// and is reserved to size: at a million ids, power-of-two sizes left the table half empty.
  private struct Shard: Sendable {
    var slots: [Slot]
    var count = 0

    init(capacity: Int) {
      slots = Array(repeating: Slot(), count: Self.size(for: capacity))
    }

    static func size(for capacity: Int) -> Int { max(8, capacity + capacity / 3 + 1) }

    @inline(__always)
    static func home(of digest: IDDigest, size: Int) -> Int {
      Int(truncatingIfNeeded: UInt64(UInt(bitPattern: digest.low)).multipliedFullWidth(by: UInt64(size)).high)
    }

    func value(of digest: IDDigest) -> Value?? {
      slots.withUnsafeBufferPointer { slots in
        var i = Self.home(of: digest, size: slots.count)
        while true {
          if slots[i].high == digest.high && slots[i].low == digest.low { return .some(slots[i].value) }
          if slots[i].isEmpty { return .none }
          i += 1
          if i == slots.count { i = 0 }
        }
      }
    }

    mutating func firstValue(of digest: IDDigest, keeping value: Value) -> Value?? {
      if count + 1 > slots.count / 4 * 3 { rehash(into: slots.count + slots.count / 2) }
      let found: Value?? = slots.withUnsafeMutableBufferPointer { slots in
        var i = Self.home(of: digest, size: slots.count)
        while true {
          if slots[i].high == digest.high && slots[i].low == digest.low { return .some(slots[i].value) }
          if slots[i].isEmpty {
            slots[i] = Slot(high: digest.high, low: digest.low, value: value)
            return .none
          }
          i += 1
          if i == slots.count { i = 0 }
        }
      }
      if found == nil { count += 1 }
      return found
    }

    mutating func reserveCapacity(_ capacity: Int) {
      guard Self.size(for: capacity) > slots.count else { return }
      rehash(into: Self.size(for: capacity))
    }

    private mutating func rehash(into size: Int) {
      let old = slots
      slots = Array(repeating: Slot(), count: size)
      for slot in old where !slot.isEmpty {
        var i = Self.home(of: IDDigest(low: slot.low, high: slot.high), size: size)
        while !slots[i].isEmpty {
          i += 1
          if i == size { i = 0 }
        }
        slots[i] = slot
      }
    }
  }

  private static var shardBits: Int { 6 }
  private var shards: [Shard]
  private var zeroValue: Value?
  private(set) var count = 0

  /// An empty table with room for `capacity` digests before it grows.
  init(capacity: Int = 0) {
    let perShard = Self.perShard(capacity)
    shards = (0..<(1 << Self.shardBits)).map { _ in Shard(capacity: perShard) }
  }

  /// A shard's share of `capacity`, with room for the unevenness of a hash's spread.
  private static func perShard(_ capacity: Int) -> Int {
    let share = capacity >> shardBits
    return share + share / 16
  }

  private static func shard(of digest: IDDigest) -> Int {
    Int(UInt(bitPattern: digest.high) >> (UInt.bitWidth - shardBits))
  }

  /// Makes room for `capacity` digests in all.
  mutating func reserveCapacity(_ capacity: Int) {
    let perShard = Self.perShard(capacity)
    for i in shards.indices { shards[i].reserveCapacity(perShard) }
  }

  /// The value of `digest`, if it is in the table.
  subscript(digest: IDDigest) -> Value? {
    if digest.high == 0 && digest.low == 0 { return zeroValue }
    return shards[Self.shard(of: digest)].value(of: digest) ?? nil
  }

  /// The value already kept for `digest`, or `nil` after keeping `value` for it.
  mutating func firstValue(of digest: IDDigest, keeping value: Value) -> Value? {
    if digest.high == 0 && digest.low == 0 {
      if let kept = zeroValue { return kept }
      zeroValue = value
      count += 1
      return nil
    }
    guard let found = shards[Self.shard(of: digest)].firstValue(of: digest, keeping: value) else {
      count += 1
      return nil
    }
    return found
  }
}
