/// Warnings for numeric spreadsheet cells that sit in text columns and probably lost
/// something on the way in: a date typed as a number (`42912`), or an identifier whose leading
/// zeros a spreadsheet dropped (company number `9506232`).
enum NumericCellWarnings {
  /// Fields holding dates, by their last path segment.
  static let dateFields: Set<String> = [
    "awardDate", "startDate", "endDate", "dateModified", "transactionDate", "valueDate", "issued", "modified",
  ]
  /// Fields holding identifiers or numbers written as text, where leading zeros matter.
  static let numberStringFields: Set<String> = [
    "id", "companyNumber", "charityNumber", "postalCode", "telephone", "code", "geoCode",
  ]

  /// The warning for numeric cell text `number` going into the string field at `path`, if any.
  static func message(number: String, heading: String, path: String) -> String? {
    let field = path.split(separator: "/").last.map(String.init) ?? path
    if dateFields.contains(field) {
      guard let serial = Int(number.split(separator: ".").first ?? ""), serial > 0, serial < 2_958_466 else {
        return nil
      }
      return "\(heading) holds the number \(number), which looks like an Excel date serial for \(excelDate(serial)): "
        + "format the cells as dates or write them as YYYY-MM-DD"
    }
    if numberStringFields.contains(field), !number.contains("."), !number.contains("E"), !number.contains("e") {
      var message = "\(heading) holds the number \(number), stored as a number rather than text: any leading zeros have been lost"
      if field == "companyNumber", number.count < 8 {
        message += " (UK company numbers have 8 characters: '\(String(repeating: "0", count: 8 - number.count) + number)'?)"
      }
      return message + "; format the column as text"
    }
    return nil
  }

  /// The `YYYY-MM-DD` an Excel serial means in the 1900 date system (serial 60 is Excel's
  /// phantom 29 February 1900).
  static func excelDate(_ serial: Int) -> String {
    if serial == 60 { return "1900-02-29" }
    return SerialDate.date(serial: Double(serial), date1904: false)?.isoDate ?? String(serial)
  }
}
