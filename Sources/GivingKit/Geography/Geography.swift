public import Foundation
internal import GivingGeography

/// A UK nation, each with its own deprivation index.
public enum Nation: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
  case england = "England"
  case wales = "Wales"
  case scotland = "Scotland"
  case northernIreland = "Northern Ireland"

  /// The ONS country code (`E92000001`, …).
  public var countryCode: String {
    switch self {
    case .england: "E92000001"
    case .wales: "W92000004"
    case .scotland: "S92000003"
    case .northernIreland: "N92000002"
    }
  }

  /// Nations in the order England, Wales, Scotland, Northern Ireland.
  public static func < (a: Nation, b: Nation) -> Bool {
    allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
  }
}

/// Which English Index of Multiple Deprivation to use; the other nations always use their own
/// current index (WIMD 2019, SIMD 2020v2, NIMDM 2017).
public enum EnglishIndex: String, Sendable, Hashable, Codable, CaseIterable {
  /// English Indices of Deprivation 2019, on 2011 LSOAs (the default).
  case imd2019
  /// English Indices of Deprivation 2025, on 2021 LSOAs; 2011 LSOA codes are mapped through
  /// the ONS 2011→2021 lookup.
  case imd2025
}

/// The attribution every output that uses the bundled geography must carry, from
/// `PROVENANCE.md`.
public let geographyAttribution = """
  Contains public sector information licensed under the Open Government Licence v3.0. \
  English Indices of Deprivation 2019 and 2025: Ministry of Housing, Communities and Local Government (MHCLG). \
  Welsh Index of Multiple Deprivation 2019: Welsh Government. \
  Scottish Index of Multiple Deprivation 2020v2: Scottish Government. \
  Northern Ireland Multiple Deprivation Measure 2017: NISRA. \
  Contains National Statistics data © Crown copyright and database right [year] (ONS geography lookups, population estimates, Census 2021). \
  NSPL sample: Contains OS data © Crown copyright and database right; Contains Royal Mail data © Royal Mail copyright and database right; \
  Source: Office for National Statistics licensed under the Open Government Licence v3.0. (NI postcodes carry extra LPS terms; none are in the sample.) \
  UK composite IMD: mySociety, https://github.com/mysociety/composite_uk_imd, CC BY 4.0.
  """

/// The caveat printed with every deprivation breakdown.
public let deprivationCaveat = """
  Deciles are relative within each nation (1 = most deprived 10% of that nation's small areas) \
  and are not comparable across nations; each nation is reported against its own index.
  """

/// One small area of a deprivation index: an LSOA (England, Wales), data zone (Scotland) or
/// super output area (Northern Ireland).
public struct SmallArea: Sendable, Hashable {
  /// The GSS (or NI SOA) code.
  public var code: String
  /// The nation whose index the area belongs to.
  public var nation: Nation
  /// 1 = most deprived 10% of the nation's small areas.
  public var decile: UInt8
  /// The population denominator used for spreading and per-head figures.
  public var population: Int32
  /// The current (active) local authority district.
  public var localAuthority: String
  /// The English region (`E12…`), or the country code outside England.
  public var region: String
}

/// What an area code stands for once looked up.
public enum AreaResolution: Sendable, Hashable {
  /// Small areas (indices into ``Geography/smallAreas``), each weighted by its population.
  case smallAreas([Int32])
  /// A whole nation (or the UK): no smaller place is known.
  case countryLevel(country: String)
  /// The code is not in the bundled tables, with the reason.
  case unknown(reason: String)
}

/// The bundled UK geography: every small area of the four nations' deprivation indices with
/// its decile, population, local authority and region, and lookups from larger areas (wards,
/// MSOAs and intermediate zones, local authorities, counties, combined authorities, regions) to
/// their small areas. Tables are read on first use, and only those a run needs.
///
/// ```swift
/// let geo = try Geography(englishIndex: .imd2019)
/// if case .smallAreas(let members) = geo.resolve("E09000001") { … }
/// ```
public final class Geography: @unchecked Sendable {
  /// The English index the small areas follow.
  public let englishIndex: EnglishIndex
  /// Every small area of the four indices.
  public let smallAreas: [SmallArea]
  let indexByCode: [String: Int32]
  /// LAD code (any vintage since 2011) → active LAD, UTLA, combined authority, region, country.
  let ladActive: [String: String]
  let ladParents: [String: (utla: String, cauth: String, region: String, country: String)]
  let directory: URL

