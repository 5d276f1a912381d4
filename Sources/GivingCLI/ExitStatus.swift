public import ArgumentParser

/// giving's documented exit codes (see docs/usage.md).
public enum ExitStatus {
  /// Success: every file read (and, for `validate`, valid).
  public static let success = ExitCode(0)
  /// `validate`: some file has schema or codelist errors (with `--strict`, quality findings);
  /// `convert --strict`: the conversion gave warnings, so nothing was written.
  public static let findings = ExitCode(1)
  /// Some file could not be read: missing, unreadable, malformed or refused.
  public static let unreadable = ExitCode(2)
  /// The output may not be written: `convert --to sqlite` onto a file that exists (without
  /// `--append` or `--force`), or appending to a file that is not a giving database.
  public static let cannotWrite = ExitCode(73)
  /// Bad arguments (ArgumentParser's `ValidationError` exits with this too).
  public static let usage = ExitCode(64)
  /// `aggregate --org-types`: a row of the table cannot be used (sysexits' `EX_DATAERR`); nothing
  /// was added up.
  public static let refusedTable = ExitCode(65)
}
