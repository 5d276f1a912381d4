internal import Foundation

/// Runs every additional check over a stream of grants from one file.
///
/// ```swift
/// let runner = CheckRunner(now: CheckDate(year: 2026, month: 11, day: 25))
/// _ = try feed.read { runner.process($0) }
/// for result in runner.results() { print(result.heading) }
/// ```
///
/// Unlike the official engine, a grant that makes a check fail (e.g. a grant without `id`) is
/// skipped for that check only, and counted in ``CheckResult/skippedGrants``;
/// ``officialWouldSilence`` says whether the official engine would have hidden the whole class.
public final class CheckRunner {
  /// The shared context (now, org-id list, totals).
  public let context: CheckContext
  private let checks: [any GrantCheck]
  private var silenced: [CheckCategory: Bool] = [.quality: false, .usefulness: false]
  private var skipReasons: [String: String] = [:]

  /// A runner for one file.
  public init(now: CheckDate, orgIDs: OrgIDRegistry = .standard, locationLimit: Int = 1000) {
    let context = CheckContext(now: now, orgIDs: orgIDs, locationLimit: locationLimit)
    self.context = context
    checks = GrantChecks.all.map { $0.init(context: context) }
  }

  /// Feeds one grant to every check.
  public func process(_ grant: Grant) {
    context.count(grant)
    for check in checks {
      do {
        try check.process(grant)
      } catch {
        let type = type(of: check)
        silenced[type.category] = true
        (check as? CheckState)?.skipped += 1
        if skipReasons[type.id] == nil { skipReasons[type.id] = "grant \(grant.index): \(error)" }
      }
    }
  }

  /// The findings, accuracy checks first (by importance, highest first, then official order), then usefulness.
  public func results() -> [CheckResult] {
    let all = checks.compactMap(\.result)
    let quality = all.enumerated().filter { $0.element.category == .quality }
      .sorted { ($1.element.importance, $0.offset) < ($0.element.importance, $1.offset) }.map(\.element)
    return quality + all.filter { $0.category == .usefulness }
  }

  /// Whether the official engine would have shown no results at all for the category because
  /// some grant made one of its checks raise.
  public var officialWouldSilence: [CheckCategory: Bool] { silenced }

  /// For each check that skipped grants, the first grant skipped and why.
  public var firstSkipReasons: [String: String] { skipReasons }
}

// MARK: - Python behaviour the checks depend on

/// The outcome of Python's `datetime.strptime(text, "%Y-%m-%d")`.
enum PythonDateParse: Equatable {
  case date(CheckDate)
  /// "time data … does not match format"
  case noMatch
  /// "unconverted data remains"
  case unconverted
  /// Any other `ValueError` ("day is out of range for month", "year 0 is out of range").
  case impossible
}

