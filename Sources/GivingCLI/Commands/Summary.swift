public import ArgumentParser

extension Giving {
  /// Placeholder until the `summary` work lands.
  public struct Summary: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(abstract: "(not yet available)")
    public init() {}
    public func run() async throws {
      throw ValidationError("'giving summary' is not available yet")
    }
  }
}
