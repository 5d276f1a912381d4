internal import Foundation

/// A small table from object keys to values, for the fixed key sets that every member of every
/// grant is looked up in: a schema node's `properties`, the tree of fields the schema knows,
/// the tree of codelist paths.
///
/// Written because `Dictionary<String, _>` hashes each key with seeded SipHash: measured at 10%
/// of validating 100k grants of JSON, on the reading thread. Here a key is hashed with a cheap
/// multiply-mix of its length and its first and last eight UTF-8 bytes, and compared by its bytes
/// (``Swift/String/isSameKey(as:)``), as Python compares keys. The keys come from the bundled
/// schema, never from input, so a cheap hash cannot be flooded; an input key only probes.
struct KeyTable<Value>: Sequence {
  private var keys: [String] = []
  private var values: [Value] = []
  /// Index + 1 into `keys`, 0 for an empty slot; open addressing with linear probing.
  private var slots: [Int32] = Array(repeating: 0, count: 8)

  init() {}

  var count: Int { keys.count }
  var isEmpty: Bool { keys.isEmpty }

  subscript(key: String) -> Value? {
    get {
      guard !keys.isEmpty, let position = slot(of: key).found else { return nil }
      return values[position]
    }
    set {
      let (found, free) = slot(of: key)
      if let found {
        // Removal is never needed by the users of this table: setting `nil` keeps the entry.
        if let newValue { values[found] = newValue }
        return
      }
      guard let newValue else { return }
      keys.append(key)
      values.append(newValue)
      slots[free] = Int32(keys.count)
      if keys.count * 4 > slots.count * 3 { grow() }
    }
  }

  func makeIterator() -> Zip2Sequence<[String], [Value]>.Iterator {
    zip(keys, values).makeIterator()
  }

  /// Where `key` is (its index in `keys`), or the free slot where it would go.
  private func slot(of key: String) -> (found: Int?, free: Int) {
    let mask = slots.count - 1
    var i = Self.hash(key) & mask
    while true {
      let entry = Int(slots[i])
      if entry == 0 { return (nil, i) }
      if keys[entry - 1].isSameKey(as: key) { return (entry - 1, i) }
      i = (i + 1) & mask
    }
  }

  private mutating func grow() {
    slots = Array(repeating: 0, count: slots.count * 2)
    let mask = slots.count - 1
    for (n, key) in keys.enumerated() {
      var i = Self.hash(key) & mask
      while slots[i] != 0 { i = (i + 1) & mask }
      slots[i] = Int32(n + 1)
    }
  }

  /// A multiply-mix hash of the key's length and its first and last eight UTF-8 bytes: enough
  /// to tell the schema's keys apart, and two loads whatever the length.
  @inline(__always)
  static func hash(_ key: String) -> Int {
    let hashed = key.utf8.withContiguousStorageIfAvailable(hash(bytes:))
      ?? Array(key.utf8).withUnsafeBufferPointer(hash(bytes:))
    return Int(truncatingIfNeeded: hashed)
  }

  @inline(__always)
  static func hash(bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
    func mix(_ h: UInt64, _ word: UInt64) -> UInt64 {
      let m = (h ^ word) &* 0x9E37_79B9_7F4A_7C15
      return m ^ (m >> 29)
    }
    let count = bytes.count
    let h = UInt64(count) &* 0xFF51_AFD7_ED55_8CCD
    guard let base = bytes.baseAddress.map(UnsafeRawPointer.init) else { return h }
    if count >= 8 {
      return mix(mix(h, base.loadUnaligned(as: UInt64.self)), base.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self))
    }
    if count >= 4 {
      let first = UInt64(base.loadUnaligned(as: UInt32.self))
      let last = UInt64(base.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self))
      return mix(h, first | last << 32)
    }
    var word: UInt64 = 0
    for i in 0..<count { word |= UInt64(bytes[i]) << UInt64(8 * i) }
    return mix(h, word)
  }
}

extension KeyTable: Sendable where Value: Sendable {}
