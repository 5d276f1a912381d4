public import ArgumentParser
internal import Foundation
internal import GivingKit

/// `aggregate`'s options that type organisations and select funders (docs/aggregate.md).
public struct OrganisationOptions: ParsableArguments {
  @Option(help: "Only funders of this type (repeatable): central-government, local-government, public-service, charity, company, community-group, other, unknown, a type of --org-types, or government for the three government types.")
  public var funderType: [String] = []

  @Option(help: "Only recipient organisations of this type (repeatable; types as for --funder-type, and individual for grants to people).")
  public var recipientOrgType: [String] = []

  @Option(help: ArgumentHelp("A CSV table headed id,type giving named organisations a type whatever their register (any name, such as lottery).", valueName: "file"))
  public var orgTypes: String?

  @Option(help: ArgumentHelp("Only grants to recipient organisations that also had a grant from this funder: a funder id or type:TYPE (repeatable).", valueName: "selector"))
  public var recipientsOf: [String] = []

  @Option(help: ArgumentHelp("Only grants placed in a local authority district where this funder placed a grant: a funder id or type:TYPE (repeatable).", valueName: "selector"))
  public var placesOf: [String] = []

  @Option(help: ArgumentHelp("Leave out grants from this funder: a funder id or type:TYPE (repeatable).", valueName: "selector"))
  public var notFunder: [String] = []

  public init() {}

  /// Checks that every selector is a funder id or `type:` and a type name.
  public func validate() throws {
    for (option, values) in [("--recipients-of", recipientsOf), ("--places-of", placesOf), ("--not-funder", notFunder)] {
      for value in values {
        do {
          _ = try FunderSelector(parsing: value)
        } catch {
          throw ValidationError("\(option): \(error.description)")
        }
      }
    }
  }

  /// Puts the types, filters and selectors into `options`, reading the `--org-types` table.
  /// - Throws: ``OrganisationTypesError`` for a row of the table that cannot be used,
  ///   `FeedError` when it cannot be read.
  func apply(to options: inout AggregationOptions) throws {
    options.filter.funderTypes = Set(funderType)
    options.filter.recipientOrgTypes = Set(recipientOrgType)
    options.filter.recipientsOf = try recipientsOf.map { try FunderSelector(parsing: $0) }
    options.filter.placesOf = try placesOf.map { try FunderSelector(parsing: $0) }
    options.filter.notFunders = try notFunder.map { try FunderSelector(parsing: $0) }
    if let orgTypes {
      var types = OrganisationTypes.standard
      try types.readOverrides(contentsOf: URL(fileURLWithPath: orgTypes))
      options.organisationTypes = types
    }
  }

  /// What a selector that named no funder means for the result, for a note.
  static func consequence(of selector: String) -> String {
    selector.hasPrefix("--not-funder") ? "nothing was left out by it" : "no grant passes it"
  }
}