  private let lock = NSLock()
  private var byLAD: [String: [Int32]]?
  private var byRegion: [String: [Int32]]?
  private var msoa11: [String: [String]]?
  private var msoaLAD: [String: String]?
  private var ward24: [String: [String]]?
  private var wardLAD: [String: String]?
  private var lsoa11to21: [String: [String]]?
  private var lsoa21to11: [String: [String]]?
  private var cache: [String: AreaResolution] = [:]
  private var decilePopulation: [Nation: [Int64]]?

  /// The name of the index used for `nation` (`IMD2019`, `WIMD2019`, `SIMD2020`, `NIMDM2017`).
  public func indexName(for nation: Nation) -> String {
    switch nation {
    case .england: englishIndex == .imd2019 ? "IMD2019" : "IMD2025"
    case .wales: "WIMD2019"
    case .scotland: "SIMD2020"
    case .northernIreland: "NIMDM2017"
    }
  }

  /// Reads the four nations' index tables and the local authority lookup from `directory`
  /// (the bundled tables by default).
  /// - Throws: ``FeedError/unreadable(file:reason:)`` when a table cannot be read.
  public init(englishIndex: EnglishIndex = .imd2019, directory: URL? = nil) throws {
    let dir = directory ?? GivingGeography.directory
    self.directory = dir
    self.englishIndex = englishIndex
    var active: [String: String] = [:]
    var parents: [String: (utla: String, cauth: String, region: String, country: String)] = [:]
    try GeoCSV.rows(
      dir.appendingPathComponent("lookup_lad_utla_region_country.csv"),
      columns: ["LADCD", "LADCD_ACTIVE", "UTLACD", "CAUTHCD", "RGNCD", "CTRYCD"]
    ) { r in
      active[r[0]] = r[1].isEmpty ? r[0] : r[1]
      if r[0] == active[r[0]] || parents[r[1]] == nil {
        parents[active[r[0]]!] = (r[2], r[3], r[4].isEmpty ? r[5] : r[4], r[5])
      }
    }
    var areas: [SmallArea] = []
    areas.reserveCapacity(44_000)
    func add(_ code: String, _ nation: Nation, _ decile: String, _ pop: String, _ lad: String) {
      guard let d = UInt8(decile) else { return }
      let la = active[lad] ?? lad
      let region = parents[la]?.region ?? nation.countryCode
      areas.append(
        SmallArea(
          code: code, nation: nation, decile: d, population: Int32(pop) ?? 0, localAuthority: la,
          region: nation == .england ? region : nation.countryCode))
    }
    switch englishIndex {
    case .imd2019:
      try GeoCSV.rows(
        dir.appendingPathComponent("imd2019_england_lsoa11.csv"),
        columns: ["lsoa11_code", "imd_decile", "pop_mid2019", "lad19_code"]
      ) { r in add(r[0], .england, r[1], r[2], r[3]) }
    case .imd2025:
      try GeoCSV.rows(
        dir.appendingPathComponent("imd2025_england_lsoa21.csv"),
        columns: ["lsoa21_code", "imd_decile", "pop_census2021", "lad24_code"]
      ) { r in add(r[0], .england, r[1], r[2], r[3]) }
    }
    try GeoCSV.rows(
      dir.appendingPathComponent("wimd2019_wales_lsoa11.csv"),
      columns: ["lsoa11_code", "wimd_decile", "pop_mid2019", "lad_code"]
    ) { r in add(r[0], .wales, r[1], r[2], r[3]) }
    try GeoCSV.rows(
      dir.appendingPathComponent("simd2020_scotland_dz11.csv"),
      columns: ["dz11_code", "simd_decile", "pop_mid2019", "la_code"]
    ) { r in add(r[0], .scotland, r[1], r[2], r[3]) }
    try GeoCSV.rows(
      dir.appendingPathComponent("nimdm2017_ni_soa01.csv"),
      columns: ["soa_code", "mdm_decile", "pop_mid2019", "lgd14_code"]
    ) { r in add(r[0], .northernIreland, r[1], r[2], r[3]) }
    var index: [String: Int32] = [:]
    index.reserveCapacity(areas.count)
    for (i, a) in areas.enumerated() { index[a.code] = Int32(i) }
    self.smallAreas = areas
    self.indexByCode = index
    self.ladActive = active
    self.ladParents = parents
  }

  /// The population of every small area in each decile of `nation` (index 0 = decile 1).
  public func population(of nation: Nation) -> [Int64] {
    lock.lock()
    defer { lock.unlock() }
    if decilePopulation == nil {
      var table: [Nation: [Int64]] = [:]
      for a in smallAreas where (1...10).contains(a.decile) {
        table[a.nation, default: [Int64](repeating: 0, count: 10)][Int(a.decile) - 1] += Int64(a.population)
      }
      decilePopulation = table
    }
    return decilePopulation?[nation] ?? [Int64](repeating: 0, count: 10)
  }

