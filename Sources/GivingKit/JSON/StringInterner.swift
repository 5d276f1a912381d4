/// One `String` per distinct run of bytes: the parser hands out the same string for every
/// occurrence of a long object key instead of making a new one each time.
///
/// Written because a key of sixteen bytes or more (`recipientOrganization`,
/// `beneficiaryLocation`, …) does not fit a small string: making one meant a heap allocation
/// and freeing it later, several times a grant, where grants repeat the same few dozen keys.
/// At most ``limit`` strings are kept, so that input with millions of distinct keys costs no
/// more memory than that.
struct StringInterner {
  /// The most strings kept.
  static let limit = 4096

  /// Open addressing with linear probing, at most half full.
  private var slots: [String?] = Array(repeating: nil, count: 64)
  private var count = 0

  /// The string of `bytes` (UTF-8): the one kept for them, else a new one (kept while there is
  /// room).
  mutating func string(for bytes: UnsafeBufferPointer<UInt8>) -> String {
    let mask = slots.count - 1
    var i = Int(truncatingIfNeeded: KeyTable<Void>.hash(bytes: bytes)) & mask
    while let kept = slots[i] {
      if Self.holds(kept, bytes) { return kept }
      i = (i + 1) & mask
    }
    let string = String(decoding: bytes, as: UTF8.self)
    guard count < Self.limit else { return string }
    slots[i] = string
    count += 1
    if count * 2 > slots.count { grow() }
    return string
  }

  private static func holds(_ string: String, _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    string.utf8.count == bytes.count
      && string.utf8.withContiguousStorageIfAvailable { $0.elementsEqual(bytes) } ?? string.utf8.elementsEqual(bytes)
  }

  private mutating func grow() {
    let old = slots
    slots = Array(repeating: nil, count: old.count * 2)
    let mask = slots.count - 1
    for case let string? in old {
      var copy = string
      var i = copy.withUTF8 { Int(truncatingIfNeeded: KeyTable<Void>.hash(bytes: $0)) } & mask
      while slots[i] != nil { i = (i + 1) & mask }
      slots[i] = string
    }
  }
}
