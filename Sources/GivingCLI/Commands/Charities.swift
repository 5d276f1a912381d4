public import ArgumentParser
internal import Foundation
public import GivingKit

extension CharityKey: ExpressibleByArgument {}

extension Giving {
  /// `giving charities`: registered charities counted by place, deprivation decile, income
  /// band or activity, from the regulators' own register files.
  public struct Charities: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
      abstract: "Count registered charities by deprivation decile, local authority, region, income band or activity.",
      discussion: """
        Reads the registers as their regulators publish them: the Charity Commission for England and \
        Wales extract (publicextract.charity as .txt or .json, with publicextract.charity_classification \
        for --by activity and publicextract.charity_annual_return_parta for --by trading-subsidiary), the OSCR register CSV and the CCNI register CSV. Removed charities are counted \
        apart. Places come from each charity's registered postcode through --postcodes. See docs/charities.md.
        """)

    @Argument(help: ArgumentHelp("Register files (and classification tables), each recognised by its columns.", valueName: "register"))
    public var registers: [String]

    @Option(name: .customLong("by"), help: "imd-decile, local-authority, region, income-band, activity or trading-subsidiary.")
    public var by: CharityKey

    @Option(help: "An ONS postcode directory CSV (NSPL/ONSPD layout): needed for imd-decile, local-authority and region.")
    public var postcodes: String?

    @Option(help: "English deprivation index: imd2019 or imd2025.") public var index: EnglishIndex = .imd2019
    @Option(help: "Output format: table, csv or json.") public var format: TableFormat = .table
    @Option(name: .shortAndLong, help: "The output file ('-' for standard output).") public var output: String = "-"

    public init() {}

    public func validate() throws {
      if registers.isEmpty { throw ValidationError("give at least one register file") }
      if registers.contains("") { throw ValidationError(InputOptions.emptyPathMessage) }
      if by.needsPlaces && postcodes == nil {
        throw ValidationError("--by \(by.rawValue) places charities by their postcode: give a postcode directory with --postcodes")
      }
    }

    /// Reads the registers, counts their charities and writes the result.
    /// - Throws: `ExitStatus.refusedTable` for a file that is not a register;
    ///   `ExitStatus.unreadable` when a file cannot be read.
    public func run() async throws {
      let registerSet: CharityRegisterSet
      do {
        registerSet = try CharityRegisterSet(reading: registers.map { URL(fileURLWithPath: $0) })
      } catch let error as CharityRegisterError {
        Diagnostics.error(error.description)
        throw ExitStatus.refusedTable
      } catch let error as FeedError {
        Diagnostics.error(error.description)
        throw ExitStatus.unreadable
      }
      var counter: CharityCounter
      if by.needsPlaces, let postcodes {
        do {
          // Only the charities' own postcodes are kept of the directory's millions.
          let table = try PostcodeTable(
            contentsOf: URL(fileURLWithPath: postcodes), prefer2021: index == .imd2025, only: registerSet.postcodes)
          counter = CharityCounter(key: by, geography: try Geography(englishIndex: index), postcodes: table)
        } catch let error as FeedError {
          Diagnostics.error(error.description)
          throw ExitStatus.unreadable
        }
      } else {
        counter = CharityCounter(key: by)
      }
      if by == .activity, registerSet.classificationFiles.isEmpty,
        registerSet.files.contains(where: { $0.kind == .englandAndWales })
      {
        Diagnostics.note("England and Wales charities say how they work in publicextract.charity_classification: give that file too")
      }
      if by == .tradingSubsidiary, registerSet.annualReturnFiles.isEmpty {
        Diagnostics.note("trading subsidiaries are in the annual return part A table (publicextract.charity_annual_return_parta): give that file too")
      }
      for charity in registerSet.charities { counter.add(charity) }
      let result = counter.result()
      try TableFormat.write(format.text(of: result), to: output)
    }
  }
}
