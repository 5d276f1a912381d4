@testable import GivingKit
import Testing

/// ``RadixSort`` must order exactly as the standard library's sort does: random keys, keys
/// that share most bytes, repeats, the extremes, negative numbers and fractions.
@Suite struct RadixSortTests {
  @Test(arguments: [0, 1, 255, 256, 257, 5_000, 100_000])
  func sortsUnsignedKeysAsSortDoes(count: Int) {
    var generator = SystemRandomNumberGenerator()
    var keys = (0..<count).map { i -> UInt64 in
      switch i % 4 {
      case 0: generator.next()
      case 1: UInt64(i % 97)  // high bytes all zero
      case 2: [0, .max, 1 << 63][i % 3]
      default: 0xABCD_0000_0000_0000 | UInt64(i % 13)  // a shared prefix
      }
    }
    let expected = keys.sorted()
    RadixSort.sort(&keys)
    #expect(keys == expected)
  }

  @Test(arguments: [255, 256, 50_000])
  func sortsPenniesAsSortDoes(count: Int) {
    var generator = SystemRandomNumberGenerator()
    var pennies = (0..<count).map { i -> UInt32 in
      switch i % 3 {
      case 0: UInt32.random(in: 0...UInt32.max, using: &generator)
      case 1: [0, .max, 1 << 31][i % 3]
      default: UInt32(i % 101) * 100  // round pounds: the high bytes all zero
      }
    }
    let expected = pennies.sorted()
    RadixSort.sort(&pennies)
    #expect(pennies == expected)
  }

  @Test func sortsSignedAmountsAsSortDoes() {
    var generator = SystemRandomNumberGenerator()
    var amounts: [Int64] = (0..<20_000).map { i in
      switch i % 3 {
      case 0: Int64.random(in: -10_000_000_000...10_000_000_000, using: &generator)
      case 1: [Int64.min, Int64.max, 0, -1, 1][i % 5]
      default: Int64(i % 101) * 10_000
      }
    }
    let expected = amounts.sorted()
    RadixSort.sort(&amounts)
    #expect(amounts == expected)
  }

  @Test func sortsFractionsAsSortDoes() {
    var generator = SystemRandomNumberGenerator()
    var parts: [Double] = (0..<20_000).map { i in
      switch i % 4 {
      case 0: Double.random(in: -1e9...1e9, using: &generator)
      case 1: [0.0, 1.0 / 3.0, -2.5, .greatestFiniteMagnitude, -.greatestFiniteMagnitude, .leastNonzeroMagnitude][i % 6]
      case 2: Double(i % 7) * 0.1
      default: -Double(i % 11) / 7
      }
    }
    let expected = parts.sorted()
    RadixSort.sort(&parts)
    #expect(parts == expected)
  }
}
