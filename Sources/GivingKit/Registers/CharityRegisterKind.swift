/// The UK charity register a file comes from, recognised by its columns.
public enum CharityRegisterKind: String, Sendable, Hashable, Codable, CaseIterable {
  /// The Charity Commission for England and Wales register extract, `publicextract.charity`
  /// (JSON or tab-separated text).
  case englandAndWales = "ccew"
  /// The Scottish Charity Regulator's register CSV.
  case scotland = "oscr"
  /// The Charity Commission for Northern Ireland's register CSV.
  case northernIreland = "ccni"

  /// The register's name in prose.
  public var title: String {
    switch self {
    case .englandAndWales: "Charity Commission for England and Wales register extract"
    case .scotland: "OSCR Scottish Charity Register"
    case .northernIreland: "Charity Commission for Northern Ireland register"
    }
  }

  /// The org-id prefix of its charities' identifiers (`GB-CHC-1000001`, `GB-SC-SC012345`,
  /// `GB-NIC-100002`).
  public var identifierPrefix: String {
    switch self {
    case .englandAndWales: "GB-CHC-"
    case .scotland: "GB-SC-"
    case .northernIreland: "GB-NIC-"
    }
  }

  /// The columns giving reads, in the regulator's own spelling: number, name, status,
  /// postcode (CCNI: the address that ends with it), income. A file must have them all.
  /// Headings are matched without case, spaces or underscores.
  var requiredColumns: [String] {
    switch self {
    case .englandAndWales:
      ["registered_charity_number", "charity_name", "charity_registration_status", "charity_contact_postcode", "latest_income"]
    case .scotland: ["Charity Number", "Charity Name", "Charity Status", "Postcode", "Most recent year income"]
    case .northernIreland: ["Reg charity number", "Charity name", "Status", "Public address", "Total income"]
    }
  }

  /// Columns read when present: the linked-charity number (England and Wales), the company
  /// number, and what the charity does (Scotland and Northern Ireland in the register itself;
  /// England and Wales in its classification table).
  var linkedColumn: String? { self == .englandAndWales ? "linked_charity_number" : nil }
  var companyColumn: String? {
    switch self {
    case .englandAndWales: "charity_company_registration_number"
    case .scotland: nil
    case .northernIreland: "Company number"
    }
  }
  var activitiesColumn: String? {
    switch self {
    case .englandAndWales: nil
    case .scotland: "Activities"
    case .northernIreland: "How the charity works"
    }
  }
}
