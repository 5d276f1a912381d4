public import ArgumentParser
internal import Foundation
internal import GivingKit

extension Giving {
  /// `giving explain`: what a check or schema rule means and how to fix what it finds.
  public struct Explain: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
      abstract: "Explain a check or schema rule code.",
      discussion: "CODE is a Data Quality Tool check name (e.g. ZeroAmountTest, any case) or a schema rule (required, type, format, enum, oneOf, uniqueItems, minItems, codelist, additionalFields).")

    @Argument(help: "The check or rule code.")
    public var code: String

    public init() {}

    public func run() async throws {
      if let text = Self.text(for: code) {
        print(text)
        return
      }
      Diagnostics.error("unknown code '\(code)'")
      var known = "known check codes:\n"
      for check in GrantChecks.all { known += "  \(check.id)\n" }
      known += "known schema rule codes:\n"
      for rule in SchemaRules.all { known += "  \(rule.code)\n" }
      FileHandle.standardError.write(Data(known.utf8))
      throw ExitStatus.usage
    }

    /// What `giving explain CODE` prints for a check or schema rule code (any case), or `nil`
    /// for a code it does not know; the report shows the same text beside each finding.
    static func text(for code: String) -> String? {
      if let check = GrantChecks.named(code) { return explain(check) }
      if let rule = SchemaRules.all.first(where: { $0.code.lowercased() == code.lowercased() }) {
        return "\(rule.code) — schema rule\n\n\(rule.meaning)\n\nHow to fix: \(rule.fix)"
      }
      return nil
    }

    static func explain(_ check: any GrantCheck.Type) -> String {
      let group = check.category == .quality ? "accuracy" : "usefulness"
      let over: String
      switch check.relevance {
      case .any: over = "all grants"
      case .recipientOrganisation: over = "grants to organisations"
      case .recipientIndividual: over = "grants to individuals"
      }
      let counting = check.countStyle == .raw
        ? "shown as a count" : "shown as a count up to 5, else as a percentage of \(over)"
      let heading = check.heading.contains("{}")
        ? check.heading.replacingOccurrences(of: "{}", with: "<n>")
        : "<n> grants \(check.verb.form(count: 2)) \(check.heading)"
      return """
        \(check.id) — \(group) check (\(check.topic), importance \(check.importance))

        Heading:   \(heading)
        Checks:    \(check.summary)
        Counts:    one per \(check.countUnit); \(counting)

        Official message:
          \(check.message)

        How to fix: \(check.fix)
        """
    }
  }
}

/// Short explanations of the schema validation rule codes `giving validate` reports.
enum SchemaRules {
  struct Rule {
    var code: String
    var meaning: String
    var fix: String
  }

  static let all: [Rule] = [
    Rule(code: "required", meaning: "A field the 360Giving schema requires is missing ('<field>' is missing but required).",
      fix: "Add the field (every grant needs id, title, description, currency, amountAwarded, awardDate, recipientOrganization or recipientIndividual, fundingOrganization)."),
    Rule(code: "type", meaning: "A value has the wrong JSON type: text where a number is expected, a number in quotes, null, a single value where a list is expected.",
      fix: "Write numbers without quotes or other characters, text in quotes, lists as lists."),
    Rule(code: "format", meaning: "A date or link is not in the required format ('Date is not in the correct format', 'Invalid 'uri' found').",
      fix: "Write dates as YYYY-MM-DD or full date-times with a zone (2024-05-01T00:00:00+00:00); write links as absolute URLs."),
    Rule(code: "enum", meaning: "A value is not one of the codes allowed for the field ('Invalid code found in …'), e.g. currency or countryCode.",
      fix: "Use a code from the field's codelist (ISO 4217 currency, ISO 3166 country code)."),
    Rule(code: "oneOf", meaning: "A grant has both recipientOrganization and recipientIndividual, or a date matches none (or several) of the allowed forms.",
      fix: "Give exactly one recipient kind per grant; write dates as YYYY-MM-DD or a full date-time."),
    Rule(code: "uniqueItems", meaning: "Two grants share the same id ('Non-unique id values').",
      fix: "Give every grant its own identifier (publisher prefix + internal reference)."),
    Rule(code: "minItems", meaning: "A list that must have entries is empty ('[] is too short').",
      fix: "Add at least one entry, or leave the field out."),
    Rule(code: "codelist", meaning: "A value is not in one of the standard's closed codelists (counted once per distinct value).",
      fix: "Use a code from the codelist named in the report."),
    Rule(code: "additionalFields", meaning: "Fields not defined by the schema (information only; they are allowed).",
      fix: "Check the spelling of column titles or field names; rename them to standard titles if they were meant to be standard fields."),
  ]
}
