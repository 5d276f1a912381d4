/// One identifier that grants of two or more feeds share: the same grant published in two
/// files (or two grants given one id), with the place of its first copy in each feed.
public struct CrossFeedDuplicate: Sendable, Equatable {
  public var id: String
  /// One place per feed, in the order the feeds were given: where the first grant with this
  /// id is in that feed (its `Identifier` cell, or the `id` member's line and column).
  public var copies: [SourceLocation]

  public init(id: String, copies: [SourceLocation]) {
    self.id = id
    self.copies = copies
  }
}

/// The string ids of one feed's grants with where each is, kept compactly while a feed's
/// report waits to be merged with the others (``CrossFeedDuplicates``): the ids' bytes end to
/// end, not a `String` each.
struct FeedIDList: Sendable {
  private var bytes: [UInt8] = []
  private var ends: [UInt32] = []
  private var places: [SourcePlace] = []

  var count: Int { ends.count }

  mutating func append(_ id: String, at place: SourcePlace) {
    var id = id
    id.withUTF8 { bytes.append(contentsOf: $0) }
    ends.append(UInt32(truncatingIfNeeded: bytes.count))
    places.append(place)
  }

  /// The ids in the order added, each with its place.
  func forEach(_ body: (String, SourcePlace) -> Void) {
    var start = 0
    for (end, place) in zip(ends, places) {
      let end = Int(end)
      body(String(decoding: bytes[start..<end], as: UTF8.self), place)
      start = end
    }
  }
}

/// Finds the ids that grants of different feeds share, as feeds' id lists are merged one by
/// one in the order the feeds were given, so that the first feed named is the first copy.
///
/// A feed's own repeated ids are its own `uniqueItems` error, not counted here; an id repeated
/// within a feed and also found in another is listed once per feed, at its first copy there.
/// Only string ids are compared (ids of other types are schema errors already), exactly by
/// their bytes (``ExactIDTable``).
///
/// Memory: the table's slot, the id's bytes and a place per distinct id, and for duplicated
/// ids a place per feed; past ``detailLimit`` duplicated ids (100,000), only their count grows.
struct CrossFeedDuplicates {
  /// Where an id was first seen.
  private struct FirstCopy: Sendable {
    var feed: Int32
    var place: SourcePlace
  }

  /// The most duplicated ids whose places are kept; the rest are counted.
  let detailLimit: Int

  private var firstCopies = ExactIDTable<FirstCopy>(vacant: FirstCopy(feed: -1, place: .unknown))
  /// The ids with copies in several feeds, in the order found: each copy's feed and place.
  private var duplicated: [(id: String, copies: [FirstCopy])] = []
  private var duplicatedIndex: [IDBytes: Int] = [:]
  /// Duplicated ids past ``detailLimit``, kept only to count each once.
  private var countedOnly = ExactIDTable<Bool>(vacant: false)

  /// How many ids grants of two or more feeds share.
  private(set) var count = 0

  init(detailLimit: Int = 100_000) { self.detailLimit = detailLimit }

  /// Merges the ids of feed number `feed`; feeds must come in order, each once.
  mutating func merge(_ ids: FeedIDList, feed: Int) {
    let feed = Int32(truncatingIfNeeded: feed)
    ids.forEach { id, place in
      let digest = IDDigest(id)
      let copy = FirstCopy(feed: feed, place: place)
      guard let first = firstCopies.firstValue(of: id, digest: digest, keeping: copy), first.feed != feed
      else { return }
      if let index = duplicatedIndex[IDBytes(id)] {
        if duplicated[index].copies.last?.feed != feed { duplicated[index].copies.append(copy) }
      } else if duplicated.count < detailLimit {
        duplicatedIndex[IDBytes(id)] = duplicated.count
        duplicated.append((id, [first, copy]))
        count += 1
      } else if countedOnly.firstValue(of: id, digest: digest, keeping: true) == nil {
        count += 1
      }
    }
  }

  /// The duplicated ids whose places were kept, in the order found, each copy's place
  /// resolved against its feed's sources (`feeds[feed]`; a place that cannot be resolved is
  /// given as the feed's file).
  func duplicates(feeds: [(file: String, sources: FeedSources)]) -> [CrossFeedDuplicate] {
    duplicated.map { id, copies in
      CrossFeedDuplicate(
        id: id,
        copies: copies.map { copy in
          let feed = feeds[Int(copy.feed)]
          return feed.sources.resolve(copy.place) ?? SourceLocation(file: feed.file)
        })
    }
  }
}
