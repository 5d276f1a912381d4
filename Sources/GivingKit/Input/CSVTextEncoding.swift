/// The text encodings a CSV file can be read in, chosen as the official tool chooses them:
/// UTF-8 (with or without a byte-order mark), else Windows-1252, else Latin-1.
enum CSVTextEncoding: String, Sendable, Equatable {
  /// UTF-8 without a byte-order mark.
  case utf8 = "utf-8"
  /// UTF-8 after a byte-order mark (Python's `utf-8-sig`).
  case utf8WithBOM = "utf-8-sig"
  /// Windows-1252, for files that are not valid UTF-8.
  case cp1252
  /// Latin-1, for files that are neither UTF-8 nor Windows-1252 (cp1252 leaves five bytes undefined).
  case latin1 = "latin_1"

  /// Whether bytes are UTF-8.
  var isUTF8: Bool { self == .utf8 || self == .utf8WithBOM }

  /// The scalar each byte 0x80–0x9F stands for in Windows-1252, or 0 where cp1252 defines none
  /// (0x81, 0x8D, 0x8F, 0x90, 0x9D: Python's codec refuses them).
  static let cp1252High: [UInt16] = [
    0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
    0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017D, 0,
    0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178,
  ]

  /// Whether `byte` has no meaning in Windows-1252.
  @inline(__always)
  static func isUndefinedInCP1252(_ byte: UInt8) -> Bool {
    byte == 0x81 || byte == 0x8D || byte == 0x8F || byte == 0x90 || byte == 0x9D
  }

  /// Appends the UTF-8 form of single-byte text (`cp1252` or `latin1`) to `output`.
  static func transcode(
    _ bytes: UnsafeRawBufferPointer, from encoding: CSVTextEncoding, into output: inout [UInt8]
  ) {
    output.removeAll(keepingCapacity: true)
    output.reserveCapacity(bytes.count * 3)
    for byte in bytes {
      if byte < 0x80 {
        output.append(byte)
        continue
      }
      var scalar = UInt32(byte)
      if encoding == .cp1252, byte < 0xA0 {
        let mapped = cp1252High[Int(byte - 0x80)]
        if mapped != 0 { scalar = UInt32(mapped) }
      }
      if scalar < 0x800 {
        output.append(UInt8(0xC0 | (scalar >> 6)))
        output.append(UInt8(0x80 | (scalar & 0x3F)))
      } else {
        output.append(UInt8(0xE0 | (scalar >> 12)))
        output.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
        output.append(UInt8(0x80 | (scalar & 0x3F)))
      }
    }
  }
}

/// A strict UTF-8 validator that can be fed a byte stream in pieces (the same rules as Python's
/// and Swift's decoders: no overlong forms, no surrogates, nothing above U+10FFFF).
struct UTF8StreamValidator {
  /// Continuation bytes still expected for the current sequence.
  private(set) var pending = 0
  /// The allowed range of the next continuation byte (narrower after E0, ED, F0, F4).
  private var low: UInt8 = 0x80
  private var high: UInt8 = 0xBF
  /// Set once an invalid byte is met.
  private(set) var isValid = true
  /// Whether a byte above 0x7F has been seen.
  private(set) var sawNonASCII = false
  /// Whether a byte that Windows-1252 leaves undefined has been seen.
  private(set) var sawCP1252Undefined = false

  /// Checks `bytes`, the next piece of the stream.
  mutating func feed(_ bytes: UnsafeRawBufferPointer) {
    guard let base = bytes.baseAddress else { return }
    let count = bytes.count
    var i = 0
    while i < count {
      // Eight ASCII bytes at a time while no sequence is open.
      if pending == 0 {
        while i + 8 <= count {
          let word = (base + i).loadUnaligned(as: UInt64.self)
          if word & 0x8080_8080_8080_8080 != 0 { break }
          i += 8
        }
        if i >= count { break }
      }
      let byte = base.load(fromByteOffset: i, as: UInt8.self)
      i += 1
      if byte >= 0x80 {
        sawNonASCII = true
        if CSVTextEncoding.isUndefinedInCP1252(byte) { sawCP1252Undefined = true }
      }
      guard isValid else { continue }
      if pending > 0 {
        if byte < low || byte > high {
          isValid = false
          pending = 0
          continue
        }
        pending -= 1
        low = 0x80
        high = 0xBF
        continue
      }
      switch byte {
      case 0x00...0x7F: break
      case 0xC2...0xDF: pending = 1
      case 0xE0: pending = 2; low = 0xA0
      case 0xE1...0xEC, 0xEE...0xEF: pending = 2
      case 0xED: pending = 2; high = 0x9F
      case 0xF0: pending = 3; low = 0x90
      case 0xF1...0xF3: pending = 3
      case 0xF4: pending = 3; high = 0x8F
      default: isValid = false
      }
    }
  }

  /// Ends the stream: a sequence left open is invalid.
  mutating func finish() {
    if pending > 0 { isValid = false }
  }

  /// The offset where the first invalid sequence in `bytes` starts (checked on their own), or
  /// `nil` if they are valid.
  static func firstInvalidOffset(in bytes: UnsafeRawBufferPointer) -> Int? {
    var validator = UTF8StreamValidator()
    var sequenceStart = 0
    for index in bytes.indices {
      if validator.pending == 0 { sequenceStart = index }
      validator.feed(UnsafeRawBufferPointer(rebasing: bytes[index..<(index + 1)]))
      if !validator.isValid { return sequenceStart }
    }
    validator.finish()
    return validator.isValid ? nil : sequenceStart
  }

  /// Whether `bytes` contains a byte above 0x7F.
  static func containsNonASCII(_ bytes: UnsafeRawBufferPointer) -> Bool {
    guard let base = bytes.baseAddress else { return false }
    let count = bytes.count
    var i = 0
    while i + 8 <= count {
      if (base + i).loadUnaligned(as: UInt64.self) & 0x8080_8080_8080_8080 != 0 { return true }
      i += 8
    }
    while i < count {
      if base.load(fromByteOffset: i, as: UInt8.self) >= 0x80 { return true }
      i += 1
    }
    return false
  }
}
