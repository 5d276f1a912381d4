public import ArgumentParser

extension Giving {
  /// Placeholder until the `aggregate` work lands.
  public struct Aggregate: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(abstract: "(not yet available)")
    public init() {}
    public func run() async throws {
      throw ValidationError("'giving aggregate' is not available yet")
    }
  }
}
