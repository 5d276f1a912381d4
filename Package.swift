// swift-tools-version: 6.1
import Foundation
import PackageDescription

/// `make test-sanitize` builds with `GIVING_SANITIZE=1`: the sanitizers bring their own
/// allocator, so the executable does not link jemalloc then.
let linksJemalloc = ProcessInfo.processInfo.environment["GIVING_SANITIZE"] == nil

/// Settings shared by every target: Swift 6 language mode and the upcoming
/// features that keep imports and existentials explicit. No unsafe flags: release builds keep
/// Swift's bounds and overflow checks (giving reads files that strangers publish), and a
/// package with unsafe flags cannot be used as a dependency.
let sharedSettings: [SwiftSetting] = [
  .enableUpcomingFeature("ExistentialAny"),
  .enableUpcomingFeature("MemberImportVisibility"),
  .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
  name: "giving",
  platforms: [.macOS(.v14)],
  products: [
    .executable(name: "giving", targets: ["giving"]),
    .library(name: "GivingKit", targets: ["GivingKit"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.19"),
    .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
    .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
  ],
  targets: [
    // C libraries from Debian, each wrapped by one internal owner in GivingKit.
    .systemLibrary(name: "CLibCSV", providers: [.apt(["libcsv-dev"])]),
    .systemLibrary(
      name: "CLibXML2", pkgConfig: "libxml-2.0",
      providers: [.apt(["libxml2-dev"]), .brew(["libxml2"])]),
    .systemLibrary(name: "CZlibChecksum", providers: [.apt(["zlib1g-dev"])]),

    // The official 360Giving schemas, codelists and org-id list, bundled.
    .target(
      name: "GivingSchemas", path: "Schemas",
      exclude: ["PROVENANCE.md"],
      resources: [.copy("360Giving")],
      swiftSettings: sharedSettings),

    // UK deprivation indices, populations and area lookups (ONS, MHCLG, WG, SG, NISRA), bundled.
    .target(
      name: "GivingGeography", dependencies: ["GivingSchemas"], path: "Sources/GivingGeography",
      exclude: ["PROVENANCE.md"],
      resources: [.copy("Tables")],
      swiftSettings: sharedSettings),

    .target(
      name: "GivingKit",
      dependencies: [
        "CLibCSV", "CLibXML2", "CZlibChecksum", "GivingSchemas", "GivingGeography",
        .product(name: "ZIPFoundation", package: "ZIPFoundation"),
        .product(name: "OrderedCollections", package: "swift-collections"),
      ],
      swiftSettings: sharedSettings),
    // Grants into SQLite, through GRDB (Debian libsqlite3-dev): a layer above GivingKit.
    .target(
      name: "GivingDatabase",
      dependencies: ["GivingKit", .product(name: "GRDB", package: "GRDB.swift")],
      swiftSettings: sharedSettings),
    // The one-file HTML report (validation, summary, spend charts as inline SVG): a layer above
    // GivingKit that only writes HTML.
    .target(
      name: "GivingReport", dependencies: ["GivingKit"],
      swiftSettings: sharedSettings),
    .target(
      name: "GivingCLI",
      dependencies: [
        "GivingKit", "GivingDatabase", "GivingReport",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ],
      swiftSettings: sharedSettings),
    // jemalloc (Debian libjemalloc-dev) replaces glibc's malloc in the executable: grants are
    // built on reading threads and freed on another, which glibc serves with locked arenas and
    // consolidation. Measured: validating 1M grants of JSON 22.6 s → 14.7 s (Benchmarks/).
    // CJemallocConfig sets how soon it returns freed memory.
    .target(name: "CJemallocConfig", path: "Sources/CJemallocConfig"),
    .executableTarget(
      name: "giving",
      dependencies: [
        "GivingCLI", "CJemallocConfig", .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ],
      swiftSettings: sharedSettings,
      linkerSettings: linksJemalloc ? [.linkedLibrary("jemalloc", .when(platforms: [.linux]))] : []),

    // libFuzzer targets (`make fuzz`, docs/fuzzing.md); built as usual, a driver that replays inputs.
    .executableTarget(
      name: "giving-fuzz", dependencies: ["GivingKit"], path: "Tests/Fuzz", exclude: ["fuzz.sh"],
      swiftSettings: sharedSettings),

    .target(
      name: "GivingTestSupport", path: "Tests/GivingTestSupport", swiftSettings: sharedSettings),
    .testTarget(
      name: "GivingKitTests", dependencies: ["GivingKit", "GivingTestSupport"],
      swiftSettings: sharedSettings),
    .testTarget(
      name: "GivingCLITests", dependencies: ["GivingCLI", "GivingKit", "GivingDatabase", "GivingReport", "GivingTestSupport", "giving"],
      swiftSettings: sharedSettings),
  ],
  swiftLanguageModes: [.v6]
)
