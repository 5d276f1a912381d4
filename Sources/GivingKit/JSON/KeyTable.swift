internal import Foundation

/// A small table from object keys to values, for the fixed key sets that every member of every
/// grant is looked up in: a schema node's `properties`, the tree of fields the schema knows,
/// the tree of codelist paths.
///
/// Written because `Dictionary<String, _>` hashes each key with seeded SipHash: measured at 10%
/// of validating 100k grants of JSON, on the reading thread. Here a key is hashed with a cheap
/// multiply-mix over its UTF-8 bytes, eight at a time, and compared by its bytes
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

  /// A multiply-mix hash of the key's UTF-8 bytes, read eight at a time.
  @inline(__always)
  static func hash(_ key: String) -> Int {
    let hashed = key.utf8.withContiguousStorageIfAvailable(hash(bytes:))
      ?? Array(key.utf8).withUnsafeBufferPointer(hash(bytes:))
    return Int(truncatingIfNeeded: hashed)
  }

  @inline(__always)
  private static func hash(bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
    func mix(_ h: UInt64, _ word: UInt64) -> UInt64 {
      let m = (h ^ word) &* 0x9E37_79B9_7F4A_7C15
      return m ^ (m >> 29)
    }
    var h = UInt64(bytes.count) &* 0xFF51_AFD7_ED55_8CCD
    guard let base = bytes.baseAddress else { return h }
    var i = 0
    while i + 8 <= bytes.count {
      h = mix(h, UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self))
      i += 8
    }
    if i < bytes.count {
      var word: UInt64 = 0
      var shift: UInt64 = 0
      while i < bytes.count {
        word |= UInt64(bytes[i]) << shift
        shift += 8
        i += 1
      }
      h = mix(h, word)
    }
    return h
  }
}

extension KeyTable: Sendable where Value: Sendable {}
