public import Foundation

/// Where tests write their files: one folder per test process under the system's temporary
/// folder, removed with everything in it when the process exits, so that test runs leave
/// nothing behind.
public enum ScratchSpace {
  /// This process's folder (`giving-tests-PID`), made on first use.
  public static let root: URL = {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("giving-tests-\(getpid())")
    try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    atexit { try? FileManager.default.removeItem(at: ScratchSpace.root) }
    return url
  }()
}
