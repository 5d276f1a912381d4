/// A table from identifiers to small values that is never wrong about which ids are the same:
/// a ``DigestTable`` finds an id's slot by its digest, and an id found there is the same id
/// only if its bytes are those kept for the slot's first id (Python's equality: code point by
/// code point).
///
/// Written because a ``DigestTable`` alone keeps 64 bits of each digest: two different ids
/// whose kept bits agree would be taken as one, and reported as a duplicate (validate's
/// `Non-unique id values`, aggregate's duplicates) or not counted. The odds are tiny, but a
/// finding must not rest on odds. An id whose digest matches a different id's, or that cannot
/// be kept in ``IDByteStore``, is kept in a dictionary by its bytes instead.
///
/// Memory: the table's slot and a 4-byte reference per id, plus the id's bytes and one or two
/// bytes of length in the store (for 1M ids of about 25 bytes, some 27 MB).
struct ExactIDTable<Value: Sendable>: Sendable {
  private struct Entry: Sendable {
    var value: Value
    /// Where the first id's bytes are in `store`.
    var bytes: UInt32
  }

  private var table: DigestTable<Entry>
  private var store = IDByteStore()
  /// Ids the table does not keep: those whose digest matched another id's, those too long for
  /// the store, and every id once the store is full.
  private var others: [IDBytes: Value] = [:]

  /// How many distinct ids the table holds.
  var count: Int { table.count + others.count }

  /// An empty table with room for `capacity` ids before it grows; `vacant` fills its empty
  /// slots (any value: it is never handed out).
  init(capacity: Int = 0, vacant: Value) {
    table = DigestTable(capacity: capacity, vacant: Entry(value: vacant, bytes: 0))
  }

  /// Makes room for `capacity` ids in all.
  mutating func reserveCapacity(_ capacity: Int) { table.reserveCapacity(capacity) }

  /// The value already kept for `id`, or `nil` after keeping `value` for it. `digest` must be
  /// the same for the same id (``IDDigest``'s, or any function of its bytes: tests make every
  /// id collide).
  mutating func firstValue(of id: String, digest: IDDigest, keeping value: Value) -> Value? {
    if !others.isEmpty, let kept = others[IDBytes(id)] { return kept }
    let length = id.utf8.count
    guard let reference = store.nextReference(for: length) else {
      others[IDBytes(id)] = value
      return nil
    }
    if let found = table.firstValue(of: digest, keeping: Entry(value: value, bytes: reference)) {
      if store.bytes(at: found.bytes, equal: id) { return found.value }
      // A different id with the same kept digest bits.
      others[IDBytes(id)] = value
      return nil
    }
    store.append(id, at: reference)
    return nil
  }

  /// The value kept for `id`, if it is in the table (`digest` as for
  /// ``firstValue(of:digest:keeping:)``).
  func value(of id: String, digest: IDDigest) -> Value? {
    if !others.isEmpty, let kept = others[IDBytes(id)] { return kept }
    guard let found = table[digest], store.bytes(at: found.bytes, equal: id) else { return nil }
    return found.value
  }

  /// Changes the value of every id in the table (in no particular order).
  mutating func updateValues(_ body: (inout Value) -> Void) {
    table.updateValues { body(&$0.value) }
    var i = others.values.startIndex
    while i != others.values.endIndex {
      body(&others.values[i])
      others.values.formIndex(after: &i)
    }
  }
}

/// An id compared and hashed by its UTF-8 bytes, as Python compares strings (Swift's `String`
/// equates canonically equivalent ones).
struct IDBytes: Hashable, Sendable {
  let id: String

  init(_ id: String) { self.id = id }

  static func == (a: IDBytes, b: IDBytes) -> Bool { a.id.isSameKey(as: b.id) }

  func hash(into hasher: inout Hasher) {
    hasher.combine(id.utf8.count)
    for byte in id.utf8 { hasher.combine(byte) }
  }
}

/// Ids' bytes, each after its length (LEB128), in chunks of 1 MiB that are never moved (a
/// single growing array would hold two copies of every id while it grows), referred to by
/// 32-bit numbers: the chunk in the high 12 bits, the offset in the low 20. So it holds up to
/// 4 GiB; an id of a mebibyte or more is not kept here.
struct IDByteStore: Sendable {
  private static let chunkBits = 20
  private static var chunkSize: Int { 1 << chunkBits }
  private static var maxChunks: Int { 1 << (32 - chunkBits) }
  private var chunks: [[UInt8]] = []

  /// The reference the next id of `length` bytes would get (in the last chunk if it fits,
  /// else at the start of a new one), or `nil` when it cannot be kept.
  func nextReference(for length: Int) -> UInt32? {
    let needed = Self.prefixLength(length) + length
    guard needed <= Self.chunkSize else { return nil }
    if let last = chunks.last, last.count + needed <= Self.chunkSize {
      return UInt32((chunks.count - 1) << Self.chunkBits | last.count)
    }
    guard chunks.count < Self.maxChunks else { return nil }
    return UInt32(chunks.count << Self.chunkBits)
  }

  /// Keeps `id` at `reference`, which ``nextReference(for:)`` gave for its length.
  mutating func append(_ id: String, at reference: UInt32) {
    let chunk = Int(reference) >> Self.chunkBits
    if chunk == chunks.count {
      chunks.append([])
      chunks[chunk].reserveCapacity(Self.chunkSize)
    }
    var length = id.utf8.count
    repeat {
      let low = UInt8(length & 0x7F)
      length >>= 7
      chunks[chunk].append(length == 0 ? low : low | 0x80)
    } while length != 0
    chunks[chunk].append(contentsOf: id.utf8)
  }

  /// Whether the id kept at `reference` has the bytes of `id`.
  func bytes(at reference: UInt32, equal id: String) -> Bool {
    let chunk = Int(reference) >> Self.chunkBits
    var i = Int(reference) & (Self.chunkSize - 1)
    return chunks[chunk].withUnsafeBufferPointer { bytes in
      var length = 0
      var shift = 0
      while true {
        let b = bytes[i]
        i += 1
        length |= Int(b & 0x7F) << shift
        shift += 7
        if b & 0x80 == 0 { break }
      }
      guard length == id.utf8.count else { return false }
      return UnsafeBufferPointer(rebasing: bytes[i..<i + length]).elementsEqual(id.utf8)
    }
  }

  private static func prefixLength(_ length: Int) -> Int {
    var n = 1
    var rest = length >> 7
    while rest != 0 { n += 1; rest >>= 7 }
    return n
  }
}