/// `strptime("%Y-%m-%d")` after cutting at the first `T`, as `convert_string_date_to_datetime` does.
enum PythonDate {
  static func daysIn(month: Int, year: Int) -> Int {
    switch month {
    case 2: (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28
    case 4, 6, 9, 11: 30
    default: 31
    }
  }

  static func parse(_ text: String) -> PythonDateParse {
    func parseUpToT(_ buffer: UnsafeBufferPointer<UInt8>) -> PythonDateParse {
      let end = buffer.firstIndex(of: UInt8(ascii: "T")) ?? buffer.count
      return parse(UnsafeBufferPointer(rebasing: buffer[..<end]))
    }
    // Native strings lend their bytes without the copy `withUTF8` needs.
    if let parsed = text.utf8.withContiguousStorageIfAvailable(parseUpToT) { return parsed }
    var text = text
    return text.withUTF8(parseUpToT)
  }

  static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> PythonDateParse {
    func digit(_ i: Int) -> Int? {
      guard i < bytes.count, bytes[i] >= 48, bytes[i] <= 57 else { return nil }
      return Int(bytes[i] - 48)
    }
    func byte(_ i: Int) -> UInt8? { i < bytes.count ? bytes[i] : nil }
    // %Y: four digits
    guard let y0 = digit(0), let y1 = digit(1), let y2 = digit(2), let y3 = digit(3), byte(4) == UInt8(ascii: "-")
    else { return .noMatch }
    let year = y0 * 1000 + y1 * 100 + y2 * 10 + y3
    // %m: 1[0-2] | 0[1-9] | [1-9], followed by '-' (the regex backtracks over the alternatives)
    var month = 0
    var i = 5
    let dash = UInt8(ascii: "-")
    if digit(5) == 1, let d = digit(6), d <= 2, byte(7) == dash {
      month = 10 + d
      i = 8
    } else if digit(5) == 0, let d = digit(6), d >= 1, byte(7) == dash {
      month = d
      i = 8
    } else if let d = digit(5), d >= 1, byte(6) == dash {
      month = d
      i = 7
    } else {
      return .noMatch
    }
    // %d: 3[01] | [12]\d | 0[1-9] | [1-9] | ' '[1-9] — the first alternative that matches
    var day = 0
    if digit(i) == 3, let d = digit(i + 1), d <= 1 {
      day = 30 + d
      i += 2
    } else if let a = digit(i), a == 1 || a == 2, let d = digit(i + 1) {
      day = a * 10 + d
      i += 2
    } else if digit(i) == 0, let d = digit(i + 1), d >= 1 {
      day = d
      i += 2
    } else if let d = digit(i), d >= 1 {
      day = d
      i += 1
    } else if byte(i) == UInt8(ascii: " "), let d = digit(i + 1), d >= 1 {
      day = d
      i += 2
    } else {
      return .noMatch
    }
    if i < bytes.count { return .unconverted }
    if year == 0 || day > daysIn(month: month, year: year) { return .impossible }
    return .date(CheckDate(year: year, month: month, day: day))
  }
}

/// The five dates of a grant as `create_grant_dates_dict` reads them.
struct GrantDates {
  /// One date that was present (truthy): its grant-relative path and how it parsed.
  struct Entry {
    var path: String
    var parse: PythonDateParse
    var date: CheckDate? { if case .date(let d) = parse { d } else { nil } }
  }
  var award: Entry?
  var plannedStart: Entry?
  var plannedEnd: Entry?
  var actualStart: Entry?
  var actualEnd: Entry?

  init() {}

  /// - Throws: ``CheckSkip`` where the official function raises (non-list dates, non-string values).
  init(_ json: JSONValue) throws {
    guard let grant = json.objectValue else { throw CheckSkip("grant is not an object") }
    try self.init(awardDate: grant["awardDate"], plannedDates: grant["plannedDates"], actualDates: grant["actualDates"])
  }

  /// The dates of a grant (an object) whose `awardDate`, `plannedDates` and `actualDates` are these.
  init(awardDate: JSONValue?, plannedDates: JSONValue?, actualDates: JSONValue?) throws {
    func first(_ key: String) throws -> JSONObject?? {
      // .none: IndexError (empty list) → the official function returns {} for every date
      guard let value = key == "plannedDates" ? plannedDates : actualDates else { return .some(nil) }
      switch value {
      case .array(let items):
        guard let head = items.first else { return .none }
        guard let object = head.objectValue else { throw CheckSkip("'\(key)/0' is not an object") }
        return .some(object)
      case .string(let s):
        guard let c = s.first else { return .none }
        _ = c
        throw CheckSkip("'\(key)' is a string")
      case .object(let o):
        // dict[0] raises KeyError
        _ = o
        throw CheckSkip("'\(key)' is an object")
      default:
        throw CheckSkip("'\(key)' is not a list")
      }
    }
    guard let planned = try first("plannedDates"), let actual = try first("actualDates") else { return }
    func entry(_ value: JSONValue?, _ path: String) throws -> Entry? {
      guard let value, value.isTruthy else { return nil }
      guard let text = value.stringValue else { throw CheckSkip("'\(path)' is not a string") }
      return Entry(path: path, parse: PythonDate.parse(text))
    }
    award = try entry(awardDate, "awardDate")
    plannedStart = try entry(planned?["startDate"], "plannedDates/0/startDate")
    plannedEnd = try entry(planned?["endDate"], "plannedDates/0/endDate")
    actualStart = try entry(actual?["startDate"], "actualDates/0/startDate")
    actualEnd = try entry(actual?["endDate"], "actualDates/0/endDate")
  }

