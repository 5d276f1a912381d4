import Foundation
import GivingTestSupport
@testable import GivingKit
import Testing

/// A large CSV file is aggregated on every core, its rows read straight into ``GrantFacts``
/// without grants where the headings allow. Whichever way a file is read — sequentially, in
/// parallel through grants, or in parallel straight from rows — the results must be the same:
/// groups, exclusions with their cells, duplicates with theirs.
@Suite struct DirectRowsTests {
  enum Mode: CaseIterable { case sequential, parallelGrants, parallelRows }

  func aggregate(_ urls: [URL], options: AggregationOptions, mode: Mode) throws -> AggregationResult {
    var aggregator = try Aggregator(options: options)
    aggregator.readsRowsDirectly = mode == .parallelRows
    let feeds = try urls.map { url in
      var feed = try GrantFeed(files: [url])
      // Ranges of a few hundred bytes, so that every file is cut many times.
      feed.parallelMinimumSize = mode == .sequential ? .max : 0
      feed.parallelChunkSize = 512
      return feed
    }
    if options.needsSelectionPass {
      for feed in feeds { try aggregator.readSelection(feed) }
    }
    for feed in feeds { try aggregator.aggregate(feed) }
    return aggregator.result()
  }

  /// Rows of every kind the direct reader must get right or hand back: merged rows, an id
  /// that comes back later, bad amounts, currencies and dates, an empty row, a row with only
  /// an unread column, a quoted line break, a grant to an individual, stray spaces in codes.
  static let awkward = """
    Identifier,Title,Description,Currency,Amount Awarded,Award Date,Recipient Org:Identifier,Recipient Ind:Identifier,Funding Org:Identifier,Grant Programme:Title,Grant Programme:Code,Beneficiary Location:Geographic Code,Recipient Org:Postal Code,Extra
    360G-a-1,Community garden,"A garden,
    with a shed",GBP,1000.10,2021-04-01,GB-CHC-1,,GB-GOR-X,Main,M1,E01000001,,
    360G-a-2,Merged first,,GBP,250,2021-05-01,GB-CHC-2,,GB-GOR-X,Main,,,,
    360G-a-2,Merged second,,,,,,,,,,E01000002,,
    360G-a-3,No amount,,GBP,,2021-05-01,GB-CHC-3,,GB-GOR-X,,,,,
    360G-a-4,Words,,GBP,lots,2021-05-01,GB-CHC-3,,GB-GOR-X,,,,,
    360G-a-5,Odd currency,,XYZ,5,2021-05-01,GB-CHC-3,,GB-GOR-Y,,,,,
    360G-a-6,Bad date,,GBP,5,01/05/2021,GB-CHC-3,,GB-GOR-Y,,,,,
    ,,,,,,,,,,,,,
    ,,,,,,,,,,,,,only extra
    360G-a-1,Back again,,GBP,99,2022-01-01,GB-CHC-1,,GB-GOR-X,,,,,
    360G-a-7,To a person,,GBP,300.5,2022-02-02,,IND-1,GB-GOR-Y,Bursaries,B,  E01000003 ,,
    360G-a-8,Community hall,,GBP,12.3456,2023-03-03,GB-CHC-4,,GB-GOR-Y,Main,M1,,SW1A 1AA,
    360G-a-9,No date,,GBP,7,,GB-CHC-4,,GB-GOR-Y,,,,,
    360G-a-10,Big,,GBP,123456789012345.5,2023-03-04,GB-CHC-5,,GB-GOR-Y,,,,,

    """

