/// Hand-written scanners for the string formats and date patterns the 360Giving schemas use.
///
/// They work on UTF-8 bytes, allocate nothing and replace regular expressions on the hot path.
enum Formats {
  /// RFC 3339 `date-time` (`2020-01-02T10:30:00Z`, `…+01:00`, fractions allowed), with a real
  /// day of the month and leap seconds only at 23:59:60 UTC.
  ///
  /// - Parameter caseSensitive: `true` accepts only upper-case `T` and `Z`, as the official
  ///   engine's strict-rfc3339 does; `false` also accepts `t`/`z`, as RFC 3339 §5.6 allows.
  static func isDateTime(_ s: String, caseSensitive: Bool) -> Bool {
    var s = s
    return s.withUTF8 { b in dateTime(b, caseSensitive: caseSensitive) }
  }

  private static func digits(_ b: UnsafeBufferPointer<UInt8>, _ at: Int, _ n: Int) -> Int? {
    guard at + n <= b.count else { return nil }
    var v = 0
    for i in at..<(at + n) {
      let c = b[i]
      guard c >= 48 && c <= 57 else { return nil }
      v = v * 10 + Int(c - 48)
    }
    return v
  }

  static func daysIn(month: Int, year: Int) -> Int {
    switch month {
    case 2: (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28
    case 4, 6, 9, 11: 30
    default: 31
    }
  }

  private static func dateTime(_ b: UnsafeBufferPointer<UInt8>, caseSensitive: Bool) -> Bool {
    guard b.count >= 20,
      let year = digits(b, 0, 4), b[4] == UInt8(ascii: "-"),
      let month = digits(b, 5, 2), b[7] == UInt8(ascii: "-"),
      let day = digits(b, 8, 2),
      b[10] == UInt8(ascii: "T") || (!caseSensitive && b[10] == UInt8(ascii: "t")),
      let hour = digits(b, 11, 2), b[13] == UInt8(ascii: ":"),
      let minute = digits(b, 14, 2), b[16] == UInt8(ascii: ":"),
      let second = digits(b, 17, 2)
    else { return false }
    guard (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year),
      hour <= 23, minute <= 59, second <= 60
    else { return false }
    var i = 19
    if i < b.count && b[i] == UInt8(ascii: ".") {
      i += 1
      let start = i
      while i < b.count && b[i] >= 48 && b[i] <= 57 { i += 1 }
      if i == start { return false }
    }
    guard i < b.count else { return false }
    var offsetMinutes = 0
    let z = b[i]
    if z == UInt8(ascii: "Z") || (!caseSensitive && z == UInt8(ascii: "z")) {
      i += 1
    } else if z == UInt8(ascii: "+") || z == UInt8(ascii: "-") {
      guard let oh = digits(b, i + 1, 2), i + 3 < b.count, b[i + 3] == UInt8(ascii: ":"),
        let om = digits(b, i + 4, 2), oh <= 23, om <= 59
      else { return false }
      offsetMinutes = (oh * 60 + om) * (z == UInt8(ascii: "+") ? 1 : -1)
      i += 6
    } else {
      return false
    }
    guard i == b.count else { return false }
    if second == 60 {
      // A leap second happens at 23:59:60 UTC only.
      var utc = hour * 60 + minute - offsetMinutes
      utc = ((utc % 1440) + 1440) % 1440
      return utc == 23 * 60 + 59
    }
    return true
  }

  /// `^[0-9]{4}-(0[1-9]|1[012])-(0[1-9]|[12][0-9]|3[01])$` (Python `$` also matches before a
  /// final newline).
  static func isFullDate(_ s: String) -> Bool {
    var s = s
    return s.withUTF8 { b in
      var n = b.count
      if n == 11 && b[10] == 10 { n = 10 }
      guard n == 10, digits(b, 0, 4) != nil, b[4] == UInt8(ascii: "-"),
        let m = digits(b, 5, 2), b[7] == UInt8(ascii: "-"), let d = digits(b, 8, 2)
      else { return false }
      return (1...12).contains(m) && (1...31).contains(d)
    }
  }

  /// `^[0-9]{4}(-(0[1-9]|1[012]))?$`: a year or a year and month.
  static func isYearOrYearMonth(_ s: String) -> Bool {
    var s = s
    return s.withUTF8 { b in
      var n = b.count
      if n > 0 && b[n - 1] == 10 { n -= 1 }
      if n == 4 { return digits(b, 0, 4) != nil }
      guard n == 7, digits(b, 0, 4) != nil, b[4] == UInt8(ascii: "-"), let m = digits(b, 5, 2)
      else { return false }
      return (1...12).contains(m)
    }
  }

  // MARK: URI (RFC 3986 `URI` rule, as rfc3987's `parse(rule="URI")`)

  private static func isAlpha(_ c: UInt8) -> Bool { (c | 0x20) >= 97 && (c | 0x20) <= 122 }
  private static func isDigit(_ c: UInt8) -> Bool { c >= 48 && c <= 57 }
  private static func isHex(_ c: UInt8) -> Bool {
    isDigit(c) || ((c | 0x20) >= 97 && (c | 0x20) <= 102)
  }
  private static func isUnreserved(_ c: UInt8) -> Bool {
    isAlpha(c) || isDigit(c) || c == UInt8(ascii: "-") || c == UInt8(ascii: ".")
      || c == UInt8(ascii: "_") || c == UInt8(ascii: "~")
  }
  private static func isSubDelim(_ c: UInt8) -> Bool {
    switch c {
    case UInt8(ascii: "!"), UInt8(ascii: "$"), UInt8(ascii: "&"), UInt8(ascii: "'"),
      UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "*"), UInt8(ascii: "+"),
      UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "="):
      true
    default: false
    }
  }

  /// Whether `b[range]` consists of unreserved, sub-delims, percent-encoded triplets and the
  /// extra characters allowed.
  private static func scan(
    _ b: UnsafeBufferPointer<UInt8>, _ from: Int, _ to: Int, extra: (UInt8) -> Bool
  ) -> Bool {
    var i = from
    while i < to {
      let c = b[i]
      if c == UInt8(ascii: "%") {
        guard i + 2 < to, isHex(b[i + 1]), isHex(b[i + 2]) else {
          return false
        }
        i += 3
        continue
      }
      guard isUnreserved(c) || isSubDelim(c) || extra(c) else { return false }
      i += 1
    }
    return true
  }

  /// An absolute URI with a scheme: `http://example.com`, `mailto:x@y.z`, `urn:isbn:1`.
  static func isURI(_ s: String) -> Bool {
    var s = s
    return s.withUTF8 { b in uri(b) }
  }

  private static func uri(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
    let n = b.count
    guard n > 0, isAlpha(b[0]) else { return false }
    var i = 1
    while i < n, isAlpha(b[i]) || isDigit(b[i]) || b[i] == UInt8(ascii: "+")
      || b[i] == UInt8(ascii: "-") || b[i] == UInt8(ascii: ".")
    {
      i += 1
    }
    guard i < n, b[i] == UInt8(ascii: ":") else { return false }
    i += 1
    // The end of the hierarchical part, the query and the fragment.
    var hierEnd = n
    var queryEnd = n
    var j = i
    while j < n {
      if b[j] == UInt8(ascii: "?") || b[j] == UInt8(ascii: "#") { hierEnd = j; break }
      j += 1
    }
    if hierEnd < n && b[hierEnd] == UInt8(ascii: "?") {
      var k = hierEnd + 1
      while k < n && b[k] != UInt8(ascii: "#") { k += 1 }
      queryEnd = k
    } else {
      queryEnd = hierEnd
    }
    let pchar: (UInt8) -> Bool = { $0 == UInt8(ascii: ":") || $0 == UInt8(ascii: "@") }
    let pathChar: (UInt8) -> Bool = { pchar($0) || $0 == UInt8(ascii: "/") }
    let queryChar: (UInt8) -> Bool = { pathChar($0) || $0 == UInt8(ascii: "?") }
    if hierEnd < n && b[hierEnd] == UInt8(ascii: "?") {
      guard scan(b, hierEnd + 1, queryEnd, extra: queryChar) else { return false }
    }
    if queryEnd < n {
      guard scan(b, queryEnd + 1, n, extra: queryChar) else { return false }
    }
    // hier-part
    if hierEnd - i >= 2 && b[i] == UInt8(ascii: "/") && b[i + 1] == UInt8(ascii: "/") {
      let authStart = i + 2
      var authEnd = authStart
      while authEnd < hierEnd && b[authEnd] != UInt8(ascii: "/") { authEnd += 1 }
      guard authority(b, authStart, authEnd) else { return false }
      return scan(b, authEnd, hierEnd, extra: pathChar)
    }
    // path-absolute / path-rootless / path-empty: a first segment that is not empty after "/".
    if hierEnd - i >= 2 && b[i] == UInt8(ascii: "/") && b[i + 1] == UInt8(ascii: "/") {
      return false
    }
    return scan(b, i, hierEnd, extra: pathChar)
  }

  private static func authority(_ b: UnsafeBufferPointer<UInt8>, _ from: Int, _ to: Int) -> Bool {
    var hostStart = from
    var at = from
    while at < to && b[at] != UInt8(ascii: "@") { at += 1 }
    if at < to {
      guard scan(b, from, at, extra: { $0 == UInt8(ascii: ":") }) else { return false }
      hostStart = at + 1
    }
    var hostEnd = hostStart
    if hostStart < to && b[hostStart] == UInt8(ascii: "[") {
      var close = hostStart + 1
      while close < to && b[close] != UInt8(ascii: "]") { close += 1 }
      guard close < to, ipLiteral(b, hostStart + 1, close) else { return false }
      hostEnd = close + 1
    } else {
      while hostEnd < to && b[hostEnd] != UInt8(ascii: ":") { hostEnd += 1 }
      guard scan(b, hostStart, hostEnd, extra: { _ in false }) else { return false }
    }
    if hostEnd < to {
      guard b[hostEnd] == UInt8(ascii: ":") else { return false }
      for k in (hostEnd + 1)..<to where !isDigit(b[k]) { return false }
    }
    return true
  }

  private static func ipLiteral(_ b: UnsafeBufferPointer<UInt8>, _ from: Int, _ to: Int) -> Bool {
    guard from < to else { return false }
    if b[from] | 0x20 == UInt8(ascii: "v") {
      var i = from + 1
      let hexStart = i
      while i < to && isHex(b[i]) { i += 1 }
      guard i > hexStart, i < to, b[i] == UInt8(ascii: ".") else { return false }
      guard i + 1 < to else { return false }
      return scan(b, i + 1, to, extra: { $0 == UInt8(ascii: ":") })
    }
    return ipv6(b, from, to)
  }

  private static func ipv4(_ b: UnsafeBufferPointer<UInt8>, _ from: Int, _ to: Int) -> Bool {
    var parts = 0
    var i = from
    while true {
      let start = i
      var v = 0
      while i < to && isDigit(b[i]) { v = v * 10 + Int(b[i] - 48); i += 1; if i - start > 3 { return false } }
      guard i > start, v <= 255, !(i - start > 1 && b[start] == 48) else { return false }
      parts += 1
      if i == to { break }
      guard b[i] == UInt8(ascii: "."), parts < 4 else { return false }
      i += 1
    }
    return parts == 4
  }

  private static func ipv6(_ b: UnsafeBufferPointer<UInt8>, _ from: Int, _ to: Int) -> Bool {
    var groups = 0
    var doubleColon = false
    var i = from
    if to - from >= 2 && b[from] == UInt8(ascii: ":") && b[from + 1] == UInt8(ascii: ":") {
      doubleColon = true
      i += 2
      if i == to { return true }
    }
    while i < to {
      let start = i
      while i < to && isHex(b[i]) { i += 1 }
      if i < to && b[i] == UInt8(ascii: ".") {
        // A trailing dotted IPv4 counts as two groups.
        guard ipv4(b, start, to) else { return false }
        groups += 2
        i = to
        break
      }
      guard i > start, i - start <= 4 else { return false }
      groups += 1
      if i == to { break }
      guard b[i] == UInt8(ascii: ":") else { return false }
      i += 1
      if i < to && b[i] == UInt8(ascii: ":") {
        guard !doubleColon else { return false }
        doubleColon = true
        i += 1
        if i == to { break }
      } else if i == to {
        return false
      }
    }
    return doubleColon ? groups < 8 : groups == 8
  }
}