  var all: [Entry?] { [award, plannedStart, plannedEnd, actualStart, actualEnd] }
}

/// Small re-implementations of the Python string rules the official checks use.
enum PythonRules {
  /// Python's `\w` for one scalar: alphanumeric (Unicode) or underscore.
  @inline(__always)
  static func isWord(_ s: Unicode.Scalar) -> Bool {
    if s.isASCII {
      let v = s.value
      return (v >= 48 && v <= 57) || (v >= 65 && v <= 90) || (v >= 97 && v <= 122) || v == 95
    }
    return s.properties.isAlphabetic || s.properties.numericType != nil
  }

  /// Python `str.isspace` for one scalar.
  static func isSpace(_ s: Unicode.Scalar) -> Bool { s.properties.isWhitespace }

  /// The UK register an org id names by its first seven characters (`GB-CHC-`, `GB-COH-`, any case).
  enum GBRegister { case charity, company, other }

  static func gbRegister(_ text: String) -> GBRegister {
    var it = text.utf8.makeIterator()
    for expected in "GB-C".utf8 {
      guard let b = it.next(), b & 0xDF == expected & 0xDF, (b == 45) == (expected == 45) else { return .other }
    }
    guard let x = it.next(), let y = it.next(), it.next() == 45 else { return .other }
    switch (x & 0xDF, y & 0xDF) {
    case (72, 67): return .charity  // HC
    case (79, 72): return .company  // OH
    default: return .other
    }
  }

  /// `text.lower().startswith("360g")` in Python. Only `G` lowercases to `g` and digits have
  /// no case, so the first four bytes decide (lowercasing the whole text was 2% of checking).
  static func startsWith360G(_ text: String) -> Bool {
    var bytes = text.utf8.makeIterator()
    return bytes.next() == UInt8(ascii: "3") && bytes.next() == UInt8(ascii: "6") && bytes.next() == UInt8(ascii: "0")
      && bytes.next().map { $0 | 0x20 } == UInt8(ascii: "g")
  }

  /// `text[7:]` in Python (code points).
  static func dropFirst7(_ text: String) -> String {
    // Seven ASCII bytes are seven code points: cut the bytes (the scalar view was 2% of checking).
    let head = text.utf8.prefix(7)
    if head.count == 7 && head.allSatisfy({ $0 < 0x80 }) { return String(Substring(text.utf8.dropFirst(7))) }
    return String(String.UnicodeScalarView(text.unicodeScalars.dropFirst(7)))
  }

  /// Python `int(text)` succeeds (whitespace, sign, digits with single underscores between them).
  static func parsesAsInt(_ text: String) -> Bool {
    if !text.utf8.isEmpty && text.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) { return true }
    var scalars = Array(text.unicodeScalars)
    while let f = scalars.first, isSpace(f) { scalars.removeFirst() }
    while let l = scalars.last, isSpace(l) { scalars.removeLast() }
    if let f = scalars.first, f == "+" || f == "-" { scalars.removeFirst() }
    guard !scalars.isEmpty else { return false }
    var previousWasDigit = false
    for (n, s) in scalars.enumerated() {
      if s == "_" {
        guard previousWasDigit, n + 1 < scalars.count else { return false }
        previousWasDigit = false
      } else if s.properties.numericType == .decimal {
        previousWasDigit = true
      } else {
        return false
      }
    }
    return previousWasDigit
  }

