internal import CLibCSV
internal import Foundation

/// Finds the plain records at the start of some CSV bytes and makes, for each, exactly the
/// calls libcsv makes to ``CSVRecordReader``'s callbacks in the reader's mode (strict, every
/// line break reported, nothing trimmed): one per field, with the field's text unquoted, and
/// one per line break byte.
///
/// A plain record is one of fields that are unquoted text without `"`, or quoted text whose
/// closing quote is followed by a delimiter or a line break (`""` inside stands for `"`).
/// The scanner stops before anything else (text after a closing quote, a quote inside an
/// unquoted field, a field longer than ``CSVLimits/maxFieldBytes``) and before a record the
/// bytes end inside of: the reader hands those to libcsv, which stays the parser of record for
/// everything that is not plain.
///
/// Written because libcsv's byte-at-a-time state machine, and the space function it calls for
/// every unquoted byte (needed to keep spaces as Python does), were 44% of the CPU time of
/// `giving aggregate --by funder` on 1M generated grants (perf); here a quoted field is skipped
/// with `memchr` and an unquoted one searched eight bytes at a time, and that command takes 39%
/// less CPU.
struct PlainCSVScanner {
  /// Why a scan stopped.
  enum Stop: Equatable {
    /// It read at least `atLeast` bytes, ending at a record's end.
    case enough
    /// The bytes end inside a record (or right after a quote, which could start `""`).
    case incomplete
    /// The next record is not plain.
    case notPlain
  }

  /// The callbacks a scan makes.
  protocol Sink {
    /// A field's text (unquoted, `""` made `"`); only a quoted field can hold a line break.
    mutating func field(_ bytes: UnsafeRawBufferPointer, quoted: Bool)
    /// A line break byte (`CSV_CR` or `CSV_LF`); a record's end, or a blank line.
    mutating func lineBreak(_ byte: Int32)
    /// Whether a callback failed (the scan stops after the record).
    var failed: Bool { get }
    /// Every field of a record none of whose fields holds `""`, at once: `fields` holds each
    /// field's start and end in `base` and a third number to skip. Returns whether the sink took
    /// them (else each is handed to ``field(_:quoted:)``).
    mutating func record(_ base: UnsafePointer<UInt8>, fields: UnsafeBufferPointer<Int>) -> Bool
  }

  /// Each field of the record being scanned: where its text starts and ends, and whether it
  /// was quoted (1) and holds `""` to unquote (2), or not (0), as three integers.
  private var fields: [Int] = []
  /// A field's text with `""` made `"`.
  private var unquoted: [UInt8] = []

  init() {}

