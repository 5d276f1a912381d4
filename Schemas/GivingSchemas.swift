public import Foundation

/// The bundled 360Giving 1.4.3 schemas, codelists, extensions and org-id list (see
/// `PROVENANCE.md`). Nothing is fetched at run time.
public enum GivingSchemas {
  /// The folder holding `360-giving-schema.json`, `360-giving-package-schema.json`,
  /// `codelists/`, `extensions/` and `org-id/`.
  public static var directory: URL {
    Bundle.module.resourceURL!.appendingPathComponent("360Giving", isDirectory: true)
  }
}