  /// The small areas, nation-level code or failure that `code` stands for. The area type
  /// comes from the code's prefix (GSS codes; NI super output areas start `95`).
  public func resolve(_ rawCode: String) -> AreaResolution {
    let code = rawCode.trimmingCharacters(in: .whitespaces).uppercased()
    lock.lock()
    defer { lock.unlock() }
    if let hit = cache[code] { return hit }
    let result = resolveUncached(code)
    if cache.count < 200_000 { cache[code] = result }
    return result
  }

  private func resolveUncached(_ code: String) -> AreaResolution {
    if code.isEmpty { return .unknown(reason: "empty area code") }
    if let i = indexByCode[code] { return .smallAreas([i]) }
    let prefix = String(code.prefix(3))
    switch prefix {
    case "E01", "W01":
      // A small area of the other vintage: map 2011 ↔ 2021.
      let englishIs2021 = englishIndex == .imd2025 && prefix == "E01"
      let mapped = englishIs2021 ? lookup11to21()[code] : lookup21to11()[code]
      if let mapped { return members(mapped) }
      return .unknown(reason: "LSOA not in the bundled lookups")
    case "S01": return .unknown(reason: "data zone not in SIMD 2020 (2011 data zones only)")
    case "E02", "W02", "S02":
      if let lsoas = msoa11Lookup()[code] {
        let mapped = lsoas.flatMap { c -> [String] in
          if indexByCode[c] != nil { return [c] }
          return lookup11to21()[c] ?? []
        }
        return members(mapped)
      }
      if let lad = msoaLADLookup()[code] { return ladMembers(lad) }
      return .unknown(reason: "MSOA or intermediate zone not in the bundled lookups")
    case "E05", "W05", "S13", "N08":
      if let lsoas = ward24Lookup()[code] {
        let mapped = lsoas.flatMap { c -> [String] in
          if indexByCode[c] != nil { return [c] }
          return lookup21to11()[c] ?? []
        }
        if !mapped.isEmpty { return members(mapped) }
      }
      if let lad = wardLADLookup()[code] { return ladMembers(lad) }
      return .unknown(reason: "ward not in the bundled lookups")
    case "E06", "E07", "E08", "E09", "W06", "S12", "N09":
      return ladMembers(code)
    case "E10", "E47":
      let lads = ladParents.filter { prefix == "E10" ? $0.value.utla == code : $0.value.cauth == code }.map(\.key)
      if lads.isEmpty { return .unknown(reason: "county or combined authority not in the bundled lookups") }
      let lists = ladLists()
      return .smallAreas(lads.sorted().flatMap { lists.byLAD[$0] ?? [] })
    case "E12":
      if let list = ladLists().byRegion[code] { return .smallAreas(list) }
      return .unknown(reason: "region not in the bundled lookups")
    case "E92", "W92", "S92", "N92", "K02", "K03", "K04":
      return .countryLevel(country: code)
    default:
      return .unknown(reason: "not a UK area code giving knows")
    }
  }

  private func members(_ codes: [String]) -> AreaResolution {
    var seen = Set<Int32>()
    var list: [Int32] = []
    for c in codes { if let i = indexByCode[c], seen.insert(i).inserted { list.append(i) } }
    return list.isEmpty ? .unknown(reason: "no small area of the index matches") : .smallAreas(list)
  }

  private func ladMembers(_ code: String) -> AreaResolution {
    let la = ladActive[code] ?? code
    if let list = ladLists().byLAD[la], !list.isEmpty { return .smallAreas(list) }
    return .unknown(reason: "local authority not in the bundled lookups")
  }

  private func ladLists() -> (byLAD: [String: [Int32]], byRegion: [String: [Int32]]) {
    if let byLAD, let byRegion { return (byLAD, byRegion) }
    var l: [String: [Int32]] = [:]
    var r: [String: [Int32]] = [:]
    for (i, a) in smallAreas.enumerated() {
      l[a.localAuthority, default: []].append(Int32(i))
      r[a.region, default: []].append(Int32(i))
    }
    byLAD = l
    byRegion = r
    return (l, r)
  }

  private func lookup11to21() -> [String: [String]] {
    if let lsoa11to21 { return lsoa11to21 }
    loadLSOALookup()
    return lsoa11to21 ?? [:]
  }

  private func lookup21to11() -> [String: [String]] {
    if let lsoa21to11 { return lsoa21to11 }
    loadLSOALookup()
    return lsoa21to11 ?? [:]
  }

