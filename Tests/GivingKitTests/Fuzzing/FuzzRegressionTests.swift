import Foundation
import GivingTestSupport
import Testing

@testable import GivingKit

/// Every input the fuzz targets (`make fuzz`) found a problem with, kept in
/// `Fixtures/fuzz-regressions/<target>/`, read again through the same entry point: each must now
/// read, or be refused with a ``FeedError``.
@Suite struct FuzzRegressionTests {
  /// Each regression input with its target.
  static let inputs: [(FuzzTarget, URL)] = FuzzTarget.allCases.flatMap { target in
    FixturePaths.files(in: "fuzz-regressions/\(target.rawValue)").map { (target, $0) }
  }

  @Test(arguments: inputs.map { "\($0.0.rawValue)/\($0.1.lastPathComponent)" })
  func eachFoundInputReadsOrIsRefused(name: String) throws {
    let (target, url) = try #require(Self.inputs.first { "\($0.0.rawValue)/\($0.1.lastPathComponent)" == name })
    let bytes = [UInt8](try Data(contentsOf: url))
    do {
      try target.run(bytes)
    } catch is FeedError {
      // Refused with a message: fine.
    }
  }

  /// The XML seeds (giving's XML form of real packages) read as packages, so that the fuzzer
  /// starts from inputs that get past the first element.
  @Test(arguments: FixturePaths.files(in: "fuzz-seeds/xml"))
  func xmlSeedsRead(xml: URL) throws {
    try FuzzTarget.xml.run([UInt8](try Data(contentsOf: xml)))
  }
}
