public import Foundation
internal import GivingSchemas

/// The bundled UK geography and deprivation tables (see `PROVENANCE.md` beside this file):
/// the four nations' deprivation indices per small area, population, and the ONS lookups from
/// wards, MSOAs and local authorities to small areas. Nothing is fetched at run time.
public enum GivingGeography {
  /// The folder holding the CSV tables (`imd2019_england_lsoa11.csv`, `lookup_ward_lad.csv`, …).
  public static var directory: URL {
    ResourceFolder.locate(bundle: "giving_GivingGeography.resources", folder: "Tables", source: #filePath)
  }
}
