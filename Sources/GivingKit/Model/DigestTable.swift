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
///
/// A slot keeps 64 of the digest's 128 bits (its `low` half) beside its value, in 32-bit
/// words, so that a slot of aggregation's ids (a 32-bit value) takes 12 bytes (measured: at 32
/// bytes the table was 52 of the 98 MB aggregating 1M grants needed at its peak; at 20 bytes,
/// 32 of 87). Two ids whose digests agree in those 64 bits would be taken as one: for a million
/// ids, odds of about one in 37 million (the keys are drawn afresh every run, so such a
/// coincidence is never repeated). ``DistinctDigests`` keeps the same 64 bits.
struct DigestTable<Value: Sendable>: Sendable {
  /// A digest's 64 kept bits and its value side by side, so that a lookup touches one cache
  /// line.
  private struct Slot: Sendable {
    var key: Key
    var value: Value
    /// All-zero bits mark an empty slot; a digest whose kept bits are all zero is kept in
    /// `zeroValue`.
    var isEmpty: Bool { key.isZero }
  }

  /// The bits of a digest the table keeps, in 32-bit words (so that a slot packs tightly).
  private struct Key: Equatable, Sendable {
    var low0: UInt32
    var low1: UInt32

    static var zero: Key { Key(low0: 0, low1: 0) }

    init(low0: UInt32, low1: UInt32) {
      self.low0 = low0
      self.low1 = low1
    }

    init(_ digest: IDDigest) {
      let low = UInt64(UInt(bitPattern: digest.low))
      self.init(low0: UInt32(truncatingIfNeeded: low), low1: UInt32(truncatingIfNeeded: low >> 32))
    }

    /// The digest's low 64 bits, which pick its slot.
    var low: UInt64 { UInt64(low1) << 32 | UInt64(low0) }
    var isZero: Bool { self == .zero }
  }

  /// One shard: an open-addressing table at most four fifths full (at three quarters, the
  /// table of aggregating 1M grants took 2 MB more for no measurable speed). Its size need not
  /// be a power of two (a slot is picked by the high half of `low × size`), so it grows by half
  /// and is reserved to size: at a million ids, power-of-two sizes left the table half empty.
  private struct Shard: Sendable {
    var slots: [Slot]
    var count = 0
    let vacant: Slot

    init(capacity: Int, vacant: Value) {
      self.vacant = Slot(key: .zero, value: vacant)
      slots = Array(repeating: self.vacant, count: Self.size(for: capacity))
    }

    static func size(for capacity: Int) -> Int { max(8, capacity + capacity / 4 + 1) }

    @inline(__always)
    static func home(of key: Key, size: Int) -> Int {
      Int(truncatingIfNeeded: key.low.multipliedFullWidth(by: UInt64(size)).high)
    }

    func value(of key: Key) -> Value? {
      slots.withUnsafeBufferPointer { slots in
        var i = Self.home(of: key, size: slots.count)
        while true {
          if slots[i].key == key { return slots[i].value }
          if slots[i].isEmpty { return nil }
          i += 1
          if i == slots.count { i = 0 }
        }
      }
    }

    mutating func firstValue(of key: Key, keeping value: Value) -> Value? {
      if count + 1 > slots.count / 5 * 4 { rehash(into: slots.count + slots.count / 2) }
      let found: Value? = slots.withUnsafeMutableBufferPointer { slots in
        var i = Self.home(of: key, size: slots.count)
        while true {
          if slots[i].key == key { return slots[i].value }
          if slots[i].isEmpty {
            slots[i] = Slot(key: key, value: value)
            return nil
          }
          i += 1
          if i == slots.count { i = 0 }
        }
      }
      if found == nil { count += 1 }
      return found
    }

    mutating func updateValues(_ body: (inout Value) -> Void) {
      for i in slots.indices where !slots[i].isEmpty { body(&slots[i].value) }
    }

    mutating func reserveCapacity(_ capacity: Int) {
      guard Self.size(for: capacity) > slots.count else { return }
      rehash(into: Self.size(for: capacity))
    }

    private mutating func rehash(into size: Int) {
      let old = slots
      slots = Array(repeating: vacant, count: size)
      for slot in old where !slot.isEmpty {
        var i = Self.home(of: slot.key, size: size)
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

  /// An empty table with room for `capacity` digests before it grows; `vacant` fills its
  /// empty slots (any value: it is never handed out).
  init(capacity: Int = 0, vacant: Value) {
    let perShard = Self.perShard(capacity)
    shards = (0..<(1 << Self.shardBits)).map { _ in Shard(capacity: perShard, vacant: vacant) }
  }

  /// A shard's share of `capacity`, with room for the unevenness of a hash's spread.
  private static func perShard(_ capacity: Int) -> Int {
    let share = capacity >> shardBits
    return share + share / 32
  }

  private static func shard(of digest: IDDigest) -> Int {
    Int(UInt(bitPattern: digest.high) >> (UInt.bitWidth - shardBits))
  }

  /// Makes room for `capacity` digests in all.
  mutating func reserveCapacity(_ capacity: Int) {
    let perShard = Self.perShard(capacity)
    for i in shards.indices { shards[i].reserveCapacity(perShard) }
  }

  /// Changes the value of every digest in the table (in no particular order).
  mutating func updateValues(_ body: (inout Value) -> Void) {
    if zeroValue != nil { body(&zeroValue!) }
    for i in shards.indices { shards[i].updateValues(body) }
  }

  /// The value of `digest`, if it is in the table.
  subscript(digest: IDDigest) -> Value? {
    let key = Key(digest)
    if key.isZero { return zeroValue }
    return shards[Self.shard(of: digest)].value(of: key)
  }

  /// The value already kept for `digest`, or `nil` after keeping `value` for it.
  mutating func firstValue(of digest: IDDigest, keeping value: Value) -> Value? {
    let key = Key(digest)
    if key.isZero {
      if let kept = zeroValue { return kept }
      zeroValue = value
      count += 1
      return nil
    }
    guard let found = shards[Self.shard(of: digest)].firstValue(of: key, keeping: value) else {
      count += 1
      return nil
    }
    return found
  }
}
