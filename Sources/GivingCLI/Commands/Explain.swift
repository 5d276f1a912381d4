public import ArgumentParser

extension Giving {
  /// Placeholder until the `explain` work lands.
  public struct Explain: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(abstract: "(not yet available)")
    public init() {}
    public func run() async throws {
      throw ValidationError("'giving explain' is not available yet")
    }
  }
}