  /// Scans whole plain records from the start of `bytes`, making their callbacks, until it has
  /// read at least `atLeast` bytes or meets a record it does not read.
  /// - Returns: the bytes read (always whole records and line breaks) and why it stopped
  ///   (``Stop/enough`` also when every byte was read).
  mutating func scan<S: Sink>(_ bytes: UnsafeRawBufferPointer, atLeast: Int, into sink: inout S) -> (read: Int, stop: Stop) {
    guard let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return (0, .enough) }
    let count = bytes.count
    let quote = UInt8(ascii: "\""), comma = UInt8(ascii: ","), cr = UInt8(ascii: "\r"), lf = UInt8(ascii: "\n")
    var position = 0
    while position < count {
      if position >= atLeast { return (position, .enough) }
      let byte = base[position]
      if byte == lf || byte == cr {
        // A blank line (or the LF of a CRLF already ended): libcsv reports it and makes no record.
        sink.lineBreak(byte == lf ? Int32(CSV_LF) : Int32(CSV_CR))
        position += 1
        continue
      }
      // Find the record's fields without making any callback: it may end past the bytes.
      fields.removeAll(keepingCapacity: true)
      var p = position
      while true {
        guard p < count else { return (position, .incomplete) }
        if base[p] == quote {
          var from = p + 1
          var escaped = false
          while true {
            guard from < count, let hit = memchr(base + from, Int32(quote), count - from) else {
              return (position, .incomplete)
            }
            let closing = UnsafePointer<UInt8>(hit.assumingMemoryBound(to: UInt8.self)) - base
            guard closing + 1 < count else { return (position, .incomplete) }
            let next = base[closing + 1]
            if next == quote {
              escaped = true
              from = closing + 2
              continue
            }
            // Text after the closing quote; or a field libcsv may refuse as too long.
            guard next == comma || next == lf || next == cr, closing - p <= CSVLimits.maxFieldBytes else {
              return (position, .notPlain)
            }
            fields.append(p + 1)
            fields.append(closing)
            fields.append(escaped ? 2 : 1)
            p = closing + 1
            break
          }
        } else {
          let start = p
          p = Self.firstDelimiterLineBreakOrQuote(in: base, from: p, to: count)
          guard p < count else { return (position, .incomplete) }
          guard base[p] != quote, p - start <= CSVLimits.maxFieldBytes else { return (position, .notPlain) }
          fields.append(start)
          fields.append(p)
          fields.append(0)
        }
        // base[p] is a delimiter or a line break.
        if base[p] == comma {
          p += 1
          continue
        }
        break
      }
      // The record is plain and whole: make its callbacks, all at once when the sink can.
      var needsUnquoting = false
      var k = 2
      while k < fields.count {
        if fields[k] == 2 { needsUnquoting = true }
        k += 3
      }
      var i = needsUnquoting ? 0 : fields.withUnsafeBufferPointer { sink.record(base, fields: $0) } ? fields.count : 0
      while i < fields.count {
        let start = fields[i], end = fields[i + 1]
        if fields[i + 2] < 2 {
          sink.field(UnsafeRawBufferPointer(start: base + start, count: end - start), quoted: fields[i + 2] == 1)
        } else {
          unquote(UnsafeBufferPointer(start: base + start, count: end - start))
          unquoted.withUnsafeBytes { sink.field($0, quoted: true) }
        }
        i += 3
      }
      sink.lineBreak(base[p] == lf ? Int32(CSV_LF) : Int32(CSV_CR))
      position = p + 1
      if sink.failed { return (position, .enough) }
    }
    return (position, .enough)
  }

  /// Where the first `,`, CR, LF or `"` from `from` is (`count` if none), eight bytes at a
  /// time: a byte of `word ^ pattern` is zero where `word` has the pattern's byte, and
  /// `(x - 0x01…) & ~x & 0x80…` marks the lowest zero byte of `x` exactly (a borrow can only
  /// mark bytes above it).
  @inline(__always)
  private static func firstDelimiterLineBreakOrQuote(in base: UnsafePointer<UInt8>, from: Int, to count: Int) -> Int {
    let ones: UInt64 = 0x0101_0101_0101_0101
    let high: UInt64 = 0x8080_8080_8080_8080
    @inline(__always) func zeroBytes(_ x: UInt64) -> UInt64 { (x &- ones) & ~x & high }
    var p = from
    while p + 8 <= count {
      let word = UInt64(littleEndian: UnsafeRawPointer(base + p).loadUnaligned(as: UInt64.self))
      let found = zeroBytes(word ^ (ones &* 0x2C)) | zeroBytes(word ^ (ones &* 0x0A))
        | zeroBytes(word ^ (ones &* 0x0D)) | zeroBytes(word ^ (ones &* 0x22))
      if found != 0 { return p + found.trailingZeroBitCount >> 3 }
      p += 8
    }
    while p < count {
      let c = base[p]
      if c == 0x2C || c == 0x0A || c == 0x0D || c == 0x22 { return p }
      p += 1
    }
    return count
  }

  /// Sets ``unquoted`` to `text` with each `""` made `"`.
  private mutating func unquote(_ text: UnsafeBufferPointer<UInt8>) {
    unquoted.removeAll(keepingCapacity: true)
    guard let base = text.baseAddress else { return }
    var from = 0
    while from < text.count, let hit = memchr(base + from, 0x22, text.count - from) {
      let quote = UnsafePointer<UInt8>(hit.assumingMemoryBound(to: UInt8.self)) - base
      unquoted.append(contentsOf: UnsafeBufferPointer(start: base + from, count: quote + 1 - from))
      from = quote + 2
    }
    if from < text.count { unquoted.append(contentsOf: UnsafeBufferPointer(start: base + from, count: text.count - from)) }
  }
}

extension PlainCSVScanner.Sink {
  /// Fields one at a time: what a sink does unless it says otherwise.
  mutating func record(_ base: UnsafePointer<UInt8>, fields: UnsafeBufferPointer<Int>) -> Bool { false }
}