  static let optionSets: [(String, AggregationOptions)] = {
    var sets: [(String, AggregationOptions)] = []
    for keys: [AggregationKey] in [
      [.funder], [.funder, .year], [.recipient, .month], [.programme, .currency], [.recipientType, .amountBand],
      [.imdDecile], [.localAuthority, .financialYear], [.funderType, .recipientOrgType], [.classification, .funder],
    ] {
      sets.append(("\(keys)", AggregationOptions(keys: keys)))
    }
    var filtered = AggregationOptions(keys: [.funder])
    filtered.filter.search = "community"
    filtered.filter.programmes = ["Main", "B"]
    filtered.filter.from = "2021-01-01"
    filtered.filter.minimum = 10
    sets.append(("filtered", filtered))
    var selected = AggregationOptions(keys: [.funder])
    selected.filter.recipientsOf = [.type("government"), .funder("GB-CHC-1000001")]
    selected.filter.notFunders = [.funder("GB-GOR-X")]
    selected.filter.from = "2021-01-01"
    sets.append(("recipients of", selected))
    var placed = AggregationOptions(keys: [.localAuthority, .recipientOrgType])
    placed.filter.placesOf = [.type("government")]
    placed.filter.funderTypes = ["charity", "company", "unknown"]
    sets.append(("places of", placed))
    return sets
  }()

  @Test(arguments: 0..<optionSets.count)
  func everyWayOfReadingAggregatesAlike(set: Int) throws {
    let (name, baseOptions) = Self.optionSets[set]
    var options = baseOptions
    options.postcodes = try PostcodeTable(contentsOf: FixturePaths.url("geo/postcodes_nspl_nov2021_sample.csv"))
    let files = try Self.csvFiles()
    defer { files.remove() }
    let urls = files.urls.filter { (try? GrantFeed(files: [$0]).read { _ in }) != nil }
    let reference = try aggregate(urls, options: options, mode: .sequential)
    #expect(!reference.groups.isEmpty, "\(name)")
    #expect(!reference.excluded.isEmpty && !reference.duplicates.isEmpty, "\(name)")
    for mode in [Mode.parallelGrants, .parallelRows] {
      let result = try aggregate(urls, options: options, mode: mode)
      #expect(result == reference, "\(name), \(mode)")
    }
  }

  @Test func standardHeadingsAreReadStraightFromRows() throws {
    let finder = try Aggregator(options: AggregationOptions(keys: [.imdDecile])).factFinder
    let needed = try Aggregator(options: AggregationOptions(keys: [.imdDecile])).neededMembers
    func header(_ line: String) -> SheetRow {
      SheetRow(number: 1, cells: line.split(separator: ",", omittingEmptySubsequences: false).map { .text(String($0)) })
    }
    let url = URL(fileURLWithPath: "/tmp/x.csv")
    for file in ["sample/grants.csv", "sample/dirty.csv"] {
      let first = try String(contentsOf: FixturePaths.url(file), encoding: .utf8).split(separator: "\n")[0]
      #expect(finder.directRows(header: header(String(first)), file: url, titles: .grant, neededMembers: needed) != nil)
    }
    #expect(
      finder.directRows(header: header(Self.awkward.split(separator: "\n")[0].description), file: url, titles: .grant, neededMembers: needed)
        != nil)
    // A second beneficiary location, or a column naming a whole list: the ordinary reader.
    for line in [
      "Identifier,Amount Awarded,Beneficiary Location:Geographic Code,Beneficiary Location:1:Geographic Code",
      "Identifier,Amount Awarded,Funding Org",
      "identifier,amountAwarded,recipientOrganization/0/id,recipientOrganization/1/id",
    ] {
      #expect(finder.directRows(header: header(line), file: url, titles: .grant, neededMembers: needed) == nil, "\(line)")
    }
  }

  /// The CSV files the parallel readers are compared on: the samples, the real Data Quality
  /// Tool files, and ``awkward`` written to a folder of its own (`remove()` deletes it).
  static func csvFiles() throws -> (urls: [URL], remove: () -> Void) {
    let folder = ScratchSpace.root.appendingPathComponent("giving-parallel-\(UUID())")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    let awkward = folder.appendingPathComponent("awkward.csv")
    try Data(Self.awkward.utf8).write(to: awkward)
    let urls = [FixturePaths.url("sample/grants.csv"), FixturePaths.url("sample/dirty.csv"), awkward]
      + FixturePaths.files(in: "real/dataquality", extensions: ["csv"]) + FixturePaths.files(in: "aggregate", extensions: ["csv"])
      .filter { !$0.lastPathComponent.hasPrefix("org-types") }
    return (urls, { try? FileManager.default.removeItem(at: folder) })
  }
}