  private func loadLSOALookup() {
    var a: [String: [String]] = [:]
    var b: [String: [String]] = [:]
    try? GeoCSV.rows(directory.appendingPathComponent("lookup_lsoa11_lsoa21.csv"), columns: ["lsoa11_code", "lsoa21_code"]) { r in
      a[r[0], default: []].append(r[1])
      b[r[1], default: []].append(r[0])
    }
    lsoa11to21 = a
    lsoa21to11 = b
  }

  private func msoa11Lookup() -> [String: [String]] {
    if let msoa11 { return msoa11 }
    var m: [String: [String]] = [:]
    try? GeoCSV.rows(directory.appendingPathComponent("lookup_smallarea2011_lad.csv"), columns: ["area_code", "msoa11_code"]) { r in
      if !r[1].isEmpty { m[r[1], default: []].append(r[0]) }
    }
    msoa11 = m
    return m
  }

  private func msoaLADLookup() -> [String: String] {
    if let msoaLAD { return msoaLAD }
    var m: [String: String] = [:]
    try? GeoCSV.rows(directory.appendingPathComponent("lookup_msoa_lad.csv"), columns: ["MSOACD", "LADCD_ACTIVE"]) { r in
      m[r[0]] = r[1]
    }
    msoaLAD = m
    return m
  }

  private func ward24Lookup() -> [String: [String]] {
    if let ward24 { return ward24 }
    var m: [String: [String]] = [:]
    try? GeoCSV.rows(directory.appendingPathComponent("lookup_lsoa21_ward24_lad24.csv"), columns: ["lsoa21_code", "ward24_code"]) { r in
      m[r[1], default: []].append(r[0])
    }
    ward24 = m
    return m
  }

  private func wardLADLookup() -> [String: String] {
    if let wardLAD { return wardLAD }
    var m: [String: String] = [:]
    try? GeoCSV.rows(directory.appendingPathComponent("lookup_ward_lad.csv"), columns: ["WDCD", "LADCD_ACTIVE", "LADCD"]) { r in
      m[r[0]] = r[1].isEmpty ? r[2] : r[1]
    }
    wardLAD = m
    return m
  }
}

/// A postcode → small area table read from an ONS postcode directory (NSPL or ONSPD CSV
/// layout: columns `pcds`, `lsoa11` and/or `lsoa21`, optional `doterm`).
public struct PostcodeTable: Sendable {
  var areas: [String: String]
  /// How many postcodes the table holds.
  public var count: Int { areas.count }

  /// Reads `url`, keeping the 2021 LSOA when `prefer2021` and the file has one, else the 2011 LSOA
  /// (data zone in Scotland).
  /// - Throws: ``FeedError/unreadable(file:reason:)`` when the file cannot be read or has no `pcds` column;
  ///   ``FeedError/malformedCSV(file:line:reason:)`` (and the CSV reader's other errors) at the line where
  ///   the file goes wrong.
  /// - Parameter only: when given, the postcodes to keep (any spacing or case): a run that
  ///   knows which postcodes it will look up keeps a few of a directory's millions.
  public init(contentsOf url: URL, prefer2021: Bool = false, only: Set<String>? = nil) throws {
    var areas: [String: String] = [:]
    let wanted = only.map { Set($0.map(PostcodeTable.normalise)) }
    try GeoCSV.rows(url, columns: ["pcds", "lsoa11", "lsoa21"], required: ["pcds"]) { r in
      let postcode = PostcodeTable.normalise(r[0])
      if let wanted, !wanted.contains(postcode) { return }
      let area = prefer2021 && !r[2].isEmpty ? r[2] : (r[1].isEmpty ? r[2] : r[1])
      if !area.isEmpty { areas[postcode] = area }
    }
    self.areas = areas
  }

  /// The small area code of `postcode` (any spacing or case), or `nil`.
  public func area(of postcode: String) -> String? { areas[Self.normalise(postcode)] }

  /// `postcode` without spaces, in capitals: the form the table is keyed by.
  public static func normalise(_ postcode: String) -> String {
    // Postcodes are ASCII: their bytes are copied without spaces and with capitals, which is
    // many times quicker than `uppercased()` over a directory's millions.
    var bytes: [UInt8] = []
    bytes.reserveCapacity(postcode.utf8.count)
    for byte in postcode.utf8 where byte != UInt8(ascii: " ") && byte != UInt8(ascii: "\t") {
      if byte >= 0x80 {
        var out = ""
        for ch in postcode.unicodeScalars where ch != " " && ch != "\t" { out.unicodeScalars.append(ch) }
        return out.uppercased()
      }
      bytes.append(byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z") ? byte - 32 : byte)
    }
    return String(decoding: bytes, as: UTF8.self)
  }
}
