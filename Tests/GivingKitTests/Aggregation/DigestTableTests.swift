@testable import GivingKit
import Testing

/// ``DigestTable`` must keep exactly what a `Dictionary` keeps: the first value of every
/// digest, through growth, with digests that collide in their low bits and the all-zero
/// digest it uses internally to mark empty slots.
@Suite struct DigestTableTests {
  @Test func keepsTheFirstValueOfEveryDigestAsADictionaryDoes() {
    var table = DigestTable<Int>(vacant: -1)
    var dictionary: [IDDigest: Int] = [:]
    var generator = SystemRandomNumberGenerator()
    var digests: [IDDigest] = []
    for i in 0..<20_000 {
      // Every fourth digest is one seen before; many are small numbers in their low bits, so
      // that they all want the first slot of their shard.
      let digest: IDDigest
      if i % 4 == 3, let earlier = digests.randomElement(using: &generator) {
        digest = earlier
      } else if i % 4 == 2 {
        digest = IDDigest(low: i, high: Int.random(in: 1...Int.max, using: &generator))
      } else {
        digest = IDDigest("id-\(i)")
      }
      digests.append(digest)
      let expected = dictionary[digest]
      if expected == nil { dictionary[digest] = i }
      #expect(table.firstValue(of: digest, keeping: i) == expected)
    }
    #expect(table.count == dictionary.count)
    for (digest, value) in dictionary { #expect(table[digest] == value) }
    #expect(table[IDDigest("never added")] == nil)
  }

  @Test func theAllZeroDigestIsAnOrdinaryKey() {
    var table = DigestTable<String>(capacity: 4, vacant: "")
    let zero = IDDigest(low: 0, high: 0)
    #expect(table[zero] == nil)
    #expect(table.firstValue(of: zero, keeping: "first") == nil)
    #expect(table.firstValue(of: zero, keeping: "second") == "first")
    #expect(table.firstValue(of: IDDigest(low: 1, high: 0), keeping: "other") == nil)
    #expect(table[zero] == "first")
    #expect(table.count == 2)
  }

  @Test func reservingRoomKeepsWhatIsThere() {
    var table = DigestTable<Int>(vacant: -1)
    for i in 0..<100 { _ = table.firstValue(of: IDDigest("id-\(i)"), keeping: i) }
    table.reserveCapacity(100_000)
    for i in 0..<100 { #expect(table[IDDigest("id-\(i)")] == i) }
    #expect(table.count == 100)
  }
}

/// ``IDDigest`` tells ids apart by their bytes: every length, every byte position, and
/// canonically equivalent spellings (Python compares code points, not normalised text).
@Suite struct IDDigestTests {
  @Test func sameBytesSameDigestAndAnyChangedByteADifferentOne() {
    var seen: [IDDigest: String] = [:]
    for length in 0...40 {
      let id = String((0..<length).map { Character(UnicodeScalar(UInt8(65 + $0 % 26))) })
      #expect(IDDigest(id) == IDDigest(String(id)))
      for position in 0..<max(1, length) {
        var bytes = Array(id.utf8)
        if !bytes.isEmpty { bytes[position] ^= 0x20 }
        let variant = String(decoding: bytes, as: UTF8.self)
        for text in [id, variant] {
          let digest = IDDigest(text)
          if let earlier = seen[digest] { #expect(earlier == text) }
          seen[digest] = text
        }
      }
    }
    #expect(seen.count > 800)
  }

  @Test func canonicallyEquivalentIdsAreDifferentIds() {
    #expect(IDDigest("360G-caf\u{E9}") != IDDigest("360G-cafe\u{301}"))
    #expect(IDDigest("") != IDDigest("\u{0}"))
  }
}

/// ``DistinctDigests`` must count exactly what a `Set` counts, through many merges of new
/// digests into the sorted ones: repeats within the new ones, repeats of sorted ones, and
/// digests that differ only in bits it does not keep.
@Suite struct DistinctDigestsTests {
  @Test(arguments: [0, 1, 4095, 4096, 4097, 50_000, 300_000])
  func countsAsASetDoes(count: Int) {
    var generator = SystemRandomNumberGenerator()
    var distinct = DistinctDigests()
    var set = Set<Int>()
    var added: [Int] = []
    for i in 0..<count {
      // A third new, a third repeats of any earlier one, a third repeats of recent ones.
      let low: Int
      switch i % 3 {
      case 0: low = Int(truncatingIfNeeded: generator.next() as UInt64)
      case 1: low = added.randomElement(using: &generator) ?? i
      default: low = i / 3 % 50
      }
      set.insert(low)
      added.append(low)
      distinct.insert(IDDigest(low: low, high: i))
      if i % 49_999 == 0 { #expect(distinct.distinctCount == set.count, "after \(i + 1)") }
    }
    #expect(distinct.distinctCount == set.count)
  }
}