  /// The official `check_charity_number`: 6 or 7 characters that `int()` accepts.
  static func isCharityNumber(_ text: String) -> Bool {
    let bytes = text.utf8.count
    if bytes < 6 || bytes > 28 { return false }  // 6–7 code points take 6–28 UTF-8 bytes
    let length = bytes <= 7 && text.utf8.allSatisfy({ $0 < 128 }) ? bytes : text.unicodeScalars.count
    return (length == 6 || length == 7) && parsesAsInt(text)
  }

  /// The official `check_company_number`: `re.match("^\w{8}$")` (a final newline is allowed by `$`).
  static func isCompanyNumber(_ text: String) -> Bool {
    var scalars = Array(text.unicodeScalars)
    if scalars.count == 9, scalars.last == "\n" { scalars.removeLast() }
    return scalars.count == 8 && scalars.allSatisfy(isWord)
  }

  /// Python `str.isalpha()` on the first two characters (false for an empty string).
  static func firstTwoAreAlpha(_ text: String) -> Bool {
    let bytes = text.utf8
    if let a = bytes.first, let b = bytes.dropFirst().first, a < 0x80 && b < 0x80 {
      return (a | 0x20) >= 97 && (a | 0x20) <= 122 && (b | 0x20) >= 97 && (b | 0x20) <= 122
    }
    let head = text.unicodeScalars.prefix(2)
    return !head.isEmpty && head.allSatisfy { $0.properties.isAlphabetic }
  }

  /// `re.search("[\w.-]+@[\w.-]+\.[\w.-]+", text)` without a regex.
  static func looksLikeEmail(_ text: String) -> Bool {
    guard text.utf8.contains(UInt8(ascii: "@")) else { return false }
    let scalars = Array(text.unicodeScalars)
    func inClass(_ s: Unicode.Scalar) -> Bool { s == "." || s == "-" || isWord(s) }
    var i = 0
    while i < scalars.count {
      if scalars[i] == "@", i > 0, inClass(scalars[i - 1]) {
        // the run after '@' must hold a '.' with at least one class character either side
        var j = i + 1
        while j < scalars.count, inClass(scalars[j]) { j += 1 }
        let run = scalars[(i + 1)..<j]
        if run.count >= 3 {
          let inner = run.dropFirst().dropLast()
          if inner.contains(".") { return true }
        }
      }
      i += 1
    }
    return false
  }

  /// `re.match("^\s*[a-z]{1,2}\d[a-z\d]?\s*\d[a-z]{2}\s*$", text, re.IGNORECASE)`.
  static func looksLikePostcode(_ text: String) -> Bool {
    var s = Array(text.unicodeScalars)
    while let f = s.first, isSpace(f) { s.removeFirst() }
    while let l = s.last, isSpace(l) { s.removeLast() }
    func letter(_ c: Unicode.Scalar) -> Bool { (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") }
    func digit(_ c: Unicode.Scalar) -> Bool { c >= "0" && c <= "9" }
    guard s.count >= 5 else { return false }
    let tail = s.suffix(3)
    guard digit(tail[tail.startIndex]), letter(tail[tail.startIndex + 1]), letter(tail[tail.startIndex + 2]) else {
      return false
    }
    var head = Array(s.dropLast(3))
    while let l = head.last, isSpace(l) { head.removeLast() }
    // head: [a-z]{1,2}\d[a-z\d]?
    var k = 0
    while k < head.count, k < 2, letter(head[k]) { k += 1 }
    guard k >= 1 else { return false }
    func rest(_ from: Int) -> Bool {
      guard from < head.count, digit(head[from]) else { return false }
      let after = head.count - from - 1
      return after == 0 || (after == 1 && (letter(head[from + 1]) || digit(head[from + 1])))
    }
    return rest(k) || (k == 2 && rest(1))
  }
}

/// Python's `str()` of a JSON value as the official checks see it (numbers as written).
enum OfficialText {
  static func str(_ value: JSONValue) -> String {
    switch value {
    case .null: "None"
    case .bool(let b): b ? "True" : "False"
    case .number(let n): n.text
    case .string(let s): s
    case .array: "[…]"
    case .object: "{…}"
    }
  }
}
