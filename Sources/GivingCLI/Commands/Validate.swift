public import ArgumentParser

extension Giving {
  /// Placeholder until the `validate` work lands.
  public struct Validate: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(abstract: "(not yet available)")
    public init() {}
    public func run() async throws {
      throw ValidationError("'giving validate' is not available yet")
    }
  }
}
