/// A 128-bit digest of an identifier: two 64-bit hashes of it with different tags.
///
/// Kept instead of the identifier where millions must be remembered (ids seen, distinct
/// recipients): a third of the memory of the strings, and cheap to compare. Two of a million
/// ids share a digest with odds of about 10⁻²⁷. The hashes are seeded per process, so digests
/// are never stored or compared across runs.
struct IDDigest: Hashable, Comparable {
  static func < (a: IDDigest, b: IDDigest) -> Bool { (a.high, a.low) < (b.high, b.low) }

  let low: Int
  let high: Int

  /// A digest given by its two halves (tests).
  init(low: Int, high: Int) {
    self.low = low
    self.high = high
  }

  init(_ id: String) {
    var a = Hasher()
    a.combine(0x5EED_0001 as UInt32)
    a.combine(id)
    var b = Hasher()
    b.combine(0x5EED_0002 as UInt32)
    b.combine(id)
    low = a.finalize()
    high = b.finalize()
  }
}
